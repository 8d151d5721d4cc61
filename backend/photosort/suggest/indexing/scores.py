"""The cosine of every vector against every centroid, kept in step instead of recomputed.

`ScoreTable` holds one float32 column per cluster over the rows of the `VectorMatrix`. When
the centroids change only the columns whose centroid moved are recomputed (one pass over the
matrix, in chunks), and rows appended since the last read are scored against every column;
everything that reads the whole queue (the estimate and its histogram, a dry run, a cluster's
grid, the uncertain-first order, discovery) then reads these arrays and each row's first and
second best, never restacking vectors.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from photosort.ml import VectorMatrix

Scores = NDArray[np.float32]
DIRECT = 2048  # up to this many rows, a stale table is bypassed rather than brought up to date


@dataclass(frozen=True)
class Top:
    """Per matrix row: the best cluster's column, its score, and the runner-up's score
    (-inf with a single cluster)."""

    first: NDArray[np.intp]
    score: Scores
    second: Scores


class ScoreTable:
    def __init__(self, matrix: VectorMatrix) -> None:
        self.matrix = matrix
        self.names: list[str] = []
        self._centroids = np.zeros((0, matrix.dim), dtype=np.float32)
        self._scores = np.zeros((0, 0), dtype=np.float32)
        self._scored = 0  # rows [0, _scored) are up to date
        self._top: Top | None = None
        self._lock = threading.RLock()

    def refresh(self, names: list[str], centroids: NDArray[np.float32]) -> Scores:
        """Bring the table up to date with these centroids and every row of the matrix;
        returns the (rows x clusters) scores (a view: rows are only ever appended, so its
        values stay what they were when it was taken)."""
        with self._lock:
            return self._refresh(names, centroids)

    def _refresh(self, names: list[str], centroids: NDArray[np.float32]) -> Scores:
        n = len(self.matrix)
        if names != self.names or not np.array_equal(centroids, self._centroids):
            self._columns(names, centroids)
        if n > self._scored:
            self._grow(n)
            if names:
                self._scores[self._scored : n] = self.matrix.cosines(centroids, self._scored, n)
            self._scored = n
            self._top = None
        return self._scores[:n]

    def fresh(self, names: list[str], centroids: NDArray[np.float32]) -> bool:
        """Whether `top` for these centroids is a read of cached arrays (no pass to make)."""
        with self._lock:
            return (
                self._top is not None
                and names == self.names
                and np.array_equal(centroids, self._centroids)
                and self._scored == len(self.matrix)
            )

    def at(
        self, names: list[str], centroids: NDArray[np.float32], rows: NDArray[np.intp]
    ) -> Scores:
        """Scores of these rows. A few rows (a queue page) are computed directly while the
        table is stale, so a page after a filing never waits for a pass over the matrix."""
        if len(rows) > DIRECT:
            return self.refresh(names, centroids)[rows]
        # A page never waits for a pass another request is making over the matrix.
        if self._lock.acquire(blocking=False):
            try:
                fresh = names == self.names and np.array_equal(centroids, self._centroids)
                if fresh and (not len(rows) or int(rows.max()) < self._scored):
                    return self._scores[rows]
            finally:
                self._lock.release()
        return self.matrix.cosines_at(rows, centroids)

    def _columns(self, names: list[str], centroids: NDArray[np.float32]) -> None:
        """New centroids: keep the columns of clusters whose centroid did not move."""
        old = {name: j for j, name in enumerate(self.names)}
        fresh = np.empty((max(len(self._scores), 1), len(names)), dtype=np.float32)
        changed: list[int] = []
        for j, name in enumerate(names):
            k = old.get(name)
            if k is not None and np.array_equal(self._centroids[k], centroids[j]):
                fresh[: self._scored, j] = self._scores[: self._scored, k]
            else:
                changed.append(j)
        if changed and self._scored:
            moved = self.matrix.cosines(centroids[changed], 0, self._scored)
            fresh[: self._scored, changed] = moved
        self.names = list(names)
        self._centroids = centroids.copy()
        self._scores = fresh
        self._top = None

    def _grow(self, n: int) -> None:
        if n > len(self._scores):
            bigger = np.empty((max(n, 2 * len(self._scores)), len(self.names)), dtype=np.float32)
            bigger[: self._scored] = self._scores[: self._scored]
            self._scores = bigger

    def top(self, names: list[str], centroids: NDArray[np.float32]) -> Top:
        """First and second best per row (ties go to the earlier column, as a stable sort
        of the scores would put them)."""
        with self._lock:
            return self._top_of(names, centroids)

    def _top_of(self, names: list[str], centroids: NDArray[np.float32]) -> Top:
        scores = self._refresh(names, centroids)
        if self._top is None:
            rows = np.arange(len(scores))
            if not names:
                empty = np.zeros(len(scores), dtype=np.float32)
                self._top = Top(np.zeros(len(scores), dtype=np.intp), empty, empty)
            else:
                first = np.argmax(scores, axis=1)
                best = scores[rows, first]
                rest = scores.copy()
                rest[rows, first] = -np.inf
                second = rest.max(axis=1) if len(names) > 1 else np.full_like(best, -np.inf)
                self._top = Top(first, best, second)
        return self._top


def top_k(sims: NDArray[np.floating[Any]], k: int) -> NDArray[np.intp]:
    """Indices of the `k` highest values, highest first, ties in index order: what a stable
    sort of the whole array would give, without sorting it."""
    if len(sims) <= k:
        return np.argsort(-sims, kind="stable")
    kth = np.partition(-sims, k - 1)[k - 1]
    cand = np.flatnonzero(-sims <= kth)  # every tie at the boundary, in index order
    return cand[np.argsort(-sims[cand], kind="stable")][:k]
