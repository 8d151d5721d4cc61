"""An approximate nearest-neighbour index over a `VectorMatrix`, for more-like-this and text
search once the library is too large for an exact pass per request.

faiss (`faiss-cpu`): the vectors are projected onto the top `REDUCED` directions of their
uncentred second moment (an orthonormal projection, so inner products are preserved as far as
the kept directions carry them), then held in an inverted-file index with 8-bit scalar codes
(about 128 bytes a vector: 128 MB at 1M). A query takes `candidates` rows from it; the caller
re-scores them exactly against the float16 matrix, so the order shown is the exact cosine.
The index is built in a background thread; rows appended after it was built are not in it
(`indexed` says up to where it reaches) and the caller scans them exactly.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from photosort.ml.matrix import VectorMatrix

log = logging.getLogger("photosort.ml")

REDUCED: Final = 128  # dimensions kept for the coarse search
SAMPLE: Final = 32_768  # rows the projection and the coarse cells are trained on
ROWS_PER_CELL: Final = 4000  # coarse cells: n / this, between 16 and 256
PROBE_SHARE: Final = 8  # a query visits 1/this of the cells, and at least MIN_PROBE of them
# On 100k real EfficientNet-Lite0 vectors (bench/ann_recall.py, 24 cells), visiting 4 cells
# found 97% of a new photo's exact top 30 whatever the candidate count, 8 cells 99.8%, 16 cells
# 100%; with 250 cells (1M rows, emulated on 45k) 31 already find 100%. A cell holds ~ROWS_PER_CELL
# rows, so 16 cells cost a query at most 64k codes, half what 1M's 31 cells do.
MIN_PROBE: Final = 16
ADD_BLOCK: Final = 65_536  # rows projected and added at a time


class AnnIndex:
    def __init__(self, matrix: VectorMatrix) -> None:
        self.matrix = matrix
        self.indexed = 0  # rows [0, indexed) are in the index
        self._index: Any = None
        self._projection: NDArray[np.float32] | None = None
        self._lock = threading.Lock()  # guards the index; searches and adds take it
        self._thread: threading.Thread | None = None

    @property
    def ready(self) -> bool:
        return self._index is not None

    def build_in_background(self) -> None:
        """Build (or extend with the rows appended since) on a daemon thread, unless one is
        already at it."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._thread = threading.Thread(target=self._build, name="photosort-ann", daemon=True)
        self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
        return self.ready

    def _build(self) -> None:
        try:
            if self._index is None:
                self._train(len(self.matrix))
            self._extend(len(self.matrix))
        except Exception:  # the exact path still answers; say why the index is missing
            if not self.matrix.closed:  # else the session is closing under the build: fine
                log.exception("the nearest-neighbour index could not be built")

    def _train(self, n: int) -> None:
        import faiss  # lazily: only a large library needs it

        step = max(1, n // SAMPLE)
        sample = self.matrix.take(np.arange(0, n, step))
        dim = min(REDUCED, self.matrix.dim)
        # Top eigenvectors of X^T X: the directions that carry the most of every inner product.
        _, vecs = np.linalg.eigh((sample.T @ sample).astype(np.float64))
        projection = np.ascontiguousarray(vecs[:, ::-1][:, :dim].astype(np.float32))
        reduced = np.ascontiguousarray(sample @ projection)
        cells = int(np.clip(n // ROWS_PER_CELL, 1, 256))
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFScalarQuantizer(
            quantizer, dim, cells, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
        )
        index.cp.niter = 10
        index.cp.max_points_per_centroid = 64
        index.train(reduced)
        index.nprobe = max(min(cells, MIN_PROBE), cells // PROBE_SHARE)
        with self._lock:
            self._projection = projection
            self._index = index
            self._quantizer = quantizer  # faiss keeps a raw pointer: hold the object too

    def _extend(self, n: int) -> None:
        assert self._projection is not None
        directions = np.ascontiguousarray(self._projection.T)
        for start in range(self.indexed, n, ADD_BLOCK):
            if self.matrix.closed:
                return
            stop = min(n, start + ADD_BLOCK)
            # The float16 kernel: converting blocks to float32 made a 1M build take 13 s.
            reduced = self.matrix.cosines(directions, start, stop)
            ids = np.arange(start, stop, dtype=np.int64)
            with self._lock:
                self._index.add_with_ids(reduced, ids)
                self.indexed = stop

    def search(self, anchor: NDArray[np.float32], candidates: int) -> NDArray[np.intp]:
        """Up to `candidates` rows among [0, indexed) likely nearest to `anchor` (unordered
        as far as the caller is concerned: re-score them)."""
        with self._lock:
            if self._index is None or self._projection is None or not self.indexed:
                return np.zeros(0, dtype=np.intp)
            query = np.ascontiguousarray((anchor @ self._projection).reshape(1, -1))
            _, ids = self._index.search(query, min(candidates, self.indexed))
        found = ids[0]
        rows: NDArray[np.intp] = found[found >= 0].astype(np.intp)
        return rows
