// A grid dialog's state: the page of photos (a cluster's grid or more like this), which are
// unticked, where the focus is, and filing the ticked ones as one batch.
import { useQuery } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { api, ApiError, unwrap, type Schemas } from '../api/client';
import { count } from '../logic/format';
import { gridFiling, type GridMode } from '../logic/grid';
import { filingError, toast, toastFailedMoves } from './toasts';
import type { Refreshable } from './useScheduleRefresh';
import { useTicks } from './useTicks';

export type GridPage = Schemas['GridPage'];

/** What opened the grid: the photo on screen and which grid of it, or a text search. */
export type GridRequest = { mode: Extract<GridMode, 'grid' | 'similar'>; item: string } | { mode: 'search'; text: string };

const NO_TILES: GridPage['items'] = [];

const LIMITS = { grid: 60, similar: 30, search: 60 } as const;

function fetchPage(req: GridRequest, everything: boolean): Promise<GridPage> {
  if (req.mode === 'search') {
    return unwrap(api.GET('/api/grid/search', { params: { query: { text: req.text, limit: LIMITS.search } } }));
  }
  if (req.mode === 'similar') {
    return unwrap(api.GET('/api/grid/similar', { params: { query: { item: req.item, limit: LIMITS.similar } } }));
  }
  return unwrap(api.GET('/api/grid', { params: { query: { item: req.item, limit: LIMITS.grid, everything } } }));
}

export function useGrid(req: GridRequest, refresh: (what?: ReadonlyArray<Refreshable>) => void, onDone: () => void) {
  const key = req.mode === 'search' ? req.text : req.item;
  const enabled = req.mode !== 'search' || req.text.trim() !== '';
  // A cluster's grid holds only the photos worth reviewing there (above the break-even); the
  // reviewer may still ask for the ones it left for one by one.
  const [everything, setEverything] = useState(false);
  const page = useQuery({
    queryKey: ['grid', req.mode, key, everything],
    queryFn: () => fetchPage(req, everything),
    staleTime: 0,
    gcTime: 0,
    retry: false,
    enabled,
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const tiles = page.data?.items ?? NO_TILES;
  const items = tiles.map((i) => i.item);
  const { reset: _reset, ...ticks } = useTicks(items);
  const { unticked } = ticks;

  const file = useCallback(
    async (cluster: string, create = false) => {
      const body = gridFiling(req.mode, cluster, tiles, unticked, create);
      if (body.ticked.length === 0 && body.unticked.length === 0) return;
      setBusy(true);
      setError(null);
      try {
        const res = await unwrap(api.POST('/api/grid/file', { body }));
        const skipped = res.skipped.length ? ` · ${count(res.skipped.length, 'photo')} filed meanwhile by someone else, left alone` : '';
        const kept = res.demoted.length ? ` · ${count(res.demoted.length, 'photo')} kept in the queue` : '';
        toast('success', `Filed ${count(res.moved.length, 'photo')} into ${res.cluster} as one batch (z undoes it)${kept}${skipped}`);
        toastFailedMoves(res.failed);
        refresh(['session', 'queue', 'actions']);
        onDone();
      } catch (e) {
        setError(filingError(e, 'filing the grid failed'));
      } finally {
        setBusy(false);
      }
    },
    [tiles, onDone, refresh, req.mode, unticked],
  );

  return {
    page: page.data,
    loading: page.isLoading,
    loadError: page.error instanceof ApiError ? page.error.message : page.error ? 'could not load the grid' : null,
    items,
    ...ticks,
    everything,
    showEverything: () => setEverything(true),
    file,
    busy,
    error,
  };
}

export type Grid = ReturnType<typeof useGrid>;
