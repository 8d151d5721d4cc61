// What the reviewer is told when an action comes back: why a photo could not be filed, and
// what an undo brought back. Pure, so every wording is tested without a server.
import { baseName } from './actionView';
import { count } from './format';

/** Who filed what, as heard over SSE: lets a 409 say where the photo went. */
export type OthersFiled = Map<string, { cluster: string | null; reviewer: string | null; type: string }>;

/** The parts of an ApiError read here (status 0: the server could not be reached). */
export interface Failure {
  status: number;
  code: string;
  message: string;
}

/**
 * A rejected assign / delete / skip. `gone`: the photo is not coming back (409: someone else
 * got there first; 404 not_found: the file vanished), so the tab moves on and says why.
 */
export function rejection(subject: { item: string; name: string }, err: Failure, others: OthersFiled | null): { gone: boolean; message: string } {
  const gone = err.status === 409 || (err.status === 404 && err.code === 'not_found');
  let message = err.message;
  if (err.status === 0) message = `Not saved: the server cannot be reached. ${subject.name} is back on screen.`;
  else if (err.status === 409) message = conflictText(subject, err, others);
  return { gone, message };
}

function conflictText({ item, name }: { item: string; name: string }, err: Failure, others: OthersFiled | null): string {
  if (err.code !== 'not_queued') return err.message;
  const other = others?.get(item);
  if (other?.type === 'delete') return `Another reviewer already moved ${name} to the trash`;
  if (other?.cluster) return `Another reviewer already filed ${name} into ${other.cluster}`;
  return `Another reviewer already filed ${name}`;
}

/** The toast after an undo: which photo came back from where, or for a batch (a grid, a
 * stack, an auto-move) one action of how many moves: its start line and the folders it made
 * come back as undo lines too, but they are not moves. Only `type`, `item`, `cluster` and
 * `batch` are read, so any journal line (or a test's sketch of one) will do. */
export function describeUndo(
  records: ReadonlyArray<{ type: string; item?: unknown; cluster?: unknown; batch?: unknown }>,
  undone?: { actions: number; moves: number } | null,
): string {
  const undos = records.filter((r) => r.type === 'undo');
  const moves = undos.filter((r) => typeof r.item === 'string' && r.item);
  const batch = undos.length > 1 || undos.some((r) => typeof r.batch === 'string' && r.batch);
  if (batch) {
    const n = undone?.moves ?? moves.length;
    const actions = undone?.actions ?? 1;
    return `Undid ${count(actions, 'action')} (${count(n, 'move')}): the photos are back in the queue`;
  }
  const r = undos[0];
  if (!r) return 'Undone';
  const item = typeof r.item === 'string' ? r.item : null;
  if (typeof r.cluster === 'string' && r.cluster) return `Undid: ${baseName(item)} is back from ${r.cluster}`;
  return item ? `Undid: ${baseName(item)} is back in the queue` : 'Undone';
}
