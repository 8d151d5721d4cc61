// What the reviewer is told when moves fail: which photos, and why. Pure, so the wording is
// tested without a server. A batch that moved some photos lists the rest; one that moved none
// comes back as a `moves_failed` error carrying the same list.
import { baseName } from './actionView';
import { count } from './format';

export interface FailedMove {
  item: string;
  reason: string;
}

/** Named one by one up to this many, then "and N more" (a toast is a few lines). */
const NAMED = 4;

/** "Could not move 2 photos (they stay in the queue): a.jpg: Operation not permitted; b.jpg: …" */
export function failedMovesText(failed: readonly FailedMove[]): string {
  if (failed.length === 0) return '';
  const named = failed.slice(0, NAMED).map((f) => `${baseName(f.item)}: ${f.reason}`);
  const more = failed.length > NAMED ? `; and ${failed.length - NAMED} more` : '';
  const stay = failed.length === 1 ? 'it stays' : 'they stay';
  return `Could not move ${count(failed.length, 'photo')} (${stay} in the queue): ${named.join('; ')}${more}`;
}

/** The failed moves an API error carries (`moves_failed`), or none. */
export function failuresOf(err: unknown): FailedMove[] {
  const failed: unknown = (err as { failed?: unknown } | null)?.failed;
  return Array.isArray(failed) ? failed.filter(isFailedMove) : [];
}

export function isFailedMove(f: unknown): f is FailedMove {
  const o = f as { item?: unknown; reason?: unknown } | null;
  return typeof o?.item === 'string' && typeof o.reason === 'string';
}

/** An auto-move rule the evidence does not guarantee: said before the button, never after. */
export function unprovenText(est: { guaranteed: boolean; count: number; threshold: number } | null | undefined): string | null {
  if (!est || est.guaranteed || est.count === 0) return null;
  return `No guaranteed rule covers threshold ${est.threshold.toFixed(2)}: the precision of this auto-move is unproven. Check the dry run below, or use the recommended rule once there is one.`;
}
