// The keyboard is the primary interface, so the keymap is data: the same table drives the
// global handler and the `?` help, and pure resolvers keep it testable without a DOM.
//
// Every keyboard handler in the UI goes through this module: the global (window) one with
// `resolveKey`, and each dialog's own handler with its context's resolver below (palette,
// auto-move panel, threshold slider, dialog focus trap), so one file says what every key does.

export type View = 'review' | 'log';
export type Modal = 'palette' | 'help' | 'automove' | 'grid' | 'discover' | 'duplicates' | null;

export type Command =
  | { type: 'accept' }
  | { type: 'slot'; slot: number }
  | { type: 'palette' }
  | { type: 'undo' }
  | { type: 'delete' }
  | { type: 'skip' }
  | { type: 'back' }
  | { type: 'automove' }
  | { type: 'grid' }
  | { type: 'similar' }
  | { type: 'discover' }
  | { type: 'uncertainFirst' }
  | { type: 'search' }
  | { type: 'manualOnly' }
  | { type: 'pullFrame' }
  | { type: 'duplicates' }
  | { type: 'fileFolders' }
  | { type: 'help' }
  | { type: 'toggleLog' }
  | { type: 'playVideo' }
  | { type: 'close' }
  | { type: 'playPause' }
  | { type: 'stepBack' }
  | { type: 'stepForward' }
  | { type: 'first' }
  | { type: 'last' };

/** The parts of a KeyboardEvent the resolver looks at (easy to build in tests). */
export interface KeyInput {
  key: string;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  repeat?: boolean;
  /** The event's target is a text field: typing there must never file a photo. */
  inTextField?: boolean;
  /** The target is a focused button or link: Enter and Space activate it instead. */
  inControl?: boolean;
}

export interface KeyContext {
  view: View;
  modal: Modal;
}

// Held-down keys auto-repeat about 30 times a second; only harmless navigation may repeat,
// never an action that moves a file.
const REPEATABLE = new Set<Command['type']>(['back', 'stepBack', 'stepForward']);

export function resolveKey(ev: KeyInput, ctx: KeyContext): Command | null {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return null;
  // Dialogs own their keys (the palette needs letters, the auto-move panel needs arrows).
  if (ctx.modal !== null) return ev.key === 'Escape' ? { type: 'close' } : null;
  if (ev.inTextField) return null;
  if (ev.inControl && (ev.key === 'Enter' || ev.key === ' ')) return null;
  const cmd = ctx.view === 'log' ? logCommand(ev.key) : reviewCommand(ev.key);
  if (cmd && ev.repeat && !REPEATABLE.has(cmd.type)) return null;
  return cmd;
}

/** A letter key in either case (Caps Lock must not change what a key does). */
const letter = (k: string) => [k, k.toUpperCase()];

/** The review view's keys (1-9 are slots, below). */
const REVIEW_KEYS: ReadonlyMap<string, Command> = new Map(
  (
    [
      [['Enter'], { type: 'accept' }],
      [['/'], { type: 'palette' }],
      [[...letter('z'), 'Backspace'], { type: 'undo' }],
      [[...letter('d'), 'Delete'], { type: 'delete' }],
      [[...letter('s'), 'ArrowRight'], { type: 'skip' }],
      [['ArrowLeft'], { type: 'back' }],
      [letter('a'), { type: 'automove' }],
      [letter('g'), { type: 'grid' }],
      [letter('f'), { type: 'similar' }],
      [letter('n'), { type: 'discover' }],
      [letter('u'), { type: 'uncertainFirst' }],
      [letter('t'), { type: 'search' }],
      [letter('m'), { type: 'manualOnly' }],
      [letter('x'), { type: 'pullFrame' }],
      [letter('k'), { type: 'duplicates' }],
      [letter('o'), { type: 'fileFolders' }],
      [['?'], { type: 'help' }],
      [letter('l'), { type: 'toggleLog' }],
      [[' '], { type: 'playVideo' }],
    ] satisfies [string[], Command][]
  ).flatMap(([ks, cmd]) => ks.map((k) => [k, cmd] as const)),
);

function reviewCommand(key: string): Command | null {
  if (key.length === 1 && key >= '1' && key <= '9') return { type: 'slot', slot: Number(key) };
  const cmd = REVIEW_KEYS.get(key);
  // A copy: callers own the command they are handed.
  return cmd ? { ...cmd } : null;
}

function logCommand(key: string): Command | null {
  switch (key) {
    case ' ':
    case 'k':
      return { type: 'playPause' };
    case 'ArrowLeft':
    case 'j':
      return { type: 'stepBack' };
    case 'ArrowRight':
    case ';':
      return { type: 'stepForward' };
    case 'Home':
      return { type: 'first' };
    case 'End':
      return { type: 'last' };
    case 'l':
    case 'L':
    case 'Escape':
      return { type: 'toggleLog' };
    case '?':
      return { type: 'help' };
    default:
      return null;
  }
}

