// Maths of the auto-move histogram: map scores to pixels and back, count what clears a
// threshold, and step the threshold from the keyboard. Pure, so the panel stays a thin view.

export interface Histogram {
  edges: number[];
  counts: number[];
}

export interface Bar {
  x: number;
  width: number;
  height: number;
  count: number;
  from: number;
  to: number;
  /** The whole bin lies at or above the threshold (drawn as "would move"). */
  above: boolean;
}

export interface Domain {
  min: number;
  max: number;
}

/**
 * The score range drawn: from one bin before the first non-empty bin to the last edge, so a
 * queue whose scores all sit in 0.55-0.75 fills the chart instead of a sliver of it.
 * [0, 1] when there is nothing to draw.
 */
export function domainOf(h: Histogram | null | undefined): Domain {
  if (!h || h.edges.length < 2) return { min: 0, max: 1 };
  const first = h.counts.findIndex((c) => c > 0);
  const start = first <= 0 ? 0 : first - 1;
  const min = h.edges[start] as number;
  const max = h.edges[h.edges.length - 1] as number;
  return max > min ? { min, max } : { min, max: min + 1 };
}

export function valueToX(value: number, d: Domain, width: number): number {
  return ((clamp(value, d.min, d.max) - d.min) / (d.max - d.min)) * width;
}

export function xToValue(x: number, d: Domain, width: number): number {
  if (width <= 0) return d.min;
  return clamp(d.min + (x / width) * (d.max - d.min), d.min, d.max);
}

export function bars(h: Histogram, width: number, height: number, threshold: number): Bar[] {
  const d = domainOf(h);
  const peak = Math.max(1, ...h.counts);
  return h.counts.flatMap((count, i) => {
    const from = h.edges[i] as number;
    const to = h.edges[i + 1] as number;
    if (to <= d.min) return [];
    const x0 = valueToX(from, d, width);
    const x1 = valueToX(to, d, width);
    return [{
      x: x0,
      width: Math.max(0, x1 - x0),
      // Even a bin of one photo stays visible next to a tall peak.
      height: count === 0 ? 0 : Math.max(2, (count / peak) * height),
      count,
      from,
      to,
      above: from >= threshold - 1e-9,
    }];
  });
}

/**
 * Photos whose top score is at or above `threshold`, from the histogram alone. A bin that the
 * threshold cuts is counted pro rata, so this is an estimate for drawing while dragging; the
 * server's estimate (which also applies min_samples and min_margin) is the number to trust.
 */
export function countAtOrAbove(h: Histogram, threshold: number): number {
  let total = 0;
  h.counts.forEach((count, i) => {
    const from = h.edges[i] as number;
    const to = h.edges[i + 1] as number;
    if (from >= threshold) total += count;
    else if (to > threshold && to > from) total += (count * (to - threshold)) / (to - from);
  });
  return Math.round(total);
}

export const THRESHOLD_STEP = 0.01;
export const THRESHOLD_BIG_STEP = 0.05;

/** Round to the slider's resolution so keyboard steps land on clean values (0.83, not 0.8300001). */
export function snap(value: number, step = THRESHOLD_STEP): number {
  return Math.round(value / step) * step;
}

export function stepThreshold(value: number, direction: 1 | -1, big: boolean, d: Domain = { min: -1, max: 1 }): number {
  const step = big ? THRESHOLD_BIG_STEP : THRESHOLD_STEP;
  return clamp(Number(snap(value + direction * step).toFixed(4)), d.min, d.max);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
