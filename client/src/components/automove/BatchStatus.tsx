// A running batch's progress bar, then what it moved with the button that undoes it.
import type { Phase } from '../../hooks/useAutoMove';
import type { BatchProgress } from '../../hooks/useAutoMoveBatch';
import { Kbd } from '../Kbd';

export function BatchStatus({ phase, progress, onUndo }: { phase: Phase; progress: BatchProgress | null; onUndo: () => void }) {
  if (phase.kind === 'running') {
    return (
      <div className="batch-progress" data-testid="batch-progress">
        <span>Moving… {progress ? `${progress.done.toLocaleString('en-US')} / ${progress.total.toLocaleString('en-US')}` : ''}</span>
        <div className="progress" role="progressbar" aria-label="Auto-move progress" aria-valuemin={0} aria-valuemax={progress?.total ?? 100} aria-valuenow={progress?.done ?? 0}>
          <div className="progress-fill" style={{ width: progress && progress.total ? `${(progress.done / progress.total) * 100}%` : '5%' }} />
        </div>
      </div>
    );
  }
  if (phase.kind !== 'done') return null;
  const perCluster = Object.entries(phase.result.per_cluster);
  return (
    <div className="batch-done" role="status" data-testid="batch-done">
      {phase.undone ? (
        <span>Batch undone: the photos are back in the queue.</span>
      ) : (
        <>
          <span>
            Moved <strong>{phase.result.count}</strong> photos
            {perCluster.length ? ` (${perCluster.map(([c, n]) => `${c} ${n}`).join(', ')})` : ''}.
          </span>
          <button type="button" className="btn" onClick={onUndo} data-testid="undo-batch">
            Undo batch <Kbd>u</Kbd>
          </button>
        </>
      )}
    </div>
  );
}
