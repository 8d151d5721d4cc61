// The rule being tuned: the histogram slider, what it would move and how precisely, the
// recommended rule, and the min-samples / min-margin fields.
import type { AutoMove } from '../../hooks/useAutoMove';
import { count, percent } from '../../logic/format';
import { HistogramSlider } from '../HistogramSlider';
import { Kbd } from '../Kbd';

export function RuleControls({ m }: { m: AutoMove }) {
  const est = m.estimate;
  const t = m.threshold;
  return (
    <>
      <HistogramSlider
        histogram={est?.histogram ?? null}
        threshold={t}
        recommended={est?.recommended_threshold ?? null}
        onChange={m.setThreshold}
        onCommit={() => void m.run()}
      />
      <p className="estimate" aria-live="polite" data-testid="estimate">
        At <strong>{t.toFixed(2)}</strong>: <strong data-testid="estimate-count">{est ? est.count.toLocaleString('en-US') : '…'}</strong>{' '}
        {est?.count === 1 ? 'photo' : 'photos'} would move
        {est?.estimated_precision != null ? (
          <>
            , estimated precision <strong data-testid="estimate-precision">{percent(est.estimated_precision, 1)}</strong>
            {est.precision_bound != null ? (
              <span data-testid="estimate-bound">
                {' '}
                (at least {percent(est.precision_bound, 1)} with {percent(est.confidence_level)} confidence)
              </span>
            ) : null}{' '}
            from {count(est.decisions, 'reviewed decision')}
          </>
        ) : (
          <span className="muted"> — {est?.message ?? 'estimating…'}</span>
        )}
      </p>
      <div className="automove-controls">
        {est?.recommended_threshold != null ? (
          <button type="button" className="btn btn-ghost btn-small" onClick={m.applyRecommended}>
            Use recommended {est.recommended_threshold.toFixed(2)}
            {est.recommended_min_margin ? ` (margin ${est.recommended_min_margin.toFixed(2)})` : ''}: {percent(est.target_precision)} precision
            guaranteed with {percent(est.confidence_level)} confidence <Kbd>r</Kbd>
          </button>
        ) : (
          <span className="muted small" data-testid="no-guarantee">
            {est
              ? `Nothing recommended: the evidence cannot support ${percent(est.target_precision)} precision yet. A rule needs about ${est.evidence_needed} photos reviewed one by one since the last auto-move that it covers (above its threshold, or leading the runner-up by its margin), nearly all right; grid ticks do not count.`
              : 'No recommended threshold yet.'}
          </span>
        )}
        <label className="field">
          min photos per cluster
          <input type="number" min={1} max={1000} value={m.minSamples} onChange={(e) => m.setMinSamples(Math.max(1, Number(e.target.value) || 1))} />
        </label>
        <label className="field">
          min margin
          <input type="number" min={0} max={2} step={0.01} value={m.minMargin} onChange={(e) => m.setMinMargin(Math.max(0, Number(e.target.value) || 0))} />
        </label>
      </div>
    </>
  );
}
