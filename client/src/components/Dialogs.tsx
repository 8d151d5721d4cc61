// The one dialog open at a time: key help, the cluster palette, the auto-move panel, a grid.
import type { FileAction } from '../hooks/useCommands';
import type { AutoMoveBatch } from '../hooks/useAutoMoveBatch';
import type { GridRequest } from '../hooks/useGrid';
import type { Review } from '../hooks/useReview';
import type { Modal } from '../logic/keymap';
import { stageFor } from '../logic/stage';
import { AutoMovePanel } from './AutoMovePanel';
import { DiscoveryPanel } from './grid/DiscoveryPanel';
import { GridPanel } from './grid/GridPanel';
import { KeymapHelp } from './KeymapHelp';
import { Palette } from './Palette';
import { DuplicatesDialog } from './stacks/DuplicatesDialog';

interface Props {
  modal: Modal;
  r: Review;
  file: FileAction;
  batch: AutoMoveBatch;
  grid: GridRequest | null;
  onClose: () => void;
}

export function Dialogs({ modal, r, file, batch, grid, onClose }: Props) {
  const session = r.session;
  if (modal === 'help') return <KeymapHelp onClose={onClose} />;
  if (modal === 'palette' && session) {
    return (
      <Palette
        clusters={session.clusters}
        photoName={stageFor(r.current)?.name ?? 'this photo'}
        onClose={onClose}
        onFile={(cluster, create, ev) => {
          onClose();
          file('assign', cluster, create, { timeStamp: ev.timeStamp, key: 'palette' });
        }}
      />
    );
  }
  if (modal === 'grid' && session && grid) {
    return <GridPanel key={grid.mode === 'search' ? 'search' : `${grid.mode}:${grid.item}`} request={grid} clusters={session.clusters} refresh={r.scheduleRefresh} onClose={onClose} />;
  }
  if (modal === 'discover' && session) {
    const indexed = session.indexing.running ? session.indexing.done : 'idle';
    return <DiscoveryPanel clusters={session.clusters} indexed={indexed} refresh={r.scheduleRefresh} onClose={onClose} />;
  }
  const dupes = modal === 'duplicates' && r.current.subject ? r.stacks.duplicates.get(r.current.subject.item) : undefined;
  if (dupes) return <DuplicatesDialog group={dupes} onKeepBest={r.keepBest} onClose={onClose} />;
  if (modal === 'automove' && session) {
    return (
      <AutoMovePanel
        session={session}
        progress={batch.progress}
        onClose={onClose}
        onStart={batch.onStart}
        onFinished={batch.onFinished}
        onFailed={batch.onFailed}
        onUndoBatch={batch.undoBatch}
      />
    );
  }
  return null;
}
