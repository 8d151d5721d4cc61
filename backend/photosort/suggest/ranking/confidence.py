"""Learned confidence: how often was the top suggestion right, at a given score?

Every manual decision journals the suggestions the reviewer was shown and where the photo
went. Those pairs are this session's own evidence: for any threshold, the share of decisions
scoring at least that much whose top suggestion was right estimates the precision an auto-move
at that threshold would reach. The estimate shown is a Beta posterior mean; the recommended
rule is found by Learn-then-Test (ranking/guarantee.py), so its precision is guaranteed at a
stated confidence over the whole search of thresholds and margins, not merely estimated.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from photosort.suggest.ranking import guarantee
from photosort.suggest.ranking.calibration import Calibration, Evidence

MIN_DECISIONS = 8  # below this the tool says it does not know yet
# Until the confidence model has enough decisions, a top suggestion whose lead over the
# runner-up is below this is called weak. On sample/ with EfficientNet-Lite0 and its zoomed view
# (clusters birds, flowers, fruit) it flags all 13 coins (no cluster yet) and the RAW landscape,
# and 4 of the other 31 photos (with one view: 9 of the coins, and 4 others): close calls, which
# the UI words as such.
WEAK_MARGIN = 0.08
WEAK_CONFIDENCE = 0.5  # once the model has enough decisions: more likely wrong than right
PRIOR_RIGHT, PRIOR_WRONG = 1.0, 1.0  # uniform Beta prior


@dataclass(frozen=True)
class Decision:
    score: float
    margin: float
    correct: bool
    cluster: str = ""  # the first suggestion
    runner_up: bool | None = None  # first wrong: did the photo go to the second? (None: unknown)
    chosen: bool = False  # shown in a cluster's grid, which picks photos by the calibration


@dataclass(frozen=True)
class Recommendation:
    threshold: float
    min_margin: float
    support: int  # decisions the rule would have covered
    wrong: int  # of those, how many had a wrong top suggestion
    confidence_level: float  # precision >= target holds with this probability


@dataclass(frozen=True)
class Estimate:
    precision: float | None
    support: int  # decisions at or above the threshold
    decisions: int  # all decisions with a shown suggestion


def decisions_with_seq(records: Iterable[dict[str, Any]]) -> Iterator[tuple[int, Decision]]:
    """Manual filings that had suggestions on screen, oldest first, with their seq."""
    for rec in records:
        if rec.get("type") == "grid-batch-start":
            yield from _rejections(rec)
            continue
        if rec.get("type") != "assign" or rec.get("by") != "manual":
            continue
        shown = rec.get("suggested") or []
        if not shown:
            continue
        top = float(shown[0]["score"])
        second = float(shown[1]["score"]) if len(shown) > 1 else -1.0
        correct = shown[0]["cluster"] == rec.get("cluster")
        runner_up = None if correct or len(shown) < 2 else shown[1]["cluster"] == rec.get("cluster")
        chosen = rec.get("mode") == "grid"
        yield (
            rec["seq"],
            Decision(top, top - second, correct, shown[0]["cluster"], runner_up, chosen),
        )


def _rejections(rec: dict[str, Any]) -> Iterator[tuple[int, Decision]]:
    """Photos unticked in a cluster's grid: each is a top suggestion the reviewer said was
    wrong (its ticked neighbours are `assign` lines, right ones)."""
    if rec.get("mode") != "grid":
        return
    for r in rec.get("rejected") or []:
        shown = r.get("suggested") or []
        if shown and shown[0]["cluster"] == rec.get("cluster"):
            top = float(shown[0]["score"])
            second = float(shown[1]["score"]) if len(shown) > 1 else -1.0
            yield rec["seq"], Decision(top, top - second, False, shown[0]["cluster"], None, True)


def _posterior(right: int, n: int) -> tuple[float, float]:
    a, b = right + PRIOR_RIGHT, n - right + PRIOR_WRONG
    mean = a / (a + b)
    sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    return mean, sd


class ConfidenceModel:
    """Two uses of one set of decisions. The calibration (which photos a grid shows) learns
    from all of them. The auto-move estimate and its guarantee learn only from the decisions
    on photos nobody picked by that calibration: a cluster's grid shows the photos of the
    clusters it trusts, so its ticks over-represent them, while an auto-move acts on every
    queued photo over a threshold, mostly the ones the grids left behind. Counting grid ticks
    there let a 97% promise deliver 85% on a 2,000-photo run (bench/quality.py --scale).

    The guarantee also stands only on the decisions made since the last auto-move
    (`since_auto_move`: how many of `decisions` came before it). An auto-move takes every
    photo its rule covered out of the queue and grows the clusters, so what covers a photo
    afterwards is mostly a photo that was a close call before; the earlier decisions over-state
    how often those are right. Counting them let a rule promising 97% deliver 96.7%, with
    batches of 47 right in 70, on the same 2,000-photo run."""

    def __init__(self, decisions: list[Decision], since_auto_move: int = 0) -> None:
        self.decisions = decisions
        plain = [d for d in decisions if not d.chosen]
        self._scores = np.array([d.score for d in plain], dtype=np.float64)
        self._margins = np.array([d.margin for d in plain], dtype=np.float64)
        self._right = np.array([d.correct for d in plain], dtype=bool)
        self._plain = len(plain)
        fresh = [d for d in decisions[since_auto_move:] if not d.chosen]
        self._evidence = (
            np.array([d.score for d in fresh], dtype=np.float64),
            np.array([d.margin for d in fresh], dtype=np.float64),
            np.array([d.correct for d in fresh], dtype=bool),
        )
        self._calibration: Calibration | None = None

    @property
    def calibration(self) -> Calibration:
        """P(first suggestion right) per photo, fitted once per set of decisions."""
        if self._calibration is None:
            d = self.decisions
            self._calibration = Calibration(
                Evidence(
                    np.array([x.score for x in d], dtype=np.float64),
                    np.array([x.margin for x in d], dtype=np.float64),
                    [x.cluster for x in d],
                    np.array([x.correct for x in d], dtype=bool),
                    np.array([x.runner_up for x in d if x.runner_up is not None], dtype=bool),
                )
            )
        return self._calibration

    @property
    def enough(self) -> bool:
        return self._plain >= MIN_DECISIONS

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
        """The rule covering the most reviewed decisions (since the last auto-move) whose
        precision is shown to reach `target` at confidence 1 - DELTA over the whole search
        (ranking/guarantee.py), never with a margin below `min_margin`; None while the
        evidence cannot support the target."""
        if not self.enough:
            return None
        scores, margins, right = self._evidence
        found = guarantee.recommend(scores, margins, right, target, min_margin, guarantee.DELTA)
        if found is None:
            return None
        return Recommendation(
            found.threshold, found.min_margin, found.support, found.wrong, 1.0 - guarantee.DELTA
        )

    def lower_bound(self, threshold: float, min_margin: float = 0.0) -> float | None:
        """Precision lower bound at confidence 1 - DELTA for this one rule."""
        right, n = self._select(threshold, min_margin)
        return guarantee.lower_bound(right, n) if self.enough else None
