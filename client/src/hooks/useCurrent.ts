// Which photo the keys act on: the head of the visible queue, or the photo looked back at with
// ←, asking the server whether that one is still queued (skipped, undone, failed).
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, unwrap } from '../api/client';
import type { QueueItem } from '../api/queries';
import type { ReviewState } from '../logic/review';
import type { Current } from '../logic/stage';

export function useCurrent(state: ReviewState, visible: QueueItem[]): Current {
  const backEntry = state.back !== null ? (state.history[state.back] ?? null) : null;
  // A photo this tab filed is known to be in its cluster, and refiling goes through undo.
  const mayBeQueued = backEntry !== null && backEntry.status !== 'pending' && (backEntry.action === 'skip' || backEntry.status !== 'done');
  const backItem = mayBeQueued ? backEntry.item : null;
  const backDetail = useQuery({
    queryKey: ['item', backItem],
    queryFn: () => unwrap(api.GET('/api/items/{item}', { params: { path: { item: backItem ?? '' }, query: { root: 'source' } } })),
    enabled: backItem !== null,
    retry: false,
    staleTime: 0,
  });

  return useMemo(() => {
    if (backEntry && state.back !== null) {
      const detail = backDetail.data;
      const queued = detail && detail.queued && detail.item === backEntry.item;
      return {
        mode: 'back',
        entry: backEntry,
        index: state.back,
        subject: queued ? { item: detail.item, name: detail.name, suggestions: detail.suggestions, decodeError: detail.decode_error, kind: detail.kind, durationS: detail.duration_s, group: detail.group } : null,
      };
    }
    const head = visible[0];
    return {
      mode: 'live',
      subject: head ? { item: head.item, name: head.name, suggestions: head.suggestions, decodeError: head.decode_error ?? null, kind: head.kind, durationS: head.duration_s, group: head.group } : null,
    };
  }, [backEntry, state.back, backDetail.data, visible]);
}
