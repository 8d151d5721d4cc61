import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { api, reviewer, unwrap } from './api/client';
import { useServerEvents } from './api/events';
import { keys, useJournal, type AutoMoveResult, type SessionInfo } from './api/queries';
import { ActionLog } from './components/ActionLog';
import { AutoMovePanel, type BatchProgress } from './components/AutoMovePanel';
import { ClusterList } from './components/ClusterList';
import { ConnectionBanner } from './components/ConnectionBanner';
import { EmptyState } from './components/EmptyState';
import { Filmstrip } from './components/Filmstrip';
import { Kbd } from './components/Kbd';
import { KeymapHelp } from './components/KeymapHelp';
import { Palette } from './components/Palette';
import { PhotoStage } from './components/PhotoStage';
import { SuggestionsPanel } from './components/SuggestionsPanel';
import { Toasts } from './components/Toasts';
import { TopBar } from './components/TopBar';
import { toast } from './hooks/toasts';
import { useReview, type OthersFiled } from './hooks/useReview';
import { baseName, TRASH_PREFIX } from './logic/actionView';
import { isControl, isTextField, resolveKey, type Command, type Modal, type View } from './logic/keymap';
import { initialPlayback, playback } from './logic/playback';
import type { ActionKind } from './logic/review';
import { clusterForSlot } from './logic/slots';
import { imageUrl } from './logic/urls';
import { markInput } from './perf/paint';
import { beep } from './sound';
import { ImageCache } from './perf/imageCache';

/** How many previews ahead are fetched and decoded (`?prefetch=0` turns it off, for the bench). */
const PREFETCH_AHEAD = 3;
const FILM_AHEAD = 12;
const FILM_BEHIND = 4;

function flag(name: string, fallback: string): string {
  return new URLSearchParams(window.location.search).get(name) ?? fallback;
}

