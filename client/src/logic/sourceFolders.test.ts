import { describe, expect, it } from 'vitest';
import { dismissKey, offerText } from './sourceFolders';

describe('offerText', () => {
  it('names the source and each folder with its count', () => {
    expect(offerText('/home/me/dump', [{ folder: 'birds', count: 12 }, { folder: 'coins', count: 8 }])).toBe(
      'dump already has folders birds (12), coins (8)',
    );
  });

  it('says "a folder" for one and keeps long lists short', () => {
    expect(offerText('/x/card/', [{ folder: 'Trips/2023', count: 1200 }])).toBe('card already has a folder Trips/2023 (1,200)');
    const many = Array.from({ length: 8 }, (_, i) => ({ folder: `f${i}`, count: 1 }));
    expect(offerText('C:\\photos', many)).toBe('photos already has folders f0 (1), f1 (1), f2 (1), f3 (1), f4 (1) and 3 more folders');
  });
});

describe('dismissKey', () => {
  it('is per destination', () => {
    expect(dismissKey('/a')).not.toBe(dismissKey('/b'));
  });
});
