// The reviewer's loop: what is on screen, and the actions that move on from it.
//
// Every action is optimistic (the next photo shows at once) and goes through one promise
// chain, so the server sees actions in the order the keys were pressed and an undo always
// knows the seq of the action before it.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError, reviewer, sendViewing, unwrap } from '../api/client';
import { keys, useQueue, useSessionInfo, type ActionRecord, type QueueItem, type QueueSnapshot, type SessionInfo, type Stats } from '../api/queries';
import {
  initialReview,
  nextIdAfter,
  nextUndo,
  persistable,
  review,
  visibleQueue,
  type ActionKind,
  type HistoryEntry,
  type ReviewEvent,
  type ReviewState,
} from '../logic/review';
import { baseName } from '../logic/actionView';
import { createStore, useStore } from './store';
import { toast } from './toasts';

const PERSIST_KEY = 'photosort.review';
const VIEWING_REFRESH_MS = 45_000; // the server forgets a viewer after 90 s

function loadPersisted(): ReviewState {
  try {
    const raw = sessionStorage.getItem(PERSIST_KEY);
    if (!raw) return initialReview;
    const saved = JSON.parse(raw) as ReturnType<typeof persistable>;
    return review(initialReview, { type: 'restore', history: saved.history ?? [], undoStack: saved.undoStack ?? [] });
  } catch {
    return initialReview;
  }
}

/** The photo the keys act on right now. */
export interface Subject {
  item: string;
  name: string;
  suggestions: QueueItem['suggestions'];
  decodeError: string | null;
}

export type Current =
  | { mode: 'live'; subject: Subject | null }
  /** Looking back with ←: the entry, and the subject when that photo is still queued. */
  | { mode: 'back'; entry: HistoryEntry; index: number; subject: Subject | null };

/** Who filed what, as heard over SSE: lets a 409 say where the photo went. */
export type OthersFiled = Map<string, { cluster: string | null; reviewer: string | null; type: string }>;

