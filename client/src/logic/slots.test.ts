import { describe, expect, it } from 'vitest';
import { clusterForSlot, orderClusters, pinSlot, slotOf, slotTable } from './slots';

const clusters = [
  { name: 'mammals', count: 4, slot: 3 },
  { name: 'birds', count: 3, slot: 1 },
  { name: 'zz-late', count: 0, slot: null },
  { name: 'coins', count: 9, slot: 2 },
  { name: 'apples', count: 1, slot: null },
];

describe('slots', () => {
  it('finds the cluster of a slot from the server-given slot, not list position', () => {
    expect(clusterForSlot(clusters, 1)?.name).toBe('birds');
    expect(clusterForSlot(clusters, 3)?.name).toBe('mammals');
    expect(clusterForSlot(clusters, 4)).toBeNull();
  });

  it('reports the slot of a cluster', () => {
    expect(slotOf(clusters, 'coins')).toBe(2);
    expect(slotOf(clusters, 'apples')).toBeNull();
    expect(slotOf(clusters, 'nope')).toBeNull();
  });

  it('orders slotted clusters by slot, then the rest by name', () => {
    expect(orderClusters(clusters).map((c) => c.name)).toEqual(['birds', 'coins', 'mammals', 'apples', 'zz-late']);
  });

  it('lists all nine slots, free ones as null', () => {
    const table = slotTable(clusters);
    expect(table).toHaveLength(9);
    expect(table[0]).toEqual({ slot: 1, cluster: clusters[1] });
    expect(table[8]).toEqual({ slot: 9, cluster: null });
  });
});

describe('pinSlot', () => {
  const clusters = [
    { name: 'birds', count: 1, slot: 1 },
    { name: 'Trips/2023/Paris', count: 1, slot: 2 },
    { name: 'coins', count: 1, slot: 3 },
    { name: 'late', count: 1, slot: null },
  ];

  it('swaps with the cluster on the chosen slot and pins the rest where they are', () => {
    expect(pinSlot(clusters, 'coins', 1)).toEqual(['coins', 'Trips/2023/Paris', 'birds']);
  });

  it('gives a cluster without a slot the chosen one', () => {
    expect(pinSlot(clusters, 'late', 2)).toEqual(['birds', 'late', 'coins']);
    expect(pinSlot(clusters, 'late', 5)).toEqual(['birds', 'Trips/2023/Paris', 'coins', null, 'late']);
  });
});
