// The sorting screen: the photo on stage with its caption and key hint, the suggestions and
// clusters beside it, and the filmstrip of photos before and after.
import type { QueueItem } from '../api/queries';
import type { FileAction } from '../hooks/useCommands';
import type { Review } from '../hooks/useReview';
import { useSlots } from '../hooks/useSlots';
import type { ImageCache } from '../perf/imageCache';
import { queuedText } from '../logic/format';
import { stageFor } from '../logic/stage';
import { stageVideo } from '../logic/video';
import { BackBanner } from './BackBanner';
import { ClusterList } from './ClusterList';
import { EmptyState } from './EmptyState';
import { Filmstrip } from './Filmstrip';
import { Kbd } from './Kbd';
import { GroupBadge } from './GroupBadge';
import { PhotoStage } from './PhotoStage';
import { StageVideoPlayer } from './StageVideoPlayer';
import { StackOverlay } from './stacks/StackOverlay';
import { SuggestionsPanel } from './SuggestionsPanel';

const FILM_AHEAD = 12;
const FILM_BEHIND = 4;

interface Props {
  r: Review;
  cache: ImageCache;
  upcoming: QueueItem[];
  file: FileAction;
  onNewCluster: () => void;
}

export function ReviewView({ r, cache, upcoming, file, onNewCluster }: Props) {
  const { session, current, visible, state } = r;
  const subject = current.subject;
  const manual = session?.settings.manual_only ?? false;
  const stageInfo = stageFor(current);
  const video = stageVideo(current);
  const loadingQueue = !r.queueQuery.data || (visible.length === 0 && (session?.stats.queued ?? 0) > 0);
  const recentStart = Math.max(0, state.history.length - FILM_BEHIND);
  const setSlot = useSlots();
  const pick = (c: string) => file('assign', c, false, { timeStamp: performance.now(), key: 'click' });

  return (
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
            {video && stageInfo ? <StageVideoPlayer key={video.src} video={video} poster={stageInfo.preview} label={stageInfo.name} /> : null}
            <StageCaption name={stageInfo.name} r={r} />
            {current.mode === 'back' ? <BackBanner current={current} /> : null}
            {current.mode === 'live' && subject ? <StackOverlay r={r} item={subject.item} /> : null}
          </PhotoStage>
        ) : (
          <EmptyState session={session} loading={loadingQueue && (session?.stats.queued ?? 0) > 0} />
        )}
        <KeyHint />
      </section>
      <aside className="sidebar" aria-label="Suggestions and clusters">
        {session ? (
          <>
            <SuggestionsPanel session={session} suggestions={subject?.suggestions} disabled={!stageInfo} onPick={pick} onNewCluster={() => stageInfo && onNewCluster()} />
            <ClusterList
              clusters={session.clusters}
              highlight={manual ? null : (subject?.suggestions?.top[0]?.cluster ?? null)}
              disabled={!stageInfo}
              onPick={pick}
              onNew={() => stageInfo && onNewCluster()}
              onSlot={(cluster, slot) => void setSlot(session.clusters, cluster, slot)}
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
        counting={session?.stats.counting ?? false}
      />
    </main>
  );
}

function KeyHint() {
  return (
    <p className="key-hint" aria-hidden="true">
      <Kbd>⏎</Kbd> accept · <Kbd>1</Kbd>–<Kbd>9</Kbd> file · <Kbd>/</Kbd> any cluster · <Kbd>z</Kbd> undo · <Kbd>d</Kbd> trash · <Kbd>s</Kbd> skip ·{' '}
      <Kbd>←</Kbd> back · <Kbd>?</Kbd> all keys
    </p>
  );
}

/** The photo's name, its file group, and how many are left to sort. */
function StageCaption({ name, r }: { name: string; r: Review }) {
  const { session, current } = r;
  return (
    <div className="stage-caption">
      <span className="stage-name" data-testid="current-name">
        {name}
      </span>
      <GroupBadge group={current.subject?.group} />
      {current.mode === 'live' && session ? <span className="muted">1 of {queuedText(session.stats)} to sort</span> : null}
    </div>
  );
}
