import { describe, expect, it } from 'vitest';
import { gridFiling, moveFocus, toggleAll } from './grid';

describe('moveFocus', () => {
  it('moves by one across and by a row up and down, never out of the grid', () => {
    expect(moveFocus(0, 1, 0, 10, 6)).toBe(1);
    expect(moveFocus(1, 0, 1, 10, 6)).toBe(7);
    expect(moveFocus(7, 0, -1, 10, 6)).toBe(1);
    expect(moveFocus(0, -1, 0, 10, 6)).toBe(0);
    expect(moveFocus(9, 1, 0, 10, 6)).toBe(9);
    expect(moveFocus(5, 0, 1, 10, 6)).toBe(5); // no photo below: stay
    expect(moveFocus(0, 0, 0, 0, 6)).toBe(0);
  });
});

describe('gridFiling', () => {
  const items = ['a.jpg', 'b.jpg', 'c.jpg'];
  it('files the ticked photos and rejects the unticked ones in a cluster grid', () => {
    expect(gridFiling('grid', 'birds', items, new Set(['b.jpg']))).toEqual({
      mode: 'grid',
      cluster: 'birds',
      ticked: ['a.jpg', 'c.jpg'],
      unticked: ['b.jpg'],
      create: false,
    });
  });
  it('says nothing about unticked photos of more-like-this', () => {
    expect(gridFiling('similar', 'coins', items, new Set(['b.jpg'])).unticked).toEqual([]);
  });
  it('toggles all', () => {
    expect(toggleAll(items, new Set())).toEqual(new Set(items));
    expect(toggleAll(items, new Set(['a.jpg']))).toEqual(new Set());
  });
});
