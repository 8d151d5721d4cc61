import { describe, expect, it } from 'vitest';
import {
  KEY_HELP,
  keyInput,
  paletteKeepsKey,
  resolveAutoMoveKey,
  resolveDialogTab,
  resolveGridKey,
  resolveKey,
  resolvePaletteKey,
  resolveSliderKey,
  type KeyContext,
} from './keymap';

const review: KeyContext = { view: 'review', modal: null };
const log: KeyContext = { view: 'log', modal: null };

describe('resolveKey in the review view', () => {
  it('maps the documented keys', () => {
    expect(resolveKey({ key: 'Enter' }, review)).toEqual({ type: 'accept' });
    expect(resolveKey({ key: '/' }, review)).toEqual({ type: 'palette' });
    expect(resolveKey({ key: 'z' }, review)).toEqual({ type: 'undo' });
    expect(resolveKey({ key: 'Backspace' }, review)).toEqual({ type: 'undo' });
    expect(resolveKey({ key: 'd' }, review)).toEqual({ type: 'delete' });
    expect(resolveKey({ key: 'Delete' }, review)).toEqual({ type: 'delete' });
    expect(resolveKey({ key: 's' }, review)).toEqual({ type: 'skip' });
    expect(resolveKey({ key: 'ArrowRight' }, review)).toEqual({ type: 'skip' });
    expect(resolveKey({ key: 'ArrowLeft' }, review)).toEqual({ type: 'back' });
    expect(resolveKey({ key: 'a' }, review)).toEqual({ type: 'automove' });
    expect(resolveKey({ key: 'm' }, review)).toEqual({ type: 'manualOnly' });
    expect(resolveKey({ key: '?' }, review)).toEqual({ type: 'help' });
    expect(resolveKey({ key: 'l' }, review)).toEqual({ type: 'toggleLog' });
  });

  it('maps digits 1-9 to slots and ignores 0', () => {
    for (let n = 1; n <= 9; n++) expect(resolveKey({ key: String(n) }, review)).toEqual({ type: 'slot', slot: n });
    expect(resolveKey({ key: '0' }, review)).toBeNull();
  });

  it('ignores shortcuts with modifiers so browser keys keep working', () => {
    expect(resolveKey({ key: 'z', ctrlKey: true }, review)).toBeNull();
    expect(resolveKey({ key: 'l', metaKey: true }, review)).toBeNull();
    expect(resolveKey({ key: '1', altKey: true }, review)).toBeNull();
  });

  it('never acts while typing in a field', () => {
    expect(resolveKey({ key: 'd', inTextField: true }, review)).toBeNull();
    expect(resolveKey({ key: 'Enter', inTextField: true }, review)).toBeNull();
  });

  it('lets a focused button take Enter and Space', () => {
    expect(resolveKey({ key: 'Enter', inControl: true }, review)).toBeNull();
    expect(resolveKey({ key: '1', inControl: true }, review)).toEqual({ type: 'slot', slot: 1 });
  });

  it('does not auto-repeat actions that move files, only navigation', () => {
    expect(resolveKey({ key: '1', repeat: true }, review)).toBeNull();
    expect(resolveKey({ key: 'd', repeat: true }, review)).toBeNull();
    expect(resolveKey({ key: 'ArrowRight', repeat: true }, review)).toBeNull();
    expect(resolveKey({ key: 'ArrowLeft', repeat: true }, review)).toEqual({ type: 'back' });
  });

  it('leaves keys to an open dialog except Escape', () => {
    for (const modal of ['palette', 'help', 'automove'] as const) {
      expect(resolveKey({ key: '1' }, { view: 'review', modal })).toBeNull();
      expect(resolveKey({ key: 'Escape' }, { view: 'review', modal })).toEqual({ type: 'close' });
    }
  });
});

describe('Space in the review view', () => {
  it('plays or pauses the video on stage, never twice for a held key', () => {
    expect(resolveKey({ key: ' ' }, review)).toEqual({ type: 'playVideo' });
    expect(resolveKey({ key: ' ', repeat: true }, review)).toBeNull();
  });

  it('leaves Space to a focused button, a text field and an open dialog', () => {
    expect(resolveKey({ key: ' ', inControl: true }, review)).toBeNull();
    expect(resolveKey({ key: ' ', inTextField: true }, review)).toBeNull();
    expect(resolveKey({ key: ' ' }, { view: 'review', modal: 'palette' })).toBeNull();
  });

  it('is documented with the sorting keys', () => {
    const sorting = KEY_HELP.find((g) => g.title === 'Sorting');
    const row = sorting?.rows.find((r) => r.keys.includes('Space'));
    expect(row?.what).toMatch(/video/i);
  });
});

