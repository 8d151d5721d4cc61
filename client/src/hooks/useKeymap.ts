// The one window-level key listener: each keydown goes through the keymap's resolver with the
// current view and dialog, and the command it names is run. Registered once; the latest
// context and command runner are read through refs so re-renders never re-register it.
import { useEffect, useLayoutEffect, useRef } from 'react';
import { keyInput, resolveKey, type Command, type KeyContext } from '../logic/keymap';
import type { CommandSource } from './useCommands';

export function useKeymap(context: KeyContext, run: (cmd: Command, ev: CommandSource) => void) {
  const runRef = useRef(run);
  const contextRef = useRef(context);
  // Updated after each commit (a keydown never lands between a render and its commit).
  useLayoutEffect(() => {
    runRef.current = run;
    contextRef.current = context;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const cmd = resolveKey(keyInput(e), contextRef.current);
      if (!cmd) return;
      e.preventDefault();
      runRef.current(cmd, { timeStamp: e.timeStamp, key: e.key });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
