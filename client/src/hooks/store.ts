// A reducer whose current state can be read synchronously. Actions are chained promises:
// when one link finishes and the next starts (a microtask later), React has not re-rendered
// yet, so a useReducer state would be one step stale (e.g. undo would miss the seq that the
// previous link just confirmed). Reading from here is always up to date.
import { useSyncExternalStore } from 'react';

export interface Store<S, E> {
  // Properties, not methods: useSyncExternalStore and callers pass them around unbound.
  get: () => S;
  dispatch: (ev: E) => void;
  subscribe: (listener: () => void) => () => void;
}

export function createStore<S, E>(reducer: (s: S, e: E) => S, initial: S): Store<S, E> {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    dispatch(ev) {
      const next = reducer(state, ev);
      if (next === state) return;
      state = next;
      listeners.forEach((l) => l());
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function useStore<S, E>(store: Store<S, E>): S {
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}
