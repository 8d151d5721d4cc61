// The queue photos after the one on screen, and their previews fetched and decoded ahead so
// the next photo appears in the frame of the keypress (`?prefetch=0` turns it off, for the bench).
import { useEffect, useMemo, useState } from 'react';
import type { QueueItem } from '../api/queries';
import type { Current } from '../logic/stage';
import { imageUrl } from '../api/urls';
import { ImageCache } from '../perf/imageCache';

/** How many previews ahead are fetched and decoded. */
const PREFETCH_AHEAD = 3;

export function usePrefetch(current: Current, visible: QueueItem[]) {
  const [cache] = useState(() => new ImageCache(14));
  const prefetchOn = useMemo(() => new URLSearchParams(window.location.search).get('prefetch') !== '0', []);
  // Live, the head of the queue is on screen; looking back, the whole queue is still ahead.
  const upcoming = useMemo(() => (current.mode === 'live' ? visible.slice(1) : visible), [current.mode, visible]);
  useEffect(() => {
    if (!prefetchOn) return;
    cache.prefetch(upcoming.slice(0, PREFETCH_AHEAD).map((q) => imageUrl(q.item, 'preview')));
  }, [upcoming, cache, prefetchOn]);
  return { cache, upcoming };
}
