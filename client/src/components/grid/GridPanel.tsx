// `g` and `f`: many queued photos at one look. All start ticked; the reviewer unticks what
// does not belong (click, or arrows + x) and Enter files the ticked ones as one batch. In a
// cluster's grid they go into that cluster; for more like this the reviewer picks where.
import { useState } from 'react';
import type { ClusterInfo } from '../../api/queries';
import { useGrid, type GridRequest } from '../../hooks/useGrid';
import type { Refreshable } from '../../hooks/useScheduleRefresh';
import { baseName } from '../../logic/actionView';
import { count } from '../../logic/format';
import { leftText } from '../../logic/grid';
import { keyInput, resolveGridKey } from '../../logic/keymap';
import { Kbd } from '../Kbd';
import { Modal } from '../Modal';
import { GridCells } from './GridCells';
import { GridClusterPicker } from './GridClusterPicker';

interface Props {
  request: GridRequest;
  clusters: ClusterInfo[];
  refresh: (what?: ReadonlyArray<Refreshable>) => void;
  onClose: () => void;
}

export function GridPanel({ request: opened, clusters, refresh, onClose }: Props) {
  const [text, setText] = useState(opened.mode === 'search' ? opened.text : '');
  const request: GridRequest = opened.mode === 'search' ? { mode: 'search', text } : opened;
  const g = useGrid(request, refresh, onClose);
  const [picking, setPicking] = useState(false);
  const cluster = g.page?.cluster ?? null;
  const ticked = g.items.length - g.unticked.size;

  const confirm = () => {
    if (g.busy || g.items.length === 0) return;
    if (request.mode === 'grid' && cluster) void g.file(cluster);
    else if (ticked > 0) setPicking(true);
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (picking) return;
    const cmd = resolveGridKey(keyInput(e));
    if (!cmd) return;
    e.stopPropagation();
    e.preventDefault();
    const focused = g.items[g.focus];
    if (cmd.type === 'move') g.move(cmd.dx, cmd.dy);
    else if (cmd.type === 'toggle' && focused) g.toggle(focused);
    else if (cmd.type === 'all') g.toggleAll();
    else if (cmd.type === 'file') confirm();
  };

  const title = request.mode === 'grid' ? `Grid: ${cluster ?? '…'}` : request.mode === 'similar' ? `More like ${baseName(request.item)}` : 'Text search';
  return (
    <Modal title={title} onClose={onClose} className="grid-dialog" initialFocus={request.mode === 'search' ? '[data-testid=search-input]' : '[data-testid=grid-cells]'}>
      <div onKeyDown={onKeyDown} data-testid="grid" data-mode={request.mode} data-cluster={cluster ?? ''}>
        {request.mode === 'search' ? <SearchBox initial={text} onSearch={setText} /> : null}
        <p className="panel-note" data-testid="grid-intro">
          {request.mode === 'search' && !text ? 'Describe what to find, e.g. “dog on a beach”, then Enter.' : intro(request.mode, cluster, g.page?.total ?? null, g.items.length)}
        </p>
        {request.mode === 'grid' && !g.everything && g.page?.left ? (
          <p className="panel-note" data-testid="grid-left">
            {leftText(g.page.left, g.page.break_even ?? null)}{' '}
            <button type="button" className="btn btn-small" data-testid="grid-show-left" onClick={g.showEverything}>
              Show them too
            </button>
          </p>
        ) : null}
        {g.loadError ? <p className="error-text">{g.loadError}</p> : null}
        <GridCells
          items={g.page?.items ?? []}
          unticked={g.unticked}
          focus={g.focus}
          onClick={(i, item) => {
            g.setFocus(i);
            g.toggle(item);
          }}
        />
        {picking ? (
          <GridClusterPicker clusters={clusters} suggested={cluster} count={ticked} onPick={(name, create) => void g.file(name, create)} onCancel={() => setPicking(false)} />
        ) : null}
        {g.error ? <p className="error-text" role="alert">{g.error}</p> : null}
        <GridFoot ticked={ticked} total={g.items.length} busy={g.busy} into={request.mode === 'grid' ? cluster : null} onFile={confirm} />
      </div>
    </Modal>
  );
}

interface FootProps {
  ticked: number;
  total: number;
  busy: boolean;
  /** A cluster's own grid files into that cluster; the others ask where. */
  into: string | null;
  onFile: () => void;
}

function GridFoot({ ticked, total, busy, into, onFile }: FootProps) {
  return (
    <div className="grid-foot">
      <span data-testid="grid-count">
        {ticked} of {count(total, 'photo')} ticked
      </span>
      <span className="muted small">
        <Kbd>←</Kbd>
        <Kbd>→</Kbd>
        <Kbd>↑</Kbd>
        <Kbd>↓</Kbd> move · <Kbd>x</Kbd> untick · <Kbd>t</Kbd> all · <Kbd>Enter</Kbd> file · <Kbd>Esc</Kbd> close
      </span>
      <button type="button" className="btn btn-primary" disabled={busy || ticked === 0} onClick={onFile} data-testid="grid-file">
        {into ? `File ${ticked} into ${into}` : `File ${ticked}…`}
      </button>
    </div>
  );
}

/** The text of a search: Enter runs it and hands the keys back to the grid. */
function SearchBox({ initial, onSearch }: { initial: string; onSearch: (text: string) => void }) {
  const [value, setValue] = useState(initial);
  return (
    <input
      className="palette-input"
      data-testid="search-input"
      aria-label="Search the queue by text"
      placeholder="dog on a beach"
      autoComplete="off"
      spellCheck={false}
      value={value}
      onChange={(e) => setValue(e.target.value)}
      onKeyDown={(e) => {
        if (e.key !== 'Enter') return;
        e.preventDefault();
        e.stopPropagation();
        if (!value.trim()) return;
        onSearch(value.trim());
        (e.currentTarget.closest('[data-testid=grid]')?.querySelector('[data-testid=grid-cells]') as HTMLElement | null)?.focus();
      }}
    />
  );
}

function intro(mode: GridRequest['mode'], cluster: string | null, total: number | null, shown: number): string {
  if (total === null) return 'Loading…';
  if (mode === 'grid') {
    if (total === 0) return `No queued photo has ${cluster ?? 'this cluster'} as a first suggestion likely enough to be right for a grid.`;
    const more = total > shown ? ` (the ${shown} most confident of ${total})` : '';
    return `Queued photos whose first suggestion is ${cluster ?? '?'}, most confident first${more}. Untick what does not belong: it stays queued and ${cluster ?? 'the cluster'} stops being suggested first for it.`;
  }
  if (mode === 'search') return `The ${count(shown, 'queued photo')} closest to the text, closest first. Untick what does not belong, then Enter and pick the cluster.`;
  return `The ${count(shown, 'queued photo')} nearest this one, nearest first. Untick what does not belong, then Enter and pick the cluster.`;
}
