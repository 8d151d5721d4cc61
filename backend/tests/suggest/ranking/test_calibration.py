"""Who a grid shows: the effort model's break-even and the calibrated probability of a first
suggestion being right, learned per cluster from the reviewer's decisions."""

from __future__ import annotations

import numpy as np
import pytest

from photosort.suggest.ranking.calibration import (
    Calibration,
    Evidence,
    break_even,
    expected_saving,
    photo_saving,
)
from photosort.suggest.ranking.confidence import ConfidenceModel, Decision, decisions_with_seq


def evidence(score: list[float], right: list[bool], clusters: list[str]) -> Evidence:
    s = np.array(score)
    return Evidence(
        s, np.full(len(s), 0.1), clusters, np.array(right, dtype=bool), np.zeros(0, dtype=bool)
    )


def test_break_even_is_where_a_grid_photo_costs_what_one_by_one_does():
    # a wrong photo costs its untick and its later decision, at worst a full choice
    assert break_even(0.0) == pytest.approx(0.75)
    assert break_even(0.3) == pytest.approx(1 - 0.2 / (0.3 * 0.3 + 0.7 - 0.2))
    for q in (0.0, 0.3, 0.6):
        p = break_even(q)
        assert photo_saving(np.array([p]), q)[0] == pytest.approx(0.0, abs=1e-12)
        assert (
            photo_saving(np.array([p + 0.05]), q)[0] > 0 > photo_saving(np.array([p - 0.05]), q)[0]
        )
    # the grid's own 0.3 is paid once: one sure photo does not pay for it, five do
    assert expected_saving(np.array([1.0]), 0.0) < 0 < expected_saving(np.ones(5), 0.0)


def test_before_any_evidence_no_photo_is_above_the_break_even():
    cal = Calibration(evidence([], [], []))
    p = cal.probability(np.array([0.2, 0.9, 1.0]), np.array([0.0, 0.5, 1.0]), "birds")
    assert (p < cal.break_even).all()


def test_probability_matches_how_often_the_first_suggestion_was_right():
    rng = np.random.default_rng(0)
    score = rng.uniform(0.3, 0.9, 3000)
    truth_p = 1 / (1 + np.exp(-(score - 0.55) * 12))
    right = rng.random(3000) < truth_p
    cal = Calibration(evidence(score.tolist(), right.tolist(), ["a"] * 3000))
    p = cal.probability(score, np.full(3000, 0.1), "a")
    assert np.all(np.diff(cal.probability(np.linspace(0.3, 0.9, 7), np.full(7, 0.1), "a")) > 0)
    for lo in (0.3, 0.5, 0.7):
        band = (score >= lo) & (score < lo + 0.2)
        assert p[band].mean() == pytest.approx(right[band].mean(), abs=0.04)


def test_each_cluster_learns_its_own_rate_where_its_evidence_allows():
    # same scores, but the reviewer keeps rejecting "fruit" and accepting "birds"
    score = [0.7] * 60
    right = [True] * 30 + [i % 2 == 0 for i in range(30)]
    cal = Calibration(evidence(score, right, ["birds"] * 30 + ["fruit"] * 30))
    at = np.array([0.7])
    birds = cal.probability(at, np.array([0.1]), "birds")[0]
    fruit = cal.probability(at, np.array([0.1]), "fruit")[0]
    pooled = cal.probability(at, np.array([0.1]), "coins")[0]  # no decisions: the pooled rate
    assert birds > cal.break_even > fruit
    assert fruit < pooled < birds


def test_photos_of_different_clusters_each_get_their_clusters_probability():
    rng = np.random.default_rng(1)
    names = ["birds", "coins", "fruit"]
    score = rng.uniform(0.3, 0.9, 90)
    right = rng.random(90) < score
    cal = Calibration(evidence(score.tolist(), right.tolist(), [names[i % 3] for i in range(90)]))
    # two clusters with evidence, one without (the pooled rate)
    clusters = [["fruit", "mammals", "birds"][k] for k in rng.integers(0, 3, 50)]
    at, margin = rng.uniform(0.2, 1.0, 50), rng.uniform(0.0, 0.4, 50)
    one_each = [
        cal.probability(at[i : i + 1], margin[i : i + 1], c)[0] for i, c in enumerate(clusters)
    ]
    np.testing.assert_allclose(cal.probability(at, margin, clusters), one_each, rtol=1e-12)
    # the clusters' own rates are in it: the same photo reads differently under each
    same = cal.probability(np.full(3, 0.6), np.full(3, 0.1), ["fruit", "mammals", "birds"])
    assert len(set(np.round(same, 9))) == 3
    assert cal.probability(at[:0], margin[:0], []).shape == (0,)


def test_grid_unticks_and_ticks_are_evidence_with_their_cluster():
    shown = [{"cluster": "birds", "score": 0.8}, {"cluster": "coins", "score": 0.5}]
    records = [
        {"seq": 1, "type": "grid-batch-start", "mode": "grid", "cluster": "birds",
         "rejected": [{"item": "a.jpg", "suggested": shown}]},
        {"seq": 2, "type": "assign", "by": "manual", "cluster": "birds", "suggested": shown},
        {"seq": 3, "type": "assign", "by": "manual", "cluster": "coins", "suggested": shown},
    ]  # fmt: skip
    got = [d for _, d in decisions_with_seq(records)]
    assert [(d.cluster, d.correct) for d in got] == [
        ("birds", False),
        ("birds", True),
        ("birds", False),
    ]
    assert got[2].runner_up is True  # went to the second suggestion: evidence for q
    cal = ConfidenceModel(got).calibration
    assert cal.decisions == 3 and cal.q > 0


def test_grid_photos_teach_the_calibration_but_not_the_auto_move_guarantee():
    # 200 right ticks in grids (photos the calibration picked) and 5 plain one-by-one filings
    ticks = [Decision(0.9, 0.3, True, "birds", None, True) for _ in range(200)]
    plain = [Decision(0.9, 0.3, i < 3, "fruit") for i in range(5)]
    model = ConfidenceModel(ticks + plain)
    assert model.calibration.decisions == 205
    assert model.recommend(0.97) is None  # the guarantee stands on the 5 plain ones only
    assert model.estimate(0.5).decisions == 205 and model.estimate(0.5).support == 0
    with_plain = ConfidenceModel(ticks + [Decision(0.9, 0.3, True, "fruit")] * 150)
    assert with_plain.recommend(0.97) is not None
