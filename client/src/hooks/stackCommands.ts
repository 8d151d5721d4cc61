// The stack and duplicate keys (`x`, `k`) carried out on the photo on screen.
import type { Modal } from '../logic/keymap';
import { toast } from './toasts';
import type { Review } from './useReview';

export function stackCommand(kind: 'pullFrame' | 'duplicates', r: Review, setModal: (m: Modal) => void): void {
  const subject = r.current.mode === 'live' ? r.current.subject : null;
  if (!subject) {
    toast('info', 'No queued photo on screen');
  } else if (kind === 'duplicates') {
    if (r.stacks.duplicates.has(subject.item)) setModal('duplicates');
    else toast('info', 'No duplicate of this photo in the queue');
  } else if (r.stacks.stacks.has(subject.item)) {
    void r.pullOut(subject.item);
  } else {
    toast('info', 'This photo is not in a stack');
  }
}
