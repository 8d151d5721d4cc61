// `l`: the journal with thumbnails, filters, and a player that steps through the session's
// history showing each photo and where it went.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ActionRecord, ActionsPage } from '../api/queries';
import { describe, matchesFilter, photoOf, placesNow, playbackSteps, undoIndex, type ByFilter, type LogFilter, type PhotoRef, type TypeFilter } from '../logic/actionView';
import { clockTime, count } from '../logic/format';
import type { PlaybackEvent, PlaybackState } from '../logic/playback';
import { imageUrl } from '../logic/urls';
import { Kbd } from './Kbd';

interface Props {
  journal: ActionsPage | undefined;
  loading: boolean;
  error: Error | null;
  playback: PlaybackState;
  dispatch: (ev: PlaybackEvent) => void;
}

const ROWS_SHOWN = 400;
const SPEEDS = [
  { ms: 1500, label: '0.5×' },
  { ms: 800, label: '1×' },
  { ms: 350, label: '2×' },
  { ms: 120, label: '5×' },
];

function Icon({ d }: { d: string }) {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={d} fill="currentColor" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
    </svg>
  );
}

function Thumb({ rec, undos, now, size }: { rec: ActionRecord; undos: Map<number, ActionRecord>; now: ReadonlyMap<string, PhotoRef>; size: 'thumb' | 'preview' }) {
  const ref = photoOf(rec, undos, now);
  const [failed, setFailed] = useState<string | null>(null);
  if (!ref) return <span className="log-thumb log-thumb-none" aria-hidden="true" />;
  const url = imageUrl(ref.item, size, ref.root);
  if (failed === url) return <span className={`log-thumb log-thumb-none ${size === 'preview' ? 'log-thumb-big' : ''}`}>photo moved on since</span>;
  return (
    <img
      className={size === 'preview' ? 'player-img' : 'log-thumb'}
      src={url}
      alt={describe(rec)}
      loading={size === 'thumb' ? 'lazy' : 'eager'}
      decoding="async"
      onError={() => setFailed(url)}
    />
  );
}

