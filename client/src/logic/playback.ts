// Session playback: a cursor over the journal's photo steps that can play, pause and step.
// A reducer so the timer, the keys and the buttons all go through one tested state machine.

export interface PlaybackState {
  index: number;
  playing: boolean;
  length: number;
}

export type PlaybackEvent =
  | { type: 'setLength'; length: number }
  | { type: 'toggle' }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'next' }
  | { type: 'prev' }
  | { type: 'first' }
  | { type: 'last' }
  | { type: 'goto'; index: number }
  | { type: 'tick' };

export const initialPlayback: PlaybackState = { index: 0, playing: false, length: 0 };

export function playback(state: PlaybackState, ev: PlaybackEvent): PlaybackState {
  const last = Math.max(0, state.length - 1);
  switch (ev.type) {
    case 'setLength': {
      const length = Math.max(0, ev.length);
      const index = Math.min(state.index, Math.max(0, length - 1));
      return { index, length, playing: state.playing && length > 0 };
    }
    case 'toggle':
      return playback(state, { type: state.playing ? 'pause' : 'play' });
    case 'play':
      if (state.length === 0) return state;
      // Play at the end starts over, as a media player does.
      return { ...state, playing: true, index: state.index >= last ? 0 : state.index };
    case 'pause':
      return { ...state, playing: false };
    case 'next':
      return { ...state, playing: false, index: Math.min(last, state.index + 1) };
    case 'prev':
      return { ...state, playing: false, index: Math.max(0, state.index - 1) };
    case 'first':
      return { ...state, playing: false, index: 0 };
    case 'last':
      return { ...state, playing: false, index: last };
    case 'goto':
      return { ...state, playing: false, index: Math.min(last, Math.max(0, ev.index)) };
    case 'tick':
      if (!state.playing) return state;
      if (state.index >= last) return { ...state, playing: false };
      return { ...state, index: state.index + 1, playing: state.index + 1 < last };
  }
}
