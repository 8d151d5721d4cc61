// Toasts: short, non-blocking messages (conflicts, undo results, batch done). A module store
// so any hook can raise one without threading callbacks through the tree.
import { failedMovesText, failuresOf, type FailedMove } from '../logic/moveFailures';
import { createStore, useStore } from './store';

export type ToastKind = 'info' | 'success' | 'warn' | 'error';

export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
  action?: { label: string; run: () => void };
  /** Milliseconds on screen; errors stay longer so they can be read. */
  ttl: number;
}

type Ev = { type: 'add'; toast: Toast } | { type: 'remove'; id: number };

const MAX_VISIBLE = 4;

const store = createStore<Toast[], Ev>((s, e) => {
  if (e.type === 'add') return [...s, e.toast].slice(-MAX_VISIBLE);
  return s.filter((t) => t.id !== e.id);
}, []);

let nextId = 1;

export function toast(kind: ToastKind, text: string, options: { action?: Toast['action']; ttl?: number } = {}): number {
  const id = nextId++;
  const ttl = options.ttl ?? (kind === 'error' || kind === 'warn' ? 7000 : 3500);
  store.dispatch({ type: 'add', toast: { id, kind, text, ttl, ...(options.action ? { action: options.action } : {}) } });
  setTimeout(() => store.dispatch({ type: 'remove', id }), ttl);
  return id;
}

export function dismissToast(id: number): void {
  store.dispatch({ type: 'remove', id });
}

export function useToasts(): Toast[] {
  return useStore(store);
}

/** Moves that failed, each with its reason, as one error toast (read longer: a list). */
export function toastFailedMoves(failed: readonly FailedMove[]): void {
  if (failed.length) toast('error', failedMovesText(failed), { ttl: 12000 });
}

/** A filing's error: the photos whose moves failed toasted one by one, its message returned. */
export function filingError(e: unknown, fallback: string): string {
  toastFailedMoves(failuresOf(e));
  return e instanceof Error ? e.message : fallback;
}
