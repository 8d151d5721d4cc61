"""An auto-move rule whose precision is guaranteed, not tuned: Learn-then-Test.

The rule (score >= threshold, margin >= min_margin) is picked from many candidates, so a point
estimate or a credible bound of the winner over-promises (the winner is the luckiest of the
search). Learn-then-Test (Angelopoulos, Bates, Candès, Jordan, Lei, 2021) turns the search into
multiple hypothesis testing: for each candidate rule, H0 = "its precision is below the target";
a rule is recommended only when H0 is rejected, with the family-wise error over the whole search
held at `delta`. Then, with probability at least 1 - delta, every recommended rule really has
precision >= target.

How the candidates are tested:
- Three chains of rules, delta split evenly over them (Bonferroni): the thresholds from high
  to low at the session's margin floor; and twice the margins from high to low at the lowest
  score reviewed, never below the margin floor (the rule moves what leads its runner-up by
  that much, however it scores). The margin chains are there because the lead over the
  runner-up sorts right from wrong far better than the score does: on 2,000 draws from
  stamps6/clutter the first wrong decision by score came within the top 2%, by margin
  mostly after a fifth of them (bench/quality.py --scale), so a threshold chain stopped at
  its first rule for over a thousand decisions. One margin chain starts where a rule can be
  proven with no mistake; the other starts RESTART times further down, where a rule can be
  proven with 3 wrong, so that one confident mistake at the very top of the margins (one
  seeding of four had it at rank 99) does not stop the search for good. A chain over the
  median margin's thresholds was dropped: it never covered more than the margin chain there.
  Each chain raises what every chain needs: 76 decisions all right for one, 99 for two, 112
  for three.
- Within a chain, fixed-sequence testing: test rules in order of growing coverage and stop at
  the first one not rejected. Each test spends the chain's whole delta, which is why the order
  must be fixed before the labels are seen: it depends only on the scores and margins (the
  features), never on which decisions were right.
- The p-value of a rule covering n decisions with w wrong is the exact binomial tail
  P(Binomial(n, 1 - target) <= w): the binary-loss case of the Hoeffding-Bentkus bound. Given
  the features, the wrong count is a sum of independent Bernoullis; when their mean error
  exceeds 1 - target this tail is still an upper bound (Hoeffding 1956), so the test is valid
  conditionally on the scores as well.
- A chain starts at the smallest coverage that could ever reject (all right), so the most
  conservative rules, which cover too few decisions to prove anything, do not stop it.

What it assumes: the reviewed decisions are exchangeable with the photos the rule will move
(the guarantee is about the reviewer's decisions' distribution). The confidence model
(confidence.py) hands it only decisions for which that can hold: photos filed one by one
since the last auto-move, never grid ticks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

DELTA = 0.1  # the guarantee holds with probability 1 - DELTA (90%)
CHAINS = 3  # thresholds at the margin floor; margins at the lowest score, twice (docstring)
RESTART = 2.5  # the second margin chain's first rule covers this many times the first's
GROWTH = 1.15  # coverage grows by at least this factor from one tested rule to the next


@dataclass(frozen=True)
class Guaranteed:
    threshold: float
    min_margin: float
    support: int  # decisions the rule covers
    wrong: int  # of those, how many had a wrong top suggestion
    p_value: float


def binomial_cdf(k: int, n: int, p: float) -> float:
    """P(Binomial(n, p) <= k), summed in log space (n up to many thousands)."""
    if k < 0:
        return 0.0
    if k >= n or p <= 0.0:
        return 1.0
    if p >= 1.0:
        return 0.0
    ks = np.arange(k + 1, dtype=np.float64)
    logpmf = (
        math.lgamma(n + 1)
        - np.array([math.lgamma(x + 1) + math.lgamma(n - x + 1) for x in ks])
        + ks * math.log(p)
        + (n - ks) * math.log1p(-p)
    )
    top = float(logpmf.max())
    return min(1.0, math.exp(top) * float(np.exp(logpmf - top).sum()))


def p_value(wrong: int, n: int, target: float) -> float:
    """Evidence against "precision < target" from n decisions with `wrong` mistakes."""
    return binomial_cdf(wrong, n, 1.0 - target) if n else 1.0


def min_support(target: float, delta: float) -> int:
    """Decisions a rule must cover, all right, before it can be shown to reach `target`."""
    return max(1, math.ceil(math.log(delta) / math.log(target)))


def lower_bound(right: int, n: int, delta: float = DELTA) -> float | None:
    """One-sided Clopper-Pearson lower bound on precision at confidence 1 - delta, for a
    single rule fixed in advance (what the reviewer's own slider position gets)."""
    if n == 0:
        return None
    wrong = n - right
    lo, hi = 0.0, 1.0
    for _ in range(40):  # precisions q with P(wrong' <= wrong | 1 - q) <= delta are ruled out
        mid = (lo + hi) / 2
        if binomial_cdf(wrong, n, 1.0 - mid) <= delta:
            lo = mid
        else:
            hi = mid
    return lo


def _chain(
    key: NDArray[np.float64],
    correct: NDArray[np.bool_],
    target: float,
    delta: float,
    start: float = 1.0,
) -> tuple[float, int, int, float] | None:
    """Fixed-sequence test down one feature (`key`, high to low), from the rule covering
    `start` times the fewest decisions that could prove anything: the last rule rejected, as
    (cut, decisions covered, wrong, p-value)."""
    order = np.argsort(-key, kind="stable")
    ranked = key[order]
    wrong_cum = np.cumsum(~correct[order])
    n = math.ceil(min_support(target, delta) * start)
    best: tuple[float, int, int, float] | None = None
    while n <= len(ranked):
        cut = float(ranked[n - 1])
        covered = int(np.searchsorted(-ranked, -cut, side="right"))  # ties included
        wrong = int(wrong_cum[covered - 1])
        p = p_value(wrong, covered, target)
        if p > delta:
            break
        best = (cut, covered, wrong, p)
        n = max(covered + 1, math.ceil(covered * GROWTH))
    return best


def recommend(
    scores: NDArray[np.float64],
    margins: NDArray[np.float64],
    correct: NDArray[np.bool_],
    target: float,
    min_margin: float = 0.0,
    delta: float = DELTA,
) -> Guaranteed | None:
    """The guaranteed rule that covers the most decisions, or None when no candidate rule can
    be shown to reach `target` at confidence 1 - delta yet."""
    if len(scores) == 0:
        return None
    per_chain = delta / CHAINS
    candidates: list[Guaranteed] = []
    mask = margins >= min_margin
    by_score = _chain(scores[mask], correct[mask], target, per_chain)
    if by_score is not None:
        cut, covered, wrong, p = by_score
        candidates.append(Guaranteed(cut, min_margin, covered, wrong, p))
    lowest = float(scores.min())  # a fixed feature of the decisions, not of their labels
    for start in (1.0, RESTART):
        by_margin = _chain(margins[mask], correct[mask], target, per_chain, start)
        if by_margin is not None:
            cut, covered, wrong, p = by_margin
            candidates.append(Guaranteed(lowest, cut, covered, wrong, p))
    return max(candidates, key=lambda g: g.support, default=None)


def needed(target: float, delta: float = DELTA) -> int:
    """Decisions (all right) the smallest tested rule must cover: what the UI quotes."""
    return min_support(target, delta / CHAINS)
