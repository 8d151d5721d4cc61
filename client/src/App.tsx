// The app shell: which view and which dialog are showing, wired to the hooks that do the work
// (review loop, live updates, commands and keys, auto-move batches, prefetch).
import { useCallback, useReducer, useRef, useState } from 'react';
import { useJournal } from './api/queries';
import { ActionLog } from './components/ActionLog';
import { ConnectionBanner } from './components/ConnectionBanner';
import { Dialogs } from './components/Dialogs';
import { ReviewView } from './components/ReviewView';
import { SourceFoldersBanner } from './components/SourceFoldersBanner';
import { Toasts } from './components/Toasts';
import { TopBar } from './components/TopBar';
import { useAutoMoveBatch } from './hooks/useAutoMoveBatch';
import { useColdStart } from './hooks/useColdStart';
import { useCommands } from './hooks/useCommands';
import type { GridRequest } from './hooks/useGrid';
import { useDocumentTitle } from './hooks/useDocumentTitle';
import { useKeymap } from './hooks/useKeymap';
import { useLiveUpdates } from './hooks/useLiveUpdates';
import { usePrefetch } from './hooks/usePrefetch';
import { useReview, type OthersFiled } from './hooks/useReview';
import { toast } from './hooks/toasts';
import { useSourceFolders } from './hooks/useSourceFolders';
import type { Modal, View } from './logic/keymap';
import { initialPlayback, playback } from './logic/playback';

export function App() {
  const othersFiled = useRef<OthersFiled>(new Map());
  const r = useReview({ othersFiled });
  const { session } = r;
  const [view, setView] = useState<View>('review');
  const [modal, setModal] = useState<Modal>(null);
  const [grid, setGrid] = useState<GridRequest | null>(null);
  const [pb, pbDispatch] = useReducer(playback, initialPlayback);
  const journal = useJournal(view === 'log');

  const batch = useAutoMoveBatch(r);
  const { connection, everConnected } = useLiveUpdates({ r, othersFiled, onBatchProgress: batch.onProgressEvent, onBatchDone: batch.onDoneEvent });
  const openGrid = useCallback((req: GridRequest) => {
    setGrid(req);
    setModal('grid');
  }, []);
  const folders = useSourceFolders(r);
  const fileFolders = useCallback(() => {
    if (folders.offer) void folders.fileAll();
    else toast('info', 'No folders of the source to file as clusters');
  }, [folders]);
  const commands = useCommands(r, { setView, setModal, playback: pbDispatch, openGrid, fileFolders });
  useColdStart(session, () => setModal((m) => m ?? 'discover'));
  useKeymap({ view, modal }, commands.run);
  const { cache, upcoming } = usePrefetch(r.current, r.visible);
  useDocumentTitle(session);

  const closeModal = () => setModal(null);
  return (
    <div className="app">
      <a href="#stage" className="skip-link">
        Skip to photo
      </a>
      <TopBar
        session={session}
        view={view}
        onAutoMove={() => commands.run({ type: 'automove' }, { timeStamp: performance.now(), key: 'a' })}
        onToggleLog={() => commands.run({ type: 'toggleLog' }, { timeStamp: performance.now(), key: 'click' })}
        onToggleManual={() => commands.run({ type: 'manualOnly' }, { timeStamp: performance.now(), key: 'click' })}
        onHelp={() => setModal('help')}
      />
      <ConnectionBanner state={connection} everConnected={everConnected} />
      {view === 'review' ? <SourceFoldersBanner o={folders} /> : null}
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
        <ReviewView r={r} cache={cache} upcoming={upcoming} file={commands.file} onNewCluster={() => setModal('palette')} />
      )}

      <Dialogs modal={modal} r={r} file={commands.file} batch={batch} grid={grid} onClose={closeModal} />
      <Toasts />
    </div>
  );
}
