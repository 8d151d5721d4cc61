"""Which photos belong in a grid: the effort model's break-even, and the calibrated
probability that a photo's first suggestion is right.

The break-even, from the effort model (accepting the first suggestion 0.3, choosing another
cluster 1.0; a grid 0.3 to open and confirm, 0.1 per photo shown, 0.5 more per photo
unticked). Let p be the probability that a photo's first suggestion is right.

- Reviewed one by one, the photo costs  0.3 p + 1.0 (1 - p).
- Shown in that cluster's grid it costs 0.1, and when it is wrong (1 - p) the reviewer unticks
  it (0.5) and decides it later one by one. That later decision sees the runner-up first (the
  rejected cluster is demoted): with q the probability the runner-up is right when the first
  was wrong, it costs  L = 0.3 q + 1.0 (1 - q).  So the grid costs  0.1 + (1 - p)(0.5 + L).

The two are equal where  (1 - p)(0.5 + L - 0.7) = 0.3 - 0.1,  that is

    p* = 1 - 0.2 / (L - 0.2)            (0.75 when q = 0, about 2/3 when q = 0.3)

A photo whose p is above p* costs less in the grid than one by one. q is estimated from the
reviewer's own decisions (how often, when the first suggestion was wrong, the photo went to
the second), shrunk toward 0, which is the costliest later decision and so the highest cut.
The grid's own 0.3 is paid once: it is worth opening when the photos above the cut save more
than that together (`expected_saving`).

The probability p is a logistic model of the first suggestion's score and margin over every
decision the reviewer made (one-by-one filings, and grid ticks and unticks), with an offset
per suggested cluster. Priors keep it honest with little evidence: the pooled intercept is
centred on p = 1/2, below any break-even, so before there is evidence no photo is shown; each
cluster's offset is centred on 0, so a cluster with few decisions gets the pooled estimate and
one with many gets its own. The probability used is the posterior predictive (Laplace
approximation, moderated by its uncertainty), which pulls toward 1/2 where the evidence is
thin: conservative, never above the fit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

ACCEPT, CHOOSE = 0.3, 1.0
GRID_OPEN, GRID_SHOWN, GRID_UNTICK = 0.3, 0.1, 0.5
PRIOR_SD_POOLED = 1.5  # logit scale: the pooled intercept and slopes
PRIOR_SD_CLUSTER = 1.0  # a cluster's own offset from the pooled estimate
PRIOR_RUNNER_UP = (0.5, 2.0)  # Beta prior on q: leaning to 0, the conservative end
NEWTON_STEPS = 30

Floats = NDArray[np.float64]


def later_cost(q: float) -> float:
    """Expected cost of the one-by-one decision of a photo unticked from a grid."""
    return q * ACCEPT + (1.0 - q) * CHOOSE


def break_even(q: float) -> float:
    """The probability above which showing a photo in a grid costs less than one by one."""
    denom = GRID_UNTICK + later_cost(q) - (CHOOSE - ACCEPT)
    if denom <= ACCEPT - GRID_SHOWN:
        return 0.0  # the later decision is so cheap that any photo is worth showing
    return 1.0 - (ACCEPT - GRID_SHOWN) / denom


def photo_saving(p: Floats, q: float) -> Floats:
    """Expected effort saved per photo by showing it in a grid instead of one by one."""
    one_by_one = p * ACCEPT + (1.0 - p) * CHOOSE
    grid = GRID_SHOWN + (1.0 - p) * (GRID_UNTICK + later_cost(q))
    out: Floats = one_by_one - grid
    return out


def expected_saving(p: Floats, q: float) -> float:
    """Expected effort saved by a grid of photos with these probabilities, its opening paid."""
    return float(photo_saving(p, q).sum()) - GRID_OPEN if len(p) else 0.0


@dataclass(frozen=True)
class Evidence:
    """The reviewer's decisions as arrays: the first suggestion's score, margin and cluster,
    whether it was right; and, where it was wrong, whether the runner-up was."""

    score: Floats
    margin: Floats
    cluster: Sequence[str]
    right: NDArray[np.bool_]
    runner_up: NDArray[np.bool_]  # over the wrong ones with a known runner-up


class Calibration:
    """P(first suggestion right | score, margin, cluster), fitted to the evidence."""

    def __init__(self, evidence: Evidence) -> None:
        n = len(evidence.right)
        a, b = PRIOR_RUNNER_UP
        hits = int(evidence.runner_up.sum())
        self.q = (hits + a) / (len(evidence.runner_up) + a + b)
        self.break_even = break_even(self.q)
        self.decisions = n
        self._clusters = {c: j for j, c in enumerate(sorted(set(evidence.cluster)))}
        # Features are centred and scaled by the evidence itself, so that the priors mean the
        # same for every embedder (CLIP's cosines spread far less than EfficientNet's).
        self._centre = np.array([_mean(evidence.score), _mean(evidence.margin)])
        self._scale = np.array([_spread(evidence.score), _spread(evidence.margin)])
        x = self._design(evidence.score, evidence.margin, list(evidence.cluster))
        prior_sd = np.array(
            [PRIOR_SD_POOLED] * 3 + [PRIOR_SD_CLUSTER] * len(self._clusters), dtype=np.float64
        )
        self._w, self._cov = _fit(x, evidence.right.astype(np.float64), prior_sd)

    def _base(self, score: Floats, margin: Floats) -> Floats:
        """(1, score, margin) per photo, centred and scaled as the evidence was."""
        x = np.empty((len(score), 3))
        x[:, 0] = 1.0
        x[:, 1] = (np.asarray(score, dtype=np.float64) - self._centre[0]) / self._scale[0]
        x[:, 2] = (np.clip(margin, 0.0, 1.0) - self._centre[1]) / self._scale[1]
        return x

    def _design(self, score: Floats, margin: Floats, clusters: Sequence[str]) -> Floats:
        """The base columns and one flag per cluster with evidence (the fit's rows)."""
        x = np.zeros((len(score), 3 + len(self._clusters)))
        x[:, :3] = self._base(score, margin)
        for r, c in enumerate(clusters):
            j = self._clusters.get(c)
            if j is not None:
                x[r, 3 + j] = 1.0
        return x

    def probability(self, score: Floats, margin: Floats, cluster: str | Sequence[str]) -> Floats:
        """The posterior predictive probability for each (score, margin) whose first
        suggestion is `cluster` (one name for all, or one per photo)."""
        none = len(self._clusters)
        if isinstance(cluster, str):
            slot = np.full(len(score), self._clusters.get(cluster, none), dtype=np.intp)
        else:
            slot = np.array([self._clusters.get(c, none) for c in cluster], dtype=np.intp)
        return self._predict(score, margin, slot)

    def _predict(self, score: Floats, margin: Floats, slot: NDArray[np.intp]) -> Floats:
        """Each photo's design row is (1, score, margin) plus a flag for its cluster's slot
        (slot == number of clusters: none): its mean and variance, read without the flags."""
        base = self._base(score, margin)
        w_own = np.append(self._w[3:], 0.0)
        cross = np.vstack([self._cov[:3, 3:].T, np.zeros((1, 3))])  # slot -> cov(base, flag)
        own = np.append(np.diag(self._cov)[3:], 0.0)
        mean = base @ self._w[:3] + w_own[slot]
        var = np.einsum("ij,jk,ik->i", base, self._cov[:3, :3], base)
        var += 2.0 * np.einsum("ij,ij->i", base, cross[slot]) + own[slot]
        out: Floats = 1.0 / (1.0 + np.exp(-mean / np.sqrt(1.0 + math.pi * var / 8.0)))
        return out


def _mean(v: Floats) -> float:
    return float(np.mean(v)) if len(v) else 0.0


def _spread(v: Floats) -> float:
    return max(float(np.std(v)), 0.02) if len(v) > 1 else 0.1


def _fit(x: Floats, y: Floats, prior_sd: Floats) -> tuple[Floats, Floats]:
    """MAP logistic regression with independent Gaussian priors (mean 0) by Newton's
    method; the weights and their Laplace covariance."""
    precision = np.diag(1.0 / prior_sd**2)
    w = np.zeros(x.shape[1])
    for _ in range(NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        grad = x.T @ (y - p) - precision @ w
        hess = (x * (p * (1.0 - p))[:, None]).T @ x + precision
        step: Floats = np.asarray(np.linalg.solve(hess, grad), dtype=np.float64)
        w = w + step
        if float(np.max(np.abs(step))) < 1e-6:
            break
    p = 1.0 / (1.0 + np.exp(-(x @ w)))
    hess = (x * (p * (1.0 - p))[:, None]).T @ x + precision
    cov: Floats = np.asarray(np.linalg.inv(hess), dtype=np.float64)
    return w, cov
