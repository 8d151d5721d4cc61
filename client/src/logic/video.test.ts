import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HistoryEntry } from './review';
import type { Subject } from './stage';
import { clockDuration, isVideoName, onVideoToggle, stageVideo, toggleVideo, videoUrl } from './video';

const clip: Subject = { item: 'trip/a b.MOV', name: 'a b.MOV', suggestions: null, decodeError: null, kind: 'video', durationS: 65.4 };
const photo: Subject = { item: 'a.jpg', name: 'a.jpg', suggestions: null, decodeError: null, kind: 'photo' };
const entry = (over: Partial<HistoryEntry>): HistoryEntry => ({
  id: 1,
  item: 'trip/a b.MOV',
  name: 'a b.MOV',
  action: 'assign',
  cluster: 'cats',
  status: 'done',
  seq: 4,
  dst: 'cats/a b.MOV',
  message: null,
  ...over,
});

describe('clockDuration', () => {
  it('reads like a player clock', () => {
    expect(clockDuration(2)).toBe('0:02');
    expect(clockDuration(65.4)).toBe('1:05');
    expect(clockDuration(3723)).toBe('1:02:03');
    expect(clockDuration(0.4)).toBe('0:00');
  });

  it('is empty when the length is unknown', () => {
    expect(clockDuration(null)).toBe('');
    expect(clockDuration(undefined)).toBe('');
    expect(clockDuration(Number.NaN)).toBe('');
    expect(clockDuration(-1)).toBe('');
  });
});

describe('videoUrl and isVideoName', () => {
  it('escapes each segment and names the root', () => {
    expect(videoUrl('trip/a b#1.mp4')).toBe('/api/video/trip/a%20b%231.mp4');
    expect(videoUrl('cats/x.mov', 'dest')).toBe('/api/video/cats/x.mov?root=dest');
  });

  it('knows the video extensions, in any case', () => {
    for (const name of ['a.mp4', 'B.MOV', 'c.m4v', 'd.avi', 'e.mkv', 'f.3gp']) expect(isVideoName(name)).toBe(true);
    for (const name of ['a.jpg', 'mp4', '.mp4', 'a.mp4.xmp']) expect(isVideoName(name)).toBe(false);
  });
});

describe('stageVideo', () => {
  it('plays the queued video, and nothing for a photo', () => {
    expect(stageVideo({ mode: 'live', subject: clip })).toEqual({ src: '/api/video/trip/a%20b.MOV', durationS: 65.4 });
    expect(stageVideo({ mode: 'live', subject: photo })).toBeNull();
    expect(stageVideo({ mode: 'live', subject: null })).toBeNull();
  });

  it('looking back, plays the video where it went', () => {
    expect(stageVideo({ mode: 'back', entry: entry({}), index: 0, subject: null })?.src).toBe('/api/video/cats/a%20b.MOV?root=dest');
    const trashed = entry({ action: 'delete', dst: '.clustering/trash/trip/a b.MOV' });
    expect(stageVideo({ mode: 'back', entry: trashed, index: 0, subject: null })?.src).toBe('/api/video/trip/a%20b.MOV?root=trash');
    expect(stageVideo({ mode: 'back', entry: entry({ name: 'x.jpg', dst: 'cats/x.jpg' }), index: 0, subject: null })).toBeNull();
  });
});

describe('toggleVideo', () => {
  let off: (() => void) | null = null;
  afterEach(() => off?.());

  it('reaches the player on stage, and says when there is none', () => {
    expect(toggleVideo()).toBe(false);
    const player = vi.fn();
    off = onVideoToggle(player);
    expect(toggleVideo()).toBe(true);
    expect(player).toHaveBeenCalledTimes(1);
    off();
    expect(toggleVideo()).toBe(false);
  });

  it('an old player leaving does not unregister the new one', () => {
    const first = vi.fn();
    const second = vi.fn();
    const offFirst = onVideoToggle(first);
    off = onVideoToggle(second);
    offFirst();
    expect(toggleVideo()).toBe(true);
    expect(second).toHaveBeenCalledTimes(1);
    expect(first).not.toHaveBeenCalled();
  });
});
