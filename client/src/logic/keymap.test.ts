import { describe, expect, it } from 'vitest';
import { KEY_HELP, resolveKey, type KeyContext } from './keymap';

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
