import { useEffect, useState } from 'react';
import type { ConnectionState } from '../api/events';

/** Shown while the server is away; a blip shorter than a second is not worth a banner. */
export function ConnectionBanner({ state, everConnected }: { state: ConnectionState; everConnected: boolean }) {
  const [show, setShow] = useState(false);
  // Back online hides it at once (adjusted while rendering, so no frame shows it stale).
  if (state === 'open' && show) setShow(false);
  useEffect(() => {
    if (state === 'open') return;
    const t = setTimeout(() => setShow(true), 1000);
    return () => clearTimeout(t);
  }, [state]);
  if (!show) return null;
  return (
    <div className="banner banner-warn" role="status" aria-live="polite" data-testid="connection-banner">
      <span className="spinner" aria-hidden="true" />
      {everConnected
        ? 'Lost the connection to the photosort server — reconnecting… Your decisions so far are saved.'
        : 'Connecting to the photosort server…'}
    </div>
  );
}
