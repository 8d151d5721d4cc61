// The banner over a photo seen again with ←: what became of it and what the keys do now.
import { lookBackText, type LookingBack } from '../logic/stage';
import { Kbd } from './Kbd';

export function BackBanner({ current }: { current: LookingBack }) {
  const { what, hint } = lookBackText(current);
  return (
    <div className="back-banner" role="status" data-testid="back-banner">
      <strong>Looking back</strong> · {current.entry.name} was {what}
      <span className="muted small">
        {hint} · <Kbd>→</Kbd> forward
      </span>
    </div>
  );
}
