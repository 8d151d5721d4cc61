// Stacks (bursts shown as one item) and duplicate groups, as pure functions over the server's
// lists: which queue entries a stack hides, which frames one decision files, what a badge says.
import type { Schemas } from '../api/client';

export type StackInfo = Schemas['StackInfo'];
export type DuplicateGroup = Schemas['DuplicateGroupInfo'];

/** Every frame's stack, by item. */
export function stackIndex(stacks: readonly StackInfo[]): Map<string, StackInfo> {
  const index = new Map<string, StackInfo>();
  for (const s of stacks) for (const item of s.items) index.set(item, s);
  return index;
}

/**
 * The queue with each stack shown once, as its face (its first frame in capture order) where
 * the face stands in the queue; the other frames are hidden. So skipping the face skips the
 * stack, and a stack whose face lies beyond the queue window shows up when the face does.
 */
export function collapseStacks<Q extends { item: string }>(items: readonly Q[], index: ReadonlyMap<string, StackInfo>): Q[] {
  if (index.size === 0) return [...items];
  return items.filter((q) => {
    const stack = index.get(q.item);
    return !stack || stack.face === q.item;
  });
}

/** The frames one decision on `item` files: its whole stack (without frames already gone), or
 * null when it stands alone (or is the only frame left). */
export function framesOf(item: string, index: ReadonlyMap<string, StackInfo>, gone: Readonly<Record<string, unknown>> = {}): string[] | null {
  const stack = index.get(item);
  if (!stack) return null;
  const frames = stack.items.filter((i) => i === item || !(i in gone));
  return frames.length > 1 ? [item, ...frames.filter((i) => i !== item)] : null;
}

/** The stage's name for a stack: `IMG_1_01.jpg ×4`. */
export function stackName(name: string, frames: number): string {
  return `${name} ×${frames}`;
}

/** Every duplicate group a photo belongs to, by item. */
export function duplicateIndex(groups: readonly DuplicateGroup[]): Map<string, DuplicateGroup> {
  const index = new Map<string, DuplicateGroup>();
  for (const g of groups) for (const c of g.items) index.set(c.item, g);
  return index;
}

/** The badge of a photo in a duplicate group. */
export function duplicateBadge(group: DuplicateGroup): string {
  const others = group.items.length - 1;
  return group.kind === 'exact' ? `exact duplicate ×${others + 1}` : `near duplicate ×${others + 1}`;
}

/** "1024×768 · sharpness 312" for a candidate of a duplicate group. */
export function candidateText(c: DuplicateGroup['items'][number]): string {
  const size = c.width && c.height ? `${c.width}×${c.height}` : 'size unknown';
  const sharp = c.sharpness !== null ? ` · sharpness ${Math.round(c.sharpness)}` : '';
  return `${size}${sharp}`;
}
