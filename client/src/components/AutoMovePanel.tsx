// `a`: pick a threshold on the histogram of top scores, see what would move and how precise
// that is likely to be, run it as one undoable batch. State lives in useAutoMove; the parts
// of the panel are in ./automove.
import type { AutoMoveResult, SessionInfo } from '../api/queries';
import { useAutoMove, type AutoMove } from '../hooks/useAutoMove';
import { keyInput, resolveAutoMoveKey } from '../logic/keymap';
import type { BatchProgress } from '../hooks/useAutoMoveBatch';
import { BatchStatus } from './automove/BatchStatus';
import { DryRunList } from './automove/DryRunList';
import { RuleControls } from './automove/RuleControls';
import { Modal } from './Modal';

export type { BatchProgress };

interface Props {
  session: SessionInfo;
  progress: BatchProgress | null;
  onClose: () => void;
  onStart: () => void;
  onFinished: (result: AutoMoveResult) => void;
  onFailed: () => void;
  onUndoBatch: (batch: string) => Promise<unknown>;
}

export function AutoMovePanel({ session, progress, onClose, ...callbacks }: Props) {
  const m = useAutoMove(session, callbacks);

  const onKeyDown = (e: React.KeyboardEvent) => {
    const cmd = resolveAutoMoveKey(keyInput(e));
    if (!cmd) return;
    // The panel's keys are not the global ones (Enter runs the batch, it does not file a photo).
    e.stopPropagation();
    if (cmd.type !== 'recommended') e.preventDefault();
    if (cmd.type === 'step') m.step(cmd.direction, cmd.big);
    else if (cmd.type === 'run') void m.run();
    else if (cmd.type === 'undoBatch') void m.undoBatch();
    else m.applyRecommended();
  };

  return (
    <Modal title="Auto-move" onClose={onClose} className="automove" initialFocus="[data-testid=threshold-slider]">
      <div onKeyDown={onKeyDown} className="automove-body" data-testid="automove">
        {!m.ready ? (
          <p className="panel-note" data-testid="automove-unavailable">
            {unavailableText(session)}
          </p>
        ) : m.error ? (
          <p className="panel-note error-text">Auto-move is unavailable: {m.error.message}</p>
        ) : (
          <PanelBody m={m} progress={progress} />
        )}
      </div>
    </Modal>
  );
}

function PanelBody({ m, progress }: { m: AutoMove; progress: BatchProgress | null }) {
  return (
    <>
      <RuleControls m={m} />
      <BatchStatus phase={m.phase} progress={progress} onUndo={() => void m.undoBatch()} />
      {m.runError ? <p className="error-text">Auto-move failed: {m.runError}</p> : null}
      <DryRunList m={m} />
    </>
  );
}

function unavailableText(session: SessionInfo): string {
  if (session.settings.manual_only) return 'Manual-only mode is on: auto-move is off. Press m to turn suggestions back on.';
  if (session.embedder.status === 'loading') return `The model is still loading (${session.embedder.reason}). Auto-move needs suggestions.`;
  return `Auto-move needs suggestions, and there are none: ${session.embedder.reason}.`;
}