export function ActionLog({ journal, loading, error, playback, dispatch }: Props) {
  const [filter, setFilter] = useState<LogFilter>({ type: 'all', by: 'all' });
  const [showAll, setShowAll] = useState(false);
  const [speed, setSpeed] = useState(1);
  const records = useMemo(() => journal?.records ?? [], [journal]);
  const undos = useMemo(() => undoIndex(records), [records]);
  const now = useMemo(() => placesNow(records), [records]);
  const undone = useMemo(() => new Set(journal?.undone ?? []), [journal]);
  const bySeq = useMemo(() => new Map(records.map((r) => [r.seq, r])), [records]);
  const filtered = useMemo(() => records.filter((r) => matchesFilter(r, filter)), [records, filter]);
  const steps = useMemo(() => playbackSteps(records, filter), [records, filter]);
  const step = steps[playback.index];
  const stepIndexOf = useMemo(() => new Map(steps.map((s, i) => [s.seq, i])), [steps]);

  useEffect(() => dispatch({ type: 'setLength', length: steps.length }), [steps.length, dispatch]);

  const stepMs = SPEEDS[speed]?.ms ?? 800;
  useEffect(() => {
    if (!playback.playing) return;
    const timer = setInterval(() => dispatch({ type: 'tick' }), stepMs);
    return () => clearInterval(timer);
  }, [playback.playing, stepMs, dispatch]);

  // Keep the row of the current step in view while playing.
  const listRef = useRef<HTMLOListElement>(null);
  useEffect(() => {
    if (!step) return;
    listRef.current?.querySelector(`[data-seq="${step.seq}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [step]);

  const newestFirst = [...filtered].reverse();
  const rows = showAll ? newestFirst : newestFirst.slice(0, ROWS_SHOWN);

  return (
    <div className="log-view" data-testid="log-view">
      <section className="log-list-pane" aria-labelledby="log-title">
        <div className="log-toolbar">
          <h2 id="log-title">
            Action log <span className="muted">{count(records.length, 'line')}</span>
          </h2>
          <label className="field">
            Type
            <select value={filter.type} onChange={(e) => setFilter({ ...filter, type: e.target.value as TypeFilter })} data-testid="filter-type">
              <option value="all">all</option>
              <option value="assign">filed</option>
              <option value="delete">trashed</option>
              <option value="skip">skipped</option>
              <option value="undo">undo</option>
              <option value="other">other</option>
            </select>
          </label>
          <label className="field">
            By
            <select value={filter.by} onChange={(e) => setFilter({ ...filter, by: e.target.value as ByFilter })} data-testid="filter-by">
              <option value="all">anyone</option>
              <option value="manual">manual</option>
              <option value="auto">auto-move</option>
            </select>
          </label>
        </div>
        {error ? <p className="error-text">Could not load the journal: {error.message}</p> : null}
        {loading && !journal ? <p className="muted">Loading the journal…</p> : null}
        {journal && filtered.length === 0 ? <p className="muted">No journal lines match these filters.</p> : null}
        <ol className="log-list" ref={listRef} data-testid="log-list">
          {rows.map((r) => {
            const isStep = step?.seq === r.seq;
            const stepIndex = stepIndexOf.get(r.seq) ?? -1;
            return (
              <li key={r.seq} data-seq={r.seq} className={`log-row ${isStep ? 'log-row-current' : ''} ${undone.has(r.seq) ? 'log-row-undone' : ''}`}>
                <button
                  type="button"
                  className="log-row-btn"
                  disabled={stepIndex < 0}
                  onClick={() => stepIndex >= 0 && dispatch({ type: 'goto', index: stepIndex })}
                  aria-label={`#${r.seq} ${describe(r, bySeq)}${undone.has(r.seq) ? ' (undone)' : ''}`}
                >
                  <Thumb rec={r} undos={undos} now={now} size="thumb" />
                  <span className="log-main">
                    <span className="log-desc">{describe(r, bySeq)}</span>
                    <span className="log-meta muted small">
                      #{r.seq} · {clockTime(r.ts)} · {r.type}
                      {r.by ? ` · ${r.by}` : ''}
                      {r.reviewer ? ` · ${r.reviewer}` : ''}
                      {typeof r.confidence === 'number' ? ` · conf ${(r.confidence * 100).toFixed(0)}%` : ''}
                    </span>
                  </span>
                  {undone.has(r.seq) ? <span className="tag tag-undone">undone</span> : null}
                  {r.by === 'auto' ? <span className="tag tag-auto">auto</span> : null}
                </button>
              </li>
            );
          })}
        </ol>
        {!showAll && newestFirst.length > ROWS_SHOWN ? (
          <button type="button" className="btn btn-ghost" onClick={() => setShowAll(true)}>
            Show all {newestFirst.length.toLocaleString('en-US')} lines
          </button>
        ) : null}
      </section>

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
                Step {playback.index + 1} of {steps.length}
              </span>
              <strong>{describe(step, bySeq)}</strong>
              <span className="muted small">
                #{step.seq} · {clockTime(step.ts)}
                {step.by ? ` · ${step.by}` : ''}
                {step.reviewer ? ` · ${step.reviewer}` : ''}
                {undone.has(step.seq) ? ' · undone later' : ''}
              </span>
            </>
          ) : null}
        </p>
        <div className="player-controls" role="group" aria-label="Playback controls">
          <button type="button" className="btn" onClick={() => dispatch({ type: 'first' })} aria-label="First step (Home)">
            <Icon d="M6 5v14M18 5l-9 7 9 7z" />
          </button>
          <button type="button" className="btn" onClick={() => dispatch({ type: 'prev' })} aria-label="Step back (←)">
            <Icon d="M16 5l-9 7 9 7z" />
          </button>
          <button type="button" className="btn btn-primary" onClick={() => dispatch({ type: 'toggle' })} aria-label={playback.playing ? 'Pause (Space)' : 'Play (Space)'} data-testid="play">
            {playback.playing ? <Icon d="M7 5h4v14H7zM13 5h4v14h-4z" /> : <Icon d="M7 4l13 8-13 8z" />}
            {playback.playing ? 'Pause' : 'Play'}
          </button>
          <button type="button" className="btn" onClick={() => dispatch({ type: 'next' })} aria-label="Step forward (→)">
            <Icon d="M8 5l9 7-9 7z" />
          </button>
          <button type="button" className="btn" onClick={() => dispatch({ type: 'last' })} aria-label="Last step (End)">
            <Icon d="M18 5v14M6 5l9 7-9 7z" />
          </button>
          <label className="field">
            Speed
            <select value={speed} onChange={(e) => setSpeed(Number(e.target.value))}>
              {SPEEDS.map((s, i) => (
                <option key={s.label} value={i}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
        </div>
        <p className="muted small">
          <Kbd>Space</Kbd> play/pause · <Kbd>←</Kbd>
          <Kbd>→</Kbd> step · <Kbd>Home</Kbd>
          <Kbd>End</Kbd> · <Kbd>l</Kbd> back to sorting
        </p>
      </section>
    </div>
  );
}
