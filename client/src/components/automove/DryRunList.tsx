// The run button and the dry run: thumbnails of what would move, grouped by cluster.
import type { AutoMove } from '../../hooks/useAutoMove';
import { count } from '../../logic/format';
import { unprovenText } from '../../logic/moveFailures';
import { imageUrl } from '../../api/urls';
import { Kbd } from '../Kbd';

const THUMBS_SHOWN = 120;

export function DryRunList({ m }: { m: AutoMove }) {
  const { dry, willMove } = m;
  const unproven = unprovenText(m.estimate);
  return (
    <>
      {unproven ? (
        <p className="warn-text" role="alert" data-testid="automove-unproven">
          {unproven}
        </p>
      ) : null}
      <div className="automove-actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={!m.estimate || willMove === 0 || m.phase.kind === 'running'}
          onClick={() => void m.run()}
          data-testid="run-automove"
        >
          Move {willMove.toLocaleString('en-US')} {willMove === 1 ? 'photo' : 'photos'} <Kbd>Enter</Kbd>
        </button>
        {dry.data?.skipped_viewing ? <span className="muted small">{count(dry.data.skipped_viewing, 'photo')} left alone: a reviewer has it on screen</span> : null}
      </div>

      <section className="dryrun" aria-label="Photos that would move (dry run)" aria-busy={!m.drySettled} data-testid="dry-run" data-settled={m.drySettled}>
        <h3>
          Dry run {dry.isFetching ? <span className="spinner" aria-label="updating" /> : null}
          <span className="muted" data-testid="dry-run-count">
            {' '}
            {dry.data ? count(dry.data.count, 'photo') : ''}
          </span>
        </h3>
        {dry.data && dry.data.count === 0 ? <p className="muted">Nothing clears this threshold. Lower it, or review more photos.</p> : null}
        {m.byCluster.map(([cluster, list]) => (
          <div key={cluster} className="dry-group">
            <h4>
              → {cluster} <span className="muted">{list.length}</span>
            </h4>
            <ul className="thumb-grid">
              {list.slice(0, THUMBS_SHOWN).map((it) => (
                <li key={it.item} title={`${it.item}: score ${it.score.toFixed(2)}, margin ${it.margin.toFixed(2)}`}>
                  <img src={imageUrl(it.item, 'thumb')} alt={`${it.item} → ${cluster}`} loading="lazy" decoding="async" />
                  <span className="thumb-score">{it.score.toFixed(2)}</span>
                </li>
              ))}
              {list.length > THUMBS_SHOWN ? <li className="thumb-more">+{list.length - THUMBS_SHOWN}</li> : null}
            </ul>
          </div>
        ))}
      </section>
    </>
  );
}
