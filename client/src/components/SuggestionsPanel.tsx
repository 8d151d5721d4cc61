import type { ClusterInfo, SessionInfo, SuggestionSet } from '../api/queries';
import { percent, scoreWidth } from '../logic/format';
import { waitingFor } from '../logic/indexing';
import { slotOf } from '../logic/slots';
import { ClusterPath } from './ClusterPath';
import { Kbd } from './Kbd';

interface Props {
  session: SessionInfo;
  suggestions: SuggestionSet | null | undefined;
  disabled: boolean;
  onPick: (cluster: string) => void;
  /** Opens the cluster palette, where a new name creates a cluster (the `/` key). */
  onNewCluster: () => void;
}

export function SuggestionsPanel({ session, suggestions, disabled, onPick, onNewCluster }: Props) {
  const shown = suggestions && suggestions.top.length > 0 && !session.settings.manual_only ? suggestions : null;
  return (
    <section className="panel" aria-labelledby="sugg-title" data-testid="suggestions">
      <h2 id="sugg-title" className="panel-title">
        Suggestions
        {shown ? <Confidence suggestions={shown} /> : null}
      </h2>
      {shown?.weak ? (
        <div className="sugg-weak" role="note" data-testid="weak-note">
          <p>
            Weak match: <strong>{shown.top[0]?.cluster}</strong> is barely ahead of the rest, so no cluster may fit this
            photo yet. If it starts a new group, make a cluster for it.
          </p>
          <button type="button" className="btn" disabled={disabled} onClick={onNewCluster} data-testid="weak-new-cluster">
            new cluster… <Kbd>/</Kbd>
          </button>
        </div>
      ) : null}
      {shown ? (
        <SuggestionList suggestions={shown} clusters={session.clusters} disabled={disabled} onPick={onPick} />
      ) : (
        <p className="panel-note" data-testid="suggestions-note">
          {whyNoSuggestions(session)}
        </p>
      )}
    </section>
  );
}

function Confidence({ suggestions }: { suggestions: SuggestionSet }) {
  if (suggestions.confidence != null) {
    return (
      <span
        className="confidence"
        data-testid="confidence"
        title="Estimated probability that the top suggestion is right, learnt from this session's decisions"
      >
        confidence <strong>{percent(suggestions.confidence)}</strong>
      </span>
    );
  }
  // The server says how many decisions it has and needs; the client does not guess either.
  const needed = suggestions.decisions_needed;
  return (
    <span
      className="confidence"
      data-testid="confidence"
      title="Confidence is learnt from the photos you file by hand while suggestions are on screen"
    >
      {needed > 0 ? (
        <>
          learning from your decisions ({Math.min(suggestions.decisions, needed)} of {needed})
        </>
      ) : (
        <>
          confidence <strong>—</strong>
        </>
      )}
    </span>
  );
}

function whyNoSuggestions(session: SessionInfo): string {
  const e = session.embedder;
  if (session.settings.manual_only) return 'Manual-only mode: suggestions are off. File with 1–9 or / (press m to turn suggestions back on).';
  const waiting = waitingFor(session);
  if (e.status === 'loading' && waiting) return waiting;
  if (e.status === 'disabled' || e.status === 'unavailable' || e.kind === 'none')
    return `No suggestions: ${e.reason}. File with 1–9 or the palette (/).`;
  if (session.clusters.length === 0) return 'No clusters yet: press / and type a name to create the first one.';
  if (waiting) return waiting;
  return 'No suggestion for this photo. File with 1–9 or /.';
}

function SuggestionList({
  suggestions,
  clusters,
  disabled,
  onPick,
}: {
  suggestions: SuggestionSet;
  clusters: ClusterInfo[];
  disabled: boolean;
  onPick: (c: string) => void;
}) {
  return (
    <ol className="sugg-list">
      {suggestions.top.map((s, i) => {
        const slot = slotOf(clusters, s.cluster);
        const width = scoreWidth(s.score);
        return (
          <li key={s.cluster}>
            <button
              type="button"
              className={`sugg ${i === 0 ? 'sugg-top' : ''}`}
              disabled={disabled}
              onClick={() => onPick(s.cluster)}
              aria-label={`File into ${s.cluster}, score ${s.score.toFixed(2)}${i === 0 ? ' (Enter)' : slot ? ` (key ${slot})` : ''}`}
            >
              <span className="sugg-key">{i === 0 ? <Kbd>⏎</Kbd> : slot ? <Kbd>{slot}</Kbd> : null}</span>
              <span className="sugg-name">
                <ClusterPath path={s.cluster} />
                {s.few_samples ? (
                  <span className="few" title="This cluster has few photos yet: the score is less reliable">
                    few samples
                  </span>
                ) : null}
              </span>
              <span className="sugg-score">{s.score.toFixed(2)}</span>
              <span className="bar" aria-hidden="true">
                <span className="bar-fill" style={{ width: `${width}%` }} />
              </span>
            </button>
          </li>
        );
      })}
      {suggestions.margin !== null && suggestions.margin !== undefined && suggestions.top.length > 1 ? (
        <li className="muted small sugg-margin">margin over the runner-up: {suggestions.margin.toFixed(2)}</li>
      ) : null}
    </ol>
  );
}
