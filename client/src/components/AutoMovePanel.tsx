// `a`: pick a threshold on the histogram of top scores, see what would move and how precise
// that is likely to be, run it as one undoable batch.
import { useEffect, useMemo, useState } from 'react';
import { api, ApiError, unwrap } from '../api/client';
import { useDryRun, useEstimate, type AutoMoveResult, type SessionInfo } from '../api/queries';
import { stepThreshold, domainOf } from '../logic/histogram';
import { count, percent } from '../logic/format';
import { imageUrl } from '../logic/urls';
import { HistogramSlider } from './HistogramSlider';
import { Kbd } from './Kbd';
import { Modal } from './Modal';

export interface BatchProgress {
  batch: string | null;
  done: number;
  total: number;
}

interface Props {
  session: SessionInfo;
  progress: BatchProgress | null;
  onClose: () => void;
  onStart: () => void;
  onFinished: (result: AutoMoveResult) => void;
  onFailed: () => void;
  onUndoBatch: (batch: string) => Promise<unknown>;
}

type Phase = { kind: 'idle' } | { kind: 'running' } | { kind: 'done'; result: AutoMoveResult; undone: boolean };

const THUMBS_SHOWN = 120;

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function AutoMovePanel({ session, progress, onClose, onStart, onFinished, onFailed, onUndoBatch }: Props) {
  const [threshold, setThreshold] = useState<number | null>(session.settings.threshold ?? null);
  const [minSamples, setMinSamples] = useState<number>(session.settings.min_samples);
  const [minMargin, setMinMargin] = useState<number>(session.settings.min_margin);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [runError, setRunError] = useState<string | null>(null);

  const ready = session.embedder.status === 'ready' && !session.settings.manual_only;
  // The first estimate goes without a threshold: the server answers with its recommendation.
  const first = useEstimate(null, null, null, ready && threshold === null);
  useEffect(() => {
    if (threshold !== null || !first.data) return;
    // The server's answer is a whole rule: the recommended threshold goes with its margin.
    setThreshold(first.data.threshold);
    setMinMargin(first.data.min_margin);
  }, [first.data, threshold]);

  const applyRecommended = () => {
    const rec = (estimate.data ?? first.data)?.recommended_threshold;
    if (rec == null) return;
    setThreshold(rec);
    const margin = (estimate.data ?? first.data)?.recommended_min_margin;
    if (margin != null) setMinMargin(margin);
  };

  const t = threshold ?? session.defaults.fallback_threshold;
  const settled = useDebounced(t, 120);
  const estimate = useEstimate(settled, minSamples, minMargin, ready && threshold !== null);
  const listAt = useDebounced(t, 300);
  const dry = useDryRun(listAt, minSamples, minMargin, ready && threshold !== null && phase.kind !== 'running');
  const est = estimate.data ?? first.data;
  const hist = est?.histogram ?? null;
  const d = domainOf(hist);

  // What a run would really move: the dry run (it leaves photos on a reviewer's screen alone),
  // else the estimate while the dry run is on its way.
  const willMove = dry.data?.count ?? est?.count ?? 0;
  const drySettled = Boolean(dry.data) && !dry.isFetching && !dry.isPlaceholderData && listAt === t;

  const run = async () => {
    if (!ready || phase.kind === 'running' || !est || willMove === 0) return;
    setPhase({ kind: 'running' });
    setRunError(null);
    onStart();
    try {
      const result = await unwrap(api.POST('/api/auto-move', { body: { threshold: t, min_samples: minSamples, min_margin: minMargin, dry_run: false } }));
      setPhase({ kind: 'done', result, undone: false });
      onFinished(result);
    } catch (e) {
      setPhase({ kind: 'idle' });
      setRunError(e instanceof ApiError ? e.message : 'the auto-move failed');
      onFailed();
    }
  };

  const undoBatch = async () => {
    if (phase.kind !== 'done' || !phase.result.batch || phase.undone) return;
    await onUndoBatch(phase.result.batch);
    setPhase({ ...phase, undone: true });
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const tag = (e.target as HTMLElement).tagName;
    if (tag === 'INPUT' || tag === 'BUTTON' || tag === 'SELECT') return;
    if (['ArrowRight', 'ArrowLeft', 'Enter', 'u', 'r'].includes(e.key)) e.stopPropagation();
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      e.preventDefault();
      setThreshold(stepThreshold(t, e.key === 'ArrowRight' ? 1 : -1, e.shiftKey, d));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      void run();
    } else if (e.key === 'u') {
      e.preventDefault();
      void undoBatch();
    } else if (e.key === 'r') {
      applyRecommended();
    }
  };

  const items = dry.data?.items ?? [];
  const byCluster = useMemo(() => {
    const groups = new Map<string, typeof items>();
    for (const it of items) groups.set(it.cluster, [...(groups.get(it.cluster) ?? []), it]);
    return [...groups.entries()].sort((a, b) => b[1].length - a[1].length);
  }, [items]);

  const error = (estimate.error ?? first.error) as ApiError | null;

  return (
    <Modal title="Auto-move" onClose={onClose} className="automove" initialFocus="[data-testid=threshold-slider]">
      <div onKeyDown={onKeyDown} className="automove-body" data-testid="automove">
        {!ready ? (
          <p className="panel-note" data-testid="automove-unavailable">
            {session.settings.manual_only
              ? 'Manual-only mode is on: auto-move is off. Press m to turn suggestions back on.'
              : session.embedder.status === 'loading'
                ? `The model is still loading (${session.embedder.reason}). Auto-move needs suggestions.`
                : `Auto-move needs suggestions, and there are none: ${session.embedder.reason}.`}
          </p>
        ) : error ? (
          <p className="panel-note error-text">Auto-move is unavailable: {error.message}</p>
        ) : (
          <>
            <HistogramSlider histogram={hist} threshold={t} recommended={est?.recommended_threshold ?? null} onChange={setThreshold} onCommit={() => void run()} />
            <p className="estimate" aria-live="polite" data-testid="estimate">
              At <strong>{t.toFixed(2)}</strong>: <strong data-testid="estimate-count">{est ? est.count.toLocaleString('en-US') : '…'}</strong>{' '}
              {est?.count === 1 ? 'photo' : 'photos'} would move
              {est?.estimated_precision != null ? (
                <>
                  , estimated precision <strong data-testid="estimate-precision">{percent(est.estimated_precision, 1)}</strong> (from{' '}
                  {count(est.decisions, 'reviewed decision')})
                </>
              ) : (
                <span className="muted"> — {est?.message ?? 'estimating…'}</span>
              )}
            </p>
            <div className="automove-controls">
              {est?.recommended_threshold != null ? (
                <button type="button" className="btn btn-ghost btn-small" onClick={applyRecommended}>
                  Use recommended {est.recommended_threshold.toFixed(2)}
                  {est.recommended_min_margin ? ` (margin ${est.recommended_min_margin.toFixed(2)})` : ''} for {percent(est.target_precision)}{' '}
                  <Kbd>r</Kbd>
                </button>
              ) : (
                <span className="muted small">No recommended threshold yet: review a few more photos by hand.</span>
              )}
              <label className="field">
                min photos per cluster
                <input type="number" min={1} max={1000} value={minSamples} onChange={(e) => setMinSamples(Math.max(1, Number(e.target.value) || 1))} />
              </label>
              <label className="field">
                min margin
                <input type="number" min={0} max={2} step={0.01} value={minMargin} onChange={(e) => setMinMargin(Math.max(0, Number(e.target.value) || 0))} />
              </label>
            </div>

            {phase.kind === 'running' ? (
              <div className="batch-progress" data-testid="batch-progress">
                <span>
                  Moving… {progress ? `${progress.done.toLocaleString('en-US')} / ${progress.total.toLocaleString('en-US')}` : ''}
                </span>
                <div className="progress" role="progressbar" aria-label="Auto-move progress" aria-valuemin={0} aria-valuemax={progress?.total ?? 100} aria-valuenow={progress?.done ?? 0}>
                  <div className="progress-fill" style={{ width: progress && progress.total ? `${(progress.done / progress.total) * 100}%` : '5%' }} />
                </div>
              </div>
            ) : null}

            {phase.kind === 'done' ? (
              <div className="batch-done" role="status" data-testid="batch-done">
                {phase.undone ? (
                  <span>Batch undone: the photos are back in the queue.</span>
                ) : (
                  <>
                    <span>
                      Moved <strong>{phase.result.count}</strong> photos
                      {Object.keys(phase.result.per_cluster).length ? ` (${Object.entries(phase.result.per_cluster).map(([c, n]) => `${c} ${n}`).join(', ')})` : ''}.
                    </span>
                    <button type="button" className="btn" onClick={() => void undoBatch()} data-testid="undo-batch">
                      Undo batch <Kbd>u</Kbd>
                    </button>
                  </>
                )}
              </div>
            ) : null}

            {runError ? <p className="error-text">Auto-move failed: {runError}</p> : null}

            <div className="automove-actions">
              <button type="button" className="btn btn-primary" disabled={!est || willMove === 0 || phase.kind === 'running'} onClick={() => void run()} data-testid="run-automove">
                Move {willMove.toLocaleString('en-US')} {willMove === 1 ? 'photo' : 'photos'} <Kbd>Enter</Kbd>
              </button>
              {dry.data?.skipped_viewing ? (
                <span className="muted small">{count(dry.data.skipped_viewing, 'photo')} left alone: a reviewer has it on screen</span>
              ) : null}
            </div>

            <section
              className="dryrun"
              aria-label="Photos that would move (dry run)"
              aria-busy={!drySettled}
              data-testid="dry-run"
              data-settled={drySettled}
            >
              <h3>
                Dry run {dry.isFetching ? <span className="spinner" aria-label="updating" /> : null}
                <span className="muted" data-testid="dry-run-count">
                  {' '}
                  {dry.data ? count(dry.data.count, 'photo') : ''}
                </span>
              </h3>
              {dry.data && dry.data.count === 0 ? <p className="muted">Nothing clears this threshold. Lower it, or review more photos.</p> : null}
              {byCluster.map(([cluster, list]) => (
                <div key={cluster} className="dry-group">
                  <h4>
                    → {cluster} <span className="muted">{list.length}</span>
                  </h4>
                  <ul className="thumb-grid">
                    {list.slice(0, THUMBS_SHOWN).map((it) => (
                      <li key={it.item} title={`${it.item}: score ${it.score.toFixed(2)}, margin ${it.margin.toFixed(2)}`}>
                        <img src={imageUrl(it.item, 'thumb')} alt={`${it.item} → ${cluster}`} loading="lazy" decoding="async" />
                        <span className="thumb-score">{it.score.toFixed(2)}</span>
                      </li>
                    ))}
                    {list.length > THUMBS_SHOWN ? <li className="thumb-more">+{list.length - THUMBS_SHOWN}</li> : null}
                  </ul>
                </div>
              ))}
            </section>
          </>
        )}
      </div>
    </Modal>
  );
}
