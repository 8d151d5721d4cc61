import { dismissToast, useToasts } from '../hooks/toasts';

// Two live regions: warnings and errors interrupt (assertive), the rest waits its turn.
export function Toasts() {
  const toasts = useToasts();
  const urgent = toasts.filter((t) => t.kind === 'error' || t.kind === 'warn');
  const calm = toasts.filter((t) => t.kind !== 'error' && t.kind !== 'warn');
  const render = (list: typeof toasts) =>
    list.map((t) => (
      <div key={t.id} className={`toast toast-${t.kind}`}>
        <span className="toast-text">{t.text}</span>
        {t.action ? (
          <button
            type="button"
            className="btn btn-small"
            onClick={() => {
              t.action?.run();
              dismissToast(t.id);
            }}
          >
            {t.action.label}
          </button>
        ) : null}
        <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
          ×
        </button>
      </div>
    ));
  return (
    <div className="toasts">
      <div aria-live="assertive" role="alert" className="toast-stack">
        {render(urgent)}
      </div>
      <div aria-live="polite" role="status" className="toast-stack">
        {render(calm)}
      </div>
    </div>
  );
}
