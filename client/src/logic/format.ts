// Small formatting helpers shared by the views.

export function percent(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return `${(value * 100).toFixed(digits)}%`;
}

/** A cosine score as a 0-100 bar width: negative cosines draw as empty. */
export function scoreWidth(score: number): number {
  return Math.round(Math.min(1, Math.max(0, score)) * 100);
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/**
 * How many photos are left to sort. While a large source's first walk goes on, the number is
 * only what was found so far: it says so rather than show a count that keeps jumping.
 */
export function queuedText(stats: { queued: number; counting?: boolean }): string {
  const n = stats.queued.toLocaleString('en-US');
  return stats.counting ? `${n}+ (counting…)` : n;
}

export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export function clockTime(ts: string): string {
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  return d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
