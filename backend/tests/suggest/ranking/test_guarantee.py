"""The auto-move promise on synthetic decisions whose true precision is known exactly.

Scores and margins are uniform on [0, 1]; the top suggestion is right with probability
1 - A (1 - score)(1 - margin), so the precision of the rule (score >= t, margin >= m) is
1 - A (1 - t)(1 - m) / 4 in closed form. Over many independent draws of the reviewer's
decisions, the rule recommended for the target must really reach it in all but about
delta of the draws; a rule chosen by its point estimate (what tuning does) must not.
"""

from __future__ import annotations

import numpy as np
import pytest

from photosort.suggest.ranking import guarantee

A = 0.25
TARGET = 0.97
DRAWS = 300


def true_precision(t: float, m: float) -> float:
    return 1.0 - A * (1.0 - t) * (1.0 - m) / 4.0


def draw(
    rng: np.random.Generator, n: int, a: float = A
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    scores = rng.uniform(0.0, 1.0, n)
    margins = rng.uniform(0.0, 1.0, n)
    correct = rng.uniform(0.0, 1.0, n) >= a * (1.0 - scores) * (1.0 - margins)
    return scores, margins, correct


def naive(scores: np.ndarray, margins: np.ndarray, correct: np.ndarray) -> tuple[float, float]:
    """The most covering rule whose observed precision reaches the target (no guarantee)."""
    best = (1.0, 0.0, 0)
    for m in np.quantile(margins, [0.0, 0.25, 0.5]):
        for t in np.quantile(scores, np.linspace(0, 1, 40)):
            mask = (scores >= t) & (margins >= m)
            n = int(mask.sum())
            if n >= 5 and correct[mask].mean() >= TARGET and n > best[2]:
                best = (float(t), float(m), n)
    return best[0], best[1]


@pytest.mark.parametrize("n", [150, 1500])
def test_recommended_rule_misses_the_target_in_at_most_delta_of_draws(n: int):
    rng = np.random.default_rng(n)
    misses = recommended = 0
    for _ in range(DRAWS):
        scores, margins, correct = draw(rng, n)
        rec = guarantee.recommend(scores, margins, correct, TARGET)
        if rec is None:
            continue
        recommended += 1
        misses += true_precision(rec.threshold, rec.min_margin) < TARGET
    # delta plus three standard errors of a binomial share over the draws
    assert misses / DRAWS <= guarantee.DELTA + 3 * np.sqrt(0.09 / DRAWS)
    if n == 1500:
        assert recommended > DRAWS * 0.7  # ample evidence: the promise is also useful


def test_a_tuned_rule_breaks_the_same_promise():
    """The check above can fail: picking the rule by its observed precision over-promises."""
    rng = np.random.default_rng(7)
    misses = 0
    for _ in range(100):
        t, m = naive(*draw(rng, 150))
        misses += true_precision(t, m) < TARGET
    assert misses / 100 > 0.3


def test_an_unreachable_target_recommends_nothing():
    """Every rule's precision is 94%, below the target: say so, move nothing."""
    rng = np.random.default_rng(3)
    found = 0
    for _ in range(100):
        scores, margins, _ = draw(rng, 800)
        correct = rng.uniform(0.0, 1.0, 800) >= 0.06  # 94% right everywhere
        found += guarantee.recommend(scores, margins, correct, TARGET) is not None
    assert found <= 100 * guarantee.DELTA


def test_too_few_decisions_recommend_nothing():
    scores = np.linspace(0.9, 1.0, guarantee.needed(TARGET) - 1)
    ok = np.ones_like(scores, dtype=bool)
    assert guarantee.recommend(scores, np.ones_like(scores), ok, TARGET) is None
    more = np.linspace(0.9, 1.0, guarantee.needed(TARGET))
    rec = guarantee.recommend(more, np.ones_like(more), np.ones_like(more, dtype=bool), TARGET)
    assert rec is not None and rec.wrong == 0


def test_binomial_tail_and_bound():
    assert guarantee.binomial_cdf(0, 10, 0.5) == pytest.approx(0.5**10)
    assert guarantee.binomial_cdf(2, 4, 0.5) == pytest.approx(11 / 16)
    assert guarantee.binomial_cdf(5, 5, 0.3) == 1.0
    # 100 right out of 100: the 90% lower bound is 0.1 ** (1 / 100)
    bound = guarantee.lower_bound(100, 100, 0.1)
    assert bound is not None and bound == pytest.approx(0.1 ** (1 / 100), abs=1e-6)
    assert guarantee.lower_bound(0, 0) is None


# A stream like the reviewer's on 2,000 draws from stamps6/clutter: the score says little about
# which first suggestions are right, the lead over the runner-up says much. Wrong suggestions
# sit among the highest scores but all lead their runner-up by less than CLEAR_LEAD.
CLEAR_LEAD = 0.12


def lead_decides(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    scores = rng.uniform(0.5, 0.9, n)
    margins = rng.uniform(0.0, 0.2, n)
    correct = (margins >= CLEAR_LEAD) | (rng.uniform(0.0, 1.0, n) >= 0.3)
    return scores, margins, correct


def first_recommended(scores: np.ndarray, margins: np.ndarray, correct: np.ndarray) -> int | None:
    """Decisions reviewed (in stream order, checked every 10) before a rule is recommended."""
    for n in range(10, len(scores) + 1, 10):
        if guarantee.recommend(scores[:n], margins[:n], correct[:n], TARGET) is not None:
            return n
    return None


def test_a_clear_lead_unlocks_the_promise_within_a_few_hundred_decisions():
    """Where the lead sorts right from wrong and the score does not, a rule is recommended
    once about 99 decisions with a clear lead are in: it moves what leads by that much."""
    for seed in range(5):
        scores, margins, correct = lead_decides(np.random.default_rng(seed), 1500)
        unlocked = first_recommended(scores, margins, correct)
        # 40% of the decisions lead clearly: 99 of them come in about 250 decisions
        assert unlocked is not None and unlocked <= 400
        rec = guarantee.recommend(scores[:unlocked], margins[:unlocked], correct[:unlocked], TARGET)
        assert rec is not None and rec.wrong == 0
        assert rec.min_margin > 0.1 and rec.threshold <= float(scores[:unlocked].min())
        # on fresh photos from the same stream the rule keeps the promise
        fresh_s, fresh_m, fresh_c = lead_decides(np.random.default_rng(100 + seed), 5000)
        moved = (fresh_s >= rec.threshold) & (fresh_m >= rec.min_margin)
        assert moved.sum() > 1000 and fresh_c[moved].mean() >= TARGET


def lead_only(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Right with probability 1 - B (1 - margin)^2, whatever the score: the rule (any score,
    margin >= m) has precision 1 - B (1 - m)^2 / 3 in closed form."""
    scores = rng.uniform(0.0, 1.0, n)
    margins = rng.uniform(0.0, 1.0, n)
    correct = rng.uniform(0.0, 1.0, n) >= 0.3 * (1.0 - margins) ** 2
    return scores, margins, correct


@pytest.mark.parametrize("n", [150, 1500])
def test_a_rule_found_by_its_margin_keeps_the_promise(n: int):
    rng = np.random.default_rng(n + 1)
    misses = recommended = 0
    for _ in range(DRAWS):
        scores, margins, correct = lead_only(rng, n)
        rec = guarantee.recommend(scores, margins, correct, TARGET)
        if rec is None:
            continue
        recommended += 1
        assert rec.threshold <= scores.min()  # every score: the precision is the closed form
        misses += 1.0 - 0.3 * (1.0 - rec.min_margin) ** 2 / 3.0 < TARGET
    assert misses / DRAWS <= guarantee.DELTA + 3 * np.sqrt(0.09 / DRAWS)
    if n == 1500:
        assert recommended > DRAWS * 0.7


def test_one_confident_mistake_at_the_top_does_not_block_the_promise_for_good():
    """A wrong first suggestion that leads its runner-up by more than any other: every rule
    proven with no mistake covers it, yet the rules proven with a few still keep the promise."""
    for seed in range(5):
        scores, margins, correct = lead_decides(np.random.default_rng(seed), 1500)
        margins[0], correct[0] = 0.25, False
        unlocked = first_recommended(scores, margins, correct)
        assert unlocked is not None and unlocked <= 1000
        rec = guarantee.recommend(scores[:unlocked], margins[:unlocked], correct[:unlocked], TARGET)
        assert rec is not None and rec.wrong >= 1
        fresh_s, fresh_m, fresh_c = lead_decides(np.random.default_rng(100 + seed), 5000)
        moved = (fresh_s >= rec.threshold) & (fresh_m >= rec.min_margin)
        assert fresh_c[moved].mean() >= TARGET
