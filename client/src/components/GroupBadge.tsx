// A photo that is a group of files (RAW+JPEG twin, sidecars, a Live Photo's video) says so:
// the badge names what travels with it, the tooltip lists every file.
import type { QueueItem } from '../api/queries';

interface Props {
  group: QueueItem['group'] | undefined;
  /** The filmstrip's small corner tag instead of the stage's caption chip. */
  compact?: boolean;
}

export function GroupBadge({ group, compact = false }: Props) {
  if (!group) return null;
  const files = group.files.join(', ');
  return (
    <span
      className={compact ? 'group-badge group-badge-compact' : 'group-badge'}
      title={`Moves as one: ${files}`}
      aria-label={`${group.badge}: ${group.files.length} files move together (${files})`}
      data-testid={compact ? 'film-group-badge' : 'group-badge'}
    >
      {group.badge}
    </span>
  );
}
