"""The auto-move rule: which queued photos are confident enough to file without a reviewer,
and how the rule is worked out from what was asked, the settings and the evidence."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from photosort.errors import PhotosortError
from photosort.session.settings import FALLBACK_THRESHOLD, SessionSettings
from photosort.suggest.confidence import ConfidenceModel, Recommendation
from photosort.suggest.results import Histogram
from photosort.suggest.vectors import Ranking

HIST_BINS = 40


@dataclass(frozen=True)
class Candidate:
    item: str
    cluster: str
    score: float
    margin: float


@dataclass(frozen=True)
class Rule:
    threshold: float
    min_samples: int
    min_margin: float


@dataclass(frozen=True)
class Resolved:
    rule: Rule
    recommendation: Recommendation | None
    # where the threshold came from: asked for (or saved in the settings), the session's
    # recommendation, or FALLBACK_THRESHOLD for lack of both
    source: Literal["given", "recommended", "fallback"]


def resolve_rule(
    settings: SessionSettings,
    model: ConfidenceModel,
    threshold: float | None,
    min_samples: int | None,
    min_margin: float | None,
) -> Resolved:
    """The one place a rule's defaults are worked out, for the estimate and the run alike:
    what was asked for, else the session's settings, else (threshold only) the recommended
    rule, whose margin goes with its threshold, else FALLBACK_THRESHOLD."""
    if threshold is not None and not -1.0 <= threshold <= 1.0:
        raise PhotosortError(f"threshold {threshold:g} is outside [-1, 1] (a cosine score)")
    samples = min_samples if min_samples is not None else settings.min_samples
    floor = min_margin if min_margin is not None else settings.min_margin
    rec = model.recommend(settings.target_precision, floor)
    chosen = threshold if threshold is not None else settings.threshold
    if chosen is not None:
        return Resolved(Rule(float(chosen), samples, floor), rec, "given")
    if rec is None:
        return Resolved(Rule(FALLBACK_THRESHOLD, samples, floor), None, "fallback")
    margin = floor if min_margin is not None else max(floor, rec.min_margin)
    return Resolved(Rule(rec.threshold, samples, margin), rec, "recommended")


def candidates(items: list[str], ranked: Mapping[str, Ranking]) -> list[Candidate]:
    """Each embedded queued item with its best cluster (queue order kept)."""
    out: list[Candidate] = []
    for item in items:
        if item not in ranked:
            continue
        names, scores = ranked[item]
        margin = scores[0] - scores[1] if len(scores) > 1 else 2.0
        out.append(Candidate(item, names[0], scores[0], margin))
    return out


def select(
    candidates: Iterable[Candidate],
    rule: Rule,
    cluster_sizes: Mapping[str, int],
    viewing: set[str],
) -> tuple[list[Candidate], int]:
    """Every candidate that clears the rule, in queue order, over the whole queue in one pass.

    Returns the chosen ones and how many were left alone because a reviewer has them open.
    """
    chosen: list[Candidate] = []
    held = 0
    for c in candidates:
        if (
            c.score >= rule.threshold
            and c.margin >= rule.min_margin
            and cluster_sizes.get(c.cluster, 0) >= rule.min_samples
        ):
            if c.item in viewing:
                held += 1
                continue
            chosen.append(c)
    return chosen, held


def per_cluster(chosen: Iterable[Candidate]) -> dict[str, int]:
    return dict(Counter(c.cluster for c in chosen))


def histogram(values: list[float], bins: int = HIST_BINS) -> Histogram:
    lo = min([0.0, *values]) if values else 0.0
    edges = np.linspace(lo, 1.0, bins + 1)
    counts, _ = (
        np.histogram(np.clip(values, lo, 1.0), bins=edges)
        if values
        else (np.zeros(bins, dtype=int), edges)
    )
    return {"edges": [round(float(e), 4) for e in edges], "counts": [int(c) for c in counts]}
