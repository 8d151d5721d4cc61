// Refetch what an action changed; coalesced, so a burst of keys costs one round of fetches.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef } from 'react';
import { keys } from '../api/queries';

export type Refreshable = 'session' | 'queue' | 'actions';

export function useScheduleRefresh() {
  const qc = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  return useCallback(
    (what: ReadonlyArray<Refreshable> = ['session', 'queue', 'actions']) => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        for (const k of what) void qc.invalidateQueries({ queryKey: keys[k] });
      }, 60);
    },
    [qc],
  );
}
