import { describe, expect, it } from 'vitest';
import { clusterTree, comparePaths, elidePath, lastSegment } from './clusterPath';

describe('elidePath', () => {
  it('keeps short paths whole and splits off the last folder', () => {
    expect(elidePath('birds')).toEqual({ head: '', last: 'birds' });
    expect(elidePath('Trips/2023/Paris')).toEqual({ head: 'Trips/2023/', last: 'Paris' });
  });

  it('shortens the middle of a long path, never the first or last folder', () => {
    const { head, last } = elidePath('Archive/Family/Grandparents/Summer holidays/2019/Lake Como', 30);
    expect(last).toBe('Lake Como');
    expect(head.startsWith('Archive/…/')).toBe(true);
    expect(head.endsWith('2019/')).toBe(true);
    expect(head.length).toBeLessThanOrEqual(30);
  });

  it('gives the last folder of a path', () => {
    expect(lastSegment('Trips/2024/Rome')).toBe('Rome');
  });
});

describe('clusterTree', () => {
  it('nests clusters under parents that are headings unless they are clusters too', () => {
    const tree = clusterTree([{ name: 'birds/owls' }, { name: 'Trips/2024/Rome' }, { name: 'birds' }, { name: 'Trips/2023/Paris' }]);
    expect(tree.map((n) => [n.path, n.cluster?.name ?? null])).toEqual([
      ['birds', 'birds'],
      ['Trips', null],
    ]);
    const trips = tree[1]!;
    // A heading with one folder below it shares its row: `2023/Paris`.
    expect(trips.children.map((n) => [n.path, n.name, n.cluster?.name])).toEqual([
      ['Trips/2023/Paris', '2023/Paris', 'Trips/2023/Paris'],
      ['Trips/2024/Rome', '2024/Rome', 'Trips/2024/Rome'],
    ]);
    expect(tree[0]!.children.map((n) => n.name)).toEqual(['owls']);
  });

  it('keeps headings with several folders below them, and compacts deep chains', () => {
    const tree = clusterTree([{ name: 'A/B/C/x' }, { name: 'A/B/C/y' }, { name: 'A/B/C/y/z' }]);
    expect(tree.map((n) => [n.path, n.name, n.cluster])).toEqual([['A/B/C', 'A/B/C', null]]);
    expect(tree[0]!.children.map((n) => n.name)).toEqual(['x', 'y']);
    expect(tree[0]!.children[1]!.children.map((n) => n.path)).toEqual(['A/B/C/y/z']);
  });

  it('sorts folder by folder, numbers by value', () => {
    expect(['a/10', 'a/9', 'a b', 'a'].sort(comparePaths)).toEqual(['a', 'a/9', 'a/10', 'a b']);
  });
});
