import { describe, expect, it } from 'vitest';
import { queuedText } from './format';

describe('queuedText', () => {
  it('gives the count to sort once the queue is counted', () => {
    expect(queuedText({ queued: 1234567 })).toBe('1,234,567');
    expect(queuedText({ queued: 12, counting: false })).toBe('12');
  });

  it('says the count is still going while the first walk of a large source goes on', () => {
    expect(queuedText({ queued: 2000, counting: true })).toBe('2,000+ (counting…)');
  });
});
