// Acting on a stack or a duplicate group: file every frame with one decision (one batch, one
// `z`), pull a frame out of its stack, keep the best of a duplicate group and trash the rest.
// Filing goes through the review's action chain, so `z` right after it undoes the stack.
import { useCallback } from 'react';
import { api, ApiError, unwrap } from '../api/client';
import type { ActionRecord, Stats } from '../api/queries';
import type { HistoryEntry } from '../logic/review';
import { baseName, dstOf, restoredItem } from '../logic/actionView';
import { count } from '../logic/format';
import { failedMovesText, failuresOf } from '../logic/moveFailures';
import { stackName } from '../logic/stacks';
import { toast, toastFailedMoves } from './toasts';
import type { ReviewStore } from './useReviewStore';
import type { Refreshable } from './useScheduleRefresh';

interface Deps {
  store: ReviewStore;
  undo: (seq?: number) => Promise<ActionRecord[]>;
  enqueue: <T>(fn: () => Promise<T>) => Promise<T>;
  newId: () => number;
  setStats: (stats: Stats) => void;
  scheduleRefresh: (what?: ReadonlyArray<Refreshable>) => void;
}

const message = (e: unknown) => (e instanceof ApiError ? e.message : 'the server cannot be reached');

/** File `frames` (the face first) into `cluster` as one batch. */
function useFileStack({ store, enqueue, newId, setStats, scheduleRefresh }: Deps) {
  return useCallback(
    (subject: { item: string; name: string }, frames: string[], cluster: string, create = false) => {
      const id = newId();
      const name = stackName(subject.name, frames.length);
      store.dispatch({ type: 'act', id, item: subject.item, name, action: 'assign', cluster, frames: frames.filter((f) => f !== subject.item) });
      return enqueue(async () => {
        try {
          const res = await unwrap(api.POST('/api/stacks/file', { body: { items: frames, cluster, create } }));
          const first = res.records[0];
          if (!first) throw new ApiError(409, 'not_queued', 'none of these frames is queued any more');
          store.dispatch({ type: 'confirmed', id, seq: first.seq, dst: dstOf(first), at: performance.now() });
          setStats(res.stats);
          const skipped = res.skipped.length ? ` · ${count(res.skipped.length, 'frame')} filed meanwhile, left alone` : '';
          toast('success', `Filed the stack of ${count(res.moved.length, 'photo')} into ${res.cluster} as one batch (z undoes it)${skipped}`);
          toastFailedMoves(res.failed);
        } catch (e) {
          const gone = e instanceof ApiError && e.status === 409;
          store.dispatch({ type: 'rejected', id, status: gone ? 'conflict' : 'failed', message: message(e), keepHidden: gone, at: performance.now() });
          const failed = failuresOf(e);
          toast(gone && !failed.length ? 'warn' : 'error', failed.length ? failedMovesText(failed) : `Could not file the stack: ${message(e)}`);
        } finally {
          scheduleRefresh();
        }
      });
    },
    [enqueue, newId, scheduleRefresh, setStats, store],
  );
}

/** Keep the best of a duplicate group, trash the rest as one batch `z` undoes. */
function useKeepBest({ store, enqueue, setStats, scheduleRefresh }: Deps) {
  return useCallback(
    (items: string[]) =>
      enqueue(async () => {
        try {
          const res = await unwrap(api.POST('/api/duplicates/keep-best', { body: { items } }));
          setStats(res.stats);
          store.dispatch({ type: 'batchDone', batch: res.batch, count: res.trashed.length, label: `keep best of ${res.trashed.length + 1} duplicates` });
          toast('success', `Kept ${res.kept}, moved ${count(res.trashed.length, 'duplicate')} to the trash as one batch (z undoes it)`);
          toastFailedMoves(res.failed);
          return true;
        } catch (e) {
          toastFailedMoves(failuresOf(e));
          toast('warn', `Could not keep the best: ${message(e)}`);
          return false;
        } finally {
          scheduleRefresh();
        }
      }),
    [enqueue, scheduleRefresh, setStats, store],
  );
}

export function useStackActions(deps: Deps) {
  const { undo, scheduleRefresh } = deps;
  const fileStack = useFileStack(deps);
  const keepBest = useKeepBest(deps);

  /** Looking back at a stack this tab filed: undo it (one batch), then file every frame anew. */
  const refileStack = useCallback(
    (entry: HistoryEntry, cluster: string, create = false) => {
      if (entry.seq === null) return;
      void undo(entry.seq).then((records) => {
        const back = records.filter((r) => r.type === 'undo').map((r) => r.restore_to ?? r.item).filter((x): x is string => Boolean(x));
        const face = records.find((r) => r.undoes === entry.seq);
        const item = restoredItem(face);
        if (item && back.length > 0) void fileStack({ item, name: baseName(item) }, [item, ...back.filter((b) => b !== item)], cluster, create);
      });
    },
    [fileStack, undo],
  );

  const pullOut = useCallback(
    async (item: string) => {
      try {
        await unwrap(api.POST('/api/stacks/pull', { body: { item } }));
        toast('info', 'Taken out of the stack: it is filed on its own now');
      } catch (e) {
        toast('warn', `Could not take it out of the stack: ${message(e)}`);
      } finally {
        scheduleRefresh(['queue', 'actions']);
      }
    },
    [scheduleRefresh],
  );

  return { fileStack, refileStack, pullOut, keepBest };
}
