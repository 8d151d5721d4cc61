// The tab title counts what is left to sort, so a background tab still shows progress.
import { useEffect } from 'react';
import type { SessionInfo } from '../api/queries';

export function useDocumentTitle(session: SessionInfo | undefined) {
  useEffect(() => {
    document.title = session ? `(${session.stats.queued.toLocaleString('en-US')}) photosort` : 'photosort';
  }, [session]);
}
