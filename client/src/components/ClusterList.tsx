// The clusters as the folder tree they are: parents that hold no photos of their own are
// headings, any parent folds away, and each cluster shows (and lets the reviewer move) its
// hotkey slot.
import { useMemo, useState } from 'react';
import type { ClusterInfo } from '../api/queries';
import { clusterTree, type TreeNode } from '../logic/clusterPath';
import { ClusterPath } from './ClusterPath';
import { Kbd } from './Kbd';

interface Props {
  clusters: ClusterInfo[];
  highlight: string | null;
  disabled: boolean;
  onPick: (cluster: string) => void;
  onNew: () => void;
  /** Put this cluster on hotkey `slot` (the cluster there takes its old slot). */
  onSlot: (cluster: string, slot: number) => void;
}

const SLOTS = [1, 2, 3, 4, 5, 6, 7, 8, 9];

export function ClusterList({ clusters, highlight, disabled, onPick, onNew, onSlot }: Props) {
  const tree = useMemo(() => clusterTree(clusters), [clusters]);
  const [folded, setFolded] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = (path: string) =>
    setFolded((old) => {
      const next = new Set(old);
      if (!next.delete(path)) next.add(path);
      return next;
    });
  const row = { highlight, disabled, onPick, onSlot, folded, toggle };
  return (
    <section className="panel panel-grow" aria-labelledby="clusters-title" data-testid="clusters">
      <h2 id="clusters-title" className="panel-title">
        Clusters <span className="muted">{clusters.length}</span>
      </h2>
      {clusters.length === 0 ? <p className="panel-note">No clusters yet: press / and type a name to create the first one.</p> : null}
      <ul className="cluster-list cluster-tree">
        {tree.map((node) => (
          <Node key={node.path} node={node} depth={0} {...row} />
        ))}
      </ul>
      <button type="button" className="btn btn-ghost btn-block" onClick={onNew}>
        Other / new cluster… <Kbd>/</Kbd>
      </button>
    </section>
  );
}

interface NodeProps extends Pick<Props, 'highlight' | 'disabled' | 'onPick' | 'onSlot'> {
  node: TreeNode<ClusterInfo>;
  depth: number;
  folded: ReadonlySet<string>;
  toggle: (path: string) => void;
}

function Node(props: NodeProps) {
  const { node, depth, highlight, disabled, onPick, onSlot, folded, toggle } = props;
  const open = !folded.has(node.path);
  const kids = node.children;
  const c = node.cluster;
  return (
    <li data-testid="cluster-node" data-path={node.path}>
      <div className="tree-row" style={{ paddingLeft: `${depth * 14}px` }}>
        {kids.length > 0 ? (
          <button
            type="button"
            className="tree-toggle"
            aria-expanded={open}
            aria-label={`${open ? 'Fold' : 'Unfold'} ${node.path}`}
            onClick={() => toggle(node.path)}
          >
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span className="tree-toggle" aria-hidden="true" />
        )}
        {c ? (
          <ClusterRow c={c} label={node.name} highlight={highlight} disabled={disabled} onPick={onPick} onSlot={onSlot} />
        ) : (
          <span className="tree-heading" data-testid="cluster-heading" title={node.path}>
            {node.name}
            {!open ? <span className="muted small"> · {countClusters(node)} inside</span> : null}
          </span>
        )}
      </div>
      {kids.length > 0 && open ? (
        <ul className="cluster-list">
          {kids.map((k) => (
            <Node key={k.path} {...props} node={k} depth={depth + 1} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

interface RowProps extends Pick<Props, 'highlight' | 'disabled' | 'onPick' | 'onSlot'> {
  c: ClusterInfo;
  /** Its last folder name (the tree shows the folders above). */
  label: string;
}

/** A cluster: the button that files into it, and the picker that moves it to a hotkey slot. */
function ClusterRow({ c, label, highlight, disabled, onPick, onSlot }: RowProps) {
  return (
    <>
      <button
        type="button"
        className={`cluster ${c.name === highlight ? 'cluster-hl' : ''}`}
        disabled={disabled}
        onClick={() => onPick(c.name)}
        title={c.name}
        aria-label={`File into ${c.name} (${c.count} photos)${c.slot ? `, key ${c.slot}` : ''}`}
      >
        <span className="cluster-slot">{c.slot ? <Kbd>{c.slot}</Kbd> : <span className="kbd kbd-empty" aria-hidden="true" />}</span>
        <span className="cluster-name">
          <ClusterPath path={label} max={16} />
        </span>
        <span className="cluster-count">{c.count.toLocaleString('en-US')}</span>
      </button>
      <select
        className="slot-pick"
        aria-label={`Hotkey for ${c.name}`}
        title="Hotkey slot: pick one to move this cluster there"
        value={c.slot ?? ''}
        onChange={(e) => onSlot(c.name, Number(e.target.value))}
        data-testid="slot-pick"
      >
        {c.slot ? null : <option value="">–</option>}
        {SLOTS.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </>
  );
}

function countClusters(node: TreeNode<ClusterInfo>): number {
  return node.children.reduce((n, k) => n + (k.cluster ? 1 : 0) + countClusters(k), 0);
}
