"""The cosine of every vector against every centroid, kept in step instead of recomputed.

`ScoreTable` holds one float32 column per cluster over the rows of the `VectorMatrix`. When
the centroids change only the columns whose centroid moved are recomputed (one pass over the
matrix, in chunks), and rows appended since the last read are scored against every column;
everything that reads the whole queue (the estimate and its histogram, a dry run, a cluster's
grid, the uncertain-first order, discovery) then reads these arrays and each row's first and
second best, never restacking vectors.

Each row's best two are kept in step too: after a filing moves one centroid, each row's new
score in that column is compared with its cached best two, and only the rows where that
cluster held a place and lost ground are looked at again (`_patch_top`); appended rows get
their own best two. At a million rows this
is what an estimate right after a filing costs beyond the column's pass, instead of a second
pass over every row's scores.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from photosort.ml import VectorMatrix, kernels_generation

Scores = NDArray[np.float32]
DIRECT = 2048  # up to this many rows, a stale table is bypassed rather than brought up to date


@dataclass(frozen=True)
class Top:
    """Per matrix row: the best cluster's column, its score, and the runner-up's score
    (-inf with a single cluster)."""

    first: NDArray[np.intp]
    score: Scores
    second: Scores
    # The runner-up's column (any column holding `second` on a tie; -1 with a single
    # cluster): what tells which rows a moved column can change.
    runner: NDArray[np.intp]


class ScoreTable:
    def __init__(self, matrix: VectorMatrix) -> None:
        self.matrix = matrix
        self.names: list[str] = []
        self._centroids = np.zeros((0, matrix.dim), dtype=np.float32)
        self._scores = np.zeros((0, 0), dtype=np.float32)
        self._scored = 0  # rows [0, _scored) are up to date
        self._top: Top | None = None
        self._kernels = kernels_generation()
        self._lock = threading.RLock()

    def refresh(self, names: list[str], centroids: NDArray[np.float32]) -> Scores:
        """Bring the table up to date with these centroids and every row of the matrix;
        returns the (rows x clusters) scores (a view: rows are only ever appended, so its
        values stay what they were when it was taken)."""
        with self._lock:
            return self._refresh(names, centroids)

    def _refresh(self, names: list[str], centroids: NDArray[np.float32]) -> Scores:
        n = len(self.matrix)
        if self._kernels != kernels_generation():
            # Products are torch's now: scored again, so pages (scored directly) and the
            # table keep agreeing to the last bit. Once per process, on a small table.
            self._kernels = kernels_generation()
            self.names, self._centroids, self._scored, self._top = [], self._centroids[:0], 0, None
        if names != self.names or not np.array_equal(centroids, self._centroids):
            self._columns(names, centroids)
        if n > self._scored:
            self._grow(n)
            if names:
                self._scores[self._scored : n] = self.matrix.cosines(centroids, self._scored, n)
            if self._top is not None:
                self._top = _joined(self._top, best_two(self._scores[self._scored : n]))
            self._scored = n
        return self._scores[:n]

    def fresh(self, names: list[str], centroids: NDArray[np.float32]) -> bool:
        """Whether `top` for these centroids is a read of cached arrays (no pass to make)."""
        with self._lock:
            return (
                self._top is not None
                and self._kernels == kernels_generation()
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
                fresh = (
                    names == self.names
                    and np.array_equal(centroids, self._centroids)
                    and self._kernels == kernels_generation()
                )
                if fresh and (not len(rows) or int(rows.max()) < self._scored):
                    return self._scores[rows]
            finally:
                self._lock.release()
        return self.matrix.cosines_at(rows, centroids)

    def _columns(self, names: list[str], centroids: NDArray[np.float32]) -> None:
        """New centroids: keep the columns of clusters whose centroid did not move."""
        old = {name: j for j, name in enumerate(self.names)}
        same_names = names == self.names
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
        top = self._top
        self.names = list(names)
        self._centroids = centroids.copy()
        self._scores = fresh
        # Same clusters, some moved: the cached best two are patched where they can change.
        # New or gone clusters renumber the columns: worked out afresh on the next read.
        self._top = None
        if same_names and top is not None and len(top.first) == self._scored:
            self._top = _patch_top(top, fresh[: self._scored], np.asarray(changed, np.intp))

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
            self._top = best_two(scores)
        return self._top


def best_two(scores: Scores) -> Top:
    """Each row's best column, its score, and the runner-up's score and column, worked out
    from scratch (ties to the earlier column, as a stable sort of a row would order them)."""
    n, k = scores.shape
    if k == 0:
        empty = np.zeros(n, dtype=np.float32)
        return Top(np.zeros(n, dtype=np.intp), empty, empty, np.full(n, -1, dtype=np.intp))
    rows = np.arange(n)
    first = np.argmax(scores, axis=1)
    best = scores[rows, first]
    if k == 1:
        return Top(first, best, np.full_like(best, -np.inf), np.full(n, -1, dtype=np.intp))
    rest = scores.copy()
    rest[rows, first] = -np.inf
    runner = np.argmax(rest, axis=1)
    return Top(first, best, rest[rows, runner], runner)


def _patch_top(top: Top, scores: Scores, moved: NDArray[np.intp]) -> Top:
    """`best_two(scores)` where only the `moved` columns differ from the scores `top` was
    taken from. The arrays are new: a reader holding the old `top` keeps a consistent one."""
    if not len(moved):
        return top
    if len(moved) == 1:
        return _patch_column(top, scores, int(moved[0]))
    # Several moved at once: a row's best two can change only if one of them was a moved
    # column, or a moved column now scores at least its runner-up (ties included, so tie
    # order matches); those rows are worked out again.
    hit = np.isin(top.first, moved) | np.isin(top.runner, moved)
    hit |= (scores[:, moved] >= top.second[:, None]).any(axis=1)
    return _redo(top, scores, np.flatnonzero(hit))


def _patch_column(top: Top, scores: Scores, j: int) -> Top:
    """One column moved (a filing): most rows are settled by comparing its new score `x`
    with the row's cached best two. Only the rows where that cluster held a place and lost
    ground (the place may go to a column not among the cached two) are worked out again."""
    f, b, s, r = top.first, top.score, top.second, top.runner
    x = scores[:, j]
    held_first, held_second = f == j, r == j
    redo = (held_first & ~(x > s)) | (held_second & (x < s))
    # Now first: above the best, or level with it from an earlier column (argmax's tie rule).
    wins = ~held_first & ((x > b) | ((x == b) & (j < f)))
    runner_up = ~held_first & ~wins & (held_second | (x > s))
    first = np.where(wins, j, f)
    score = np.where(held_first | wins, x, b)
    second = np.where(wins, b, np.where(runner_up, x, s))
    runner = np.where(wins, f, np.where(runner_up, j, r))
    return _redo(Top(first, score, second, runner), scores, np.flatnonzero(redo))


def _redo(top: Top, scores: Scores, rows: NDArray[np.intp]) -> Top:
    """`top` with these rows worked out afresh, in new arrays."""
    out = Top(top.first.copy(), top.score.copy(), top.second.copy(), top.runner.copy())
    if len(rows):
        redo = best_two(scores[rows])
        out.first[rows], out.score[rows] = redo.first, redo.score
        out.second[rows], out.runner[rows] = redo.second, redo.runner
    return out


def _joined(top: Top, more: Top) -> Top:
    return Top(
        np.concatenate([top.first, more.first]),
        np.concatenate([top.score, more.score]),
        np.concatenate([top.second, more.second]),
        np.concatenate([top.runner, more.runner]),
    )


def top_k(sims: NDArray[np.floating[Any]], k: int) -> NDArray[np.intp]:
    """Indices of the `k` highest values, highest first, ties in index order: what a stable
    sort of the whole array would give, without sorting it."""
    if len(sims) <= k:
        return np.argsort(-sims, kind="stable")
    kth = np.partition(-sims, k - 1)[k - 1]
    cand = np.flatnonzero(-sims <= kth)  # every tie at the boundary, in index order
    return cand[np.argsort(-sims[cand], kind="stable")][:k]
