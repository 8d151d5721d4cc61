// Tell the server which photo this tab has on screen, so auto-move and other reviewers leave
// it alone; refreshed before the server forgets, and withdrawn when the tab goes away.
import { useEffect } from 'react';
import { sendViewing } from '../api/client';

const VIEWING_REFRESH_MS = 45_000; // the server forgets a viewer after 90 s

export function usePresence(onScreen: string | null) {
  useEffect(() => {
    sendViewing(onScreen);
    const timer = setInterval(() => sendViewing(onScreen), VIEWING_REFRESH_MS);
    return () => clearInterval(timer);
  }, [onScreen]);
  useEffect(() => {
    const bye = () => sendViewing(null, { beacon: true });
    window.addEventListener('pagehide', bye);
    return () => window.removeEventListener('pagehide', bye);
  }, []);
}