/** The keys the cluster palette's text field takes for itself. */
export type PaletteCommand = { type: 'highlight'; by: 1 | -1 } | { type: 'choose' };

export function resolvePaletteKey(ev: KeyInput): PaletteCommand | null {
  switch (ev.key) {
    case 'ArrowDown':
      return { type: 'highlight', by: 1 };
    case 'ArrowUp':
      return { type: 'highlight', by: -1 };
    case 'Enter':
      return { type: 'choose' };
    default:
      return null;
  }
}

/**
 * Whether a key typed in the palette stays there. The global handler listens on window: once
 * the palette closes on an Enter, it would see that Enter again with no dialog open and accept
 * the *next* photo. Only Escape goes on, to close the dialog.
 */
export function paletteKeepsKey(ev: KeyInput): boolean {
  return ev.key !== 'Escape';
}

/** Keys of the auto-move panel (outside its slider, which has its own context). */
export type AutoMoveCommand =
  | { type: 'step'; direction: 1 | -1; big: boolean }
  | { type: 'run' }
  | { type: 'undoBatch' }
  | { type: 'recommended' };

export function resolveAutoMoveKey(ev: KeyInput): AutoMoveCommand | null {
  // The number fields and buttons keep their own keys (typing digits, Enter to click).
  if (ev.inTextField || ev.inControl) return null;
  switch (ev.key) {
    case 'ArrowRight':
      return { type: 'step', direction: 1, big: Boolean(ev.shiftKey) };
    case 'ArrowLeft':
      return { type: 'step', direction: -1, big: Boolean(ev.shiftKey) };
    case 'Enter':
      return { type: 'run' };
    case 'u':
      return { type: 'undoBatch' };
    case 'r':
      return { type: 'recommended' };
    default:
      return null;
  }
}

/** Keys of a grid of photos (cluster grid, more like this): move, untick, file. */
export type GridCommand = { type: 'move'; dx: number; dy: number } | { type: 'toggle' } | { type: 'file' } | { type: 'all' } | { type: 'next' };

export function resolveGridKey(ev: KeyInput): GridCommand | null {
  if (ev.inTextField || ev.ctrlKey || ev.metaKey || ev.altKey) return null;
  if (ev.inControl && ev.key === 'Enter') return null; // a focused button clicks itself
  switch (ev.key) {
    case 'ArrowRight':
      return { type: 'move', dx: 1, dy: 0 };
    case 'ArrowLeft':
      return { type: 'move', dx: -1, dy: 0 };
    case 'ArrowDown':
      return { type: 'move', dx: 0, dy: 1 };
    case 'ArrowUp':
      return { type: 'move', dx: 0, dy: -1 };
    case 'x':
    case 'X':
    case ' ':
      return ev.repeat ? null : { type: 'toggle' };
    case 'Enter':
      return ev.repeat ? null : { type: 'file' };
    case 't':
      return { type: 'all' };
    case 's':
      return { type: 'next' };
    default:
      return null;
  }
}

/** Keys of the threshold slider (an ARIA slider: arrows, Page keys, Home/End, Enter to run). */
export type SliderCommand = { type: 'step'; direction: 1 | -1; big: boolean } | { type: 'min' } | { type: 'max' } | { type: 'commit' };

export function resolveSliderKey(ev: KeyInput): SliderCommand | null {
  const big = Boolean(ev.shiftKey);
  switch (ev.key) {
    case 'ArrowRight':
    case 'ArrowUp':
      return { type: 'step', direction: 1, big };
    case 'ArrowLeft':
    case 'ArrowDown':
      return { type: 'step', direction: -1, big };
    case 'PageUp':
      return { type: 'step', direction: 1, big: true };
    case 'PageDown':
      return { type: 'step', direction: -1, big: true };
    case 'Home':
      return { type: 'min' };
    case 'End':
      return { type: 'max' };
    case 'Enter':
      return { type: 'commit' };
    default:
      return null;
  }
}

/** Tab inside a dialog: which way focus moves, so the dialog can wrap it at either end. */
export function resolveDialogTab(ev: KeyInput): 'forward' | 'backward' | null {
  if (ev.key !== 'Tab') return null;
  return ev.shiftKey ? 'backward' : 'forward';
}

/** The parts of a DOM or React keyboard event the resolvers read. */
export function keyInput(e: {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  repeat: boolean;
  target: EventTarget | null;
}): KeyInput {
  return {
    key: e.key,
    shiftKey: e.shiftKey,
    ctrlKey: e.ctrlKey,
    metaKey: e.metaKey,
    altKey: e.altKey,
    repeat: e.repeat,
    inTextField: isTextField(e.target),
    inControl: isControl(e.target),
  };
}

