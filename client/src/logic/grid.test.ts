import { describe, expect, it } from 'vitest';
import { gridFiling, groupsLeftText, leftText, moveFocus, stackCount, toggleAll } from './grid';

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
  const tiles = items.map((item) => ({ item }));
  it('files the ticked photos and rejects the unticked ones in a cluster grid', () => {
    expect(gridFiling('grid', 'birds', tiles, new Set(['b.jpg']))).toEqual({
      mode: 'grid',
      cluster: 'birds',
      ticked: ['a.jpg', 'c.jpg'],
      unticked: ['b.jpg'],
      create: false,
    });
  });
  it('says nothing about unticked photos of more-like-this', () => {
    expect(gridFiling('similar', 'coins', tiles, new Set(['b.jpg'])).unticked).toEqual([]);
  });
  it('files every frame of a stack with its one tile, ticked or unticked', () => {
    const withStack = [{ item: 'a.jpg' }, { item: 'b2.jpg', frames: ['b2.jpg', 'b1.jpg', 'b3.jpg'] }, { item: 'c.jpg', frames: null }];
    expect(gridFiling('similar', 'birds', withStack, new Set(['a.jpg'])).ticked).toEqual(['b2.jpg', 'b1.jpg', 'b3.jpg', 'c.jpg']);
    expect(gridFiling('grid', 'birds', withStack, new Set(['b2.jpg'])).unticked).toEqual(['b2.jpg', 'b1.jpg', 'b3.jpg']);
  });
  it('labels a stack tile with its frame count and a single photo with none', () => {
    expect(stackCount({ item: 'b2.jpg', frames: ['b2.jpg', 'b1.jpg', 'b3.jpg', 'b4.jpg', 'b5.jpg'] })).toBe('×5');
    expect(stackCount({ item: 'a.jpg' })).toBeNull();
    expect(stackCount({ item: 'a.jpg', frames: ['a.jpg'] })).toBeNull();
  });
  it('toggles all', () => {
    expect(toggleAll(items, new Set())).toEqual(new Set(items));
    expect(toggleAll(items, new Set(['a.jpg']))).toEqual(new Set());
  });
});

describe('leftText', () => {
  it('says how many photos a cluster grid left for one by one, and the cut', () => {
    expect(leftText(3, 0.7461)).toBe('3 photos left for one by one (less than 75% likely to belong): a grid would cost more than it saves for them.');
    expect(leftText(1, null)).toBe('1 photo left for one by one: a grid would cost more than it saves for them.');
  });
});

describe('groupsLeftText', () => {
  it('says how many photos the proposed groups left for one by one, and why', () => {
    expect(groupsLeftText(2, 0.5849, 3)).toBe('2 photos left for one by one (less than 58% likely to belong to their group): naming them with it would cost more than it saves.');
    expect(groupsLeftText(16, 0.75, 0)).toBe('16 photos left for one by one (less than 75% likely to belong to their group): no group is likely enough yet (the tool learns from your decisions).');
  });
});
