// The reviewer's loop: what is on screen, and the actions that move on from it. Composes the
// review store, the visible queue, the current photo, presence and the actions against the
// server (each in its own hook) into the one object the app hands around.
import { useEffect, useMemo } from 'react';
import { reviewer } from '../api/client';
import { useQueue, useSessionInfo, type QueueSnapshot } from '../api/queries';
import { visibleQueue } from '../logic/review';
import { collapseStacks } from '../logic/stacks';
import type { OthersFiled } from '../logic/reviewText';
import { useCurrent } from './useCurrent';
import { useManualOnly } from './useManualOnly';
import { usePresence } from './usePresence';
import { useReviewActions } from './useReviewActions';
import { useReviewStore } from './useReviewStore';
import { useScheduleRefresh } from './useScheduleRefresh';
import { useStackActions } from './useStackActions';
import { useStacks } from './useStacks';

export type { Current, Subject } from '../logic/stage';
export type { OthersFiled } from '../logic/reviewText';

export function useReview({ othersFiled }: { othersFiled: React.RefObject<OthersFiled> }) {
  const sessionQ = useSessionInfo();
  const queueQ = useQueue();
  const { store, state } = useReviewStore();

  const snapshot: QueueSnapshot | undefined = queueQ.data;
  useEffect(() => {
    if (snapshot) store.dispatch({ type: 'queueFetched', startedAt: snapshot.startedAt });
  }, [snapshot, store]);
  const stacks = useStacks();
  const visible = useMemo(() => collapseStacks(visibleQueue(snapshot?.page.items ?? [], state.gone), stacks.stacks), [snapshot, state.gone, stacks.stacks]);

  const current = useCurrent(state, visible);
  usePresence(current.subject?.item ?? null);

  const scheduleRefresh = useScheduleRefresh();
  const actions = useReviewActions({ store, othersFiled, scheduleRefresh });
  const setManualOnly = useManualOnly(scheduleRefresh);
  const stackActions = useStackActions({ store, scheduleRefresh, ...actions });

  return {
    session: sessionQ.data,
    sessionQuery: sessionQ,
    queueQuery: queueQ,
    visible,
    state,
    current,
    store,
    reviewer,
    ...actions,
    ...stackActions,
    stacks,
    setManualOnly,
    scheduleRefresh,
    dispatch: store.dispatch,
  };
}

export type Review = ReturnType<typeof useReview>;
