import type { SessionInfo } from '../api/queries';
import { count, percent, queuedText } from '../logic/format';
import { indexingText } from '../logic/indexing';
import type { View } from '../logic/keymap';
import { CopyModeBadge } from './CopyModeBadge';
import { Kbd } from './Kbd';

interface Props {
  session: SessionInfo | undefined;
  view: View;
  onAutoMove: () => void;
  onToggleLog: () => void;
  onToggleManual: () => void;
  onHelp: () => void;
}

export function TopBar({ session, view, onAutoMove, onToggleLog, onToggleManual, onHelp }: Props) {
  const manual = session?.settings.manual_only ?? false;
  return (
    <header className="topbar">
      <div className="brand" title={session ? `source: ${session.source}\ndest: ${session.dest}` : undefined}>
        <span className="logo" aria-hidden="true" />
        <span className="brand-name">photosort</span>
        {session ? <span className="folder">{lastSegment(session.source)}</span> : null}
        {session ? <CopyModeBadge session={session} /> : null}
      </div>
      {session ? <StatsBar session={session} /> : <div className="stats" />}
      <div className="topbar-right">
        {session ? <IndexingProgress session={session} /> : null}
        {session ? <EmbedderBadge session={session} /> : null}
        <button
          type="button"
          className={`chip ${manual ? 'chip-on' : ''}`}
          aria-pressed={manual}
          onClick={onToggleManual}
          title="Manual-only: no suggestions are computed or shown, and auto-move is off (m)"
        >
          Manual only <Kbd>m</Kbd>
        </button>
        <button type="button" className="btn btn-ghost" onClick={onAutoMove} disabled={manual} title={manual ? 'Auto-move is off in manual-only mode' : 'Auto-move (a)'}>
          Auto-move <Kbd>a</Kbd>
        </button>
        <button type="button" className="btn btn-ghost" onClick={onToggleLog} aria-pressed={view === 'log'}>
          {view === 'log' ? 'Sort' : 'Log'} <Kbd>l</Kbd>
        </button>
        <button type="button" className="btn btn-ghost" onClick={onHelp} aria-label="Keyboard shortcuts (?)">
          <Kbd>?</Kbd>
        </button>
      </div>
    </header>
  );
}

function lastSegment(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

function StatsBar({ session }: { session: SessionInfo }) {
  const s = session.stats;
  const total = s.queued + s.processed;
  const done = total > 0 ? s.processed / total : 0;
  return (
    <div
      className="stats"
      data-testid="stats"
      aria-label="Session statistics"
      title={`${s.manual - s.deleted} filed by hand · ${s.auto} auto-moved · ${s.deleted} trashed · ${s.skipped} skips · ${s.undone} undos`}
    >
      <div className="stats-line">
        <span>
          <strong data-testid="stat-queued">{queuedText(s)}</strong> to sort
        </span>
        <span>
          <strong data-testid="stat-processed">{s.processed.toLocaleString('en-US')}</strong> done
          <span className="muted stats-detail">
            {' '}
            ({s.manual - s.deleted} manual · {s.auto} auto · {s.deleted} trashed)
          </span>
        </span>
        <span className="muted stats-detail">
          {count(s.skipped, 'skip')} · {count(s.undone, 'undo')}
        </span>
      </div>
      <div className="progress" role="progressbar" aria-label="Sorted" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(done * 100)}>
        <div className="progress-fill" style={{ width: `${done * 100}%` }} />
      </div>
    </div>
  );
}

const EMBEDDER_LABEL: Record<string, string> = {
  clip: 'CLIP',
  'efficientnet-lite0': 'EfficientNet-Lite0',
  none: 'No model',
};

export function EmbedderBadge({ session }: { session: SessionInfo }) {
  const e = session.embedder;
  const name = EMBEDDER_LABEL[e.kind] ?? e.kind;
  const status = session.settings.manual_only && e.status === 'ready' ? 'manual-only' : e.status;
  const device = e.device ? ` on ${e.device}` : '';
  return (
    <span className={`badge badge-${e.status}`} data-testid="embedder-badge" title={`${e.id ?? name}${device}\n${e.reason}`}>
      {e.status === 'loading' ? <span className="spinner" aria-hidden="true" /> : <span className="dot" aria-hidden="true" />}
      <span>
        {name} · {status}
      </span>
      <span className="sr-only">: {e.reason}</span>
    </span>
  );
}

export function IndexingProgress({ session }: { session: SessionInfo }) {
  const p = session.indexing;
  if (p.total === 0 || (!p.running && p.done >= p.total && p.failed === 0)) return null;
  const frac = p.total ? p.done / p.total : 0;
  const text = indexingText(p);
  return (
    <div className="indexing" data-testid="indexing" title={text}>
      <span className="indexing-text">{text}</span>
      <div className="progress progress-thin" role="progressbar" aria-label={`Indexing ${percent(frac)}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(frac * 100)}>
        <div className="progress-fill" style={{ width: `${frac * 100}%` }} />
      </div>
    </div>
  );
}
