import { describe, expect, it } from 'vitest';
import type { IndexingProgress, SessionInfo } from '../api/queries';
import { indexingText, queueRefreshDue, waitingFor } from './indexing';

const progress = (over: Partial<IndexingProgress> = {}): IndexingProgress => ({
  done: 27,
  total: 215,
  failed: 0,
  per_second: 3.4,
  eta_seconds: 55,
  running: true,
  phase: 'queue',
  clusters_done: 15,
  clusters_total: 15,
  queue_done: 12,
  queue_total: 200,
  ...over,
});

const session = (embedder: Partial<SessionInfo['embedder']>, indexing: IndexingProgress): SessionInfo =>
  ({
    embedder: { id: 'e', kind: 'efficientnet-lite0', device: 'cpu', status: 'ready', reason: 'offline', ...embedder },
    indexing,
  }) as SessionInfo;

describe('indexingText', () => {
  it('shows both phases while running', () => {
    expect(indexingText(progress())).toBe('Indexing 27/215 · clusters 15/15 · queue 12/200 · 3.4/s · 55s left');
  });
  it('drops the phases once done', () => {
    expect(indexingText(progress({ running: false, done: 215, phase: 'done', queue_done: 200 }))).toBe('Indexed 215/215');
  });
  it('leaves out a phase with nothing in it', () => {
    expect(indexingText(progress({ clusters_total: 0, clusters_done: 0, per_second: 0, eta_seconds: null }))).toBe(
      'Indexing 27/215 · queue 12/200',
    );
  });
});

describe('waitingFor', () => {
  it('says the model is loading', () => {
    expect(waitingFor(session({ status: 'loading' }, progress({ phase: 'loading' })))).toMatch(/^Loading the model…/);
  });
  it('counts the clusters while their photos are embedded', () => {
    expect(waitingFor(session({}, progress({ phase: 'clusters', clusters_done: 3 })))).toMatch(/^Embedding clusters 3\/15…/);
  });
  it('counts the queue after that', () => {
    expect(waitingFor(session({}, progress()))).toMatch(/^Embedding the queue 12\/200…/);
  });
  it('has nothing to wait for once indexing is over', () => {
    expect(waitingFor(session({}, progress({ running: false, phase: 'done' })))).toBeNull();
  });
});

describe('queueRefreshDue', () => {
  const first = progress({ phase: 'clusters', clusters_done: 0, clusters_total: 3, queue_done: 0 });
  it('refetches at once when the first suggestion becomes possible', () => {
    expect(queueRefreshDue(first, { ...first, clusters_done: 3, queue_done: 1 }, 300)).toBe(true);
    expect(queueRefreshDue({ ...first, clusters_done: 3 }, { ...first, clusters_done: 3, queue_done: 1 }, 300)).toBe(true);
  });
  it('otherwise refetches at most every 2 s while indexing runs, and once it stops', () => {
    const mid = progress({ queue_done: 12 });
    expect(queueRefreshDue(mid, { ...mid, queue_done: 20 }, 300)).toBe(false);
    expect(queueRefreshDue(mid, { ...mid, queue_done: 20 }, 2500)).toBe(true);
    expect(queueRefreshDue(mid, { ...mid, running: false }, 300)).toBe(true);
    expect(queueRefreshDue(undefined, first, 300)).toBe(false);
  });
});
