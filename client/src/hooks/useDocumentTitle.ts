// The tab title counts what is left to sort, so a background tab still shows progress.
import { useEffect } from 'react';
import type { SessionInfo } from '../api/queries';
import { queuedText } from '../logic/format';

export function useDocumentTitle(session: SessionInfo | undefined) {
  useEffect(() => {
    document.title = session ? `(${queuedText(session.stats)}) photosort` : 'photosort';
  }, [session]);
}
