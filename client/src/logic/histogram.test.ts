import { describe, expect, it } from 'vitest';
import { bars, countAtOrAbove, domainOf, snap, stepThreshold, valueToX, xToValue } from './histogram';

const h = { edges: [0.5, 0.6, 0.7, 0.8, 0.9, 1.0], counts: [10, 0, 4, 6, 2] };

describe('histogram maths', () => {
  it('uses the edges as the domain, [0,1] when empty', () => {
    expect(domainOf(h)).toEqual({ min: 0.5, max: 1 });
    // Leading empty bins are trimmed down to one.
    expect(domainOf({ edges: [0, 0.25, 0.5, 0.75, 1], counts: [0, 0, 3, 1] })).toEqual({ min: 0.25, max: 1 });
    expect(bars({ edges: [0, 0.25, 0.5, 0.75, 1], counts: [0, 0, 3, 1] }, 300, 10, 0.5)).toHaveLength(3);
    expect(domainOf({ edges: [], counts: [] })).toEqual({ min: 0, max: 1 });
    expect(domainOf(null)).toEqual({ min: 0, max: 1 });
  });

  it('maps values to x and back', () => {
    const d = domainOf(h);
    expect(valueToX(0.75, d, 500)).toBeCloseTo(250);
    expect(xToValue(250, d, 500)).toBeCloseTo(0.75);
    expect(xToValue(-20, d, 500)).toBe(0.5);
    expect(xToValue(900, d, 500)).toBe(1);
    expect(valueToX(2, d, 500)).toBe(500);
  });

  it('counts whole bins above the threshold and cut bins pro rata', () => {
    expect(countAtOrAbove(h, 0.8)).toBe(8);
    expect(countAtOrAbove(h, 0.5)).toBe(22);
    expect(countAtOrAbove(h, 0.85)).toBe(5); // half of 6 + 2
    expect(countAtOrAbove(h, 1.0)).toBe(0);
  });

  it('draws bars scaled to the peak, marks those above the threshold', () => {
    const b = bars(h, 500, 100, 0.8);
    expect(b).toHaveLength(5);
    expect(b[0]?.height).toBe(100);
    expect(b[1]?.height).toBe(0);
    expect(b[4]?.height).toBe(20);
    expect(b.map((x) => x.above)).toEqual([false, false, false, true, true]);
    expect(b[2]?.x).toBeCloseTo(200);
    expect(b[2]?.width).toBeCloseTo(100);
  });

  it('keeps tiny non-empty bins visible', () => {
    const b = bars({ edges: [0, 0.5, 1], counts: [1000, 1] }, 100, 100, 0);
    expect(b[1]?.height).toBe(2);
  });

  it('steps the threshold on a clean grid and clamps', () => {
    expect(stepThreshold(0.8, 1, false)).toBe(0.81);
    expect(stepThreshold(0.8, -1, true)).toBe(0.75);
    expect(stepThreshold(0.8049, 1, false)).toBe(0.81);
    expect(stepThreshold(0.995, 1, true, { min: 0, max: 1 })).toBe(1);
    expect(stepThreshold(0.0, -1, false, { min: 0, max: 1 })).toBe(0);
    expect(snap(0.8300001)).toBeCloseTo(0.83, 10);
  });
});
