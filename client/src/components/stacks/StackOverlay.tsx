// On the stage, over the photo on screen: a stack's `×N` badge and the strip of its frames
// (each can be taken out of the stack), and a badge when the photo has duplicates in the queue.
import type { Review } from '../../hooks/useReview';
import { baseName } from '../../logic/actionView';
import { duplicateBadge, framesOf } from '../../logic/stacks';
import { imageUrl } from '../../api/urls';
import { Kbd } from '../Kbd';
import './stacks.css';

export function StackOverlay({ r, item }: { r: Review; item: string }) {
  const frames = framesOf(item, r.stacks.stacks, r.state.gone);
  const dupes = r.stacks.duplicates.get(item);
  if (!frames && !dupes) return null;
  return (
    <div className="stack-overlay">
      {frames ? <StackStrip frames={frames} onPull={(f) => void r.pullOut(f)} /> : null}
      {dupes ? (
        <span className={`dup-badge dup-${dupes.kind}`} data-testid="duplicate-badge" title="k: keep the best, trash the rest">
          {duplicateBadge(dupes)} · <Kbd>k</Kbd>
        </span>
      ) : null}
    </div>
  );
}

function StackStrip({ frames, onPull }: { frames: string[]; onPull: (item: string) => void }) {
  return (
    <div className="stack-strip" data-testid="stack" data-count={frames.length}>
      <span className="stack-badge" data-testid="stack-badge" title="A burst: one decision files every frame">
        ×{frames.length}
      </span>
      <ol className="stack-frames" aria-label="Frames of this stack">
        {frames.map((f, i) => (
          <li key={f} className={i === 0 ? 'stack-frame face' : 'stack-frame'} data-testid="stack-frame" data-item={f}>
            <img src={imageUrl(f, 'thumb')} alt={baseName(f)} loading="lazy" decoding="async" />
            <button type="button" className="stack-pull" onClick={() => onPull(f)} title={`Take ${baseName(f)} out of the stack`} aria-label={`Take ${baseName(f)} out of the stack`}>
              ⤴
            </button>
          </li>
        ))}
      </ol>
      <span className="stack-hint muted small">
        one decision files all · <Kbd>x</Kbd> takes the shown frame out
      </span>
    </div>
  );
}
