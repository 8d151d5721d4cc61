import { describe, expect, it } from 'vitest';
import { describe as describeLine, type JournalLine } from './actionView';
import { KEY_HELP, resolveKey } from './keymap';
import { initialReview, review, visibleQueue, type ReviewEvent } from './review';
import { candidateText, collapseStacks, duplicateBadge, duplicateIndex, framesOf, stackIndex, stackName, type DuplicateGroup, type StackInfo } from './stacks';

const burst: StackInfo = { face: 'b1.jpg', items: ['b1.jpg', 'b2.jpg', 'b3.jpg'], span_s: 0.6 };
const queue = ['a.jpg', 'b2.jpg', 'b1.jpg', 'c.jpg', 'b3.jpg'].map((item) => ({ item }));

describe('collapseStacks', () => {
  it('shows a stack once, as its face, where the face stands in the queue', () => {
    expect(collapseStacks(queue, stackIndex([burst])).map((q) => q.item)).toEqual(['a.jpg', 'b1.jpg', 'c.jpg']);
  });

  it('hides the frames while the face is beyond the queue window (a skipped stack stays skipped)', () => {
    const head = queue.filter((q) => q.item !== 'b1.jpg');
    expect(collapseStacks(head, stackIndex([burst])).map((q) => q.item)).toEqual(['a.jpg', 'c.jpg']);
  });

  it('passes a queue without stacks through untouched', () => {
    expect(collapseStacks(queue, stackIndex([]))).toEqual(queue);
  });
});

describe('framesOf', () => {
  const index = stackIndex([burst]);
  it('is every frame of the stack, the shown one first', () => {
    expect(framesOf('b2.jpg', index)).toEqual(['b2.jpg', 'b1.jpg', 'b3.jpg']);
  });
  it('leaves out frames already gone, and is null for a lone photo or a last frame', () => {
    expect(framesOf('b1.jpg', index, { 'b3.jpg': {} })).toEqual(['b1.jpg', 'b2.jpg']);
    expect(framesOf('b1.jpg', index, { 'b2.jpg': {}, 'b3.jpg': {} })).toBeNull();
    expect(framesOf('a.jpg', index)).toBeNull();
  });
  it('names the stack with its size', () => {
    expect(stackName('b1.jpg', 3)).toBe('b1.jpg ×3');
  });
});

describe('a stack filed with one decision in the review state', () => {
  const act: ReviewEvent = { type: 'act', id: 1, item: 'b1.jpg', name: 'b1.jpg ×3', action: 'assign', cluster: 'birds', frames: ['b2.jpg', 'b3.jpg'] };

  it('hides every frame at once and undoes them as one entry', () => {
    let s = review(initialReview, act);
    expect(visibleQueue(queue, s.gone).map((q) => q.item)).toEqual(['a.jpg', 'c.jpg']);
    s = review(s, { type: 'confirmed', id: 1, seq: 7, dst: 'birds/b1.jpg', at: 10 });
    expect(s.undoStack).toEqual([{ kind: 'seq', seq: 7, label: 'b1.jpg ×3 → birds' }]);
    expect(Object.values(s.gone).every((g) => g.confirmedAt === 10)).toBe(true);
  });

  it('brings every frame back when the filing failed', () => {
    const s = review(review(initialReview, act), { type: 'rejected', id: 1, status: 'failed', message: 'x', keepHidden: false, at: 5 });
    expect(s.gone).toEqual({});
  });

  it('keeps a keep-best batch on the undo stack under its own label', () => {
    const s = review(initialReview, { type: 'batchDone', batch: 'B', count: 2, label: 'keep best of 3 duplicates' });
    expect(s.undoStack).toEqual([{ kind: 'batch', batch: 'B', label: 'keep best of 3 duplicates' }]);
  });
});

describe('duplicates', () => {
  const group: DuplicateGroup = {
    kind: 'near',
    best: 'big.jpg',
    items: [
      { item: 'big.jpg', width: 768, height: 768, sharpness: 310.4, size_bytes: 9 },
      { item: 'a.jpg', width: null, height: null, sharpness: null, size_bytes: 3 },
    ],
  };
  it('indexes, badges and describes a group', () => {
    expect(duplicateIndex([group]).get('a.jpg')).toBe(group);
    expect(duplicateBadge(group)).toBe('near duplicate ×2');
    expect(duplicateBadge({ ...group, kind: 'exact' })).toBe('exact duplicate ×2');
    expect(candidateText(group.items[0]!)).toBe('768×768 · sharpness 310');
    expect(candidateText(group.items[1]!)).toBe('size unknown');
  });
});

describe('stack and duplicate keys', () => {
  const ctx = { view: 'review' as const, modal: null };
  it('x pulls the shown frame out, k opens its duplicates; never while typing, repeating or in a dialog', () => {
    expect(resolveKey({ key: 'x' }, ctx)).toEqual({ type: 'pullFrame' });
    expect(resolveKey({ key: 'k' }, ctx)).toEqual({ type: 'duplicates' });
    expect(resolveKey({ key: 'x', repeat: true }, ctx)).toBeNull();
    expect(resolveKey({ key: 'k', inTextField: true }, ctx)).toBeNull();
    expect(resolveKey({ key: 'x' }, { view: 'review', modal: 'duplicates' })).toBeNull();
    expect(resolveKey({ key: 'x' }, { view: 'log', modal: null })).toBeNull();
  });
  it('are documented in the help', () => {
    const rows = KEY_HELP.flatMap((g) => g.rows);
    expect(rows.some((r) => r.keys.includes('x') && /out of its stack/.test(r.what))).toBe(true);
    expect(rows.some((r) => r.keys.includes('k') && /keep the best/.test(r.what))).toBe(true);
  });
});

describe('the action log reads stack and duplicate lines', () => {
  const lines: JournalLine[] = [
    { seq: 1, ts: '', type: 'stack-pull', item: 'DCIM/b2.jpg', reviewer: 'r' },
    { seq: 2, ts: '', type: 'trash-batch-start', batch: 'B', kept: 'x/big.jpg', reason: 'exact', reviewer: 'r' },
    { seq: 3, ts: '', type: 'trash-batch-end', batch: 'B', moved: 2 },
  ];
  it('names what each line did', () => {
    expect(lines.map((l) => describeLine(l))).toEqual(['b2.jpg taken out of its stack', 'kept big.jpg, trashing its duplicates', 'duplicates batch B finished']);
  });
});
