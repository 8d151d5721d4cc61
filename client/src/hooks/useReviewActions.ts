// The reviewer's actions against the server: file (assign / delete / skip), undo, refile.
//
// Every action is optimistic (the next photo shows at once) and goes through one promise
// chain, so the server sees actions in the order the keys were pressed and an undo always
// knows the seq of the action before it.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef } from 'react';
import { api, ApiError, unwrap } from '../api/client';
import { keys, type ActionRecord, type QueueItem, type QueueSnapshot, type SessionInfo, type Stats } from '../api/queries';
import { baseName, dstOf, restoredItem } from '../logic/actionView';
import { nextIdAfter, nextUndo, type ActionKind, type HistoryEntry, type UndoTarget } from '../logic/review';
import { describeUndo, rejection, type OthersFiled } from '../logic/reviewText';
import { isVideoName } from '../logic/video';
import { toast } from './toasts';
import type { ReviewStore } from './useReviewStore';
import type { Refreshable } from './useScheduleRefresh';

interface Deps {
  store: ReviewStore;
  othersFiled: React.RefObject<OthersFiled>;
  scheduleRefresh: (what?: ReadonlyArray<Refreshable>) => void;
}

const asApiError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(0, 'offline', String(e)));

/**
 * One promise chain for every action of this tab: the server sees them in key order, and a
 * failed link does not stop the ones after it.
 */
function useActionChain() {
  const chain = useRef<Promise<unknown>>(Promise.resolve());
  return useCallback(<T,>(fn: () => Promise<T>): Promise<T> => {
    const p = chain.current.then(fn, fn);
    chain.current = p.catch(() => undefined);
    return p;
  }, []);
}

function postAction(item: string, action: ActionKind, cluster: string | null, create: boolean) {
  if (action === 'assign') return unwrap(api.POST('/api/assign', { body: { item, cluster: cluster ?? '', create } }));
  if (action === 'delete') return unwrap(api.POST('/api/delete', { body: { item } }));
  return unwrap(api.POST('/api/skip', { body: { item } }));
}

/** The queue with `item` put first, as the server just did on undo (shown before any fetch). */
function withHead(old: QueueSnapshot | undefined, item: string): QueueSnapshot | undefined {
  if (!old) return old;
  const rest = old.page.items.filter((q) => q.item !== item);
  const head: QueueItem = { item, name: baseName(item), position: 0, suggestions: null, decode_error: null, kind: isVideoName(item) ? 'video' : 'photo' };
  return { ...old, page: { ...old.page, total: old.page.total + 1, items: [head, ...rest] } };
}

/** What to ask the server to undo: the given seq, else this tab's latest action or batch. */
function undoRequest(store: ReviewStore, seq: number | undefined) {
  if (seq !== undefined) return { target: null, body: { seq } };
  const target = nextUndo(store.get());
  const body = target ? (target.kind === 'seq' ? { seq: target.seq } : { batch: target.batch }) : {};
  return { target, body };
}

function reportUndoFailure(err: ApiError, target: UndoTarget | null, store: ReviewStore) {
  if (target && (err.code === 'already_undone' || err.status === 404)) {
    store.dispatch({ type: 'undoPopped', target });
    toast('warn', `Already undone, perhaps by another reviewer: ${target.label}`);
  } else if (err.code === 'nothing_to_undo') {
    toast('info', 'Nothing to undo');
  } else {
    toast('error', err.offline ? 'Undo not sent: the server cannot be reached' : err.message);
  }
}

function useSetStats() {
  const qc = useQueryClient();
  return useCallback(
    (stats: Stats) => qc.setQueryData<SessionInfo>(keys.session, (old) => (old ? { ...old, stats } : old)),
    [qc],
  );
}

type Enqueue = ReturnType<typeof useActionChain>;

