"""The auto-move rule: which queued photos are confident enough to file without a reviewer."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


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
