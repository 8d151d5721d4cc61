// A folder with no clusters at all opens with proposed groups (once per tab), not with an
// empty suggestion panel: as soon as the embedder has indexed the queue.
import { useEffect, useRef } from 'react';
import type { SessionInfo } from '../api/queries';

export function coldStart(session: SessionInfo | undefined): boolean {
  if (!session || session.settings.manual_only) return false;
  return session.clusters.length === 0 && session.stats.queued > 1 && session.embedder.status === 'ready' && !session.indexing.running && session.indexing.done >= session.indexing.total && session.indexing.done > 0;
}

export function useColdStart(session: SessionInfo | undefined, open: () => void) {
  const opened = useRef(false);
  const cold = coldStart(session);
  useEffect(() => {
    if (!cold || opened.current) return;
    opened.current = true;
    open();
  }, [cold, open]);
}
