"""Learned confidence: how often was the top suggestion right, at a given score?

Every manual decision journals the suggestions the reviewer was shown and where the photo
went. Those pairs are this session's own evidence: for any threshold, the share of decisions
scoring at least that much whose top suggestion was right estimates the precision an auto-move
at that threshold would reach. The estimate is a Beta posterior, and the recommendation uses
its lower credible bound, so a handful of lucky decisions cannot unlock an aggressive batch.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

MIN_DECISIONS = 8  # below this the tool says it does not know yet
PRIOR_RIGHT, PRIOR_WRONG = 1.0, 1.0  # uniform Beta prior
BOUND_Z = 1.0  # about an 84% one-sided lower credible bound


@dataclass(frozen=True)
class Decision:
    score: float
    margin: float
    correct: bool


@dataclass(frozen=True)
class Estimate:
    precision: float | None
    support: int  # decisions at or above the threshold
    decisions: int  # all decisions with a shown suggestion


def decisions_from_journal(records: Iterable[dict[str, Any]], undone: set[int]) -> list[Decision]:
    """Manual filings that had suggestions on screen, oldest first (undone ones excluded)."""
    out: list[Decision] = []
    for rec in records:
        if rec.get("type") != "assign" or rec.get("by") != "manual" or rec["seq"] in undone:
            continue
        shown = rec.get("suggested") or []
        if not shown:
            continue
        top = float(shown[0]["score"])
        second = float(shown[1]["score"]) if len(shown) > 1 else -1.0
        out.append(Decision(top, top - second, shown[0]["cluster"] == rec.get("cluster")))
    return out


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

    def recommend(self, target: float, min_margin: float = 0.0) -> float | None:
        """Lowest threshold whose lower credible bound on precision reaches `target`."""
        if not self.enough:
            return None
        best: float | None = None
        for t in sorted(set(self._scores.tolist()), reverse=True):
            right, n = self._select(t, min_margin)
            mean, sd = _posterior(right, n)
            if mean - BOUND_Z * sd >= target:
                best = t
        return best
