// The review state machine in a store that actions can read synchronously, kept in
// sessionStorage so a reload keeps ← history and "undo my last action".
import { useEffect, useState } from 'react';
import { initialReview, persistable, review, type ReviewEvent, type ReviewState } from '../logic/review';
import { createStore, useStore } from './store';

const PERSIST_KEY = 'photosort.review';

function loadPersisted(): ReviewState {
  try {
    const raw = sessionStorage.getItem(PERSIST_KEY);
    if (!raw) return initialReview;
    const saved = JSON.parse(raw) as ReturnType<typeof persistable>;
    return review(initialReview, { type: 'restore', history: saved.history ?? [], undoStack: saved.undoStack ?? [] });
  } catch {
    return initialReview;
  }
}

export function useReviewStore() {
  const [store] = useState(() => createStore<ReviewState, ReviewEvent>(review, loadPersisted()));
  const state = useStore(store);
  useEffect(() => {
    try {
      sessionStorage.setItem(PERSIST_KEY, JSON.stringify(persistable(state)));
    } catch {
      // Storage full or disabled: only ← history is lost on reload.
    }
  }, [state]);
  return { store, state };
}

export type ReviewStore = ReturnType<typeof useReviewStore>['store'];
