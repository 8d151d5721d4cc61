import type { QueueItem } from '../api/queries';
import { TRASH_PREFIX } from '../logic/actionView';
import type { HistoryEntry } from '../logic/review';
import { imageUrl } from '../api/urls';
import { queuedText } from '../logic/format';
import { DurationBadge } from './DurationBadge';
import { GroupBadge } from './GroupBadge';

interface Props {
  /** The last photos this tab acted on, oldest first. */
  recent: HistoryEntry[];
  current: { item: string; name: string; kind?: 'photo' | 'video'; durationS?: number | null } | null;
  upcoming: QueueItem[];
  total: number;
  /** `total` is what a large source's first walk found so far. */
  counting?: boolean;
  /** History index being looked at with ←, if any. */
  backIndex: number | null;
  historyOffset: number;
}

export function historyThumb(e: HistoryEntry): string {
  if (e.status === 'done' && e.dst) {
    if (e.dst.startsWith(TRASH_PREFIX)) return imageUrl(e.dst.slice(TRASH_PREFIX.length), 'thumb', 'trash');
    return imageUrl(e.dst, 'thumb', 'dest');
  }
  // Not moved (yet): the browser still has the source URL's response cached.
  return imageUrl(e.item, 'thumb');
}

function outcome(e: HistoryEntry): string {
  if (e.status === 'pending') return 'saving…';
  if (e.status === 'conflict') return 'taken';
  if (e.status === 'failed') return 'not saved';
  if (e.status === 'undone') return 'undone';
  if (e.action === 'assign') return `→ ${e.cluster ?? ''}`;
  if (e.action === 'delete') return 'trash';
  return 'skipped';
}

export function Filmstrip({ recent, current, upcoming, total, counting = false, backIndex, historyOffset }: Props) {
  return (
    <nav className="filmstrip" aria-label="Filmstrip: recent and upcoming photos">
      <ol>
        {recent.map((e, i) => (
          <li key={`h${e.id}`} className={`film film-past ${backIndex === historyOffset + i ? 'film-current' : ''}`} aria-current={backIndex === historyOffset + i ? 'true' : undefined}>
            <img src={historyThumb(e)} alt={`${e.name}, ${outcome(e)}`} decoding="async" loading="lazy" />
            <span className={`film-tag film-tag-${e.status === 'done' ? e.action : e.status}`}>{outcome(e)}</span>
          </li>
        ))}
        {current ? (
          <li className={`film ${backIndex === null ? 'film-current' : ''}`} aria-current={backIndex === null ? 'true' : undefined} data-testid="film-current">
            <img src={imageUrl(current.item, 'thumb')} alt={`${current.name} (on screen)`} decoding="async" />
            {current.kind === 'video' ? <DurationBadge seconds={current.durationS} /> : null}
          </li>
        ) : null}
        {upcoming.map((q) => (
          <li key={q.item} className="film film-next">
            <img src={imageUrl(q.item, 'thumb')} alt={q.name} decoding="async" loading="lazy" />
            {q.kind === 'video' ? <DurationBadge seconds={q.duration_s} /> : null}
            {q.suggestions?.top[0] ? (
              <span className="film-tag" title={q.suggestions.weak ? 'weak match: this photo may need a new cluster' : undefined}>
                {q.suggestions.top[0].cluster}
                {q.suggestions.weak ? '?' : ''}
              </span>
            ) : null}
            {q.decode_error ? <span className="film-tag film-tag-failed">cannot decode</span> : null}
            <GroupBadge group={q.group} compact />
          </li>
        ))}
        {total > upcoming.length + (current ? 1 : 0) ? (
          <li className="film film-more" aria-label={`${total - upcoming.length - (current ? 1 : 0)} more`}>
            +{queuedText({ queued: total - upcoming.length - (current ? 1 : 0), counting })}
          </li>
        ) : null}
      </ol>
    </nav>
  );
}
