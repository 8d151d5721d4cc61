// The ticks and keyboard focus over a page of photos, shared by the grid and proposed-groups
// dialogs: every photo starts ticked; the focus stays on the page as it shrinks.
import { useCallback, useState } from 'react';
import { moveFocus, toggleAll } from '../logic/grid';

export function useTicks(items: readonly string[]) {
  const [unticked, setUnticked] = useState<ReadonlySet<string>>(new Set());
  const [focus, setFocus] = useState(0);

  const toggle = useCallback((item: string) => {
    setUnticked((old) => {
      const next = new Set(old);
      if (next.has(item)) next.delete(item);
      else next.add(item);
      return next;
    });
  }, []);

  return {
    unticked,
    toggle,
    toggleAll: () => setUnticked(toggleAll(items, unticked)),
    focus: Math.min(focus, Math.max(0, items.length - 1)),
    move: (dx: number, dy: number) => setFocus((f) => moveFocus(Math.min(f, items.length - 1), dx, dy, items.length)),
    setFocus,
    /** Everything ticked again and the focus back on the first photo (a new page). */
    reset: () => {
      setUnticked(new Set());
      setFocus(0);
    },
  };
}
