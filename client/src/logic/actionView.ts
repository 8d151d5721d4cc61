// How a journal line is shown: what happened in words, which picture goes with it and how
// to reach that picture now (files move, so the URL depends on where the photo is today).
import type { components } from '../api/schema';
import type { ImageRoot } from '../api/urls';

/** One journal line as the API serves it: a union tagged on `type`, one member per kind. */
export type JournalLine = components['schemas']['ActionRecord'];

/** Where a line put its photo (relative to dest): a filing's or a trashing's `dst`. */
export function dstOf(rec: JournalLine | undefined): string | null {
  return rec?.type === 'assign' || rec?.type === 'delete' ? rec.dst : null;
}

/** The source item an undo line brought its photo back to. */
export function restoredItem(rec: JournalLine | undefined): string | null {
  return rec?.type === 'undo' ? (rec.restore_to ?? rec.item ?? null) : null;
}

/** " · manual · local": who acted, for the lines that say (not every kind does). */
export function whoOf(rec: JournalLine): string {
  const by = 'by' in rec && typeof rec.by === 'string' ? rec.by : null;
  const reviewer = 'reviewer' in rec && typeof rec.reviewer === 'string' ? rec.reviewer : null;
  return [by, reviewer].map((x) => (x ? ` · ${x}` : '')).join('');
}

export const TRASH_PREFIX = '.clustering/trash/';

/** Journal types that are about one photo: they get a thumbnail and a playback step. */
export const PHOTO_TYPES = new Set(['assign', 'delete', 'skip', 'undo']);

export interface PhotoRef {
  item: string;
  root: ImageRoot;
}

/** Where a journal line's `dst` puts its photo: a cluster under dest, or the trash. */
function refOfDst(dst: string): PhotoRef {
  if (dst.startsWith(TRASH_PREFIX)) return { item: dst.slice(TRASH_PREFIX.length), root: 'trash' };
  return { item: dst, root: 'dest' };
}

/**
 * Where each photo that left the source lives now, by its source item: replaying the journal
 * in order, a move puts it at its `dst`, an undo brings it back. A line that only names a
 * source item (a skip, an undo) is looked up here, so a photo skipped and later trashed is
 * fetched from the trash instead of 404ing in the source.
 */
export function placesNow(records: readonly JournalLine[]): Map<string, PhotoRef> {
  const out = new Map<string, PhotoRef>();
  for (const r of records) {
    if ((r.type === 'assign' || r.type === 'delete') && r.item && r.dst) out.set(r.item, refOfDst(r.dst));
    else if (r.type === 'undo') {
      if (r.item) out.delete(r.item);
      if (r.restore_to) out.delete(r.restore_to);
    }
  }
  return out;
}

/**
 * Where the photo of a journal line can be fetched now. An assign lives in its cluster
 * (`dst`, relative to dest) unless it was undone, in which case the undo put it back in the
 * source. A delete lives in the trash: `dst` is `.clustering/trash/<path>` relative to dest,
 * which the image route serves as `<path>` under `root=trash` (dest refuses dot-folders).
 * A photo in the source may have moved on since (`now`, from `placesNow`).
 */
export function photoOf(
  rec: JournalLine,
  undoOf: ReadonlyMap<number, JournalLine>,
  now: ReadonlyMap<string, PhotoRef> = new Map(),
): PhotoRef | null {
  const source = (item: string | null | undefined): PhotoRef | null =>
    item ? (now.get(item) ?? { item, root: 'source' }) : null;
  const undo = undoOf.get(rec.seq);
  switch (rec.type) {
    case 'assign':
    case 'delete': {
      if (undo?.type === 'undo' && undo.restore_to) return source(undo.restore_to);
      if (!rec.dst) return source(rec.item);
      return refOfDst(rec.dst);
    }
    case 'skip':
      return source(rec.item);
    case 'undo':
      return source(rec.restore_to ?? rec.item);
    default:
      return null;
  }
}

/** seq -> the undo line that reversed it. */
export function undoIndex<R extends JournalLine>(records: readonly R[]): Map<number, R> {
  const out = new Map<number, R>();
  for (const r of records) if (r.type === 'undo') out.set(r.undoes, r);
  return out;
}

export function baseName(path: string | null | undefined): string {
  if (!path) return '';
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

/** One line of prose for a journal record, e.g. "IMG_1.jpg → birds". */
export function describe(rec: JournalLine, bySeq?: ReadonlyMap<number, JournalLine>): string {
  switch (rec.type) {
    case 'assign':
      return `${baseName(rec.item)} → ${rec.cluster ?? baseName(rec.dst)}`;
    case 'delete':
      return `${baseName(rec.item)} → trash`;
    case 'skip':
      return `${baseName(rec.item)} skipped to the end of the queue`;
    case 'undo': {
      const target = bySeq?.get(rec.undoes);
      const what = target ? `${target.type} #${target.seq}` : `#${rec.undoes}`;
      return rec.item ? `undid ${what}: ${baseName(rec.item)} back in the queue` : `undid ${what}`;
    }
    case 'cluster-create':
      return `created cluster ${rec.cluster}`;
    case 'shuffle':
      return 'shuffled the queue';
    case 'settings':
      return 'changed settings';
    case 'auto-batch-start':
      return `auto-move batch ${rec.batch} started`;
    case 'auto-batch-end':
      return `auto-move batch ${rec.batch} finished`;
    case 'order':
      return `ordered the queue: ${rec.order}`;
    case 'grid-batch-start':
      return `grid (${rec.mode}) into ${rec.cluster}`;
    case 'grid-batch-end':
      return `grid batch ${rec.batch} finished`;
    case 'folders-batch-start':
      return `filed the source's folders as clusters: ${Object.keys(rec.folders).join(', ')}`;
    case 'folders-batch-end':
      return `folders batch ${rec.batch} finished`;
    case 'trash-batch-start':
      return `kept ${baseName(rec.kept)}, trashing its duplicates`;
    case 'trash-batch-end':
      return `duplicates batch ${rec.batch} finished`;
    case 'stack-pull':
      return `${baseName(rec.item)} taken out of its stack`;
    case 'abort':
      return 'a file operation was rolled back';
    case 'recovery':
      return 'start-up recovery';
    default: {
      // Every kind the API names is handled above; a line from a newer server shows its type.
      const unknown: never = rec;
      return String((unknown as { type?: unknown }).type);
    }
  }
}

export type TypeFilter = 'all' | 'assign' | 'delete' | 'skip' | 'undo' | 'other';
export type ByFilter = 'all' | 'manual' | 'auto';

export interface LogFilter {
  type: TypeFilter;
  by: ByFilter;
}

export function matchesFilter(rec: JournalLine, f: LogFilter): boolean {
  if (f.type !== 'all') {
    if (f.type === 'other') {
      if (PHOTO_TYPES.has(rec.type)) return false;
    } else if (rec.type !== f.type) return false;
  }
  if (f.by !== 'all') {
    // Undo lines carry no `by`; they belong to the manual side (a person pressed undo),
    // unless they reverse a batch.
    const by = rec.type === 'assign' || rec.type === 'delete' ? rec.by : rec.type === 'undo' ? (rec.batch ? 'auto' : 'manual') : null;
    if (by !== f.by) return false;
  }
  return true;
}

/** The photo steps of the session, oldest first, for playback. */
export function playbackSteps<R extends JournalLine>(records: readonly R[], f: LogFilter): R[] {
  return records.filter((r) => PHOTO_TYPES.has(r.type) && matchesFilter(r, f));
}
