import { describe, expect, it } from 'vitest';
import { clusterNameProblem, paletteOptions } from './palette';

const clusters = [
  { name: 'birds', count: 3, slot: 1 },
  { name: 'coins', count: 2, slot: 2 },
  { name: 'wild birds', count: 1, slot: 3 },
  { name: 'fruit', count: 4, slot: null },
];

const names = (q: string) => paletteOptions(clusters, q).map((o) => (o.kind === 'cluster' ? o.cluster.name : `+${o.name}`));

describe('paletteOptions', () => {
  it('lists every cluster by slot for an empty query, with no create option', () => {
    expect(names('')).toEqual(['birds', 'coins', 'wild birds', 'fruit']);
  });

  it('ranks exact, prefix, word prefix, substring, then letters in order', () => {
    expect(names('birds')).toEqual(['birds', 'wild birds']);
    expect(names('bi')).toEqual(['birds', 'wild birds', '+bi']);
    expect(names('oin')).toEqual(['coins', '+oin']);
    expect(names('fr')).toEqual(['fruit', '+fr']);
    expect(names('frt')).toEqual(['fruit', '+frt']);
  });

  it('offers create first when nothing matches', () => {
    expect(names('mammals')).toEqual(['+mammals']);
  });

  it('never offers to create an existing name, whatever the case', () => {
    expect(names('BIRDS')).toEqual(['birds', 'wild birds']);
  });

  it('refuses names the server would refuse', () => {
    expect(names('.hidden')).toEqual([]);
    expect(names('a//b')).toEqual([]);
    expect(names('Trips/.x')).toEqual([]);
    expect(names('Trips/CON')).toEqual([]);
    expect(names('a\\b')).toEqual([]);
    expect(clusterNameProblem('Trips/')).toContain('empty folder');
    expect(clusterNameProblem('Trips/a:b')).toContain('folder "a:b"');
    expect(clusterNameProblem('ok name')).toBeNull();
    expect(clusterNameProblem('  ')).not.toBeNull();
    expect(clusterNameProblem('x'.repeat(201))).not.toBeNull();
  });
});

describe('paletteOptions on nested clusters', () => {
  const tree = [
    { name: 'Trips/2023/Paris', count: 2, slot: 1 },
    { name: 'Trips/2024/Rome', count: 1, slot: 2 },
    { name: 'birds', count: 1, slot: 3 },
    { name: 'birds/owls', count: 1, slot: 4 },
  ];
  const pick = (q: string) => paletteOptions(tree, q).map((o) => (o.kind === 'cluster' ? o.cluster.name : `+${o.name}`));

  it('matches any folder of the path, its own folder first', () => {
    expect(pick('rome')).toEqual(['Trips/2024/Rome', '+rome']);
    expect(pick('trips')).toEqual(['Trips/2023/Paris', 'Trips/2024/Rome', '+trips']);
    expect(pick('2023')).toEqual(['Trips/2023/Paris', '+2023']);
    expect(pick('owls')).toEqual(['birds/owls', '+owls']);
  });

  it('creates a nested path as typed, trimmed around each folder', () => {
    expect(pick('Trips / Rome ')).toEqual(['+Trips/Rome']);
    expect(pick('trips/2024/rome')).toEqual(['Trips/2024/Rome']);
  });
});
