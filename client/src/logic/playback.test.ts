import { describe, expect, it } from 'vitest';
import { initialPlayback, playback, type PlaybackEvent, type PlaybackState } from './playback';

function run(events: PlaybackEvent[], start: PlaybackState = initialPlayback): PlaybackState {
  return events.reduce(playback, start);
}

describe('playback', () => {
  it('steps within bounds', () => {
    const s = run([{ type: 'setLength', length: 3 }, { type: 'next' }, { type: 'next' }, { type: 'next' }]);
    expect(s.index).toBe(2);
    expect(run([{ type: 'prev' }], s).index).toBe(1);
    expect(run([{ type: 'first' }], s).index).toBe(0);
    expect(run([{ type: 'first' }, { type: 'prev' }], s).index).toBe(0);
    expect(run([{ type: 'first' }, { type: 'last' }], s).index).toBe(2);
  });

  it('plays by ticks and stops on the last step', () => {
    let s = run([{ type: 'setLength', length: 3 }, { type: 'play' }]);
    expect(s.playing).toBe(true);
    s = playback(s, { type: 'tick' });
    expect(s).toMatchObject({ index: 1, playing: true });
    s = playback(s, { type: 'tick' });
    expect(s).toMatchObject({ index: 2, playing: false });
    s = playback(s, { type: 'tick' });
    expect(s.index).toBe(2);
  });

  it('play at the end starts over', () => {
    const s = run([{ type: 'setLength', length: 4 }, { type: 'last' }, { type: 'toggle' }]);
    expect(s).toMatchObject({ index: 0, playing: true });
  });

  it('a manual step pauses', () => {
    const s = run([{ type: 'setLength', length: 5 }, { type: 'play' }, { type: 'next' }]);
    expect(s).toMatchObject({ index: 1, playing: false });
  });

  it('does nothing with no steps', () => {
    const s = run([{ type: 'play' }, { type: 'next' }, { type: 'tick' }]);
    expect(s).toEqual(initialPlayback);
  });

  it('clamps the cursor when the filtered list shrinks', () => {
    const s = run([{ type: 'setLength', length: 10 }, { type: 'goto', index: 8 }, { type: 'setLength', length: 4 }]);
    expect(s.index).toBe(3);
    expect(run([{ type: 'setLength', length: 0 }], s)).toMatchObject({ index: 0, playing: false });
  });
});
