import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { failedMovesText, failuresOf, unprovenText } from './moveFailures';

describe('failedMovesText', () => {
  it('names each photo that could not move, with the reason', () => {
    expect(failedMovesText([{ item: 'in/a.jpg', reason: 'Operation not permitted' }])).toBe(
      'Could not move 1 photo (it stays in the queue): a.jpg: Operation not permitted',
    );
    const five = [1, 2, 3, 4, 5].map((n) => ({ item: `IMG_${n}.jpg`, reason: 'No space left on device' }));
    expect(failedMovesText(five)).toBe(
      'Could not move 5 photos (they stay in the queue): IMG_1.jpg: No space left on device; IMG_2.jpg: No space left on device; ' +
        'IMG_3.jpg: No space left on device; IMG_4.jpg: No space left on device; and 1 more',
    );
    expect(failedMovesText([])).toBe('');
  });

  it('reads the list a moves_failed error carries', () => {
    const failed = [{ item: 'a.jpg', reason: 'Operation not permitted' }];
    expect(failuresOf(new ApiError(409, 'moves_failed', 'nothing moved', failed))).toEqual(failed);
    expect(failuresOf(new ApiError(409, 'not_queued', 'filed meanwhile'))).toEqual([]);
    expect(failuresOf(new Error('boom'))).toEqual([]);
  });
});

describe('unprovenText', () => {
  it('warns before an auto-move whose rule no evidence guarantees', () => {
    expect(unprovenText({ guaranteed: false, count: 6, threshold: 0.7 })).toMatch(/^No guaranteed rule covers threshold 0\.70: the precision of this auto-move is unproven/);
    expect(unprovenText({ guaranteed: true, count: 6, threshold: 0.7 })).toBeNull();
    expect(unprovenText({ guaranteed: false, count: 0, threshold: 0.7 })).toBeNull();
    expect(unprovenText(undefined)).toBeNull();
  });
});
