import { describe, expect, it } from 'vitest';
import { describeUndo, rejection, type OthersFiled } from './reviewText';

const photo = { item: 'in/x.jpg', name: 'x.jpg' };

describe('rejection', () => {
  it('says where another reviewer filed the photo, and moves on', () => {
    const others: OthersFiled = new Map([['in/x.jpg', { cluster: 'dogs', reviewer: 'bo', type: 'assign' }]]);
    expect(rejection(photo, { status: 409, code: 'not_queued', message: 'not queued' }, others)).toEqual({
      gone: true,
      message: 'Another reviewer already filed x.jpg into dogs',
    });
  });

  it('says when another reviewer trashed it, or filed it somewhere unheard of', () => {
    const trashed: OthersFiled = new Map([['in/x.jpg', { cluster: null, reviewer: 'bo', type: 'delete' }]]);
    expect(rejection(photo, { status: 409, code: 'not_queued', message: '' }, trashed).message).toBe('Another reviewer already moved x.jpg to the trash');
    expect(rejection(photo, { status: 409, code: 'not_queued', message: '' }, new Map()).message).toBe('Another reviewer already filed x.jpg');
  });

  it("keeps the server's words for other conflicts", () => {
    expect(rejection(photo, { status: 409, code: 'name_clash', message: 'dogs/x.jpg exists' }, null)).toEqual({ gone: true, message: 'dogs/x.jpg exists' });
  });

  it('moves on from a vanished file, but brings the photo back when offline or refused', () => {
    expect(rejection(photo, { status: 404, code: 'not_found', message: 'gone' }, null)).toEqual({ gone: true, message: 'gone' });
    expect(rejection(photo, { status: 0, code: 'offline', message: 'fetch failed' }, null)).toEqual({
      gone: false,
      message: 'Not saved: the server cannot be reached. x.jpg is back on screen.',
    });
    expect(rejection(photo, { status: 422, code: 'bad_cluster', message: 'bad name' }, null)).toEqual({ gone: false, message: 'bad name' });
  });
});

describe('describeUndo', () => {
  it('names the photo and where it came back from', () => {
    expect(describeUndo([{ type: 'undo', item: 'in/x.jpg', cluster: 'dogs' }])).toBe('Undid: x.jpg is back from dogs');
    expect(describeUndo([{ type: 'undo', item: 'in/x.jpg', cluster: null }])).toBe('Undid: x.jpg is back in the queue');
  });

  it('counts a batch as one action of its moves, and falls back when there is nothing to name', () => {
    const line = { type: 'undo', item: 'a.jpg', cluster: 'c' };
    expect(describeUndo([line, line, { type: 'assign', item: 'b.jpg', cluster: 'c' }])).toBe('Undid 1 action (2 moves): the photos are back in the queue');
    expect(describeUndo([])).toBe('Undone');
    expect(describeUndo([{ type: 'undo', item: null, cluster: null }])).toBe('Undone');
  });

  it('says a five-frame stack is one action of five moves: its batch lines are not moves', () => {
    const frame = (n: number) => ({ type: 'undo', item: `IMG_1_0${n}.jpg`, cluster: 'birds', batch: 'b1' });
    const marker = { type: 'undo', item: null, batch: null };
    const records = [...[1, 2, 3, 4, 5].map(frame), marker];
    expect(describeUndo(records)).toBe('Undid 1 action (5 moves): the photos are back in the queue');
    expect(describeUndo(records, { actions: 1, moves: 5 })).toBe('Undid 1 action (5 moves): the photos are back in the queue');
    expect(describeUndo([frame(1), marker])).toBe('Undid 1 action (1 move): the photos are back in the queue');
  });
});
