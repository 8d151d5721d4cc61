// An auto-move batch as the app sees it: its live progress, whether this tab started it, the
// toast with "Undo batch" when it finishes, and undoing a whole batch.
import { useCallback, useRef, useState } from 'react';
import { api, unwrap } from '../api/client';
import type { BatchDoneEvent, BatchProgressEvent } from '../api/events';
import type { AutoMoveResult } from '../api/queries';
import { describeUndo } from '../logic/reviewText';
import { beep } from '../sound';
import { toast, toastFailedMoves } from './toasts';
import type { Review } from './useReview';

/** How far the running batch is (the SSE `batch-progress` events), for its progress bar. */
export interface BatchProgress {
  batch: string | null;
  done: number;
  total: number;
}

export function useAutoMoveBatch(r: Review) {
  const [progress, setProgress] = useState<BatchProgress | null>(null);
  // A batch this tab started announces itself with its own toast, not "another reviewer".
  const mine = useRef(false);

  const undoBatch = useCallback(
    async (batch: string) => {
      try {
        const res = await unwrap(api.POST('/api/undo', { body: { batch } }));
        r.applyUndo(res.records, res.stats);
        toast('info', describeUndo(res.records, res.undone));
      } catch (e) {
        toast('error', e instanceof Error ? e.message : 'Could not undo the batch');
      }
    },
    [r],
  );

  const onFinished = useCallback(
    (result: AutoMoveResult) => {
      mine.current = false;
      setProgress(null);
      beep();
      if (result.batch) r.dispatch({ type: 'batchDone', batch: result.batch, count: result.count });
      const batch = result.batch;
      toast('success', `Auto-move done: ${result.count} photos filed`, {
        ttl: 10000,
        ...(batch ? { action: { label: 'Undo batch', run: () => void undoBatch(batch) } } : {}),
      });
      toastFailedMoves(result.failed);
      r.scheduleRefresh();
    },
    [r, undoBatch],
  );

  const onStart = useCallback(() => {
    mine.current = true;
  }, []);
  const onFailed = useCallback(() => {
    mine.current = false;
  }, []);

  /** Live events of any batch, this tab's or another reviewer's. */
  const onProgressEvent = useCallback((e: BatchProgressEvent) => setProgress({ batch: e.batch, done: e.done, total: e.total }), []);
  const onDoneEvent = useCallback(
    (e: BatchDoneEvent) => {
      setProgress(null);
      if (!mine.current) toast('info', `Another reviewer auto-moved ${e.count} photos`);
      r.scheduleRefresh();
    },
    [r],
  );

  return { progress, undoBatch, onStart, onFinished, onFailed, onProgressEvent, onDoneEvent };
}

export type AutoMoveBatch = ReturnType<typeof useAutoMoveBatch>;
