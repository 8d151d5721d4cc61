"""The nearest photos' vote on a queued photo's suggestions (graph.py): the graph of nearest
rows kept as rows arrive, and a photo ranked with its neighbours when its centroid misleads."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from photosort.ml.matrix import VectorMatrix
from photosort.suggest.indexing.graph import NeighbourGraph
from photosort.suggest.indexing.vectors import VectorIndex

DIM = 32


def unit(x: NDArray[np.floating]) -> NDArray[np.float32]:
    x = np.asarray(x, dtype=np.float32)
    out: NDArray[np.float32] = x / np.linalg.norm(x, axis=-1, keepdims=True)
    return out


def test_the_graph_kept_as_rows_arrive_equals_one_built_from_scratch():
    rng = np.random.default_rng(3)
    vecs = unit(rng.standard_normal((1300, DIM)))
    m = VectorMatrix(DIM)
    graph = NeighbourGraph(m, k=7)
    for a, b in ((0, 5), (5, 600), (600, 1300)):  # a few rows, then blocks of several
        m.put_many([f"fp{i}" for i in range(a, b)], vecs[a:b])
        near, sims = graph.neighbours(np.arange(b))  # type: ignore[misc]
        exact = m.take(np.arange(b)) @ m.take(np.arange(b)).T
        np.fill_diagonal(exact, -np.inf)
        want = np.sort(exact, axis=1)[:, ::-1][:, :7]
        have = min(7, b - 1)
        np.testing.assert_allclose(sims[:, :have], want[:, :have], atol=2e-3)
        assert (near[:, have:] == -1).all()
        assert not (near[:, :have] == np.arange(b)[:, None]).any()  # never its own row
        got = np.take_along_axis(exact, near[:, :have], 1)
        np.testing.assert_allclose(got, sims[:, :have], atol=2e-3)
    m.close()


def misleading_centroid() -> tuple[VectorIndex, list[str]]:
    """Cluster A tight around one direction; cluster B has 8 members close to the queued
    photo "x" and 40 further off, which pull B's centroid away: by centroid x is A's
    (cosine 0.75 against about 0.71)."""
    rng = np.random.default_rng(0)
    a, u, v = np.linalg.qr(rng.standard_normal((DIM, 3)))[0].T  # orthonormal
    x = unit(0.75 * a + 0.66 * u)
    f = unit(0.6 * x + 0.8 * v)  # B's far members: cosine 0.6 to x
    near_x = unit(x + 0.2 * rng.standard_normal((8, DIM)) / np.sqrt(DIM))
    far_b = unit(f + 0.2 * rng.standard_normal((40, DIM)) / np.sqrt(DIM))
    on_a = unit(a + 0.2 * rng.standard_normal((10, DIM)) / np.sqrt(DIM))
    members = [("B", f"n{i}") for i in range(8)] + [("B", f"f{i}") for i in range(40)]
    members += [("A", f"a{i}") for i in range(10)]
    items = [name for _, name in members] + ["x"]
    vecs = np.vstack([near_x, far_b, on_a, x[None]])
    index = VectorIndex()
    index.start(DIM)
    for item in items:
        index.seen(("s", item), f"fp-{item}")
    index.landed_many([("s", i) for i in items], [f"fp-{i}" for i in items], vecs)
    for cluster, name in members:
        index.moved(("s", name), ("d", f"{cluster}/{name}"), cluster, add=True)
    index.neighbour_weight = 0.1
    return index, ["x"]


def test_a_photo_whose_nearest_photos_are_filed_in_b_is_ranked_b_though_the_centroid_says_a():
    index, queue = misleading_centroid()
    index.neighbour_weight = 0.0
    assert index.ranked(queue)["x"][0][0] == "A"  # the centroid alone
    index.neighbour_weight = 0.1
    names, scores = index.ranked(queue)["x"]
    assert names[0] == "B"
    top = index.queue_top(queue)  # what grids, estimates and the order read agrees
    assert top.names[int(top.first[0])] == "B"
    assert top.score[0] == pytest.approx(scores[0], abs=1e-6)
    assert top.margin[0] == pytest.approx(scores[0] - scores[1], abs=1e-6)
    assert all(-1.0 <= s <= 1.0 for s in scores)  # thresholds keep their range
    index.close()


def test_an_undone_filing_takes_its_vote_back():
    index, queue = misleading_centroid()
    for i in range(8):  # the near ones back in the queue: they vote for their own first, A
        index.moved(("d", f"B/n{i}"), ("s", f"n{i}"), "B", add=False)
    assert index.ranked(queue)["x"][0][0] == "A"
    assert index.ranked([f"n{i}" for i in range(8)])["n0"][0][0] == "A"
    index.close()


def test_above_the_graph_limit_the_ranking_is_the_centroid_alone():
    index, queue = misleading_centroid()
    assert index.graph is not None
    index.graph.limit = 10  # the library outgrew the graph: no pass per block of new rows
    assert index.ranked(queue)["x"][0][0] == "A"
    top = index.queue_top(queue)
    assert top.names[int(top.first[0])] == "A"
    index.close()
