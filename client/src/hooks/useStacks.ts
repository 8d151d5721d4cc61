// Stacks and duplicates of the queue head, fetched beside the queue (their query keys start
// with the queue's, so whatever refreshes the queue refreshes them too).
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, unwrap } from '../api/client';
import { keys, QUEUE_WINDOW } from '../api/queries';
import { duplicateIndex, stackIndex, type DuplicateGroup, type StackInfo } from '../logic/stacks';

export const stackKeys = {
  stacks: [...keys.queue, 'stacks'] as const,
  duplicates: [...keys.queue, 'duplicates'] as const,
};

const NO_STACKS: StackInfo[] = [];
const NO_GROUPS: DuplicateGroup[] = [];

export function useStacks() {
  const stacksQ = useQuery({
    queryKey: stackKeys.stacks,
    queryFn: () => unwrap(api.GET('/api/stacks', { params: { query: { head: QUEUE_WINDOW } } })),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  const dupesQ = useQuery({
    queryKey: stackKeys.duplicates,
    queryFn: () => unwrap(api.GET('/api/duplicates', { params: { query: { limit: 200, head: QUEUE_WINDOW } } })),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  const stacks = stacksQ.data?.stacks ?? NO_STACKS;
  const groups = dupesQ.data?.groups ?? NO_GROUPS;
  const byItem = useMemo(() => stackIndex(stacks), [stacks]);
  const dupes = useMemo(() => duplicateIndex(groups), [groups]);
  return { stacks: byItem, duplicates: dupes, duplicateTotal: dupesQ.data?.total ?? 0 };
}

export type Stacks = ReturnType<typeof useStacks>;
