"""The suggestions shown beside a queued photo: its nearest clusters, the margin between the
first two, and how likely the first is right (from the session's own decisions)."""

from __future__ import annotations

from collections.abc import Mapping

from photosort.session import SessionSettings
from photosort.suggest.indexing.vectors import Ranking
from photosort.suggest.ranking.confidence import (
    MIN_DECISIONS,
    WEAK_CONFIDENCE,
    WEAK_MARGIN,
    ConfidenceModel,
)
from photosort.suggest.results import SuggestionSet


def suggestion_sets(
    items: list[str],
    ranked: Mapping[str, Ranking],
    model: ConfidenceModel,
    counts: Mapping[str, int],
    settings: SessionSettings,
) -> dict[str, SuggestionSet | None]:
    out: dict[str, SuggestionSet | None] = {}
    for item in items:
        if item not in ranked:
            out[item] = None
            continue
        names, scores = ranked[item]
        margin = scores[0] - scores[1] if len(scores) > 1 else None
        k = settings.top_k
        confidence = model.confidence(scores[0], margin if margin is not None else 1.0)
        if confidence is not None:
            weak = confidence < WEAK_CONFIDENCE
        else:
            weak = margin is not None and margin < WEAK_MARGIN
        out[item] = {
            "top": [
                {
                    "cluster": n,
                    "score": round(sc, 4),
                    "few_samples": counts.get(n, 0) < settings.min_samples,
                }
                for n, sc in zip(names[:k], scores[:k], strict=False)
            ],
            "margin": round(margin, 4) if margin is not None else None,
            "confidence": confidence,
            "weak": weak,
            "decisions": len(model.decisions),
            "decisions_needed": MIN_DECISIONS,
        }
    return out
