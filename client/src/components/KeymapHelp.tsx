import { KEY_HELP } from '../logic/keymap';
import { Kbd } from './Kbd';
import { Modal } from './Modal';

export function KeymapHelp({ onClose }: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} className="help">
      <div className="help-grid">
        {KEY_HELP.map((group) => (
          <section key={group.title} aria-label={group.title}>
            <h3>{group.title}</h3>
            <dl>
              {group.rows.map((row) => (
                <div className="help-row" key={row.what}>
                  <dt>
                    {row.keys.map((k, i) => (
                      <span key={k}>
                        {i > 0 && k !== '…' && row.keys[i - 1] !== '…' ? <span className="or"> or </span> : null}
                        {k === '…' ? <span className="or">–</span> : <Kbd>{k}</Kbd>}
                      </span>
                    ))}
                  </dt>
                  <dd>{row.what}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
      <p className="muted small">Shortcuts never fire while you type in a text field. Clicks work too, but nothing needs the mouse.</p>
    </Modal>
  );
}