export function App() {
  const qc = useQueryClient();
  const othersFiled = useRef<OthersFiled>(new Map());
  const r = useReview({ othersFiled });
  const { session, current, visible, state } = r;
  const [view, setView] = useState<View>('review');
  const [modal, setModal] = useState<Modal>(null);
  const [pb, pbDispatch] = useReducer(playback, initialPlayback);
  const [batchProgress, setBatchProgress] = useState<BatchProgress | null>(null);
  const myBatch = useRef(false);
  const everConnected = useRef(false);
  const [cache] = useState(() => new ImageCache(14));
  const prefetchOn = useMemo(() => flag('prefetch', '1') !== '0', []);
  const journal = useJournal(view === 'log');
  const manual = session?.settings.manual_only ?? false;
  const subject = current.subject;
  const onScreen = useRef<string | null>(null);
  onScreen.current = subject?.item ?? null;

  // ---------------------------------------------------------------- live updates
  const indexRefresh = useRef(0);
  const connection = useServerEvents({
    hello: (_e, reconnected) => {
      everConnected.current = true;
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
        if (rec.item === onScreen.current && rec.by !== 'auto') {
          const where = rec.type === 'delete' ? 'moved to the trash' : `filed into ${rec.cluster ?? '?'}`;
          toast('warn', `${baseName(rec.item)} was just ${where} by another reviewer (${rec.reviewer ?? 'unknown'}) — moving on`);
        }
      }
      r.scheduleRefresh();
    },
    queueChanged: () => r.scheduleRefresh(['session', 'queue']),
    indexing: ({ progress }) => {
      qc.setQueryData<SessionInfo>(keys.session, (old) => (old ? { ...old, indexing: progress } : old));
      // New embeddings mean new suggestions for the queue; refresh it now and then, not per event.
      const now = Date.now();
      if (now - indexRefresh.current > 2000 || !progress.running) {
        indexRefresh.current = now;
        r.scheduleRefresh(['queue']);
      }
    },
    batchProgress: (e) => setBatchProgress({ batch: e.batch, done: e.done, total: e.total }),
    batchDone: (e) => {
      setBatchProgress(null);
      if (!myBatch.current) toast('info', `Another reviewer auto-moved ${e.count} photos`);
      r.scheduleRefresh();
    },
    other: () => r.scheduleRefresh(['session', 'queue']),
  });

  // ---------------------------------------------------------------- prefetch
  const upcoming = useMemo(() => (current.mode === 'live' ? visible.slice(1) : visible), [current.mode, visible]);
  useEffect(() => {
    if (!prefetchOn) return;
    cache.prefetch(upcoming.slice(0, PREFETCH_AHEAD).map((q) => imageUrl(q.item, 'preview')));
  }, [upcoming, cache, prefetchOn]);

  useEffect(() => {
    document.title = session ? `(${session.stats.queued.toLocaleString('en-US')}) photosort` : 'photosort';
  }, [session]);

  // ---------------------------------------------------------------- actions
  const file = useCallback(
    (action: ActionKind, cluster: string | null, create: boolean, timeStamp: number, key: string) => {
      if (current.mode === 'back') {
        const entry = current.entry;
        if (current.subject) {
          markInput(timeStamp, key);
          void r.perform(current.subject, action, cluster, create);
        } else if (entry.status === 'done' && entry.seq !== null && entry.action !== 'skip') {
          void r.refile(entry, action, cluster, create);
        } else if (entry.status === 'pending') {
          toast('info', `${entry.name} is still being saved`);
        } else {
          toast('warn', `${entry.name} is no longer in the queue`);
        }
        return;
      }
      if (!current.subject) return;
      markInput(timeStamp, key);
      void r.perform(current.subject, action, cluster, create);
    },
    [current, r],
  );

  const onCommand = useCallback(
    (cmd: Command, ev: { timeStamp: number; key: string }) => {
      switch (cmd.type) {
        case 'close':
          setModal(null);
          return;
        case 'help':
          setModal('help');
          return;
        case 'toggleLog':
          setView((v) => (v === 'log' ? 'review' : 'log'));
          return;
        case 'manualOnly':
          if (session) void r.setManualOnly(!manual);
          return;
        case 'automove':
          if (manual) toast('info', 'Auto-move is off in manual-only mode (press m)');
          else setModal('automove');
          return;
        case 'playPause':
          pbDispatch({ type: 'toggle' });
          return;
        case 'stepBack':
          pbDispatch({ type: 'prev' });
          return;
        case 'stepForward':
          pbDispatch({ type: 'next' });
          return;
        case 'first':
          pbDispatch({ type: 'first' });
          return;
        case 'last':
          pbDispatch({ type: 'last' });
          return;
        case 'undo':
          if (current.mode === 'back' && current.entry.status === 'done' && current.entry.seq !== null) void r.undo(current.entry.seq);
          else void r.undo();
          return;
        case 'back':
          if (state.history.length === 0) {
            toast('info', 'Nothing before this photo in this tab yet');
            return;
          }
          markInput(ev.timeStamp, ev.key);
          r.dispatch({ type: 'back' });
          return;
        case 'skip':
          if (current.mode === 'back') {
            markInput(ev.timeStamp, ev.key);
            r.dispatch({ type: 'forward' });
          } else file('skip', null, false, ev.timeStamp, ev.key);
          return;
        case 'delete':
          file('delete', null, false, ev.timeStamp, ev.key);
          return;
        case 'palette':
          if (subject || current.mode === 'back') setModal('palette');
          return;
        case 'accept': {
          if (!subject && current.mode === 'live') return;
          const top = subject?.suggestions?.top[0];
          if (manual) toast('info', 'Manual-only mode: no suggestion to accept. Use 1–9 or /.');
          else if (!top) toast('info', 'No suggestion for this photo yet: file it with 1–9 or /');
          else file('assign', top.cluster, false, ev.timeStamp, ev.key);
          return;
        }
        case 'slot': {
          const cluster = clusterForSlot(session?.clusters ?? [], cmd.slot);
          if (!cluster) toast('info', `Slot ${cmd.slot} is free: press / and type a name to create a cluster`);
          else file('assign', cluster.name, false, ev.timeStamp, ev.key);
          return;
        }
      }
    },
    [current, file, manual, r, session, state.history.length, subject],
  );

  const commandRef = useRef(onCommand);
  commandRef.current = onCommand;
  const contextRef = useRef({ view, modal });
  contextRef.current = { view, modal };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const cmd = resolveKey(
        {
          key: e.key,
          ctrlKey: e.ctrlKey,
          metaKey: e.metaKey,
          altKey: e.altKey,
          repeat: e.repeat,
          inTextField: isTextField(e.target),
          inControl: isControl(e.target),
        },
        contextRef.current,
      );
      if (!cmd) return;
      e.preventDefault();
      commandRef.current(cmd, { timeStamp: e.timeStamp, key: e.key });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // ---------------------------------------------------------------- auto-move
  const undoBatch = useCallback(
    async (batch: string) => {
      try {
        const res = await unwrap(api.POST('/api/undo', { body: { batch } }));
        r.applyUndo(res.records, res.stats);
        toast('info', `Batch undone: ${res.records.filter((x) => x.type === 'undo').length} photos are back in the queue`);
      } catch (e) {
        toast('error', e instanceof Error ? e.message : 'Could not undo the batch');
      }
    },
    [r],
  );

  const onBatchFinished = useCallback(
    (result: AutoMoveResult) => {
      myBatch.current = false;
      setBatchProgress(null);
      beep();
      if (result.batch) r.dispatch({ type: 'batchDone', batch: result.batch, count: result.count });
      const batch = result.batch;
      toast('success', `Auto-move done: ${result.count} photos filed`, {
        ttl: 10000,
        ...(batch ? { action: { label: 'Undo batch', run: () => void undoBatch(batch) } } : {}),
      });
      r.scheduleRefresh();
    },
    [r, undoBatch],
  );

  // ---------------------------------------------------------------- render
  const loadingQueue = !r.queueQuery.data || (visible.length === 0 && (session?.stats.queued ?? 0) > 0);
  const stageInfo = stageFor(current);
  const recentStart = Math.max(0, state.history.length - FILM_BEHIND);

  return (
    <div className="app">
      <a href="#stage" className="skip-link">
        Skip to photo
      </a>
      <TopBar
        session={session}
        view={view}
        onAutoMove={() => onCommand({ type: 'automove' }, { timeStamp: performance.now(), key: 'a' })}
        onToggleLog={() => setView((v) => (v === 'log' ? 'review' : 'log'))}
        onToggleManual={() => session && void r.setManualOnly(!manual)}
        onHelp={() => setModal('help')}
      />
      <ConnectionBanner state={connection} everConnected={everConnected.current} />
      {r.sessionQuery.error && !session ? (
        <div className="banner banner-error" role="alert">
          Cannot load the session: {r.sessionQuery.error.message}. Retrying…
        </div>
      ) : null}

      {view === 'log' ? (
        <main className="main main-log">
          <ActionLog journal={journal.data} loading={journal.isLoading} error={journal.error} playback={pb} dispatch={pbDispatch} />
        </main>
      ) : (
        <main className="main">
          <section className="stage-wrap" id="stage" aria-label="Current photo" tabIndex={-1}>
            {stageInfo ? (
              <PhotoStage
                item={stageInfo.key}
                previewUrl={stageInfo.preview}
                thumbUrl={stageInfo.thumb}
                cache={cache}
                knownError={subject?.decodeError ?? null}
                label={stageInfo.name}
              >
                <div className="stage-caption">
                  <span className="stage-name" data-testid="current-name">
                    {stageInfo.name}
                  </span>
                  {current.mode === 'live' && session ? (
                    <span className="muted">
                      1 of {session.stats.queued.toLocaleString('en-US')} to sort
                    </span>
                  ) : null}
                </div>
                {current.mode === 'back' ? <BackBanner current={current} /> : null}
              </PhotoStage>
            ) : (
              <EmptyState session={session} loading={loadingQueue && (session?.stats.queued ?? 0) > 0} />
            )}
            <p className="key-hint" aria-hidden="true">
              <Kbd>⏎</Kbd> accept · <Kbd>1</Kbd>–<Kbd>9</Kbd> file · <Kbd>/</Kbd> any cluster · <Kbd>z</Kbd> undo · <Kbd>d</Kbd> trash · <Kbd>s</Kbd> skip ·{' '}
              <Kbd>←</Kbd> back · <Kbd>?</Kbd> all keys
            </p>
          </section>
          <aside className="sidebar" aria-label="Suggestions and clusters">
            {session ? (
              <>
                <SuggestionsPanel
                  session={session}
                  suggestions={subject?.suggestions}
                  disabled={!stageInfo}
                  onPick={(c) => file('assign', c, false, performance.now(), 'click')}
                  onNewCluster={() => stageInfo && setModal('palette')}
                />
                <ClusterList
                  clusters={session.clusters}
                  highlight={manual ? null : (subject?.suggestions?.top[0]?.cluster ?? null)}
                  disabled={!stageInfo}
                  onPick={(c) => file('assign', c, false, performance.now(), 'click')}
                  onNew={() => stageInfo && setModal('palette')}
                />
              </>
            ) : null}
          </aside>
          <Filmstrip
            recent={state.history.slice(recentStart)}
            historyOffset={recentStart}
            backIndex={state.back}
            current={current.mode === 'live' ? subject : null}
            upcoming={upcoming.slice(0, FILM_AHEAD)}
            total={session?.stats.queued ?? 0}
          />
        </main>
      )}

      {modal === 'help' ? <KeymapHelp onClose={() => setModal(null)} /> : null}
      {modal === 'palette' && session ? (
        <Palette
          clusters={session.clusters}
          photoName={stageInfo?.name ?? 'this photo'}
          onClose={() => setModal(null)}
          onFile={(cluster, create, ev) => {
            setModal(null);
            file('assign', cluster, create, ev.timeStamp, 'palette');
          }}
        />
      ) : null}
      {modal === 'automove' && session ? (
        <AutoMovePanel
          session={session}
          progress={batchProgress}
          onClose={() => setModal(null)}
          onStart={() => {
            myBatch.current = true;
          }}
          onFinished={onBatchFinished}
          onFailed={() => {
            myBatch.current = false;
          }}
          onUndoBatch={undoBatch}
        />
      ) : null}
      <Toasts />
    </div>
  );
}

