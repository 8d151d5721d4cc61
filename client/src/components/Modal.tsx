// A dialog: labelled, modal to assistive tech, keeps Tab inside, and gives focus back to
// whatever had it when it closes. Escape is handled by the global key handler; Tab goes
// through the keymap's dialog context.
import { useEffect, useRef, type ReactNode } from 'react';
import { keyInput, resolveDialogTab } from '../logic/keymap';

interface Props {
  title: string;
  /** Visible heading; hidden ones still label the dialog. */
  showTitle?: boolean;
  className?: string;
  onClose: () => void;
  children: ReactNode;
  /** Selector of the element to focus first (default: the first focusable one). */
  initialFocus?: string;
}

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])';

export function Modal({ title, showTitle = true, className = '', onClose, children, initialFocus }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = `dlg-${title.replace(/\W+/g, '-').toLowerCase()}`;

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const root = ref.current;
    const first = (initialFocus ? root?.querySelector<HTMLElement>(initialFocus) : null) ?? root?.querySelector<HTMLElement>(FOCUSABLE) ?? root;
    first?.focus();
    return () => previous?.focus?.();
  }, [initialFocus]);

  const trapTab = (e: React.KeyboardEvent) => {
    const way = resolveDialogTab(keyInput(e));
    if (!way || !ref.current) return;
    const items = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null);
    if (items.length === 0) return;
    const first = items[0] as HTMLElement;
    const last = items[items.length - 1] as HTMLElement;
    if (way === 'backward' && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (way === 'forward' && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={ref} className={`modal ${className}`} role="dialog" aria-modal="true" aria-labelledby={titleId} tabIndex={-1} onKeyDown={trapTab}>
        <header className="modal-head">
          <h2 id={titleId} className={showTitle ? '' : 'sr-only'}>
            {title}
          </h2>
          <button type="button" className="icon-btn" onClick={onClose} aria-label={`Close ${title}`}>
            ×
          </button>
        </header>
        {children}
      </div>
    </div>
  );
}
