// `n`, and the cold start: groups of queued photos that match no cluster well, one at a time
// as a grid. Typing a name creates that cluster and files the ticked photos into it.
import type { ClusterInfo } from '../../api/queries';
import { useDiscovery } from '../../hooks/useDiscovery';
import type { Refreshable } from '../../hooks/useScheduleRefresh';
import { count } from '../../logic/format';
import { groupsLeftText } from '../../logic/grid';
import { keyInput, resolveGridKey } from '../../logic/keymap';
import { Kbd } from '../Kbd';
import { Modal } from '../Modal';
import { GridCells } from './GridCells';

interface Props {
  clusters: ClusterInfo[];
  indexed: number | 'idle';
  refresh: (what?: ReadonlyArray<Refreshable>) => void;
  onClose: () => void;
}

type Discovery = ReturnType<typeof useDiscovery>;

/** Enter in the name files the group; the grid keys move, tick and file. */
function keyHandler(d: Discovery) {
  return (e: React.KeyboardEvent) => {
    const input = keyInput(e);
    if (input.inTextField) {
      if (input.key === 'Enter') {
        e.preventDefault();
        e.stopPropagation();
        if (!d.busy) void d.file();
      }
      return;
    }
    const cmd = resolveGridKey(input);
    if (!cmd) return;
    e.preventDefault();
    e.stopPropagation();
    const focused = d.items[d.focus];
    if (cmd.type === 'move') d.move(cmd.dx, cmd.dy);
    else if (cmd.type === 'toggle' && focused) d.toggle(focused);
    else if (cmd.type === 'all') d.toggleAll();
    else if (cmd.type === 'next') d.next();
    else if (cmd.type === 'file' && !d.busy) void d.file();
  };
}

export function DiscoveryPanel({ clusters, indexed, refresh, onClose }: Props) {
  const d = useDiscovery(clusters, indexed, refresh);
  const groups = d.page?.groups.length ?? 0;
  return (
    <Modal title="Proposed groups" onClose={onClose} className="grid-dialog" initialFocus="[data-testid=group-name]">
      <div onKeyDown={keyHandler(d)} data-testid="discovery">
        <p className="panel-note" data-testid="discovery-intro">
          {intro(d.page ?? null)}
        </p>
        {d.page && !d.everything && d.page.left ? (
          <p className="panel-note" data-testid="discovery-left">
            {groupsLeftText(d.page.left, d.page.break_even, d.page.groups.length)}{' '}
            <button type="button" className="btn btn-small" data-testid="discovery-show-left" onClick={d.showEverything}>
              Show them too
            </button>
          </p>
        ) : null}
        {d.loadError ? <p className="error-text">{d.loadError}</p> : null}
        {d.group ? (
          <>
            <div className="grid-foot">
              <span data-testid="group-position">
                Group {d.index + 1} of {groups} · {count(d.group.size, 'photo')}
              </span>
              <button type="button" className="btn btn-ghost btn-small" onClick={d.next} disabled={groups < 2}>
                Next group <Kbd>s</Kbd>
              </button>
            </div>
            <GridCells
              items={d.group.items}
              unticked={d.unticked}
              focus={d.focus}
              onClick={(i, item) => {
                d.setFocus(i);
                d.toggle(item);
              }}
            />
            <GroupNaming d={d} clusters={clusters} />
            <p className="muted small">
              <Kbd>Enter</Kbd> in the name: create and file · <Kbd>Tab</Kbd> to the photos, then <Kbd>←</Kbd>
              <Kbd>→</Kbd>
              <Kbd>↑</Kbd>
              <Kbd>↓</Kbd> and <Kbd>x</Kbd> to untick · <Kbd>Esc</Kbd> close
            </p>
          </>
        ) : null}
        {d.error ? (
          <p className="error-text" role="alert">
            {d.error}
          </p>
        ) : null}
      </div>
    </Modal>
  );
}

/** The name box (a new cluster or an existing one), how many are ticked, and the file button. */
function GroupNaming({ d, clusters }: { d: Discovery; clusters: ClusterInfo[] }) {
  const ticked = d.items.length - d.unticked.size;
  return (
    <div className="grid-foot">
      <label className="field field-grow" htmlFor="group-name">
        Name this group
        <input
          id="group-name"
          autoFocus
          className="palette-input"
          autoComplete="off"
          spellCheck={false}
          placeholder="a new cluster name (or an existing one)"
          value={d.name}
          onChange={(e) => d.setName(e.target.value)}
          // the proposed name is selected: Enter takes it, typing replaces it
          onFocus={(e) => e.currentTarget.select()}
          data-testid="group-name"
        />
      </label>
      <span data-testid="grid-count">
        {ticked} of {count(d.items.length, 'photo')} ticked
      </span>
      <button type="button" className="btn btn-primary" disabled={d.busy || ticked === 0 || !d.name.trim()} onClick={() => void d.file()} data-testid="group-file">
        {clusters.some((c) => c.name === d.name.trim()) ? 'File' : 'Create and file'} {ticked}
      </button>
    </div>
  );
}

function intro(page: { groups: unknown[]; candidates: number; cold_start: boolean; left: number } | null): string {
  if (!page) return 'Grouping the queued photos…';
  if (page.groups.length === 0 && page.left) {
    return page.cold_start ? 'No clusters yet, and no decision to learn from.' : `${count(page.candidates, 'queued photo')} match no cluster well.`;
  }
  if (page.groups.length === 0) {
    return page.candidates
      ? `${count(page.candidates, 'queued photo')} match no cluster well, but none look alike enough to propose a group.`
      : 'Every queued photo matches a cluster well: nothing to propose.';
  }
  if (page.cold_start) return 'No clusters yet. These photos look alike: name a group to create its cluster and file the ticked photos into it.';
  return `${count(page.candidates, 'queued photo')} match no cluster well. Groups of look-alikes, biggest first, the likeliest photos first: name one to create its cluster.`;
}
