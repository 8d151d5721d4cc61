// The one dialog open at a time: key help, the cluster palette, or the auto-move panel.
import type { FileAction } from '../hooks/useCommands';
import type { AutoMoveBatch } from '../hooks/useAutoMoveBatch';
import type { Review } from '../hooks/useReview';
import type { Modal } from '../logic/keymap';
import { stageFor } from '../logic/stage';
import { AutoMovePanel } from './AutoMovePanel';
import { KeymapHelp } from './KeymapHelp';
import { Palette } from './Palette';

interface Props {
  modal: Modal;
  r: Review;
  file: FileAction;
  batch: AutoMoveBatch;
  onClose: () => void;
}

export function Dialogs({ modal, r, file, batch, onClose }: Props) {
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
