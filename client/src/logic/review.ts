// The reviewer's loop as a pure state machine.
//
// Optimistic UI: a photo the reviewer acted on is hidden at once (`gone`) and the next one is
// shown before the server answers. It stays hidden until a queue fetch that *started after*
// the server confirmed the action: a fetch already in flight when the key was pressed would
// otherwise bring the photo back for a frame. `history` is what this tab saw and did, for `←`
// and for undoing "my last action" rather than someone else's.

export type ActionKind = 'assign' | 'delete' | 'skip';
export type EntryStatus = 'pending' | 'done' | 'conflict' | 'failed' | 'undone';

export interface HistoryEntry {
  id: number;
  item: string;
  name: string;
  action: ActionKind;
  cluster: string | null;
  status: EntryStatus;
  seq: number | null;
  /** Where the photo went, relative to dest (assign, delete). */
  dst: string | null;
  message: string | null;
  /** A stack filed with one decision: its other frames, hidden and shown again with it. */
  frames?: string[];
}

export type UndoTarget = { kind: 'seq'; seq: number; label: string } | { kind: 'batch'; batch: string; label: string };

export interface GoneEntry {
  /** When the server confirmed (ms, the same clock as queue fetch start times); null = in flight. */
  confirmedAt: number | null;
}

export interface ReviewState {
  gone: Record<string, GoneEntry>;
  history: HistoryEntry[];
  undoStack: UndoTarget[];
  /** Index into `history` while looking back with `←`; null = at the head of the queue. */
  back: number | null;
}

export type ReviewEvent =
  | { type: 'act'; id: number; item: string; name: string; action: ActionKind; cluster: string | null; frames?: string[] }
  | { type: 'confirmed'; id: number; seq: number; dst: string | null; at: number }
  | { type: 'rejected'; id: number; status: 'conflict' | 'failed'; message: string; keepHidden: boolean; at: number }
  | { type: 'queueFetched'; startedAt: number }
  | { type: 'undone'; seqs: number[]; batches: string[]; restored: string[] }
  | { type: 'batchDone'; batch: string; count: number; label?: string }
  | { type: 'undoPopped'; target: UndoTarget }
  | { type: 'back' }
  | { type: 'forward' }
  | { type: 'live' }
  | { type: 'restore'; history: HistoryEntry[]; undoStack: UndoTarget[] };

const HISTORY_LIMIT = 200;
const UNDO_LIMIT = 500;

export const initialReview: ReviewState = { gone: {}, history: [], undoStack: [], back: null };

type EventOf<T extends ReviewEvent['type']> = Extract<ReviewEvent, { type: T }>;

export function review(state: ReviewState, ev: ReviewEvent): ReviewState {
  switch (ev.type) {
    case 'act':
      return acted(state, ev);
    case 'confirmed':
      return confirmed(state, ev);
    case 'rejected':
      return rejected(state, ev);
    case 'queueFetched':
      return queueFetched(state, ev);
    case 'undone':
      return undone(state, ev);
    case 'batchDone':
      return {
        ...state,
        undoStack: [...state.undoStack, { kind: 'batch' as const, batch: ev.batch, label: ev.label ?? `auto-move of ${ev.count} photos` }].slice(-UNDO_LIMIT),
      };
    case 'undoPopped':
      return { ...state, undoStack: state.undoStack.filter((t) => t !== ev.target) };
    case 'back':
    case 'forward':
    case 'live':
      return navigated(state, ev.type);
    case 'restore':
      return {
        ...state,
        history: ev.history.slice(-HISTORY_LIMIT),
        undoStack: ev.undoStack.slice(-UNDO_LIMIT),
      };
  }
}

/** Filed optimistically: hidden from the queue (with its stack's frames) and in the history. */
function acted(state: ReviewState, ev: EventOf<'act'>): ReviewState {
  const entry: HistoryEntry = {
    id: ev.id,
    item: ev.item,
    name: ev.name,
    action: ev.action,
    cluster: ev.cluster,
    status: 'pending',
    seq: null,
    dst: null,
    message: null,
    ...(ev.frames ? { frames: ev.frames } : {}),
  };
  const gone = { ...state.gone, [ev.item]: { confirmedAt: null } };
  for (const f of ev.frames ?? []) gone[f] = { confirmedAt: null };
  return {
    ...state,
    gone,
    history: [...state.history, entry].slice(-HISTORY_LIMIT),
    back: null,
  };
}