interface StageInfo {
  key: string;
  name: string;
  preview: string;
  thumb: string;
}

/** Which picture the stage shows: the queue head, or (looking back) wherever that photo is now. */
function stageFor(current: ReturnType<typeof useReview>['current']): StageInfo | null {
  if (current.mode === 'live') {
    const s = current.subject;
    return s ? { key: s.item, name: s.name, preview: imageUrl(s.item, 'preview'), thumb: imageUrl(s.item, 'thumb') } : null;
  }
  const e = current.entry;
  if (current.subject) {
    const s = current.subject;
    return { key: s.item, name: s.name, preview: imageUrl(s.item, 'preview'), thumb: imageUrl(s.item, 'thumb') };
  }
  if (e.status === 'done' && e.dst) {
    const trash = e.dst.startsWith(TRASH_PREFIX);
    const item = trash ? e.dst.slice(TRASH_PREFIX.length) : e.dst;
    const root = trash ? 'trash' : 'dest';
    return { key: `${root}:${item}`, name: e.name, preview: imageUrl(item, 'preview', root), thumb: imageUrl(item, 'thumb', root) };
  }
  return { key: `src:${e.item}`, name: e.name, preview: imageUrl(e.item, 'preview'), thumb: imageUrl(e.item, 'thumb') };
}

function BackBanner({ current }: { current: Extract<ReturnType<typeof useReview>['current'], { mode: 'back' }> }) {
  const e = current.entry;
  let what: string;
  if (e.status === 'pending') what = 'saving…';
  else if (e.status === 'conflict' || e.status === 'failed') what = e.message ?? 'not saved';
  else if (e.status === 'undone') what = current.subject ? 'undone: back in the queue' : 'undone';
  else if (e.action === 'assign') what = `filed into ${e.cluster ?? '?'}`;
  else if (e.action === 'delete') what = 'moved to the trash';
  else what = current.subject ? 'skipped: still in the queue' : 'skipped';
  const canRefile = !current.subject && e.status === 'done' && e.action !== 'skip';
  return (
    <div className="back-banner" role="status" data-testid="back-banner">
      <strong>Looking back</strong> · {e.name} was {what}
      <span className="muted small">
        {current.subject ? ' · file it as usual' : canRefile ? ' · 1–9, Enter or / refile it · z undoes' : ''} · <Kbd>→</Kbd> forward
      </span>
    </div>
  );
}
