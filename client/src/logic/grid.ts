// A grid of photos with ticks: where the focus goes on an arrow key, and what a grid filing
// sends (the ticked photos, and in a cluster's grid the unticked ones as rejections).

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

/** What to send for these photos: unticked photos are rejections only in a cluster's grid. */
export function gridFiling(mode: GridMode, cluster: string, items: readonly string[], unticked: ReadonlySet<string>, create = false): GridFiling {
  return {
    mode,
    cluster,
    ticked: items.filter((i) => !unticked.has(i)),
    unticked: mode === 'grid' ? items.filter((i) => unticked.has(i)) : [],
    create,
  };
}

/** `t`: untick everything when all are ticked, else tick everything. */
export function toggleAll(items: readonly string[], unticked: ReadonlySet<string>): Set<string> {
  return unticked.size === 0 ? new Set(items) : new Set();
}
