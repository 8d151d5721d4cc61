// Session playback: the step's photo and caption, the transport buttons and the speed.
import type { ActionRecord } from '../../api/queries';
import { describe, whoOf, type PhotoRef } from '../../logic/actionView';
import { clockTime } from '../../logic/format';
import type { PlaybackEvent, PlaybackState } from '../../logic/playback';
import { Kbd } from '../Kbd';
import { Icon, Thumb } from './LogThumb';

export const SPEEDS = [
  { ms: 1500, label: '0.5×' },
  { ms: 800, label: '1×' },
  { ms: 350, label: '2×' },
  { ms: 120, label: '5×' },
];

interface Props {
  step: ActionRecord | undefined;
  steps: number;
  playback: PlaybackState;
  dispatch: (ev: PlaybackEvent) => void;
  undos: Map<number, ActionRecord>;
  now: ReadonlyMap<string, PhotoRef>;
  undone: Set<number>;
  bySeq: Map<number, ActionRecord>;
  speed: number;
  onSpeed: (speed: number) => void;
}

export function Player({ step, steps, playback, dispatch, undos, now, undone, bySeq, speed, onSpeed }: Props) {
  return (
    <section className="player" aria-labelledby="player-title" data-testid="player">
      <h2 id="player-title" className="sr-only">
        Session playback
      </h2>
      <div className="player-stage">
        {step ? <Thumb key={step.seq} rec={step} undos={undos} now={now} size="preview" /> : <p className="muted">No photo steps to play back yet.</p>}
      </div>
      <p className="player-caption" aria-live="polite" data-testid="player-caption">
        {step ? (
          <>
            <span className="player-step">
              Step {playback.index + 1} of {steps}
            </span>
            <strong>{describe(step, bySeq)}</strong>
            <span className="muted small">
              #{step.seq} · {clockTime(step.ts)}
              {whoOf(step)}
              {undone.has(step.seq) ? ' · undone later' : ''}
            </span>
          </>
        ) : null}
      </p>
      <PlayerControls playing={playback.playing} dispatch={dispatch} speed={speed} onSpeed={onSpeed} />
      <p className="muted small">
        <Kbd>Space</Kbd> play/pause · <Kbd>←</Kbd>
        <Kbd>→</Kbd> step · <Kbd>Home</Kbd>
        <Kbd>End</Kbd> · <Kbd>l</Kbd> back to sorting
      </p>
    </section>
  );
}

interface ControlsProps extends Pick<Props, 'dispatch' | 'speed' | 'onSpeed'> {
  playing: boolean;
}

/** First, back, play/pause, forward, last, and the speed. */
function PlayerControls({ playing, dispatch, speed, onSpeed }: ControlsProps) {
  return (
    <div className="player-controls" role="group" aria-label="Playback controls">
      <button type="button" className="btn" onClick={() => dispatch({ type: 'first' })} aria-label="First step (Home)">
        <Icon d="M6 5v14M18 5l-9 7 9 7z" />
      </button>
      <button type="button" className="btn" onClick={() => dispatch({ type: 'prev' })} aria-label="Step back (←)">
        <Icon d="M16 5l-9 7 9 7z" />
      </button>
      <button type="button" className="btn btn-primary" onClick={() => dispatch({ type: 'toggle' })} aria-label={playing ? 'Pause (Space)' : 'Play (Space)'} data-testid="play">
        {playing ? <Icon d="M7 5h4v14H7zM13 5h4v14h-4z" /> : <Icon d="M7 4l13 8-13 8z" />}
        {playing ? 'Pause' : 'Play'}
      </button>
      <button type="button" className="btn" onClick={() => dispatch({ type: 'next' })} aria-label="Step forward (→)">
        <Icon d="M8 5l9 7-9 7z" />
      </button>
      <button type="button" className="btn" onClick={() => dispatch({ type: 'last' })} aria-label="Last step (End)">
        <Icon d="M18 5v14M6 5l9 7-9 7z" />
      </button>
      <label className="field">
        Speed
        <select value={speed} onChange={(e) => onSpeed(Number(e.target.value))}>
          {SPEEDS.map((s, i) => (
            <option key={s.label} value={i}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
