// The queue's top scores as a histogram with a draggable threshold line. The whole chart is
// one ARIA slider, so dragging, clicking and the arrow keys all move the same value.
import { useRef } from 'react';
import { keyInput, resolveSliderKey } from '../logic/keymap';
import { bars, domainOf, stepThreshold, valueToX, xToValue, type Histogram } from '../logic/histogram';

const W = 640;
const H = 150;
const PAD_TOP = 22;
const PAD_BOTTOM = 20;
const PLOT_H = H - PAD_TOP - PAD_BOTTOM;

type Domain = ReturnType<typeof domainOf>;

interface Props {
  histogram: Histogram | null;
  threshold: number;
  recommended: number | null;
  onChange: (value: number) => void;
  /** Enter on the slider: run. */
  onCommit?: () => void;
}

export function HistogramSlider({ histogram, threshold, recommended, onChange, onCommit }: Props) {
  const svgRef = useRef<SVGSVGElement>(null);
  const dragging = useRef(false);
  const hist = histogram ?? { edges: [0, 1], counts: [0] };
  const d = domainOf(hist);

  const valueAt = (clientX: number) => {
    const rect = svgRef.current?.getBoundingClientRect();
    if (!rect || rect.width === 0) return threshold;
    return Number(xToValue(((clientX - rect.left) / rect.width) * W, d, W).toFixed(3));
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const cmd = resolveSliderKey(keyInput(e));
    if (!cmd || (cmd.type === 'commit' && !onCommit)) return;
    if (cmd.type === 'step') onChange(stepThreshold(threshold, cmd.direction, cmd.big, d));
    else if (cmd.type === 'min') onChange(d.min);
    else if (cmd.type === 'max') onChange(d.max);
    else onCommit?.();
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <svg
      ref={svgRef}
      className="histogram"
      viewBox={`0 0 ${W} ${H}`}
      role="slider"
      tabIndex={0}
      aria-label="Auto-move threshold (top-suggestion score)"
      aria-valuemin={d.min}
      aria-valuemax={d.max}
      aria-valuenow={Number(threshold.toFixed(2))}
      aria-valuetext={`threshold ${threshold.toFixed(2)}`}
      data-testid="threshold-slider"
      onKeyDown={onKeyDown}
      onPointerDown={(e) => {
        dragging.current = true;
        e.currentTarget.setPointerCapture(e.pointerId);
        onChange(valueAt(e.clientX));
      }}
      onPointerMove={(e) => dragging.current && onChange(valueAt(e.clientX))}
      onPointerUp={() => {
        dragging.current = false;
      }}
    >
      <rect x={0} y={0} width={W} height={H} className="hist-bg" />
      <Bars histogram={hist} threshold={threshold} />
      <Axis d={d} />
      <ThresholdMarks d={d} threshold={threshold} recommended={recommended} />
    </svg>
  );
}

function Bars({ histogram, threshold }: { histogram: Histogram; threshold: number }) {
  return bars(histogram, W, PLOT_H, threshold).map((b) => (
    <rect
      key={b.from}
      x={b.x + 0.5}
      y={PAD_TOP + PLOT_H - b.height}
      width={Math.max(0, b.width - 1)}
      height={b.height}
      className={b.above ? 'hist-bar hist-bar-on' : 'hist-bar'}
    >
      <title>
        {b.from.toFixed(2)}–{b.to.toFixed(2)}: {b.count} photos
      </title>
    </rect>
  ));
}

/** The base line with the lowest, middle and highest score. */
function Axis({ d }: { d: Domain }) {
  const ticks = [d.min, (d.min + d.max) / 2, d.max];
  return (
    <>
      <line x1={0} x2={W} y1={PAD_TOP + PLOT_H + 0.5} y2={PAD_TOP + PLOT_H + 0.5} className="hist-axis" />
      {ticks.map((t) => (
        <text key={t} x={valueToX(t, d, W)} y={H - 4} className="hist-tick" textAnchor={t === d.min ? 'start' : t === d.max ? 'end' : 'middle'}>
          {t.toFixed(2)}
        </text>
      ))}
    </>
  );
}

/** The recommended threshold, and the chosen one with its handle, label and the shaded part above it. */
function ThresholdMarks({ d, threshold, recommended }: { d: Domain; threshold: number; recommended: number | null }) {
  const tx = valueToX(threshold, d, W);
  return (
    <>
      {recommended !== null && recommended >= d.min && recommended <= d.max ? (
        <line x1={valueToX(recommended, d, W)} x2={valueToX(recommended, d, W)} y1={PAD_TOP} y2={PAD_TOP + PLOT_H} className="hist-rec" />
      ) : null}
      <rect x={tx} y={PAD_TOP} width={W - tx} height={PLOT_H} className="hist-shade" />
      <line x1={tx} x2={tx} y1={PAD_TOP - 4} y2={PAD_TOP + PLOT_H} className="hist-threshold" />
      <rect x={tx - 7} y={PAD_TOP + PLOT_H / 2 - 14} width={14} height={28} rx={4} className="hist-handle" />
      <text x={Math.min(W - 40, Math.max(40, tx))} y={14} className="hist-label" textAnchor="middle">
        {threshold.toFixed(2)}
      </text>
    </>
  );
}
