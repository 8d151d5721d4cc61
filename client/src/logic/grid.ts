// A grid of photos with ticks: where the focus goes on an arrow key, and what a grid filing
// sends (the ticked photos, and in a cluster's grid the unticked ones as rejections).

import { count } from './format';

export const GRID_COLUMNS = 6;

/** The focus after moving by (dx, dy) in a grid of `n` photos, `cols` a row; stays inside. */
export function moveFocus(index: number, dx: number, dy: number, n: number, cols = GRID_COLUMNS): number {
  if (n === 0) return 0;
  const next = index + dx + dy * cols;
  if (next < 0 || next >= n) return Math.min(Math.max(index + dx, 0), n - 1);
  return next;
}

export type GridMode = 'grid' | 'similar' | 'discover' | 'search';

export interface GridFiling {
  mode: GridMode;
  cluster: string;
  ticked: string[];
  unticked: string[];
  create: boolean;
}

/** A grid's tile: one photo, or a stack (a burst) that `frames` lists whole, this photo first. */
export interface GridTile {
  item: string;
  frames?: readonly string[] | null;
}

/** What a tile files: every frame of its stack, or the photo alone. */
export const tileFrames = (t: GridTile): readonly string[] => (t.frames?.length ? t.frames : [t.item]);

/** The `×5` of a stack's tile; null for a single photo. */
export function stackCount(t: GridTile): string | null {
  return t.frames && t.frames.length > 1 ? `×${t.frames.length}` : null;
}

/**
 * What to send for these tiles: a stack's tile stands for all its frames. Unticked photos are
 * rejections only in a cluster's grid.
 */
export function gridFiling(mode: GridMode, cluster: string, tiles: readonly GridTile[], unticked: ReadonlySet<string>, create = false): GridFiling {
  return {
    mode,
    cluster,
    ticked: tiles.filter((t) => !unticked.has(t.item)).flatMap(tileFrames),
    unticked: mode === 'grid' ? tiles.filter((t) => unticked.has(t.item)).flatMap(tileFrames) : [],
    create,
  };
}

/** `t`: untick everything when all are ticked, else tick everything. */
export function toggleAll(items: readonly string[], unticked: ReadonlySet<string>): Set<string> {
  return unticked.size === 0 ? new Set(items) : new Set();
}

/** Why some photos are not in a cluster's grid: reviewing them there would cost more than one
 * by one (unticking plus the later decision), by the tool's own estimate. */
export function leftText(left: number, breakEven: number | null): string {
  const cut = breakEven === null ? '' : ` (less than ${Math.round(breakEven * 100)}% likely to belong)`;
  return `${count(left, 'photo')} left for one by one${cut}: a grid would cost more than it saves for them.`;
}

/** Why some photos of the proposed groups are not shown: each is not likely enough to belong
 * to its group (a group left with fewer than two photos is not proposed at all). */
export function groupsLeftText(left: number, breakEven: number, groupsShown: number): string {
  const cut = `less than ${Math.round(breakEven * 100)}% likely to belong to their group`;
  const why = groupsShown ? 'naming them with it would cost more than it saves' : 'no group is likely enough yet (the tool learns from your decisions)';
  return `${count(left, 'photo')} left for one by one (${cut}): ${why}.`;
}
