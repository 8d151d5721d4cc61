// Move a cluster to another hotkey slot: the order is a session setting, journaled, so every
// tab and the next start see the same keys.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api, ApiError, unwrap } from '../api/client';
import { keys, type ClusterInfo, type SessionInfo } from '../api/queries';
import { pinSlot } from '../logic/slots';
import { toast } from './toasts';

export function useSlots() {
  const qc = useQueryClient();
  return useCallback(
    async (clusters: readonly ClusterInfo[], name: string, slot: number) => {
      try {
        const settings = await unwrap(api.POST('/api/settings', { body: { slots: pinSlot(clusters, name, slot) } }));
        qc.setQueryData<SessionInfo>(keys.session, (old) => (old ? { ...old, settings } : old));
        await qc.invalidateQueries({ queryKey: keys.session });
      } catch (e) {
        toast('error', e instanceof ApiError ? e.message : 'Could not move the hotkey');
      }
    },
    [qc],
  );
}
