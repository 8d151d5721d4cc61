import { beforeEach, describe, expect, it } from 'vitest';
import { initialReview, nextIdAfter, nextUndo, persistable, review, visibleQueue, type ReviewEvent, type ReviewState } from './review';

const queue = ['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg'].map((item) => ({ item }));
const run = (events: ReviewEvent[], start: ReviewState = initialReview) => events.reduce(review, start);
let ids = 0;
beforeEach(() => {
  ids = 0;
});
const act = (item: string, action: 'assign' | 'delete' | 'skip' = 'assign', cluster: string | null = 'birds'): ReviewEvent => ({
  type: 'act',
  id: ++ids,
  item,
  name: item,
  action,
  cluster,
});

describe('optimistic queue', () => {
  it('hides a photo the moment it is acted on', () => {
    const s = run([act('a.jpg')]);
    expect(visibleQueue(queue, s.gone).map((q) => q.item)).toEqual(['b.jpg', 'c.jpg', 'd.jpg']);
    expect(s.history[0]).toMatchObject({ item: 'a.jpg', status: 'pending', seq: null });
  });

  it('keeps it hidden through a fetch that started before the server confirmed', () => {
    let s = run([act('a.jpg'), { type: 'confirmed', id: 1, seq: 7, dst: 'birds/a.jpg', at: 1000 }]);
    s = review(s, { type: 'queueFetched', startedAt: 999 });
    expect('a.jpg' in s.gone).toBe(true);
    s = review(s, { type: 'queueFetched', startedAt: 1000 });
    expect('a.jpg' in s.gone).toBe(false);
  });

  it('never prunes an action still in flight', () => {
    const s = run([act('a.jpg'), { type: 'queueFetched', startedAt: 5000 }]);
    expect('a.jpg' in s.gone).toBe(true);
  });

  it('brings the photo back when the action fails, keeps it hidden on a conflict', () => {
    const failed = run([act('a.jpg'), { type: 'rejected', id: 1, status: 'failed', message: 'offline', keepHidden: false, at: 1 }]);
    expect('a.jpg' in failed.gone).toBe(false);
    expect(failed.history[0]?.status).toBe('failed');
    ids = 0;
    const conflict = run([act('a.jpg'), { type: 'rejected', id: 1, status: 'conflict', message: 'taken', keepHidden: true, at: 1 }]);
    expect(conflict.gone['a.jpg']).toEqual({ confirmedAt: 1 });
    expect(conflict.undoStack).toEqual([]);
  });
});

describe('undo bookkeeping', () => {
  it('undoes this tab’s newest confirmed action first', () => {
    const s = run([
      act('a.jpg'),
      act('b.jpg', 'delete', null),
      { type: 'confirmed', id: 1, seq: 10, dst: 'birds/a.jpg', at: 1 },
      { type: 'confirmed', id: 2, seq: 11, dst: '.clustering/trash/b.jpg', at: 2 },
    ]);
    expect(nextUndo(s)).toMatchObject({ kind: 'seq', seq: 11 });
    const after = review(s, { type: 'undone', seqs: [11], batches: [], restored: ['b.jpg'] });
    expect(nextUndo(after)).toMatchObject({ kind: 'seq', seq: 10 });
    expect(after.history[1]?.status).toBe('undone');
    expect('b.jpg' in after.gone).toBe(false);
  });

  it('stacks auto-move batches with the manual actions', () => {
    const s = run([act('a.jpg'), { type: 'confirmed', id: 1, seq: 3, dst: 'birds/a.jpg', at: 1 }, { type: 'batchDone', batch: 'B1', count: 5 }]);
    expect(nextUndo(s)).toMatchObject({ kind: 'batch', batch: 'B1' });
    expect(nextUndo(review(s, { type: 'undone', seqs: [], batches: ['B1'], restored: [] }))).toMatchObject({ seq: 3 });
  });

  it('forgets actions another tab undid', () => {
    const s = run([act('a.jpg'), { type: 'confirmed', id: 1, seq: 3, dst: 'birds/a.jpg', at: 1 }, { type: 'undone', seqs: [3], batches: [], restored: [] }]);
    expect(nextUndo(s)).toBeNull();
  });
});

describe('looking back', () => {
  const seen = run([act('a.jpg'), act('b.jpg'), act('c.jpg', 'skip', null)]);

  it('walks back through the history and forward to the live head', () => {
    let s = review(seen, { type: 'back' });
    expect(s.back).toBe(2);
    s = review(review(s, { type: 'back' }), { type: 'back' });
    expect(s.back).toBe(0);
    expect(review(s, { type: 'back' }).back).toBe(0);
    s = review(review(review(s, { type: 'forward' }), { type: 'forward' }), { type: 'forward' });
    expect(s.back).toBeNull();
  });

  it('does nothing with no history', () => {
    expect(review(initialReview, { type: 'back' }).back).toBeNull();
  });

  it('an action returns to the live head', () => {
    const s = run([{ type: 'back' }, act('d.jpg')], seen);
    expect(s.back).toBeNull();
  });
});

describe('persistence', () => {
  it('keeps settled history only and restores ids past it', () => {
    const s = run([act('a.jpg'), act('b.jpg'), { type: 'confirmed', id: 1, seq: 4, dst: 'birds/a.jpg', at: 1 }]);
    const saved = persistable(s);
    expect(saved.history.map((e) => e.item)).toEqual(['a.jpg']);
    const restored = review(initialReview, { type: 'restore', ...saved });
    expect(nextIdAfter(restored.history)).toBe(2);
    expect(nextUndo(restored)).toMatchObject({ seq: 4 });
  });
});
