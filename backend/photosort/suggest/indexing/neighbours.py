"""More like this and text search: the queued photos nearest a vector, among a `VectorIndex`'s
rows. A large library asks a nearest-neighbour index (`AnnIndex`, built in the background) for
candidates and re-scores them exactly; a small one (or one whose index is still being built)
gets an exact pass over the queue."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from photosort.ml import AnnIndex, VectorMatrix
from photosort.suggest.indexing.scores import top_k

Vector = NDArray[np.float32]
ANN_ABOVE = 20_000  # matrix rows from which more-like-this asks the nearest-neighbour index
ANN_TAIL = 20_000  # rows appended since the index was built that trigger extending it


class QueuedRows(Protocol):
    """What the search reads of a `VectorIndex`: its matrix and which rows are queued."""

    lock: threading.RLock
    matrix: VectorMatrix | None

    def is_queued_row(self, row: int) -> bool: ...

    def queued_at(self, row: int) -> list[str]: ...

    def queue_rows(self, items: Sequence[str]) -> NDArray[np.intp]: ...


class NeighbourSearch:
    """The nearest queued photos of one `VectorIndex`, under that index's lock."""

    def __init__(self, index: QueuedRows) -> None:
        self._index = index
        self.ann: AnnIndex | None = None  # built once the matrix has ANN_ABOVE rows

    def nearest(
        self, anchor: Vector, queue: Callable[[], Sequence[str]], limit: int
    ) -> list[tuple[str, float]]:
        """(item, cosine) of the `limit` embedded queued items nearest `anchor`, best first.
        A large library asks the nearest-neighbour index for candidates and re-scores them
        exactly; below ANN_ABOVE rows (or while the index is being built) an exact pass over
        `queue()` (the queued items, asked for only then), ties in queue order."""
        ann = self._ann()
        found = self._nearest_ann(ann, anchor, limit) if ann is not None else None
        return found if found is not None else self._nearest_exact(anchor, queue(), limit)

    def prepare(self) -> None:
        """Start building the nearest-neighbour index if the library is large enough."""
        self._ann()

    def _ann(self) -> AnnIndex | None:
        with self._index.lock:
            if self._index.matrix is None or len(self._index.matrix) < ANN_ABOVE:
                return None
            if self.ann is None:
                self.ann = AnnIndex(self._index.matrix)
            ann, rows = self.ann, len(self._index.matrix)
        if not ann.ready or rows - ann.indexed > ANN_TAIL:
            ann.build_in_background()
        return ann if ann.ready else None

    def _nearest_ann(
        self, ann: AnnIndex, anchor: Vector, limit: int
    ) -> list[tuple[str, float]] | None:
        """Candidates from the index plus the rows appended since it was built, kept when
        queued, re-scored exactly. None when too few queued ones turn up (most of the library
        filed): the exact pass answers then."""
        want = max(32 * limit, 512)
        for _ in range(3):
            found = ann.search(anchor, want)
            with self._index.lock:
                assert self._index.matrix is not None
                tail = np.arange(ann.indexed, len(self._index.matrix), dtype=np.intp)
                cand = np.unique(np.concatenate([found, tail]))
                cand = cand[[self._index.is_queued_row(r) for r in cand.tolist()]]
                if len(cand) >= limit or len(found) < want:
                    sims = self._index.matrix.cosines_at(cand, anchor)[:, 0].tolist()
                    hits = [
                        (i, s)
                        for r, s in zip(cand.tolist(), sims, strict=True)
                        for i in self._index.queued_at(r)
                    ]
                    return sorted(hits, key=lambda h: -h[1])[:limit]
            want *= 4
        return None

    def _nearest_exact(
        self, anchor: Vector, items: Sequence[str], limit: int
    ) -> list[tuple[str, float]]:
        with self._index.lock:
            rows = self._index.queue_rows(items)
            present = np.flatnonzero(rows >= 0)
            matrix = self._index.matrix
            if matrix is None or not len(present):
                return []
        # Outside the index's lock (rows are only ever appended): a filing need not wait.
        sims = matrix.cosines(anchor, 0, int(rows[present].max()) + 1)[rows[present], 0]
        best = top_k(sims, limit)
        return [
            (items[p], s) for p, s in zip(present[best].tolist(), sims[best].tolist(), strict=True)
        ]