/** File, trash or skip a photo: optimistic at once, confirmed or rolled back by the server. */
function usePerform({ store, othersFiled, scheduleRefresh }: Deps, enqueue: Enqueue, setStats: (s: Stats) => void) {
  const ids = useRef(nextIdAfter(store.get().history));
  const perform = useCallback(
    (subject: { item: string; name: string }, action: ActionKind, cluster: string | null = null, create = false) => {
      const id = ids.current++;
      store.dispatch({ type: 'act', id, item: subject.item, name: subject.name, action, cluster });
      return enqueue(async () => {
        try {
          const res = await postAction(subject.item, action, cluster, create);
          const rec = res.records.find((r) => r.item === subject.item && r.type === action) ?? res.records[res.records.length - 1];
          store.dispatch({ type: 'confirmed', id, seq: rec?.seq ?? 0, dst: dstOf(rec), at: performance.now() });
          setStats(res.stats);
          if (create) toast('success', `Created cluster ${cluster ?? ''}`);
        } catch (e) {
          const { gone, message } = rejection(subject, asApiError(e), othersFiled.current);
          store.dispatch({ type: 'rejected', id, status: gone ? 'conflict' : 'failed', message, keepHidden: gone, at: performance.now() });
          toast(gone ? 'warn' : 'error', message);
        } finally {
          scheduleRefresh();
        }
      });
    },
    [enqueue, scheduleRefresh, setStats, store, othersFiled],
  );
  const newId = useCallback(() => ids.current++, []);
  return { perform, newId };
}

/** Apply an undo response: bookkeeping, and the restored photo back on screen at once. */
function useApplyUndo({ store, scheduleRefresh }: Deps, setStats: (s: Stats) => void) {
  const qc = useQueryClient();
  return useCallback(
    (records: ActionRecord[], stats: Stats) => {
      const undos = records.filter((r) => r.type === 'undo');
      const restored = undos.map((r) => r.restore_to ?? r.item).filter((x): x is string => Boolean(x));
      store.dispatch({
        type: 'undone',
        seqs: undos.map((r) => r.undoes).filter((x): x is number => typeof x === 'number'),
        batches: [...new Set(undos.map((r) => r.batch).filter((b): b is string => Boolean(b)))],
        restored,
      });
      store.dispatch({ type: 'live' });
      setStats(stats);
      // Copy mode never removes a copy that changed since it was made: say which stayed.
      const kept = undos.flatMap((r) => r.kept ?? []);
      if (kept.length) toast('warn', `Kept ${kept.join(', ')}: changed since it was copied`);
      const [only] = restored;
      if (restored.length === 1 && only) qc.setQueryData<QueueSnapshot>(keys.queue, (old) => withHead(old, only));
      scheduleRefresh();
      return restored;
    },
    [qc, scheduleRefresh, setStats, store],
  );
}

export function useReviewActions(deps: Deps) {
  const { store, scheduleRefresh } = deps;
  const enqueue = useActionChain();
  const setStats = useSetStats();
  const { perform, newId } = usePerform(deps, enqueue, setStats);
  const applyUndo = useApplyUndo(deps, setStats);

  const undo = useCallback(
    (seq?: number) =>
      enqueue(async () => {
        const { target, body } = undoRequest(store, seq);
        try {
          const res = await unwrap(api.POST('/api/undo', { body }));
          applyUndo(res.records, res.stats);
          toast('info', describeUndo(res.records, res.undone));
          return res.records;
        } catch (e) {
          reportUndoFailure(asApiError(e), target, store);
          scheduleRefresh();
          return [];
        }
      }),
    [applyUndo, enqueue, scheduleRefresh, store],
  );

  /** Looking back at a photo this tab filed: undo that action, then file it anew. */
  const refile = useCallback(
    (entry: HistoryEntry, action: ActionKind, cluster: string | null = null, create = false) => {
      if (entry.seq === null) return;
      void undo(entry.seq).then((records) => {
        const back = records.find((r) => r.type === 'undo' && r.undoes === entry.seq);
        const item = restoredItem(back);
        if (item) void perform({ item, name: baseName(item) }, action, cluster, create);
      });
    },
    [perform, undo],
  );

  return { perform, undo, refile, applyUndo, enqueue, newId, setStats };
}
