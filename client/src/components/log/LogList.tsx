// The journal as a filterable list, newest first; a row that is a playback step jumps there.
import { useState } from 'react';
import type { ActionRecord, ActionsPage } from '../../api/queries';
import { describe, whoOf, type ByFilter, type LogFilter, type PhotoRef, type TypeFilter } from '../../logic/actionView';
import { clockTime, count } from '../../logic/format';
import { Thumb } from './LogThumb';

const ROWS_SHOWN = 400;

interface Props {
  journal: ActionsPage | undefined;
  loading: boolean;
  error: Error | null;
  filter: LogFilter;
  onFilter: (filter: LogFilter) => void;
  /** Lines that pass the filter, oldest first. */
  filtered: ActionRecord[];
  lines: number;
  undos: Map<number, ActionRecord>;
  now: ReadonlyMap<string, PhotoRef>;
  undone: Set<number>;
  bySeq: Map<number, ActionRecord>;
  stepSeq: number | null;
  stepIndexOf: Map<number, number>;
  onGoto: (index: number) => void;
  listRef: React.RefObject<HTMLOListElement | null>;
}

export function LogList({ journal, loading, error, filter, onFilter, filtered, lines, undos, now, undone, bySeq, stepSeq, stepIndexOf, onGoto, listRef }: Props) {
  const [showAll, setShowAll] = useState(false);
  const newestFirst = [...filtered].reverse();
  const rows = showAll ? newestFirst : newestFirst.slice(0, ROWS_SHOWN);
  return (
    <section className="log-list-pane" aria-labelledby="log-title">
      <div className="log-toolbar">
        <h2 id="log-title">
          Action log <span className="muted">{count(lines, 'line')}</span>
        </h2>
        <LogFilters filter={filter} onFilter={onFilter} />
      </div>
      {error ? <p className="error-text">Could not load the journal: {error.message}</p> : null}
      {loading && !journal ? <p className="muted">Loading the journal…</p> : null}
      {journal && filtered.length === 0 ? <p className="muted">No journal lines match these filters.</p> : null}
      <ol className="log-list" ref={listRef} data-testid="log-list">
        {rows.map((r) => (
          <LogRow key={r.seq} r={r} undos={undos} now={now} undone={undone.has(r.seq)} bySeq={bySeq} current={stepSeq === r.seq} stepIndex={stepIndexOf.get(r.seq) ?? -1} onGoto={onGoto} />
        ))}
      </ol>
      {!showAll && newestFirst.length > ROWS_SHOWN ? (
        <button type="button" className="btn btn-ghost" onClick={() => setShowAll(true)}>
          Show all {newestFirst.length.toLocaleString('en-US')} lines
        </button>
      ) : null}
    </section>
  );
}

function LogFilters({ filter, onFilter }: Pick<Props, 'filter' | 'onFilter'>) {
  return (
    <>
      <label className="field">
        Type
        <select value={filter.type} onChange={(e) => onFilter({ ...filter, type: e.target.value as TypeFilter })} data-testid="filter-type">
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
        <select value={filter.by} onChange={(e) => onFilter({ ...filter, by: e.target.value as ByFilter })} data-testid="filter-by">
          <option value="all">anyone</option>
          <option value="manual">manual</option>
          <option value="auto">auto-move</option>
        </select>
      </label>
    </>
  );
}

interface RowProps extends Pick<Props, 'undos' | 'now' | 'bySeq' | 'onGoto'> {
  r: ActionRecord;
  undone: boolean;
  current: boolean;
  /** Its step in the player, or -1 when the player skips it (filtered out). */
  stepIndex: number;
}

/** One journal line: a click takes the player to it. */
function LogRow({ r, undos, now, undone, bySeq, current, stepIndex, onGoto }: RowProps) {
  return (
    <li data-seq={r.seq} className={`log-row ${current ? 'log-row-current' : ''} ${undone ? 'log-row-undone' : ''}`}>
      <button
        type="button"
        className="log-row-btn"
        disabled={stepIndex < 0}
        onClick={() => stepIndex >= 0 && onGoto(stepIndex)}
        aria-label={`#${r.seq} ${describe(r, bySeq)}${undone ? ' (undone)' : ''}`}
      >
        <Thumb rec={r} undos={undos} now={now} size="thumb" />
        <span className="log-main">
          <span className="log-desc">{describe(r, bySeq)}</span>
          <span className="log-meta muted small">
            #{r.seq} · {clockTime(r.ts)} · {r.type}
            {whoOf(r)}
            {typeof r.confidence === 'number' ? ` · conf ${(r.confidence * 100).toFixed(0)}%` : ''}
          </span>
        </span>
        {undone ? <span className="tag tag-undone">undone</span> : null}
        {r.by === 'auto' ? <span className="tag tag-auto">auto</span> : null}
      </button>
    </li>
  );
}
