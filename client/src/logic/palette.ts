// The `/` palette: rank clusters against what the reviewer typed, and offer to create the
// typed name when no cluster has it. Ranking: exact, prefix, word prefix, substring, then
// letters in order (so "bd" finds "birds").

export interface PaletteCluster {
  name: string;
  count: number;
  slot?: number | null;
}

export type PaletteOption<C extends PaletteCluster = PaletteCluster> =
  | { kind: 'cluster'; cluster: C }
  | { kind: 'create'; name: string };

function score(name: string, query: string): number | null {
  const n = name.toLowerCase();
  const q = query.toLowerCase();
  if (!q) return 0;
  if (n === q) return 100;
  if (n.startsWith(q)) return 80;
  if (n.split(/[\s_\-.]+/).some((w) => w.startsWith(q))) return 60;
  if (n.includes(q)) return 40;
  let i = 0;
  for (const ch of n) if (ch === q[i]) i += 1;
  return i === q.length ? 20 : null;
}

export function paletteOptions<C extends PaletteCluster>(clusters: readonly C[], query: string): PaletteOption<C>[] {
  const q = query.trim();
  const ranked = clusters
    .map((c) => ({ c, s: score(c.name, q) }))
    .filter((x): x is { c: C; s: number } => x.s !== null)
    .sort((a, b) => b.s - a.s || (a.c.slot ?? 99) - (b.c.slot ?? 99) || a.c.name.localeCompare(b.c.name))
    .map((x): PaletteOption<C> => ({ kind: 'cluster', cluster: x.c }));
  const exists = clusters.some((c) => c.name.toLowerCase() === q.toLowerCase());
  if (q && !exists && clusterNameProblem(q) === null) {
    // With no match at all, creating is the obvious intent: put it first so Enter does it.
    const create: PaletteOption<C> = { kind: 'create', name: q };
    return ranked.length === 0 ? [create] : [...ranked, create];
  }
  return ranked;
}

/**
 * Why a new cluster name would be refused, mirroring the server's rule (a single folder
 * name, not hidden, no separators) so the palette can say so before a round trip. The server
 * still validates; its message wins if the two ever disagree.
 */
export function clusterNameProblem(name: string): string | null {
  const n = name.trim();
  if (!n) return 'type a name';
  if (n.startsWith('.')) return 'a cluster name cannot start with "."';
  if (/[/\\]/.test(n)) return 'a cluster name cannot contain / or \\';
  if (n.includes('\u0000')) return 'a cluster name cannot contain NUL';
  if (new TextEncoder().encode(n).length > 200) return 'a cluster name is at most 200 bytes';
  return null;
}
