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
