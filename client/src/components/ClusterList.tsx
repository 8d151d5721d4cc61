import type { ClusterInfo } from '../api/queries';
import { orderClusters } from '../logic/slots';
import { Kbd } from './Kbd';

interface Props {
  clusters: ClusterInfo[];
  highlight: string | null;
  disabled: boolean;
  onPick: (cluster: string) => void;
  onNew: () => void;
}

export function ClusterList({ clusters, highlight, disabled, onPick, onNew }: Props) {
  const ordered = orderClusters(clusters);
  return (
    <section className="panel panel-grow" aria-labelledby="clusters-title" data-testid="clusters">
      <h2 id="clusters-title" className="panel-title">
        Clusters <span className="muted">{clusters.length}</span>
      </h2>
      {clusters.length === 0 ? <p className="panel-note">No clusters yet: press / and type a name to create the first one.</p> : null}
      <ul className="cluster-list">
        {ordered.map((c) => (
          <li key={c.name}>
            <button
              type="button"
              className={`cluster ${c.name === highlight ? 'cluster-hl' : ''}`}
              disabled={disabled}
              onClick={() => onPick(c.name)}
              aria-label={`File into ${c.name} (${c.count} photos)${c.slot ? `, key ${c.slot}` : ''}`}
            >
              <span className="cluster-slot">{c.slot ? <Kbd>{c.slot}</Kbd> : <span className="kbd kbd-empty" aria-hidden="true" />}</span>
              <span className="cluster-name">{c.name}</span>
              <span className="cluster-count">{c.count.toLocaleString('en-US')}</span>
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="btn btn-ghost btn-block" onClick={onNew}>
        Other / new cluster… <Kbd>/</Kbd>
      </button>
    </section>
  );
}