describe('resolveKey in the log view', () => {
  it('drives playback', () => {
    expect(resolveKey({ key: ' ' }, log)).toEqual({ type: 'playPause' });
    expect(resolveKey({ key: 'ArrowLeft' }, log)).toEqual({ type: 'stepBack' });
    expect(resolveKey({ key: 'ArrowRight' }, log)).toEqual({ type: 'stepForward' });
    expect(resolveKey({ key: 'ArrowRight', repeat: true }, log)).toEqual({ type: 'stepForward' });
    expect(resolveKey({ key: 'Home' }, log)).toEqual({ type: 'first' });
    expect(resolveKey({ key: 'End' }, log)).toEqual({ type: 'last' });
    expect(resolveKey({ key: 'Escape' }, log)).toEqual({ type: 'toggleLog' });
  });

  it('does not file photos from the log', () => {
    expect(resolveKey({ key: '1' }, log)).toBeNull();
    expect(resolveKey({ key: 'd' }, log)).toBeNull();
  });
});

describe('KEY_HELP', () => {
  it('documents every review key the resolver knows', () => {
    const documented = KEY_HELP.flatMap((g) => g.rows.flatMap((r) => r.keys)).join(' ');
    for (const key of ['Enter', '/', 'z', 'Backspace', 'd', 'Delete', 's', '→', '←', 'a', 'm', '?', 'l', 'Esc'])
      expect(documented).toContain(key);
  });
});

describe('resolvePaletteKey', () => {
  it('moves the highlight and chooses, and leaves letters to the text field', () => {
    expect(resolvePaletteKey({ key: 'ArrowDown' })).toEqual({ type: 'highlight', by: 1 });
    expect(resolvePaletteKey({ key: 'ArrowUp' })).toEqual({ type: 'highlight', by: -1 });
    expect(resolvePaletteKey({ key: 'Enter' })).toEqual({ type: 'choose' });
    expect(resolvePaletteKey({ key: 'd' })).toBeNull();
    expect(resolvePaletteKey({ key: '1' })).toBeNull();
  });

  it('keeps every key from the global handler except Escape', () => {
    // The Enter that files from the palette must not also accept the next photo.
    expect(paletteKeepsKey({ key: 'Enter' })).toBe(true);
    expect(paletteKeepsKey({ key: 'd' })).toBe(true);
    expect(paletteKeepsKey({ key: 'Escape' })).toBe(false);
  });
});

describe('resolveAutoMoveKey', () => {
  it('steps the threshold, Shift for a big step', () => {
    expect(resolveAutoMoveKey({ key: 'ArrowRight' })).toEqual({ type: 'step', direction: 1, big: false });
    expect(resolveAutoMoveKey({ key: 'ArrowLeft', shiftKey: true })).toEqual({ type: 'step', direction: -1, big: true });
  });

  it('runs, undoes the batch and applies the recommendation', () => {
    expect(resolveAutoMoveKey({ key: 'Enter' })).toEqual({ type: 'run' });
    expect(resolveAutoMoveKey({ key: 'u' })).toEqual({ type: 'undoBatch' });
    expect(resolveAutoMoveKey({ key: 'r' })).toEqual({ type: 'recommended' });
    expect(resolveAutoMoveKey({ key: 'd' })).toBeNull();
  });

  it('leaves keys to the number fields and buttons of the panel', () => {
    expect(resolveAutoMoveKey({ key: 'ArrowRight', inTextField: true })).toBeNull();
    expect(resolveAutoMoveKey({ key: 'Enter', inControl: true })).toBeNull();
    expect(resolveAutoMoveKey({ key: 'u', inControl: true })).toBeNull();
  });
});

