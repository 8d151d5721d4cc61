"""Each photo's nearest photos, and the vote they cast on its suggestions.

A queued photo's first suggestion is the cluster whose centroid is nearest. When its nearest
photos (filed or still queued) sit elsewhere, that is evidence the centroid misses: a cluster
whose members spread (a coin photographed on a cluttered table, another on white) has a
centroid between them. The vote blends each photo's centroid scores with the classes of its
`k` nearest photos: a filed one's cluster, a queued one's own first suggestion by centroid.

    score = (1 - weight) x cosine to the centroid + weight x (cosine-weighted share of the
            nearest photos in that cluster)

The blend stays within [-1, 1], so thresholds keep their range.

`NeighbourGraph` keeps every matrix row's `k` nearest other rows, brought up to date as rows
are appended (the new rows against all rows, and the old rows' lists merged with the new
candidates): building it costs a pass over the matrix per block of new rows, the same order
as indexing them, and a filing costs nothing (rows never change, only which are filed).
Above `GRAPH_ROWS` rows the graph is not kept and the ranking is the centroid's alone: the
pass per block would outgrow the embedding it follows.
"""

from __future__ import annotations

import threading

import numpy as np
from numpy.typing import NDArray

from photosort.ml import VectorMatrix

NEIGHBOURS = 10  # nearest rows kept per row
GRAPH_ROWS = 20_000  # above this many matrix rows the graph is not kept
BLOCK = 512  # new rows scored against the matrix at a time


class NeighbourGraph:
    """The `k` nearest other rows of every row of a `VectorMatrix`, and their cosines."""

    def __init__(self, matrix: VectorMatrix, k: int = NEIGHBOURS, limit: int = GRAPH_ROWS):
        self.matrix = matrix
        self.k = k
        self.limit = limit
        self._near = np.zeros((0, k), dtype=np.intp)
        self._sims = np.zeros((0, k), dtype=np.float32)
        self._lock = threading.Lock()

    def neighbours(
        self, rows: NDArray[np.intp]
    ) -> tuple[NDArray[np.intp], NDArray[np.float32]] | None:
        """(nearest rows, their cosines), each (len(rows) x k), -1 / 0 where a row has
        fewer than k others; None when the matrix is over the limit."""
        with self._lock:
            n = len(self.matrix)
            if n > self.limit:
                return None
            if len(self._near) < n:
                self._extend(n)
            return self._near[rows], self._sims[rows]

    def _extend(self, n: int) -> None:
        old = len(self._near)
        near = np.full((n, self.k), -1, dtype=np.intp)
        sims = np.zeros((n, self.k), dtype=np.float32)
        near[:old], sims[:old] = self._near, self._sims
        for a in range(old, n, BLOCK):
            b = min(n, a + BLOCK)
            block = self.matrix.cosines(self.matrix.take(np.arange(a, b)), 0, b)  # (b x new)
            block[np.arange(a, b), np.arange(b - a)] = -np.inf  # a row is not its own
            _merge(near, sims, np.arange(a, b), block.T, 0)  # the new rows, against all
            _merge(near, sims, np.arange(a), block[:a], a)  # the rows before, against new
        self._near, self._sims = near, sims


def _merge(
    near: NDArray[np.intp],
    sims: NDArray[np.float32],
    rows: NDArray[np.intp],
    cand: NDArray[np.float32],
    first: int,
) -> None:
    """Keep, for each of `rows`, the best k of its current list and the candidates (column j
    of `cand` is row `first + j`), in place."""
    if not len(rows) or not cand.shape[1]:
        return
    k = near.shape[1]
    ids = np.concatenate(
        [near[rows], np.broadcast_to(np.arange(first, first + cand.shape[1]), cand.shape)], 1
    )
    vals = np.concatenate([np.where(near[rows] >= 0, sims[rows], -np.inf), cand], 1)
    best = np.argsort(-vals, axis=1, kind="stable")[:, :k]
    keep = np.take_along_axis(vals, best, 1)
    near[rows] = np.where(np.isfinite(keep), np.take_along_axis(ids, best, 1), -1)
    sims[rows] = np.where(np.isfinite(keep), keep, 0.0)


def vote(
    scores: NDArray[np.float32],
    near: NDArray[np.intp],
    sims: NDArray[np.float32],
    classes: NDArray[np.intp],
    weight: float,
) -> NDArray[np.float32]:
    """`scores` (rows x clusters, cosines to the centroids) blended with the vote of each
    row's nearest rows `near` (cosines `sims`), whose cluster columns are `classes` (same
    shape; -1 casts no vote). A row with no vote keeps its scores scaled by (1 - weight)
    plus nothing, so every row is on the same footing."""
    n, c = scores.shape
    w = np.where(classes >= 0, np.clip(sims, 0.0, None), 0.0).astype(np.float32)
    share = np.zeros((n, c), dtype=np.float32)
    if c:
        np.add.at(
            share,
            (np.repeat(np.arange(n), near.shape[1]), np.maximum(classes, 0).ravel()),
            w.ravel(),
        )
    share /= np.maximum(w.sum(axis=1, keepdims=True), 1e-12)
    out: NDArray[np.float32] = ((1.0 - weight) * scores + weight * share).astype(np.float32)
    return out
