import type { SessionInfo } from '../api/queries';
import { Kbd } from './Kbd';

/** What the stage shows when there is no photo to sort, and why. */
export function EmptyState({ session, loading }: { session: SessionInfo | undefined; loading: boolean }) {
  if (!session || loading) {
    return (
      <div className="empty" data-testid="empty-loading">
        <span className="spinner spinner-big" aria-hidden="true" />
        <p>Loading the queue…</p>
      </div>
    );
  }
  const s = session.stats;
  if (s.processed === 0 && s.queued === 0) {
    return (
      <div className="empty" data-testid="empty-folder">
        <h2>No photos to sort here</h2>
        <p>
          <code>{session.source}</code> has no loose photos{session.clusters.length ? ' outside its cluster folders' : ''}.
        </p>
        <p className="muted">
          Supported: JPEG, PNG, WebP, TIFF, BMP, GIF, HEIC and camera RAW. Photos added to the folder show up here without a restart.
        </p>
      </div>
    );
  }
  return (
    <div className="empty" data-testid="all-sorted">
      <h2>Everything is sorted</h2>
      <p>
        {s.processed.toLocaleString('en-US')} photos handled: {s.manual - s.deleted} filed by hand, {s.auto} by auto-move, {s.deleted} trashed.
      </p>
      <p className="muted">
        Press <Kbd>z</Kbd> to undo the last action, or <Kbd>l</Kbd> to review and play back the session.
      </p>
    </div>
  );
}
