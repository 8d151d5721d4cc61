// The source's own folders offered as clusters (`--into DEST` sessions): fetched when the
// session opens and after an undo (which can bring them back), filed with one key as one batch.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { api, ApiError, unwrap, type Schemas } from '../api/client';
import { count } from '../logic/format';
import { failuresOf } from '../logic/moveFailures';
import { dismissKey } from '../logic/sourceFolders';
import { toast, toastFailedMoves } from './toasts';
import type { Review } from './useReview';

type Offer = Schemas['SourceFolders'];

const EMPTY: Offer = { folders: [], photos: 0 };

function wasDismissed(dest: string | undefined): boolean {
  if (!dest) return false;
  try {
    return window.localStorage.getItem(dismissKey(dest)) === '1';
  } catch {
    return false; // storage refused (private mode): the offer simply shows again next time
  }
}

export function useSourceFolders(r: Review) {
  const { session } = r;
  const qc = useQueryClient();
  const separate = Boolean(session && session.source !== session.dest);
  const [dismissed, setDismissed] = useState<boolean>(() => wasDismissed(session?.dest));
  const hidden = dismissed || wasDismissed(session?.dest);
  const undone = session?.stats.undone ?? 0;
  const query = useQuery({
    queryKey: ['source-folders', undone],
    queryFn: () => unwrap(api.GET('/api/source-folders')),
    enabled: separate && !hidden,
    staleTime: Infinity,
  });
  const [busy, setBusy] = useState(false);
  const offer = separate && !hidden && query.data?.photos ? query.data : null;

  const dismiss = useCallback(() => {
    setDismissed(true);
    try {
      if (session) window.localStorage.setItem(dismissKey(session.dest), '1');
    } catch {
      // kept for this tab only
    }
  }, [session]);

  const fileAll = useCallback(async () => {
    if (!offer || busy) return;
    setBusy(true);
    try {
      const res = await unwrap(api.POST('/api/source-folders/file', { body: {} }));
      const label = `filing ${count(res.clusters.length, 'source folder')} as clusters`;
      r.dispatch({ type: 'batchDone', batch: res.batch, count: res.moved, label });
      qc.setQueryData(['source-folders', undone], EMPTY);
      toast('success', `Filed ${count(res.moved, 'photo')} from ${count(res.clusters.length, 'folder')} into clusters of the same names as one batch (z undoes it)`);
      toastFailedMoves(res.failed);
      r.scheduleRefresh(['session', 'queue', 'actions']);
    } catch (e) {
      toastFailedMoves(failuresOf(e));
      toast('warn', `Could not file the folders: ${e instanceof ApiError ? e.message : 'the server cannot be reached'}`);
      void query.refetch();
    } finally {
      setBusy(false);
    }
  }, [busy, offer, qc, query, r, undone]);

  return { offer, source: session?.source ?? '', busy, fileAll, dismiss };
}

export type SourceFoldersOffer = ReturnType<typeof useSourceFolders>;