export function useReview({ othersFiled }: { othersFiled: React.RefObject<OthersFiled> }) {
  const qc = useQueryClient();
  const sessionQ = useSessionInfo();
  const queueQ = useQueue();
  const [store] = useState(() => createStore<ReviewState, ReviewEvent>(review, loadPersisted()));
  const state = useStore(store);
  const ids = useRef(nextIdAfter(store.get().history));
  const chain = useRef<Promise<unknown>>(Promise.resolve());

  useEffect(() => {
    try {
      sessionStorage.setItem(PERSIST_KEY, JSON.stringify(persistable(state)));
    } catch {
      // Storage full or disabled: only ← history is lost on reload.
    }
  }, [state]);

  const snapshot: QueueSnapshot | undefined = queueQ.data;
  useEffect(() => {
    if (snapshot) store.dispatch({ type: 'queueFetched', startedAt: snapshot.startedAt });
  }, [snapshot, store]);

  const visible = useMemo(() => visibleQueue(snapshot?.page.items ?? [], state.gone), [snapshot, state.gone]);

  // ---------------------------------------------------------------- refresh
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  /** Refetch what an action changed; coalesced, so a burst of keys costs one round of fetches. */
  const scheduleRefresh = useCallback(
    (what: ReadonlyArray<'session' | 'queue' | 'actions'> = ['session', 'queue', 'actions']) => {
      clearTimeout(refreshTimer.current);
      refreshTimer.current = setTimeout(() => {
        for (const k of what) void qc.invalidateQueries({ queryKey: keys[k] });
      }, 60);
    },
    [qc],
  );

  const setStats = useCallback(
    (stats: Stats) => qc.setQueryData<SessionInfo>(keys.session, (old) => (old ? { ...old, stats } : old)),
    [qc],
  );

  // ---------------------------------------------------------------- what is on screen
  const backEntry = state.back !== null ? (state.history[state.back] ?? null) : null;
  // Looking back at a photo that may still be queued (skipped, undone, failed): ask the server.
  // A photo this tab filed is known to be in its cluster, and refiling goes through undo.
  const mayBeQueued = backEntry !== null && backEntry.status !== 'pending' && (backEntry.action === 'skip' || backEntry.status !== 'done');
  const backItem = mayBeQueued ? backEntry.item : null;
  const backDetail = useQuery({
    queryKey: ['item', backItem],
    queryFn: () => unwrap(api.GET('/api/items/{item}', { params: { path: { item: backItem ?? '' }, query: { root: 'source' } } })),
    enabled: backItem !== null,
    retry: false,
    staleTime: 0,
  });

  const current: Current = useMemo(() => {
    if (backEntry && state.back !== null) {
      const detail = backDetail.data;
      const queued = detail && detail.queued && detail.item === backEntry.item;
      return {
        mode: 'back',
        entry: backEntry,
        index: state.back,
        subject: queued
          ? { item: detail.item, name: detail.name, suggestions: detail.suggestions, decodeError: detail.decode_error }
          : null,
      };
    }
    const head = visible[0];
    return {
      mode: 'live',
      subject: head ? { item: head.item, name: head.name, suggestions: head.suggestions, decodeError: head.decode_error ?? null } : null,
    };
  }, [backEntry, state.back, backDetail.data, visible]);

  const onScreen = current.subject?.item ?? null;

  // ---------------------------------------------------------------- presence
  useEffect(() => {
    sendViewing(onScreen);
    const timer = setInterval(() => sendViewing(onScreen), VIEWING_REFRESH_MS);
    return () => clearInterval(timer);
  }, [onScreen]);
  useEffect(() => {
    const bye = () => sendViewing(null, { beacon: true });
    window.addEventListener('pagehide', bye);
    return () => window.removeEventListener('pagehide', bye);
  }, []);

  // ---------------------------------------------------------------- actions
  const enqueue = useCallback(<T,>(fn: () => Promise<T>): Promise<T> => {
    const p = chain.current.then(fn, fn);
    chain.current = p.catch(() => undefined);
    return p;
  }, []);

  const conflictText = useCallback(
    (name: string, item: string, err: ApiError): string => {
      if (err.code !== 'not_queued') return err.message;
      const other = othersFiled.current?.get(item);
      if (other?.type === 'delete') return `Another reviewer already moved ${name} to the trash`;
      if (other?.cluster) return `Another reviewer already filed ${name} into ${other.cluster}`;
      return `Another reviewer already filed ${name}`;
    },
    [othersFiled],
  );

  const perform = useCallback(
    (subject: { item: string; name: string }, action: ActionKind, cluster: string | null = null, create = false) => {
      const id = ids.current++;
      store.dispatch({ type: 'act', id, item: subject.item, name: subject.name, action, cluster });
      return enqueue(async () => {
        try {
          const res =
            action === 'assign'
              ? await unwrap(api.POST('/api/assign', { body: { item: subject.item, cluster: cluster ?? '', create } }))
              : action === 'delete'
                ? await unwrap(api.POST('/api/delete', { body: { item: subject.item } }))
                : await unwrap(api.POST('/api/skip', { body: { item: subject.item } }));
          const rec = res.records.find((r) => r.item === subject.item && r.type === action) ?? res.records[res.records.length - 1];
          store.dispatch({ type: 'confirmed', id, seq: rec?.seq ?? 0, dst: rec?.dst ?? null, at: performance.now() });
          setStats(res.stats);
          if (create) toast('success', `Created cluster ${cluster ?? ''}`);
        } catch (e) {
          const err = e instanceof ApiError ? e : new ApiError(0, 'offline', String(e));
          // 409: someone else got there first; 404 not_found: the file vanished. Either way
          // the photo is not coming back, so move on and say why.
          const gone = err.status === 409 || (err.status === 404 && err.code === 'not_found');
          const message = err.offline
            ? `Not saved: the server cannot be reached. ${subject.name} is back on screen.`
            : err.status === 409
              ? conflictText(subject.name, subject.item, err)
              : err.message;
          store.dispatch({ type: 'rejected', id, status: gone ? 'conflict' : 'failed', message, keepHidden: gone, at: performance.now() });
          toast(gone ? 'warn' : 'error', message);
        } finally {
          scheduleRefresh();
        }
      });
    },
    [enqueue, scheduleRefresh, setStats, store, conflictText],
  );

  /** Apply an undo response: bookkeeping, and the restored photo back on screen at once. */
  const applyUndo = useCallback(
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
      if (restored.length === 1) {
        const item = restored[0] as string;
        // The server put it at the head of the queue; show it there without waiting for a fetch.
        qc.setQueryData<QueueSnapshot>(keys.queue, (old) => {
          if (!old) return old;
          const rest = old.page.items.filter((q) => q.item !== item);
          const head: QueueItem = { item, name: baseName(item), position: 0, suggestions: null, decode_error: null };
          return { ...old, page: { ...old.page, total: old.page.total + 1, items: [head, ...rest] } };
        });
      }
      scheduleRefresh();
      return restored;
    },
    [qc, scheduleRefresh, setStats, store],
  );

  const describeUndo = (records: ActionRecord[]): string => {
    const undos = records.filter((r) => r.type === 'undo');
    if (undos.length > 1) return `Undid ${undos.length} moves: the photos are back in the queue`;
    const r = undos[0];
    if (!r) return 'Undone';
    if (r.cluster) return `Undid: ${baseName(r.item)} is back from ${r.cluster}`;
    return r.item ? `Undid: ${baseName(r.item)} is back in the queue` : 'Undone';
  };

  const undo = useCallback(
    (seq?: number) =>
      enqueue(async () => {
        const target = seq === undefined ? nextUndo(store.get()) : null;
        const body = seq !== undefined ? { seq } : target ? (target.kind === 'seq' ? { seq: target.seq } : { batch: target.batch }) : {};
        try {
          const res = await unwrap(api.POST('/api/undo', { body }));
          applyUndo(res.records, res.stats);
          toast('info', describeUndo(res.records));
          return res.records;
        } catch (e) {
          const err = e instanceof ApiError ? e : new ApiError(0, 'offline', String(e));
          if (target && (err.code === 'already_undone' || err.status === 404)) {
            store.dispatch({ type: 'undoPopped', target });
            toast('warn', `Already undone, perhaps by another reviewer: ${target.label}`);
          } else if (err.code === 'nothing_to_undo') {
            toast('info', 'Nothing to undo');
          } else {
            toast('error', err.offline ? 'Undo not sent: the server cannot be reached' : err.message);
          }
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
        const item = back?.restore_to ?? back?.item;
        if (item) void perform({ item, name: baseName(item) }, action, cluster, create);
      });
    },
    [perform, undo],
  );

  const setManualOnly = useCallback(
    async (on: boolean) => {
      try {
        const settings = await unwrap(api.POST('/api/settings', { body: { manual_only: on } }));
        qc.setQueryData<SessionInfo>(keys.session, (old) => (old ? { ...old, settings } : old));
        toast('info', on ? 'Manual-only mode: no suggestions, no auto-move' : 'Suggestions are back on');
        scheduleRefresh();
      } catch (e) {
        toast('error', e instanceof ApiError ? e.message : 'Could not change the setting');
      }
    },
    [qc, scheduleRefresh],
  );

  return {
    session: sessionQ.data,
    sessionQuery: sessionQ,
    queueQuery: queueQ,
    visible,
    state,
    current,
    store,
    reviewer,
    perform,
    undo,
    refile,
    applyUndo,
    setManualOnly,
    scheduleRefresh,
    dispatch: store.dispatch as (ev: ReviewEvent) => void,
  };
}

export type Review = ReturnType<typeof useReview>;
