// Slots come from the server (`slot` on each cluster of /api/session): the reviewer's pins
// (the `slots` setting), the rest stable by path then creation order, so a reviewer's muscle
// memory for "3 = flowers" survives new clusters and re-ranking.

export interface SlottedCluster {
  name: string;
  count: number;
  slot?: number | null;
}

export function clusterForSlot<C extends SlottedCluster>(clusters: readonly C[], slot: number): C | null {
  return clusters.find((c) => c.slot === slot) ?? null;
}

export function slotOf(clusters: readonly SlottedCluster[], name: string): number | null {
  return clusters.find((c) => c.name === name)?.slot ?? null;
}

/** Display order: slotted clusters by slot (1..9), then the rest by name. */
export function orderClusters<C extends SlottedCluster>(clusters: readonly C[]): C[] {
  return [...clusters].sort((a, b) => {
    const sa = a.slot ?? Number.POSITIVE_INFINITY;
    const sb = b.slot ?? Number.POSITIVE_INFINITY;
    if (sa !== sb) return sa - sb;
    return a.name.localeCompare(b.name);
  });
}

/** Every slot 1-9 with its cluster or null, so the UI can show empty slots as free keys. */
export function slotTable<C extends SlottedCluster>(clusters: readonly C[]): Array<{ slot: number; cluster: C | null }> {
  return Array.from({ length: 9 }, (_, i) => ({ slot: i + 1, cluster: clusterForSlot(clusters, i + 1) }));
}

/**
 * The `slots` setting that puts `name` on `slot`: every cluster keeps the slot it shows now
 * (pinned from here on, so a new cluster can never shift them), and the one on `slot` moves
 * to `name`'s old slot, if it had one.
 */
export function pinSlot(clusters: readonly SlottedCluster[], name: string, slot: number): Array<string | null> {
  const table = slotTable(clusters).map((s) => s.cluster?.name ?? null);
  const old = table.indexOf(name);
  const displaced = table[slot - 1] ?? null;
  if (old >= 0) table[old] = displaced;
  table[slot - 1] = name;
  while (table.length > 0 && table[table.length - 1] === null) table.pop();
  return table;
}
