// The proposed-groups dialog: the groups of queued photos that match no cluster, the one on
// show, its ticks, and naming it (which creates the cluster and files the ticked photos).
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError, unwrap, type Schemas } from '../api/client';
import type { ClusterInfo } from '../api/queries';
import { count } from '../logic/format';
import { gridFiling } from '../logic/grid';
import { clusterNameProblem } from '../logic/palette';
import { filingError, toast, toastFailedMoves } from './toasts';
import type { Refreshable } from './useScheduleRefresh';
import { useTicks } from './useTicks';

export type DiscoveryPage = Schemas['DiscoveryPage'];

/** `indexed`: changes while indexing runs, so the groups are worked out again with the new vectors. */
/** The toasts after naming a group: what was filed, and each photo whose move failed. */
function announce(res: Schemas['GridFiled'], create: boolean) {
  toast('success', `${create ? 'Created' : 'Filed into'} ${res.cluster}: ${count(res.moved.length, 'photo')} as one batch (z undoes it)`);
  toastFailedMoves(res.failed);
}

/** The proposed groups. Each holds only the photos likely enough to belong (above the
 * break-even); the reviewer may still ask for the ones it left for one by one (`everything`). */
function useGroups(indexed: number | 'idle') {
  const [everything, setEverything] = useState(false);
  const [index, setIndex] = useState(0);
  const q = useQuery({
    queryKey: ['discover', indexed, everything],
    queryFn: () => unwrap(api.GET('/api/discover', { params: { query: { everything } } })),
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
  const groups = q.data?.groups ?? [];
  const at = Math.min(index, Math.max(0, groups.length - 1));
  const loadError = q.error instanceof ApiError ? q.error.message : q.error ? 'could not load the groups' : null;
  const showEverything = () => {
    setEverything(true);
    setIndex(0);
  };
  const view = { page: q.data, loading: q.isLoading, loadError, group: groups[at], index: at, everything };
  return { q, groups, setIndex, showEverything, view };
}

export function useDiscovery(clusters: ClusterInfo[], indexed: number | 'idle', refresh: (what?: ReadonlyArray<Refreshable>) => void) {
  const { q, groups, setIndex, view, ...shown } = useGroups(indexed);
  const { group } = view;
  const [typed, setTyped] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const items = (group?.items ?? []).map((i) => i.item);
  const { reset: resetTicks, ...ticks } = useTicks(items);
  const { unticked } = ticks;
  const name = typed ?? group?.name ?? '';

  const reset = () => {
    resetTicks();
    setTyped(null);
    setError(null);
  };

  const showEverything = () => {
    shown.showEverything();
    reset();
  };

  const next = () => {
    if (groups.length < 2) return;
    setIndex((i) => (i + 1) % groups.length);
    reset();
  };

  const file = async () => {
    const cluster = name.trim();
    const problem = cluster ? clusterNameProblem(cluster) : 'type a name for this group';
    if (problem) return setError(problem);
    const create = !clusters.some((c) => c.name === cluster);
    const body = gridFiling('discover', cluster, group?.items ?? [], unticked, create);
    if (body.ticked.length === 0) return setError('tick at least one photo');
    setBusy(true);
    setError(null);
    try {
      const res = await unwrap(api.POST('/api/grid/file', { body }));
      announce(res, create);
      refresh(['session', 'queue', 'actions']);
      setIndex(0);
      reset();
      await q.refetch();
    } catch (e) {
      setError(filingError(e, 'naming the group failed'));
    } finally {
      setBusy(false);
    }
  };

  return {
    ...view,
    items,
    ...ticks,
    name,
    setName: setTyped,
    next,
    showEverything,
    file,
    busy,
    error,
  };
}
