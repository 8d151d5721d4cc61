// What the stage shows: the photo the keys act on (the queue head, or a photo seen before when
// looking back with ←), where its picture is now, and what the look-back banner says about it.
import type { QueueItem } from '../api/queries';
import { TRASH_PREFIX } from './actionView';
import type { HistoryEntry } from './review';
import { imageUrl } from '../api/urls';

/** The photo the keys act on right now. */
export interface Subject {
  item: string;
  name: string;
  suggestions: QueueItem['suggestions'];
  decodeError: string | null;
  /** A video shows its poster frame; Space plays it (logic/video.ts). */
  kind?: 'photo' | 'video';
  durationS?: number | null;
  /** The files that move with it (RAW twin, sidecars, Live video), when it is a group. */
  group?: QueueItem['group'];
}

export type Current =
  | { mode: 'live'; subject: Subject | null }
  /** Looking back with ←: the entry, and the subject when that photo is still queued. */
  | { mode: 'back'; entry: HistoryEntry; index: number; subject: Subject | null };

export type LookingBack = Extract<Current, { mode: 'back' }>;

export interface StageInfo {
  /** Identifies the picture across roots, so the stage reloads when the photo moved. */
  key: string;
  name: string;
  preview: string;
  thumb: string;
}

/** Which picture the stage shows: the queue head, or (looking back) wherever that photo is now. */
export function stageFor(current: Current): StageInfo | null {
  if (current.subject) {
    const s = current.subject;
    return { key: s.item, name: s.name, preview: imageUrl(s.item, 'preview'), thumb: imageUrl(s.item, 'thumb') };
  }
  if (current.mode === 'live') return null;
  const e = current.entry;
  if (e.status === 'done' && e.dst) {
    const trash = e.dst.startsWith(TRASH_PREFIX);
    const item = trash ? e.dst.slice(TRASH_PREFIX.length) : e.dst;
    const root = trash ? 'trash' : 'dest';
    return { key: `${root}:${item}`, name: e.name, preview: imageUrl(item, 'preview', root), thumb: imageUrl(item, 'thumb', root) };
  }
  return { key: `src:${e.item}`, name: e.name, preview: imageUrl(e.item, 'preview'), thumb: imageUrl(e.item, 'thumb') };
}

/** The look-back banner: what became of the photo, and what the keys do with it now. */
export function lookBackText(current: LookingBack): { what: string; hint: string } {
  const e = current.entry;
  let what: string;
  if (e.status === 'pending') what = 'saving…';
  else if (e.status === 'conflict' || e.status === 'failed') what = e.message ?? 'not saved';
  else if (e.status === 'undone') what = current.subject ? 'undone: back in the queue' : 'undone';
  else if (e.action === 'assign') what = `filed into ${e.cluster ?? '?'}`;
  else if (e.action === 'delete') what = 'moved to the trash';
  else what = current.subject ? 'skipped: still in the queue' : 'skipped';
  const canRefile = !current.subject && e.status === 'done' && e.action !== 'skip';
  const hint = current.subject ? ' · file it as usual' : canRefile ? ' · 1–9, Enter or / refile it · z undoes' : '';
  return { what, hint };
}
