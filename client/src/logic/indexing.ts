// What indexing is doing, in words for the top bar and the suggestion panel.
import type { IndexingProgress, SessionInfo } from '../api/queries';
import { duration } from './format';

const n = (x: number) => x.toLocaleString('en-US');

/** "clusters 3/3 · queue 12/200": the two phases a first suggestion waits for. */
export function phaseCounts(p: IndexingProgress): string {
  const parts: string[] = [];
  if (p.clusters_total > 0) parts.push(`clusters ${n(p.clusters_done)}/${n(p.clusters_total)}`);
  if (p.queue_total > 0) parts.push(`queue ${n(p.queue_done)}/${n(p.queue_total)}`);
  return parts.join(' · ');
}

/** The top bar's progress line. */
export function indexingText(p: IndexingProgress): string {
  const phases = p.running ? phaseCounts(p) : '';
  const rate = p.running && p.per_second > 0 ? ` · ${p.per_second.toFixed(p.per_second < 10 ? 1 : 0)}/s` : '';
  const eta = p.running && p.eta_seconds ? ` · ${duration(p.eta_seconds)} left` : '';
  const failed = p.failed ? ` · ${p.failed} could not be decoded` : '';
  return `${p.running ? 'Indexing' : 'Indexed'} ${n(p.done)}/${n(p.total)}${phases ? ` · ${phases}` : ''}${rate}${eta}${failed}`;
}

/**
 * Why the photo on screen has no suggestion yet, when the reason is that something is still
 * being prepared; null when nothing is pending (the caller explains the other cases).
 */
export function waitingFor(session: SessionInfo): string | null {
  const e = session.embedder;
  const p = session.indexing;
  if (e.status === 'loading') return 'Loading the model… Suggestions appear when it is ready; you can file by hand meanwhile.';
  if (e.status !== 'ready' || !p.running) return null;
  if (p.phase === 'clusters')
    return `Embedding clusters ${n(p.clusters_done)}/${n(p.clusters_total)}… Suggestions appear once every cluster has a photo embedded.`;
  if (p.phase === 'queue')
    return `Embedding the queue ${n(p.queue_done)}/${n(p.queue_total)}… This photo gets suggestions as soon as the indexer reaches it.`;
  return 'Not indexed yet: this photo gets suggestions as soon as the indexer reaches it.';
}

/**
 * Whether an indexing event should refetch the queue (new embeddings mean new suggestions):
 * now and then while indexing runs, at once when it stops, and at once when the first
 * suggestions become possible (every cluster has a vector, or the first queued photo has
 * one): the first suggestion must not wait for the next refetch.
 */
export function queueRefreshDue(before: IndexingProgress | undefined, after: IndexingProgress, sinceLastMs: number): boolean {
  if (sinceLastMs > 2000 || !after.running) return true;
  if (!before) return false;
  const seeded = (p: IndexingProgress) => p.clusters_total > 0 && p.clusters_done >= p.clusters_total;
  return (!seeded(before) && seeded(after)) || (before.queue_done === 0 && after.queue_done > 0);
}