function confirmed(state: ReviewState, ev: EventOf<'confirmed'>): ReviewState {
  const entry = state.history.find((e) => e.id === ev.id);
  if (!entry) return state;
  const gone = { ...state.gone };
  for (const i of [entry.item, ...(entry.frames ?? [])]) if (gone[i]) gone[i] = { confirmedAt: ev.at };
  const label = entry.action === 'assign' ? `${entry.name} → ${entry.cluster ?? ''}` : `${entry.action} ${entry.name}`;
  return {
    ...state,
    gone,
    history: patch(state.history, ev.id, { status: 'done', seq: ev.seq, dst: ev.dst }),
    undoStack: [...state.undoStack, { kind: 'seq' as const, seq: ev.seq, label }].slice(-UNDO_LIMIT),
  };
}

function rejected(state: ReviewState, ev: EventOf<'rejected'>): ReviewState {
  const entry = state.history.find((e) => e.id === ev.id);
  if (!entry) return state;
  const gone = { ...state.gone };
  // A conflict means the photo left the queue anyway (someone filed it): keep it hidden
  // until the next fetch drops it. Any other failure puts it back on screen.
  for (const i of [entry.item, ...(entry.frames ?? [])]) {
    if (ev.keepHidden) gone[i] = { confirmedAt: ev.at };
    else delete gone[i];
  }
  return { ...state, gone, history: patch(state.history, ev.id, { status: ev.status, message: ev.message }) };
}

/** A fetch that started after a confirmation no longer lists that photo: stop hiding it. */
function queueFetched(state: ReviewState, ev: EventOf<'queueFetched'>): ReviewState {
  let changed = false;
  const gone: Record<string, GoneEntry> = {};
  for (const [item, g] of Object.entries(state.gone)) {
    if (g.confirmedAt !== null && g.confirmedAt <= ev.startedAt) changed = true;
    else gone[item] = g;
  }
  return changed ? { ...state, gone } : state;
}

function undone(state: ReviewState, ev: EventOf<'undone'>): ReviewState {
  const seqs = new Set(ev.seqs);
  const batches = new Set(ev.batches);
  const gone = { ...state.gone };
  for (const item of ev.restored) delete gone[item];
  return {
    ...state,
    gone,
    history: state.history.map((e) => (e.seq !== null && seqs.has(e.seq) ? { ...e, status: 'undone' as const } : e)),
    undoStack: state.undoStack.filter((t) => (t.kind === 'seq' ? !seqs.has(t.seq) : !batches.has(t.batch))),
  };
}

/** `←` one photo further back, `→` one forward (past the newest: live again), or straight back live. */
function navigated(state: ReviewState, move: 'back' | 'forward' | 'live'): ReviewState {
  if (move === 'live') return state.back === null ? state : { ...state, back: null };
  if (move === 'back') {
    if (state.history.length === 0) return state;
    return { ...state, back: state.back === null ? state.history.length - 1 : Math.max(0, state.back - 1) };
  }
  if (state.back === null) return state;
  const next = state.back + 1;
  return { ...state, back: next >= state.history.length ? null : next };
}

function patch(history: HistoryEntry[], id: number, changes: Partial<HistoryEntry>): HistoryEntry[] {
  return history.map((e) => (e.id === id ? { ...e, ...changes } : e));
}

/** The server's queue minus what this tab has acted on and not yet seen confirmed by a fetch. */
export function visibleQueue<Q extends { item: string }>(items: readonly Q[], gone: Readonly<Record<string, GoneEntry>>): Q[] {
  return items.filter((q) => !(q.item in gone));
}

/** The newest of this tab's own actions that can still be undone. */
export function nextUndo(state: ReviewState): UndoTarget | null {
  return state.undoStack[state.undoStack.length - 1] ?? null;
}

/** The first free local id after a restored history. */
export function nextIdAfter(history: readonly HistoryEntry[]): number {
  return history.reduce((m, e) => Math.max(m, e.id + 1), 1);
}

/** What persists across a reload of this tab (in sessionStorage): settled history only. */
export function persistable(state: ReviewState): { history: HistoryEntry[]; undoStack: UndoTarget[] } {
  return {
    history: state.history.filter((e) => e.status !== 'pending').slice(-50),
    undoStack: state.undoStack.slice(-100),
  };
}
