// `l`: the journal with thumbnails, filters, and a player that steps through the session's
// history showing each photo and where it went. The list and the player are in ./log.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ActionsPage } from '../api/queries';
import { matchesFilter, placesNow, playbackSteps, undoIndex, type LogFilter } from '../logic/actionView';
import type { PlaybackEvent, PlaybackState } from '../logic/playback';
import { LogList } from './log/LogList';
import { Player, SPEEDS } from './log/Player';

interface Props {
  journal: ActionsPage | undefined;
  loading: boolean;
  error: Error | null;
  playback: PlaybackState;
  dispatch: (ev: PlaybackEvent) => void;
}

export function ActionLog({ journal, loading, error, playback, dispatch }: Props) {
  const [filter, setFilter] = useState<LogFilter>({ type: 'all', by: 'all' });
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

  return (
    <div className="log-view" data-testid="log-view">
      <LogList
        journal={journal}
        loading={loading}
        error={error}
        filter={filter}
        onFilter={setFilter}
        filtered={filtered}
        lines={records.length}
        undos={undos}
        now={now}
        undone={undone}
        bySeq={bySeq}
        stepSeq={step?.seq ?? null}
        stepIndexOf={stepIndexOf}
        onGoto={(index) => dispatch({ type: 'goto', index })}
        listRef={listRef}
      />
      <Player step={step} steps={steps.length} playback={playback} dispatch={dispatch} undos={undos} now={now} undone={undone} bySeq={bySeq} speed={speed} onSpeed={setSpeed} />
    </div>
  );
}
