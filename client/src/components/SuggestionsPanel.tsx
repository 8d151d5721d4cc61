import type { ClusterInfo, SessionInfo, SuggestionSet } from '../api/queries';
import { percent, scoreWidth } from '../logic/format';
import { waitingFor } from '../logic/indexing';
import { slotOf } from '../logic/slots';
import { Kbd } from './Kbd';

interface Props {
  session: SessionInfo;
  suggestions: SuggestionSet | null | undefined;
  disabled: boolean;
  onPick: (cluster: string) => void;
}

export function SuggestionsPanel({ session, suggestions, disabled, onPick }: Props) {
  return (
    <section className="panel" aria-labelledby="sugg-title" data-testid="suggestions">
      <h2 id="sugg-title" className="panel-title">
        Suggestions
        {suggestions && suggestions.top.length > 0 && !session.settings.manual_only ? (
          <span
            className="confidence"
            data-testid="confidence"
            title={
              suggestions.confidence == null
                ? 'No estimate yet: confidence is learnt from your own decisions, after a few more by hand'
                : "Estimated probability that the top suggestion is right, learnt from this session's decisions"
            }
          >
            confidence <strong>{suggestions.confidence == null ? '—' : percent(suggestions.confidence)}</strong>
          </span>
        ) : null}
      </h2>
      {suggestions && suggestions.top.length > 0 && !session.settings.manual_only ? (
        <SuggestionList suggestions={suggestions} clusters={session.clusters} disabled={disabled} onPick={onPick} />
      ) : (
        <p className="panel-note" data-testid="suggestions-note">
          {whyNoSuggestions(session)}
        </p>
      )}
    </section>
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
                {s.cluster}
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
