// The auto-move panel's state: the rule being tuned (threshold, min samples, min margin), the
// estimate and dry run that follow it, and running / undoing the batch. The panel only draws it.
import { useMemo, useState } from 'react';
import { api, ApiError, unwrap } from '../api/client';
import { useDryRun, useEstimate, type AutoMoveResult, type SessionInfo } from '../api/queries';
import { domainOf, stepThreshold } from '../logic/histogram';
import { filingError } from './toasts';
import { useDebounced } from './useDebounced';

export type Phase = { kind: 'idle' } | { kind: 'running' } | { kind: 'done'; result: AutoMoveResult; undone: boolean };

export interface AutoMoveCallbacks {
  onStart: () => void;
  onFinished: (result: AutoMoveResult) => void;
  onFailed: () => void;
  onUndoBatch: (batch: string) => Promise<unknown>;
}

/**
 * The rule being tuned. Until the reviewer picks a threshold, the server's recommendation (from
 * the first estimate, asked without one) is taken as a whole: threshold with its margin.
 */
function useRule(session: SessionInfo, ready: boolean) {
  const [threshold, setThreshold] = useState<number | null>(session.settings.threshold ?? null);
  const [minSamples, setMinSamples] = useState<number>(session.settings.min_samples);
  const [minMargin, setMinMargin] = useState<number>(session.settings.min_margin);
  const first = useEstimate(null, null, null, ready && threshold === null);
  if (threshold === null && first.data) {
    // Taken while rendering, so the first estimate's render already shows it.
    setThreshold(first.data.threshold);
    setMinMargin(first.data.min_margin);
  }
  return { threshold, setThreshold, minSamples, setMinSamples, minMargin, setMinMargin, first };
}

interface RunRequest {
  threshold: number;
  minSamples: number;
  minMargin: number;
  /** Whether a run may start now (ready, and something would move). */
  allowed: boolean;
}

/** Running the batch and undoing it, with the phase the panel shows. */
function useBatchRun({ onStart, onFinished, onFailed, onUndoBatch }: AutoMoveCallbacks) {
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [runError, setRunError] = useState<string | null>(null);

  const run = async ({ threshold, minSamples, minMargin, allowed }: RunRequest) => {
    if (!allowed || phase.kind === 'running') return;
    setPhase({ kind: 'running' });
    setRunError(null);
    onStart();
    try {
      const result = await unwrap(api.POST('/api/auto-move', { body: { threshold, min_samples: minSamples, min_margin: minMargin, dry_run: false } }));
      setPhase({ kind: 'done', result, undone: false });
      onFinished(result);
    } catch (e) {
      setPhase({ kind: 'idle' });
      setRunError(filingError(e, 'the auto-move failed'));
      onFailed();
    }
  };

  const undoBatch = async () => {
    if (phase.kind !== 'done' || !phase.result.batch || phase.undone) return;
    await onUndoBatch(phase.result.batch);
    setPhase({ ...phase, undone: true });
  };

  return { phase, runError, run, undoBatch };
}

/** The dry run's photos by cluster, the biggest group first. */
function byClusterOf<T extends { cluster: string }>(items: readonly T[] | undefined): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const it of items ?? []) groups.set(it.cluster, [...(groups.get(it.cluster) ?? []), it]);
  return [...groups.entries()].sort((a, b) => b[1].length - a[1].length);
}

export function useAutoMove(session: SessionInfo, callbacks: AutoMoveCallbacks) {
  const ready = session.embedder.status === 'ready' && !session.settings.manual_only;
  const { threshold, setThreshold, minSamples, setMinSamples, minMargin, setMinMargin, first } = useRule(session, ready);
  const batch = useBatchRun(callbacks);

  // Before the first estimate answers, the server's own fallback (never a client constant).
  const t = threshold ?? session.defaults.fallback_threshold;
  const settled = useDebounced(t, 120);
  const estimate = useEstimate(settled, minSamples, minMargin, ready && threshold !== null);
  const listAt = useDebounced(t, 300);
  const dry = useDryRun(listAt, minSamples, minMargin, ready && threshold !== null && batch.phase.kind !== 'running');
  const est = estimate.data ?? first.data;
  const domain = domainOf(est?.histogram ?? null);

  // What a run would really move: the dry run (it leaves photos on a reviewer's screen alone),
  // else the estimate while the dry run is on its way.
  const willMove = dry.data?.count ?? est?.count ?? 0;
  const drySettled = Boolean(dry.data) && !dry.isFetching && !dry.isPlaceholderData && listAt === t;

  const applyRecommended = () => {
    const rec = est?.recommended_threshold;
    if (rec == null) return;
    setThreshold(rec);
    const margin = est?.recommended_min_margin;
    if (margin != null) setMinMargin(margin);
  };

  const step = (direction: 1 | -1, big: boolean) => setThreshold(stepThreshold(t, direction, big, domain));
  const run = () => batch.run({ threshold: t, minSamples, minMargin, allowed: ready && Boolean(est) && willMove > 0 });

  const items = dry.data?.items;
  const byCluster = useMemo(() => byClusterOf(items), [items]);

  return {
    ready,
    threshold: t,
    setThreshold,
    minSamples,
    setMinSamples,
    minMargin,
    setMinMargin,
    estimate: est,
    error: (estimate.error ?? first.error) as ApiError | null,
    dry,
    drySettled,
    byCluster,
    willMove,
    phase: batch.phase,
    runError: batch.runError,
    step,
    run,
    undoBatch: batch.undoBatch,
    applyRecommended,
  };
}

export type AutoMove = ReturnType<typeof useAutoMove>;