describe('resolveSliderKey', () => {
  it('follows the ARIA slider pattern', () => {
    expect(resolveSliderKey({ key: 'ArrowUp' })).toEqual({ type: 'step', direction: 1, big: false });
    expect(resolveSliderKey({ key: 'ArrowDown', shiftKey: true })).toEqual({ type: 'step', direction: -1, big: true });
    expect(resolveSliderKey({ key: 'PageUp' })).toEqual({ type: 'step', direction: 1, big: true });
    expect(resolveSliderKey({ key: 'PageDown' })).toEqual({ type: 'step', direction: -1, big: true });
    expect(resolveSliderKey({ key: 'Home' })).toEqual({ type: 'min' });
    expect(resolveSliderKey({ key: 'End' })).toEqual({ type: 'max' });
    expect(resolveSliderKey({ key: 'Enter' })).toEqual({ type: 'commit' });
    expect(resolveSliderKey({ key: 'u' })).toBeNull();
  });
});

describe('resolveDialogTab', () => {
  it('says which way Tab moves focus', () => {
    expect(resolveDialogTab({ key: 'Tab' })).toBe('forward');
    expect(resolveDialogTab({ key: 'Tab', shiftKey: true })).toBe('backward');
    expect(resolveDialogTab({ key: 'Enter' })).toBeNull();
  });
});

describe('keyInput', () => {
  const ev = { key: 'x', shiftKey: true, ctrlKey: false, metaKey: false, altKey: false, repeat: true };
  it('copies the keys and modifiers of an event', () => {
    expect(keyInput({ ...ev, target: null })).toEqual({
      key: 'x',
      shiftKey: true,
      ctrlKey: false,
      metaKey: false,
      altKey: false,
      repeat: true,
      inTextField: false,
      inControl: false,
    });
  });

  it('tells text fields and controls from other targets', () => {
    const input = { tagName: 'INPUT', type: 'number', isContentEditable: false, getAttribute: () => null };
    const button = { tagName: 'BUTTON', isContentEditable: false, getAttribute: () => null };
    const slider = { tagName: 'svg', isContentEditable: false, getAttribute: () => 'slider' };
    expect(keyInput({ ...ev, target: input as unknown as EventTarget }).inTextField).toBe(true);
    expect(keyInput({ ...ev, target: button as unknown as EventTarget }).inControl).toBe(true);
    const onSlider = keyInput({ ...ev, target: slider as unknown as EventTarget });
    expect(onSlider.inTextField || onSlider.inControl).toBe(false);
  });
});

describe('KEY_HELP for the dialogs', () => {
  const rows = (title: string) => KEY_HELP.find((g) => g.title === title)?.rows.flatMap((r) => r.keys) ?? [];
  const named: Record<string, string> = { '↑': 'ArrowUp', '↓': 'ArrowDown', '←': 'ArrowLeft', '→': 'ArrowRight' };

  it('documents only palette keys the palette resolves', () => {
    for (const k of rows('Cluster palette').filter((k) => k !== 'Esc')) expect(resolvePaletteKey({ key: named[k] ?? k })).not.toBeNull();
  });

  it('documents only auto-move keys the panel resolves', () => {
    for (const k of rows('Auto-move panel').filter((k) => k !== 'Esc')) expect(resolveAutoMoveKey({ key: named[k] ?? k })).not.toBeNull();
  });
});

describe('grid keys', () => {
  const review = { view: 'review', modal: null } as const;
  it('g opens the cluster grid and f more like this, only in the review view', () => {
    expect(resolveKey({ key: 'g' }, review)).toEqual({ type: 'grid' });
    expect(resolveKey({ key: 'f' }, review)).toEqual({ type: 'similar' });
    expect(resolveKey({ key: 'g' }, { view: 'review', modal: 'grid' })).toBeNull();
    expect(resolveKey({ key: 'g', repeat: true }, review)).toBeNull();
  });
  it('arrows move, x and Space untick, t toggles all, Enter files once', () => {
    expect(resolveGridKey({ key: 'ArrowDown' })).toEqual({ type: 'move', dx: 0, dy: 1 });
    expect(resolveGridKey({ key: 'ArrowLeft' })).toEqual({ type: 'move', dx: -1, dy: 0 });
    expect(resolveGridKey({ key: 'x' })).toEqual({ type: 'toggle' });
    expect(resolveGridKey({ key: ' ' })).toEqual({ type: 'toggle' });
    expect(resolveGridKey({ key: 't' })).toEqual({ type: 'all' });
    expect(resolveGridKey({ key: 'Enter' })).toEqual({ type: 'file' });
    expect(resolveGridKey({ key: 'Enter', repeat: true })).toBeNull();
    expect(resolveGridKey({ key: 'x', inTextField: true })).toBeNull();
  });
});
