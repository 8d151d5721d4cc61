// Server-sent events into the UI: stats and indexing progress patched into the cached session,
// other reviewers' actions noted (and announced when they take the photo on screen), undo
// bookkeeping, batch progress, and coalesced refetches for everything else.
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { reviewer } from '../api/client';
import { useServerEvents, type BatchDoneEvent, type BatchProgressEvent } from '../api/events';
import { keys, type SessionInfo } from '../api/queries';
import { baseName } from '../logic/actionView';
import { queueRefreshDue } from '../logic/indexing';
import { toast } from './toasts';
import type { OthersFiled, Review } from './useReview';

interface Options {
  r: Review;
  othersFiled: React.RefObject<OthersFiled>;
  onBatchProgress: (e: BatchProgressEvent) => void;
  onBatchDone: (e: BatchDoneEvent) => void;
}

export function useLiveUpdates({ r, othersFiled, onBatchProgress, onBatchDone }: Options) {
  const qc = useQueryClient();
  const [everConnected, setEverConnected] = useState(false);
  const indexRefresh = useRef(0);
  const onScreen = r.current.subject?.item ?? null;

  const connection = useServerEvents({
    hello: (_e, reconnected) => {
      setEverConnected(true);
      // Back after an outage: anything may have changed meanwhile.
      if (reconnected) void qc.invalidateQueries();
    },
    action: ({ record: rec, stats }) => {
      qc.setQueryData<SessionInfo>(keys.session, (old) => (old ? { ...old, stats } : old));
      if (rec.type === 'undo' && typeof rec.undoes === 'number') {
        r.dispatch({ type: 'undone', seqs: [rec.undoes], batches: rec.batch ? [rec.batch] : [], restored: [] });
      }
      if (rec.reviewer !== reviewer && rec.item && (rec.type === 'assign' || rec.type === 'delete')) {
        othersFiled.current.set(rec.item, { cluster: rec.cluster ?? null, reviewer: rec.reviewer ?? null, type: rec.type });
        if (rec.item === onScreen && rec.by !== 'auto') {
          const where = rec.type === 'delete' ? 'moved to the trash' : `filed into ${rec.cluster ?? '?'}`;
          toast('warn', `${baseName(rec.item)} was just ${where} by another reviewer (${rec.reviewer ?? 'unknown'}) — moving on`);
        }
      }
      r.scheduleRefresh();
    },
    queueChanged: () => r.scheduleRefresh(['session', 'queue']),
    indexing: ({ progress }) => {
      const before = qc.getQueryData<SessionInfo>(keys.session)?.indexing;
      qc.setQueryData<SessionInfo>(keys.session, (old) => (old ? { ...old, indexing: progress } : old));
      // New embeddings mean new suggestions for the queue; refresh it now and then, not per event.
      const now = Date.now();
      if (queueRefreshDue(before, progress, now - indexRefresh.current)) {
        indexRefresh.current = now;
        r.scheduleRefresh(['queue']);
      }
    },
    batchProgress: onBatchProgress,
    batchDone: onBatchDone,
    other: () => r.scheduleRefresh(['session', 'queue']),
  });

  return { connection, everConnected };
}
