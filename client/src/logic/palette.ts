// The `/` palette: rank clusters against what the reviewer typed, and offer to create the
// typed name when no cluster has it. A cluster is a path (`Trips/2023/Paris`), so any folder
// of it matches. Ranking: exact, last folder exact, prefix, any folder's prefix, word prefix,
// substring, then letters in order (so "bd" finds "birds").

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
  const folders = n.split('/');
  const last = folders[folders.length - 1] ?? n;
  if (last === q) return 90;
  if (n.startsWith(q)) return 80;
  if (last.startsWith(q)) return 75;
  if (folders.some((f) => f.startsWith(q))) return 70;
  if (n.split(/[\s_\-./]+/).some((w) => w.startsWith(q))) return 60;
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
  const path = cleanClusterPath(q);
  const exists = clusters.some((c) => c.name.toLowerCase() === path.toLowerCase());
  if (q && !exists && clusterNameProblem(q) === null) {
    // With no match at all, creating is the obvious intent: put it first so Enter does it.
    const create: PaletteOption<C> = { kind: 'create', name: path };
    return ranked.length === 0 ? [create] : [...ranked, create];
  }
  return ranked;
}

const WINDOWS_FORBIDDEN = /[<>:"|?*]/;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const CONTROL = /\p{Cc}/u; // U+0000-001F and U+007F-009F

/**
 * Why a new cluster path would be refused, mirroring the server's rule (folders separated by
 * `/`, each one a name Windows, macOS and Linux can all hold, none hidden) so the palette can
 * say so before a round trip. The server still validates; its message wins if the two ever
 * disagree.
 */
export function clusterNameProblem(name: string): string | null {
  const n = name.trim();
  if (!n) return 'type a name';
  if (n.includes('\\')) return 'separate folders with /, not \\';
  const parts = n.split('/').map((p) => p.trim());
  if (parts.some((p) => !p)) return 'a cluster path cannot have an empty folder (a leading, trailing or doubled /)';
  if (parts.length > 32) return 'a cluster path is at most 32 folders deep';
  if (new TextEncoder().encode(parts.join('/')).length > 1000) return 'a cluster path is at most 1000 bytes';
  for (const p of parts) {
    const where = parts.length > 1 ? `folder "${p}": ` : '';
    if (p.startsWith('.')) return `${where}a folder name cannot start with "."`;
    if (CONTROL.test(p)) return `${where}a folder name cannot hold control characters`;
    if (BIDI_CONTROLS.test(p)) return `${where}a folder name cannot hold text-direction controls`;
    if (WINDOWS_FORBIDDEN.test(p)) return `${where}a folder name cannot hold < > : " | ? *`;
    if (/[. ]$/.test(p)) return `${where}a folder name cannot end with a dot or a space`;
    if (WINDOWS_RESERVED.test((p.split('.')[0] ?? '').trimEnd())) return `${where}"${p}" is a reserved name on Windows`;
    if (new TextEncoder().encode(p).length > 200) return `${where}a folder name is at most 200 bytes`;
  }
  return null;
}

/** The path the server will make of a typed name: whitespace around each folder trimmed. */
export function cleanClusterPath(name: string): string {
  return name
    .trim()
    .split('/')
    .map((p) => p.trim())
    .join('/');
}
