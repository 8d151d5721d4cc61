// Switch manual-only mode (no suggestions, no auto-move) on the server and say so.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api, ApiError, unwrap } from '../api/client';
import { keys, type SessionInfo } from '../api/queries';
import { toast } from './toasts';
import type { Refreshable } from './useScheduleRefresh';

export function useManualOnly(scheduleRefresh: (what?: ReadonlyArray<Refreshable>) => void) {
  const qc = useQueryClient();
  return useCallback(
    async (on: boolean) => {
      try {
        const settings = await unwrap(api.POST('/api/settings', { body: { manual_only: on } }));
        qc.setQueryData<SessionInfo>(keys.session, (old) => (old ? { ...old, settings } : old));
        toast('info', on ? 'Manual-only mode: no suggestions, no auto-move' : 'Suggestions are back on');
        scheduleRefresh();
      } catch (e) {
        toast('error', e instanceof ApiError ? e.message : 'Could not change the setting');
      }
    },
    [qc, scheduleRefresh],
  );
}
