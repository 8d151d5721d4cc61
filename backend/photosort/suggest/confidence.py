"""Learned confidence: how often was the top suggestion right, at a given score?

Every manual decision journals the suggestions the reviewer was shown and where the photo
went. Those pairs are this session's own evidence: for any threshold, the share of decisions
scoring at least that much whose top suggestion was right estimates the precision an auto-move
at that threshold would reach. The estimate is a Beta posterior, and the recommendation uses
its lower credible bound, so a handful of lucky decisions cannot unlock an aggressive batch.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

MIN_DECISIONS = 8  # below this the tool says it does not know yet
# Until the confidence model has enough decisions, a top suggestion whose lead over the
# runner-up is below this is called weak. On sample/ with EfficientNet-Lite0 (clusters birds,
# flowers, fruit) it flags 12 of the 13 coins (no cluster yet) and the RAW landscape, and 8 of
# the 31 photos whose top suggestion is right: close calls, which the UI words as such.
WEAK_MARGIN = 0.08
WEAK_CONFIDENCE = 0.5  # once the model has enough decisions: more likely wrong than right
MIN_SUPPORT = 5  # a rule must rest on at least this many decisions it would have covered
PRIOR_RIGHT, PRIOR_WRONG = 1.0, 1.0  # uniform Beta prior
# Half a posterior standard deviation below the mean: measured with bench/quality.py, a
# stricter bound moved almost nothing, a looser one (the mean) under-delivered precision.
BOUND_Z = 0.5
GRID = 40  # candidate thresholds and margins: quantiles of the decisions seen


@dataclass(frozen=True)
class Decision:
    score: float
    margin: float
    correct: bool


@dataclass(frozen=True)
class Recommendation:
    threshold: float
    min_margin: float
    support: int  # decisions the rule would have covered


@dataclass(frozen=True)
class Estimate:
    precision: float | None
    support: int  # decisions at or above the threshold
    decisions: int  # all decisions with a shown suggestion


def decisions_with_seq(records: Iterable[dict[str, Any]]) -> Iterator[tuple[int, Decision]]:
    """Manual filings that had suggestions on screen, oldest first, with their seq."""
    for rec in records:
        if rec.get("type") != "assign" or rec.get("by") != "manual":
            continue
        shown = rec.get("suggested") or []
        if not shown:
            continue
        top = float(shown[0]["score"])
        second = float(shown[1]["score"]) if len(shown) > 1 else -1.0
        yield rec["seq"], Decision(top, top - second, shown[0]["cluster"] == rec.get("cluster"))


def _posterior(right: int, n: int) -> tuple[float, float]:
    a, b = right + PRIOR_RIGHT, n - right + PRIOR_WRONG
    mean = a / (a + b)
    sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    return mean, sd


class ConfidenceModel:
    def __init__(self, decisions: list[Decision]) -> None:
        self.decisions = decisions
        self._scores = np.array([d.score for d in decisions], dtype=np.float64)
        self._margins = np.array([d.margin for d in decisions], dtype=np.float64)
        self._right = np.array([d.correct for d in decisions], dtype=bool)

    @property
    def enough(self) -> bool:
        return len(self.decisions) >= MIN_DECISIONS

    def _select(self, threshold: float, min_margin: float) -> tuple[int, int]:
        mask = (self._scores >= threshold) & (self._margins >= min_margin)
        return int(self._right[mask].sum()), int(mask.sum())

    def estimate(self, threshold: float, min_margin: float = 0.0) -> Estimate:
        if not self.enough:
            return Estimate(None, 0, len(self.decisions))
        right, n = self._select(threshold, min_margin)
        if n == 0:
            return Estimate(None, 0, len(self.decisions))
        return Estimate(_posterior(right, n)[0], n, len(self.decisions))

    def confidence(self, score: float, margin: float) -> float | None:
        """Probability the top suggestion is right for an item with this score and margin."""
        if not self.enough:
            return None
        right, n = self._select(score - 1e-9, 0.0)
        # Decisions at or above this score; where none score that high, the best evidence is
        # the highest-scoring ones seen, so extend down to the top few.
        if n < 3:
            top = np.argsort(-self._scores)[:3]
            right, n = int(self._right[top].sum()), len(top)
        return round(_posterior(right, n)[0], 4)

    def recommend(self, target: float, min_margin: float = 0.0) -> Recommendation | None:
        """The (threshold, margin) rule with the most reviewed support whose lower credible
        bound on precision reaches `target`. Margin is searched too (never below `min_margin`):
        in this session's evidence it separates right from wrong top suggestions far better
        than the score alone."""
        if not self.enough:
            return None
        qs = np.linspace(0.0, 1.0, GRID)
        thresholds = np.unique(np.quantile(self._scores, qs))
        margins = np.unique(np.concatenate([[min_margin], np.quantile(self._margins, qs)]))
        margins = margins[margins >= min_margin]
        best: Recommendation | None = None
        for m in margins:
            for t in thresholds:
                right, n = self._select(float(t), float(m))
                if n < MIN_SUPPORT or (best is not None and n <= best.support):
                    continue
                mean, sd = _posterior(right, n)
                if mean - BOUND_Z * sd >= target:
                    best = Recommendation(float(t), float(m), n)
        return best
