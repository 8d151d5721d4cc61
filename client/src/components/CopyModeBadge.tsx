// Copy mode (a read-only source such as a memory card, or --copy): filing copies photos into
// the clusters and the source never changes, so the reviewer is told once, in the top bar.
import type { SessionInfo } from '../api/queries';

export function CopyModeBadge({ session }: { session: SessionInfo }) {
  if (!session.copy_mode) return null;
  const why = session.copy_reason ? ` (${session.copy_reason})` : '';
  return (
    <span
      className="chip chip-copy"
      role="status"
      data-testid="copy-mode"
      title={`Copy mode${why}: filing copies photos into ${session.dest}, verified by hash; nothing in ${session.source} is ever changed. Trash only hides a photo from the queue.`}
    >
      Copy mode
    </span>
  );
}