export interface KeyHelpRow {
  keys: string[];
  what: string;
}

export interface KeyHelpGroup {
  title: string;
  rows: KeyHelpRow[];
}

/** What `?` shows. Kept beside the resolver so a new binding is documented in the same edit. */
export const KEY_HELP: KeyHelpGroup[] = [
  {
    title: 'Sorting',
    rows: [
      { keys: ['Enter'], what: 'Accept the top suggestion' },
      { keys: ['1', '…', '9'], what: 'File into the cluster in that slot' },
      { keys: ['/'], what: 'Cluster palette: type to filter, Enter to file, a new name to create' },
      { keys: ['z', 'Backspace'], what: 'Undo your last action (or the newest one)' },
      { keys: ['d', 'Delete'], what: 'Move to trash (restorable with undo)' },
      { keys: ['s', '→'], what: 'Skip: send to the end of the queue (forward when looking back)' },
      { keys: ['←'], what: 'Previous photo seen in this tab' },
      { keys: ['Space'], what: 'Play / pause a video' },
    ],
  },
  {
    title: 'Many photos at once',
    rows: [
      { keys: ['g'], what: 'Cluster grid: the queued photos whose first suggestion is this photo’s' },
      { keys: ['f'], what: 'More like this: the queued photos nearest this one, as a grid' },
      { keys: ['n'], what: 'Proposed groups: photos that match no cluster, to name as new clusters' },
      { keys: ['t'], what: 'Text search (CLIP): rank the queue by a description, as a grid' },
      { keys: ['u'], what: 'Queue order: uncertain first (lowest margin first; z restores the order)' },
      { keys: ['o'], what: 'Sorting into another folder: file the source’s own folders as same-named clusters (one batch)' },
    ],
  },
  {
    title: 'Stacks and duplicates',
    rows: [
      { keys: ['Enter', '1', '…', '9', '/'], what: 'On a stack (×N): file every frame as one batch (one z undoes it)' },
      { keys: ['x'], what: 'Take the shown frame out of its stack (filed on its own after)' },
      { keys: ['k'], what: 'Duplicates of this photo: keep the best, trash the rest (Enter; one z undoes it)' },
    ],
  },
  {
    title: 'Grid',
    rows: [
      { keys: ['←', '→', '↑', '↓'], what: 'Move between photos' },
      { keys: ['x', 'Space'], what: 'Untick / tick the photo (or click it)' },
      { keys: ['t'], what: 'Tick all / untick all' },
      { keys: ['Enter'], what: 'File the ticked photos as one batch (more like this: pick the cluster first)' },
      { keys: ['s'], what: 'Proposed groups: the next group' },
      { keys: ['Esc'], what: 'Close without filing' },
    ],
  },
  {
    title: 'Session',
    rows: [
      { keys: ['a'], what: 'Auto-move panel' },
      { keys: ['m'], what: 'Toggle manual-only mode (no suggestions, no auto-move)' },
      { keys: ['l'], what: 'Action log and playback' },
      { keys: ['?'], what: 'This help' },
      { keys: ['Esc'], what: 'Close a dialog' },
    ],
  },
  {
    title: 'Cluster palette',
    rows: [
      { keys: ['↑', '↓'], what: 'Move the highlight' },
      { keys: ['Enter'], what: 'File into the highlighted cluster (or create it)' },
      { keys: ['Esc'], what: 'Close without filing' },
    ],
  },
  {
    title: 'Auto-move panel',
    rows: [
      { keys: ['←', '→'], what: 'Threshold −/+ 0.01 (Shift: 0.05); Home/End: lowest/highest' },
      { keys: ['Enter'], what: 'Move the photos listed' },
      { keys: ['r'], what: 'Use the recommended threshold and margin' },
      { keys: ['u'], what: 'Undo the batch just run' },
      { keys: ['Esc'], what: 'Close' },
    ],
  },
  {
    title: 'Action log',
    rows: [
      { keys: ['Space', 'k'], what: 'Play / pause the session playback' },
      { keys: ['←', 'j'], what: 'Step back' },
      { keys: ['→', ';'], what: 'Step forward' },
      { keys: ['Home', 'End'], what: 'First / last step' },
      { keys: ['l', 'Esc'], what: 'Back to sorting' },
    ],
  },
];

/** True when the target handles Enter/Space itself (buttons, links, summary). */
export function isControl(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false;
  const tag = (target as HTMLElement).tagName;
  return tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY' || (target as HTMLElement).getAttribute('role') === 'button';
}

/** True when a key event comes from a field where the user types text. */
export function isTextField(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false;
  const el = target as HTMLElement;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  if (el.tagName !== 'INPUT') return false;
  const type = (el as HTMLInputElement).type;
  return !['button', 'checkbox', 'radio', 'range', 'submit', 'reset'].includes(type);
}
