// Clusters are folders at any depth under dest, named by their `/`-separated path
// (`Trips/2023/Paris`). This is how the UI splits, shortens and nests those paths.

export function segments(path: string): string[] {
  return path.split('/');
}

export function lastSegment(path: string): string {
  const parts = segments(path);
  return parts[parts.length - 1] ?? path;
}

/**
 * The path split into the part before the last folder and the last folder itself, with the
 * leading part shortened (`Trips/…/2023/`) once it is longer than `max` characters: the last
 * folder is what tells clusters apart, so it is never cut.
 */
export function elidePath(path: string, max = 28): { head: string; last: string } {
  const parts = segments(path);
  const last = parts.pop() ?? path;
  if (parts.length === 0) return { head: '', last };
  const full = `${parts.join('/')}/`;
  if (full.length <= max) return { head: full, last };
  // Keep the first folder (where the tree starts) and as many of the nearest ones as fit.
  const first = parts[0] ?? '';
  const kept: string[] = [];
  let length = first.length + 3;
  for (let i = parts.length - 1; i > 0; i--) {
    const part = parts[i] ?? '';
    if (length + part.length + 1 > max && kept.length > 0) break;
    kept.unshift(part);
    length += part.length + 1;
  }
  const dropped = parts.length - 1 - kept.length;
  if (dropped <= 0) return { head: full, last };
  return { head: `${first}/…/${kept.length ? `${kept.join('/')}/` : ''}`, last };
}

export interface TreeNode<C> {
  /** Full path of this folder. */
  path: string;
  /** This folder's own name. */
  name: string;
  /** The cluster this folder is, or null for a parent that only holds clusters. */
  cluster: C | null;
  children: TreeNode<C>[];
}

/**
 * Clusters nested by path; parents that are not clusters themselves become headings. A heading
 * with a single folder below it is shown as one row with it (`2023/Paris`, as editors show
 * compact folders), so a deep archive does not spend a line and an indent per folder.
 */
export function clusterTree<C extends { name: string }>(clusters: readonly C[]): TreeNode<C>[] {
  return nestedTree(clusters).map(compact);
}

function compact<C>(node: TreeNode<C>): TreeNode<C> {
  let n = node;
  while (n.cluster === null && n.children.length === 1) {
    const only = n.children[0] as TreeNode<C>;
    n = { ...only, name: `${n.name}/${only.name}` };
  }
  return { ...n, children: n.children.map(compact) };
}

function nestedTree<C extends { name: string }>(clusters: readonly C[]): TreeNode<C>[] {
  const root: TreeNode<C>[] = [];
  const byPath = new Map<string, TreeNode<C>>();
  const sorted = [...clusters].sort((a, b) => comparePaths(a.name, b.name));
  for (const c of sorted) {
    const parts = segments(c.name);
    let level = root;
    for (let depth = 1; depth <= parts.length; depth++) {
      const path = parts.slice(0, depth).join('/');
      let node = byPath.get(path);
      if (!node) {
        node = { path, name: parts[depth - 1] ?? path, cluster: null, children: [] };
        byPath.set(path, node);
        level.push(node);
      }
      if (depth === parts.length) node.cluster = c;
      level = node.children;
    }
  }
  return root;
}

/** Folder by folder, case-insensitively, so `Trips/2023` sorts before `Trips 2`. */
export function comparePaths(a: string, b: string): number {
  const pa = segments(a);
  const pb = segments(b);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const c = (pa[i] ?? '').localeCompare(pb[i] ?? '', undefined, { sensitivity: 'base', numeric: true });
    if (c !== 0) return c;
  }
  return pa.length - pb.length;
}
