import { describe, expect, it } from 'vitest';
import { describe as describeLine, matchesFilter, photoOf, placesNow, playbackSteps, undoIndex, type JournalLine } from './actionView';
import { encodeItem, imageUrl } from '../api/urls';

const lines: JournalLine[] = [
  { seq: 1, ts: 't', type: 'cluster-create', cluster: 'mammals', reviewer: 'r', existed: false },
  { seq: 2, ts: 't', type: 'assign', item: 'a.jpg', src: 'a.jpg', dst: 'birds/a.jpg', cluster: 'birds', by: 'manual', reviewer: 'r', batch: null },
  { seq: 3, ts: 't', type: 'delete', item: 'sub/b.jpg', src: 'sub/b.jpg', dst: '.clustering/trash/sub/b.jpg', cluster: null, by: 'manual', reviewer: 'r', batch: null },
  { seq: 4, ts: 't', type: 'assign', item: 'c.jpg', src: 'c.jpg', dst: 'coins/c.jpg', cluster: 'coins', by: 'auto', reviewer: 'auto', batch: 'B' },
  { seq: 5, ts: 't', type: 'skip', item: 'd.jpg', reviewer: 'r' },
  { seq: 6, ts: 't', type: 'undo', undoes: 2, item: 'a.jpg', restore_from: 'birds/a.jpg', restore_to: 'a.jpg', reviewer: 'r' },
  { seq: 7, ts: 't', type: 'undo', undoes: 4, item: 'c (2).jpg', restore_to: 'c (2).jpg', batch: 'B', reviewer: 'r' },
];
const undos = undoIndex(lines);

describe('photoOf', () => {
  it('finds filed photos in their cluster under dest', () => {
    expect(photoOf({ ...lines[1]!, seq: 99 }, undos)).toEqual({ item: 'birds/a.jpg', root: 'dest' });
  });

  it('maps a trash dst to the trash root (dest refuses dot-folders)', () => {
    expect(photoOf(lines[2]!, undos)).toEqual({ item: 'sub/b.jpg', root: 'trash' });
  });

  it('follows an undo back to the source, under the name it was restored to', () => {
    expect(photoOf(lines[1]!, undos)).toEqual({ item: 'a.jpg', root: 'source' });
    expect(photoOf(lines[3]!, undos)).toEqual({ item: 'c (2).jpg', root: 'source' });
    expect(photoOf(lines[5]!, undos)).toEqual({ item: 'a.jpg', root: 'source' });
  });

  it('follows a photo that moved on since: skipped, then trashed or filed', () => {
    const later: JournalLine[] = [
      { seq: 1, ts: 't', type: 'skip', item: 'x.jpg', reviewer: 'r' },
      { seq: 2, ts: 't', type: 'delete', item: 'x.jpg', src: 'x.jpg', dst: '.clustering/trash/x.jpg', cluster: null, by: 'manual', reviewer: 'r', batch: null },
      { seq: 3, ts: 't', type: 'skip', item: 'y.jpg', reviewer: 'r' },
      { seq: 4, ts: 't', type: 'assign', item: 'y.jpg', src: 'y.jpg', dst: 'birds/y.jpg', cluster: 'birds', by: 'manual', reviewer: 'r', batch: null },
      { seq: 5, ts: 't', type: 'skip', item: 'z.jpg', reviewer: 'r' },
      { seq: 6, ts: 't', type: 'assign', item: 'z.jpg', src: 'z.jpg', dst: 'birds/z.jpg', cluster: 'birds', by: 'manual', reviewer: 'r', batch: null },
      { seq: 7, ts: 't', type: 'undo', undoes: 6, item: 'z.jpg', restore_to: 'z.jpg', reviewer: 'r' },
    ];
    const u = undoIndex(later);
    const now = placesNow(later);
    expect(photoOf(later[0]!, u, now)).toEqual({ item: 'x.jpg', root: 'trash' });
    expect(photoOf(later[2]!, u, now)).toEqual({ item: 'birds/y.jpg', root: 'dest' });
    expect(photoOf(later[4]!, u, now)).toEqual({ item: 'z.jpg', root: 'source' }); // back again
    expect(photoOf(later[5]!, u, now)).toEqual({ item: 'z.jpg', root: 'source' });
  });

  it('has no photo for bookkeeping lines', () => {
    expect(photoOf(lines[0]!, undos)).toBeNull();
  });
});

describe('filters and playback steps', () => {
  it('filters by type and by manual/auto', () => {
    const pick = (type: Parameters<typeof matchesFilter>[1]['type'], by: Parameters<typeof matchesFilter>[1]['by']) =>
      lines.filter((l) => matchesFilter(l, { type, by })).map((l) => l.seq);
    expect(pick('all', 'all')).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(pick('assign', 'all')).toEqual([2, 4]);
    expect(pick('all', 'auto')).toEqual([4, 7]);
    expect(pick('all', 'manual')).toEqual([2, 3, 6]);
    expect(pick('other', 'all')).toEqual([1]);
    expect(pick('undo', 'manual')).toEqual([6]);
  });

  it('steps over photo lines only', () => {
    expect(playbackSteps(lines, { type: 'all', by: 'all' }).map((l) => l.seq)).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('describes lines in words', () => {
    expect(describeLine(lines[1]!)).toBe('a.jpg → birds');
    expect(describeLine(lines[2]!)).toBe('b.jpg → trash');
    const bySeq = new Map(lines.map((l) => [l.seq, l]));
    expect(describeLine(lines[5]!, bySeq)).toBe('undid assign #2: a.jpg back in the queue');
  });
});

describe('image URLs', () => {
  it('escapes each segment but keeps the separators', () => {
    expect(encodeItem('sub dir/ä #1?.jpg')).toBe('sub%20dir/%C3%A4%20%231%3F.jpg');
    expect(imageUrl('birds/x.jpg', 'thumb', 'dest')).toBe('/api/image/birds/x.jpg?size=thumb&root=dest');
    expect(imageUrl('x.jpg', 'preview')).toBe('/api/image/x.jpg?size=preview');
  });
});

describe('describing batch lines', () => {
  it("names the source's folders a folders batch filed", () => {
    const start: JournalLine = { seq: 8, ts: 't', type: 'folders-batch-start', batch: 'F', folders: { birds: 3, coins: 2 }, reviewer: 'r' };
    expect(describeLine(start)).toBe("filed the source's folders as clusters: birds, coins");
    expect(describeLine({ seq: 9, ts: 't', type: 'folders-batch-end', batch: 'F', moved: 5 })).toBe('folders batch F finished');
  });
});
