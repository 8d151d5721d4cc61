import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from './review';
import { lookBackText, stageFor, type Subject } from './stage';

const subject: Subject = { item: 'in/a b.jpg', name: 'a b.jpg', suggestions: null, decodeError: null };
const entry = (over: Partial<HistoryEntry>): HistoryEntry => ({
  id: 1,
  item: 'in/a b.jpg',
  name: 'a b.jpg',
  action: 'assign',
  cluster: 'cats',
  status: 'done',
  seq: 4,
  dst: 'cats/a b.jpg',
  message: null,
  ...over,
});

describe('stageFor', () => {
  it('shows the queue head, or nothing when the queue is empty', () => {
    expect(stageFor({ mode: 'live', subject })).toEqual({
      key: 'in/a b.jpg',
      name: 'a b.jpg',
      preview: '/api/image/in/a%20b.jpg?size=preview',
      thumb: '/api/image/in/a%20b.jpg?size=thumb',
    });
    expect(stageFor({ mode: 'live', subject: null })).toBeNull();
  });

  it('looking back at a filed photo, shows it where it went', () => {
    const info = stageFor({ mode: 'back', entry: entry({}), index: 0, subject: null });
    expect(info?.key).toBe('dest:cats/a b.jpg');
    expect(info?.preview).toBe('/api/image/cats/a%20b.jpg?size=preview&root=dest');
  });

  it('looking back at a trashed photo, shows it in the trash', () => {
    const info = stageFor({ mode: 'back', entry: entry({ action: 'delete', dst: '.clustering/trash/a b.jpg' }), index: 0, subject: null });
    expect(info?.key).toBe('trash:a b.jpg');
    expect(info?.thumb).toBe('/api/image/a%20b.jpg?size=thumb&root=trash');
  });

  it('looking back at a photo still queued, shows it in the source', () => {
    expect(stageFor({ mode: 'back', entry: entry({ action: 'skip', dst: null }), index: 0, subject })?.key).toBe('in/a b.jpg');
    expect(stageFor({ mode: 'back', entry: entry({ status: 'failed', dst: null }), index: 0, subject: null })?.key).toBe('src:in/a b.jpg');
  });
});

describe('lookBackText', () => {
  const back = (over: Partial<HistoryEntry>, s: Subject | null = null) => lookBackText({ mode: 'back', entry: entry(over), index: 0, subject: s });

  it('says where the photo went and that it can be refiled', () => {
    expect(back({})).toEqual({ what: 'filed into cats', hint: ' · 1–9, Enter or / refile it · z undoes' });
    expect(back({ action: 'delete' }).what).toBe('moved to the trash');
  });

  it('says a skipped or undone photo that is still queued is filed as usual', () => {
    expect(back({ action: 'skip' }, subject)).toEqual({ what: 'skipped: still in the queue', hint: ' · file it as usual' });
    expect(back({ status: 'undone' }, subject).what).toBe('undone: back in the queue');
    expect(back({ status: 'undone' })).toEqual({ what: 'undone', hint: '' });
  });

  it('gives the reason an action was not saved', () => {
    expect(back({ status: 'pending' }).what).toBe('saving…');
    expect(back({ status: 'conflict', message: 'Another reviewer already filed a b.jpg' }).what).toBe('Another reviewer already filed a b.jpg');
    expect(back({ status: 'failed', message: null })).toEqual({ what: 'not saved', hint: '' });
  });
});
