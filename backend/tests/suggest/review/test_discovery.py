"""Average-linkage grouping with a distance cut: clear groups are found whole, no k given."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

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


def centroids_of(clusters: list[np.ndarray]) -> Any:
    """Real Centroids over the rows of these clusters' unit vectors, stacked."""
    from photosort.suggest.indexing.centroids import Centroids

    rows = np.concatenate(clusters).astype(np.float32)
    cents = Centroids(rows.shape[1], lambda r: rows[list(r)])
    start, members = 0, {}
    for k, c in enumerate(clusters):
        members[f"c{k}"] = [(f"c{k}/{i}", start + i) for i in range(len(c))]
        start += len(c)
    cents.rebuild(members)
    return cents


def test_a_members_fit_is_its_cosine_to_the_centroid_of_the_others():
    rng = np.random.default_rng(2)
    a, b = blobs(rng, [6], 0.3), blobs(rng, [1], 0.3)
    fit, size = centroids_of([a, b]).member_fit(200)
    assert size.tolist() == [6] * 6
    expected = [float(a[i] @ unit(np.delete(a, i, 0).mean(0, keepdims=True))[0]) for i in range(6)]
    # the lone member of the second cluster has no others: it gives no fit
    np.testing.assert_allclose(np.sort(fit), np.sort(expected), atol=1e-5)
    assert len(centroids_of([a, b]).member_fit(3)[0]) == 3  # a sample, evenly spread


def test_which_photos_match_no_cluster_does_not_depend_on_the_embedders_scale():
    from photosort.suggest.review.discovery import FIT_SAMPLE, WELL_QUANTILE

    rng = np.random.default_rng(3)
    centres = unit(rng.normal(size=(3, 64)).astype(np.float32))

    def draw(c: int, n: int, spread: float) -> np.ndarray:
        return unit((centres[c] + spread * rng.normal(size=(n, 64))).astype(np.float32))

    # two filed clusters and queued photos of them and of a third class without a cluster, once
    # tight (cosines near 1) and once loose (far lower): the line follows the embedder's scale,
    # so about the same share of the known photos and all the new ones fall under it
    lines = []
    for spread in (0.08, 0.25):
        cents = centroids_of([draw(0, 150, spread), draw(1, 150, spread)])
        well = float(np.quantile(cents.member_fit(FIT_SAMPLE)[0], WELL_QUANTILE))
        _, mat = cents.matrix()
        known = np.concatenate([draw(0, 200, spread), draw(1, 200, spread)]) @ mat.T
        new = draw(2, 100, spread) @ mat.T
        assert np.mean(known.max(axis=1) < well) == pytest.approx(WELL_QUANTILE, abs=0.08)
        assert np.all(new.max(axis=1) < well)
        lines.append(well)
    # a fixed cosine cannot be both lines: 0.6 sits over the loose embedder's, where it takes
    # nearly every known photo as a candidate too
    assert lines[0] > 0.6 > lines[1]
    assert np.mean(known.max(axis=1) < 0.6) > 0.95
