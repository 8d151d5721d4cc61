"""Average-linkage grouping with a distance cut: clear groups are found whole, no k given."""

from __future__ import annotations

import numpy as np

from photosort.suggest.review.discovery import average_linkage, relative_cut, unit


def blobs(rng: np.random.Generator, sizes: list[int], spread: float) -> np.ndarray:
    centres = unit(rng.normal(size=(len(sizes), 64)).astype(np.float32))
    rows = [c + spread * rng.normal(size=(n, 64)) for c, n in zip(centres, sizes, strict=True)]
    return unit(np.concatenate(rows).astype(np.float32))


def test_separate_blobs_come_out_as_their_own_groups():
    rng = np.random.default_rng(0)
    vecs = blobs(rng, [7, 5, 3], 0.05)
    groups = average_linkage(vecs, relative_cut(vecs))
    assert sorted(sorted(g) for g in groups) == [list(range(7)), list(range(7, 12)), [12, 13, 14]]


def test_nothing_within_the_cut_stays_apart():
    vecs = unit(np.eye(5, dtype=np.float32))  # orthogonal: distance 1 between all
    assert len(average_linkage(vecs, 0.5)) == 5
    assert average_linkage(np.zeros((0, 3), dtype=np.float32), 0.5) == []


def test_a_member_far_from_the_rest_of_its_group_is_the_least_likely_to_belong():
    from photosort.suggest.ranking.calibration import Calibration, Evidence
    from photosort.suggest.review.discovery import NO_EVIDENCE, belonging

    rng = np.random.default_rng(1)
    group = blobs(rng, [6], 0.05)
    outlier = unit(group[:1] + 1.5 * unit(rng.normal(size=(1, 64)).astype(np.float32)))
    vecs = unit(np.concatenate([group, outlier]))
    nowhere = np.zeros(len(vecs))
    # evidence: suggestions scoring high were right, low ones wrong
    score = np.concatenate([rng.uniform(0.8, 1.0, 40), rng.uniform(0.3, 0.6, 40)])
    right = np.arange(80) < 40
    cal = Calibration(Evidence(score, score - 0.2, ["c"] * 80, right, np.zeros(40, dtype=bool)))
    prob = belonging(vecs, nowhere, cal)
    assert prob[-1] < cal.break_even < prob[:-1].min()
    # no evidence: 1/2 for every member, below the break-even
    blank = Calibration(NO_EVIDENCE)
    assert np.allclose(belonging(vecs, nowhere, blank), 0.5) and blank.break_even > 0.5
