// Videos in the review: where their bytes are (served with range requests, so the player can
// seek), the duration badge's text, and the Space key's link to the player on stage.
import type { Current } from './stage';
import { TRASH_PREFIX } from './actionView';
import { encodeItem, type ImageRoot } from '../api/urls';

/** As the server's formats.VIDEO_EXTENSIONS: a photo looked back at has no queue entry. */
const VIDEO_EXTENSIONS = ['.mp4', '.mov', '.m4v', '.avi', '.mkv', '.3gp'];

export function isVideoName(name: string): boolean {
  const lower = name.toLowerCase();
  return VIDEO_EXTENSIONS.some((ext) => lower.endsWith(ext) && lower.length > ext.length);
}

export function videoUrl(item: string, root?: ImageRoot): string {
  return `/api/video/${encodeItem(item)}${root ? `?root=${root}` : ''}`;
}

/** A player's clock: `0:07`, `1:05`, `1:02:03`; empty when the length is unknown. */
export function clockDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export interface StageVideo {
  /** The video's bytes, wherever the photo on stage is now. */
  src: string;
  durationS: number | null;
}

/** The video on stage, if the stage shows one (see `stageFor` for where each photo is). */
export function stageVideo(current: Current): StageVideo | null {
  const s = current.subject;
  if (s) return s.kind === 'video' ? { src: videoUrl(s.item), durationS: s.durationS ?? null } : null;
  if (current.mode === 'live') return null;
  const e = current.entry;
  if (!isVideoName(e.name)) return null;
  if (e.status === 'done' && e.dst) {
    const trash = e.dst.startsWith(TRASH_PREFIX);
    return { src: trash ? videoUrl(e.dst.slice(TRASH_PREFIX.length), 'trash') : videoUrl(e.dst, 'dest'), durationS: null };
  }
  return { src: videoUrl(e.item), durationS: null };
}

// Space reaches the player on stage through this one slot: the keymap's command runs far from
// the component that owns the <video> element.
let toggleListener: (() => void) | null = null;

/** The player on stage registers here; the returned function unregisters it. */
export function onVideoToggle(listener: () => void): () => void {
  toggleListener = listener;
  return () => {
    if (toggleListener === listener) toggleListener = null;
  };
}

/** Play or pause the video on stage; false when the stage shows no video. */
export function toggleVideo(): boolean {
  if (!toggleListener) return false;
  toggleListener();
  return true;
}
