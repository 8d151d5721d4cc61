// `k`: the photo's duplicate group (exact: the same bytes; near: the same picture), the best
// first (largest resolution, then sharpest). Enter keeps it and moves the others to the
// session's trash as one batch; one `z` brings them all back.
import { useState } from 'react';
import { baseName } from '../../logic/actionView';
import { count } from '../../logic/format';
import { candidateText, type DuplicateGroup } from '../../logic/stacks';
import { imageUrl } from '../../api/urls';
import { Kbd } from '../Kbd';
import { Modal } from '../Modal';
import './stacks.css';

interface Props {
  group: DuplicateGroup;
  onKeepBest: (items: string[]) => Promise<boolean>;
  onClose: () => void;
}

export function DuplicatesDialog({ group, onKeepBest, onClose }: Props) {
  const [busy, setBusy] = useState(false);
  const others = group.items.length - 1;
  const run = async () => {
    if (busy) return;
    setBusy(true);
    const done = await onKeepBest(group.items.map((c) => c.item));
    setBusy(false);
    if (done) onClose();
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key !== 'Enter' || e.repeat || (e.target as HTMLElement).tagName === 'BUTTON') return;
    e.preventDefault();
    e.stopPropagation();
    void run();
  };
  return (
    <Modal title={group.kind === 'exact' ? 'Exact duplicates' : 'Near duplicates'} onClose={onClose} initialFocus="[data-testid=keep-best]">
      <div onKeyDown={onKeyDown} data-testid="duplicates" data-kind={group.kind}>
        <p className="panel-note">
          {group.kind === 'exact' ? 'These files hold the same bytes.' : 'These photos show the same picture.'} The best is kept (largest resolution, then sharpest); the{' '}
          {count(others, 'other')} go to the session’s trash as one batch (<Kbd>z</Kbd> brings them back).
        </p>
        <ul className="dup-list">
          {group.items.map((c) => (
            <li key={c.item} className={c.item === group.best ? 'best' : ''} data-testid="duplicate" data-item={c.item}>
              <img src={imageUrl(c.item, 'thumb')} alt={baseName(c.item)} loading="lazy" />
              <div className="small">
                {c.item === group.best ? <strong>Keep · </strong> : null}
                {baseName(c.item)}
              </div>
              <div className="muted small">{candidateText(c)}</div>
            </li>
          ))}
        </ul>
        <button type="button" className="btn btn-primary" data-testid="keep-best" disabled={busy} onClick={() => void run()}>
          Keep {baseName(group.best)}, trash {count(others, 'other')}
        </button>
      </div>
    </Modal>
  );
}
