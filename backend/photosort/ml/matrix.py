"""Every vector of one embedder in one float16 matrix, memory-mapped from a file, a row per
content fingerprint.

The SQLite cache (`cache.py`) is the durable store; this is the working copy that scoring reads
in batched matrix products. Rows are appended and never moved while the process runs (a row
number is a stable handle). Like the SQLite cache it keeps every vector it was given; a restart
compacts away only rows that cannot be trusted.

Files, beside `embeddings.sqlite` in `vectors/`: `<slug>-<dim>.f16` (the rows, little-endian
float16, unit length) and `<slug>-<dim>.fps` (one fingerprint per line, row order). On open,
rows that are not unit length (a torn write: the tail past the rows is kept zeroed; a foreign
file) are dropped and simply fetched from SQLite again. One process owns the files (an
exclusive lock on `<slug>-<dim>.lock`, through `locks.py`); another process on the same
session (`photosort index` beside `serve`) works in a private unlinked file instead, so two
writers never interleave.
"""

from __future__ import annotations

import contextlib
import hashlib
import mmap
import os
import re
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import IO, Final

import numpy as np
from filelock import BaseFileLock
from numpy.typing import NDArray

from photosort.locks import release, try_exclusive

__all__ = ["VectorMatrix", "kernels_generation", "load_kernels", "matrix_path"]

CHUNK: Final = 8192  # rows per float16 -> float32 conversion (40 MB at 1280 dims)
_PASS: Final = 32768  # rows per float16 product block (80 MB at 1280 dims)
_MV_COLUMNS: Final = 16  # up to this many vectors, products are taken one vector at a time
# The most one page fault maps around the faulting page: a PMD-sized folio (Linux 6.x file
# systems with large folios, ext4 and xfs among them), more than fault-around's 64 KiB.
_FAULT_SPAN: Final = 2 * 1024 * 1024
_TAKE: Final = 1024  # scattered rows read between two releases of their pages
_MIN_CAPACITY: Final = 1024
_NORM_TOLERANCE: Final = 0.02  # float16 rounding moves a unit norm by ~1e-3
# From this many rows, opening the matrix waits for torch (its norms at open: numpy's float16
# conversion made opening a million rows take 5-8 s); below, numpy's cost is milliseconds.
EAGER_KERNEL_ROWS: Final = 50_000

_kernels_lock = threading.Lock()
_kernels_ready = threading.Event()
_kernels_started = False


def load_kernels() -> None:
    """Import torch for the float16 products (any thread; the first call pays, once)."""
    global _kernels_started
    with _kernels_lock:
        _kernels_started = True
    import torch  # noqa: F401

    _kernels_ready.set()


def _load_kernels_soon() -> None:
    """`load_kernels` on a thread of its own, unless it has begun."""
    global _kernels_started
    with _kernels_lock:
        if _kernels_started:
            return
        _kernels_started = True
    threading.Thread(target=load_kernels, name="photosort-kernels", daemon=True).start()


def kernels_generation() -> int:
    """0 while products are numpy's, 1 once torch's. Both round each product to float16,
    but their float32 sums may differ in the last bit: a score table made under one is
    recomputed under the other, so a page and the table still agree to the last bit."""
    return 1 if _kernels_ready.is_set() else 0


def _torch_imported() -> bool:
    return "torch" in sys.modules


def _torch() -> ModuleType | None:
    if not _kernels_ready.is_set():
        return None
    import torch

    return torch


def matrix_path(folder: Path, embedder_id: str, dim: int) -> Path:
    """Where an embedder's matrix lives: a readable, file-system-safe name plus a hash."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", embedder_id)[:48]
    digest = hashlib.blake2b(embedder_id.encode(), digest_size=6).hexdigest()
    return folder / f"{readable}-{digest}-{dim}.f16"


def drop_matrix(path: Path) -> bool:
    """Remove an embedder's matrix file (and its fingerprint list) when no process holds it;
    whether it is gone. A matrix is derivable: it is rebuilt from the cache when needed."""
    if not (path.exists() or path.with_suffix(".fps").exists()):
        return False
    owner = try_exclusive(path.with_suffix(".lock"))
    if owner is None:
        return False
    try:
        for part in (path, path.with_suffix(".fps")):
            part.unlink(missing_ok=True)
    except OSError:
        return False  # Windows keeps a file another process has open
    finally:
        release(owner)
    path.with_suffix(".lock").unlink(missing_ok=True)
    return True


class VectorMatrix:
    """Unit vectors by fingerprint: `rows(fps)`, `put_many`, `take(rows)`, `chunks()`."""

    def __init__(self, dim: int, path: Path | None = None) -> None:
        self.dim = dim
        self.path = path
        self._lock = threading.RLock()
        self._rows: dict[str, int] = {}
        self._n = 0
        # 1 / norm of each stored (float16-rounded) row: scans scale their products by it
        # instead of re-normalising every block (a pass over the whole matrix each time).
        self._scale = np.ones(0, dtype=np.float32)
        self._fps_out: IO[str] | None = None
        self._owner: BaseFileLock | None = None
        self.closed = False
        self._file = self._open_file(path)
        # Scoring goes through torch's float16 kernels. Where torch is here already (the model
        # runs in this process), or a large matrix is to be opened, they are made ready now, on
        # the thread that opens the matrix (the model's loader), not on the request that scores
        # the first page. A server whose model runs in its own process (ml/remote.py) scores
        # its first rows with numpy and imports torch once they have come (`_append`).
        if _torch_imported() or self._file_rows() >= EAGER_KERNEL_ROWS:
            load_kernels()
        self._mat = self._map(max(_MIN_CAPACITY, self._file_rows()))
        if self._fps_out is not None and path is not None:
            self._load(path.with_suffix(".fps"))

    # ---------------------------------------------------------------- files
    def _open_file(self, path: Path | None) -> IO[bytes]:
        """The session's file when this process may own it, else a private unlinked one."""
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Not O_APPEND (Linux's pwrite would ignore its offset): read-write, created.
            self._owner = try_exclusive(path.with_suffix(".lock"))
            if self._owner is not None:
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
                self._fps_out = open(path.with_suffix(".fps"), "a", encoding="ascii")  # noqa: SIM115
                return open(fd, "r+b")
        folder = path.parent if path is not None else None
        return tempfile.TemporaryFile(dir=folder)

    def _file_rows(self) -> int:
        return os.fstat(self._file.fileno()).st_size // (2 * self.dim)

    def _map(self, capacity: int) -> NDArray[np.float16]:
        if self._file_rows() < capacity:
            os.ftruncate(self._file.fileno(), capacity * 2 * self.dim)
        return np.memmap(self._file, dtype="<f2", mode="r+", shape=(capacity, self.dim))

    def _load(self, fps_path: Path) -> None:
        """Rows from an earlier run: keep those that are whole, then compact."""
        text = ""
        with contextlib.suppress(FileNotFoundError, UnicodeDecodeError):
            text = fps_path.read_text(encoding="ascii")
        lines = text.split("\n")[:-1]
        whole = len(lines) <= len(self._mat)  # no torn last line, no name past the rows
        lines = lines[: len(self._mat)]
        norms = self._norms(len(lines))
        good = np.abs(norms - 1.0) < _NORM_TOLERANCE
        keep = {fp: r for r, fp in enumerate(lines) if good[r] and fp}
        # Every row kept where it was (the usual restart): nothing to move or rewrite.
        same = whole and len(keep) == len(lines) and text.endswith("\n")
        self._compact(keep, same=same)
        self._scale = (1.0 / norms[np.asarray(list(keep.values()), dtype=np.intp)]).astype(
            np.float32
        )

    def _norms(self, n: int) -> NDArray[np.float32]:
        out = np.zeros(n, dtype=np.float32)
        for start in range(0, n, _PASS):
            stop = min(n, start + _PASS)
            out[start:stop] = _row_norms(self._mat[start:stop])
            self._release(self._mat, start, stop)
        return out

    def _compact(self, keep: dict[str, int], *, same: bool) -> None:
        """Move the kept rows (fingerprint -> old row) to the front, in order, and rewrite the
        fingerprint list, unless every row stays where it was (`same`)."""
        fps, rows = list(keep), list(keep.values())
        old = np.asarray(rows, dtype=np.intp)
        first = int(np.argmax(old != np.arange(len(old)))) if len(old) else 0
        if len(old) and old[first] != first:
            # Ascending blocks: a block's sources lie past every earlier block's targets.
            for a in range(first, len(old), CHUNK):
                b = min(len(old), a + CHUNK)
                self._mat[a:b] = self._mat[old[a:b]]
                self._release(self._mat, 0, int(old[b - 1]) + 1)
        self._n = len(rows)
        self._rows = keep if same else {fp: i for i, fp in enumerate(fps)}
        # Zero what lies past the kept rows: a row later named but never written must not
        # read as an old, unit-length vector of another photo. Cutting the file there and
        # growing it back zeroes it without reading it (the pages past the cut leave every
        # mapping; nothing touches the mapping in between).
        self._flush()
        row_bytes = 2 * self.dim
        os.ftruncate(self._file.fileno(), self._n * row_bytes)
        os.ftruncate(self._file.fileno(), len(self._mat) * row_bytes)
        if same:
            return
        assert self._fps_out is not None and self.path is not None
        tmp = self.path.with_suffix(".fps.tmp")
        tmp.write_text("".join(f"{fp}\n" for fp in fps), encoding="ascii")
        os.replace(tmp, self.path.with_suffix(".fps"))
        self._fps_out.close()
        self._fps_out = open(self.path.with_suffix(".fps"), "a", encoding="ascii")  # noqa: SIM115

    def _flush(self) -> None:
        if isinstance(self._mat, np.memmap):
            self._mat.flush()

    def close(self) -> None:
        with self._lock:
            self.closed = True
            self._flush()
            # The mapping holds a duplicate of the file descriptor, and with it the lock:
            # drop it (nothing outside holds a view: every read is a copy) before the file.
            self._mat = np.zeros((0, self.dim), dtype="<f2")
            self._rows = {}
            self._n = 0
            if self._fps_out is not None:
                self._fps_out.close()
            self._file.close()
            release(self._owner)

    # ---------------------------------------------------------------- rows
    def __len__(self) -> int:
        return self._n

    def row(self, fp: str) -> int | None:
        return self._rows.get(fp)

    def rows(self, fps: Sequence[str]) -> NDArray[np.intp]:
        """Row per fingerprint, -1 where there is none."""
        get = self._rows.get
        return np.fromiter((get(fp, -1) for fp in fps), dtype=np.intp, count=len(fps))

    def put_many(self, fps: Sequence[str], vectors: NDArray[np.floating]) -> NDArray[np.intp]:
        """Rows for these vectors: a fingerprint already here keeps its row (same content,
        same vector), a new one is appended. Vectors are stored unit length."""
        with self._lock:
            out = np.empty(len(fps), dtype=np.intp)
            fresh: list[tuple[int, int, str]] = []
            for i, fp in enumerate(fps):
                known = self._rows.get(fp)
                if known is None:
                    known = self._n + len(fresh)
                    fresh.append((i, known, fp))
                    self._rows[fp] = known
                out[i] = known
            if fresh:
                self._append(fresh, vectors)
            return out

    def _append(self, fresh: list[tuple[int, int, str]], vectors: NDArray[np.floating]) -> None:
        need = self._n + len(fresh)
        if need > len(self._mat):
            self._flush()
            self._mat = self._map(max(need, 2 * len(self._mat)))
        src = np.asarray(vectors, dtype=np.float32)[[i for i, _, _ in fresh]]
        norms = np.linalg.norm(src, axis=1, keepdims=True)
        rows = (src / np.maximum(norms, 1e-12)).astype("<f2")
        scale = 1.0 / np.maximum(_row_norms(rows), 1e-12)
        if need > len(self._scale):
            grown = np.ones(max(need, 2 * len(self._scale)), dtype=np.float32)
            grown[: self._n] = self._scale[: self._n]
            self._scale = grown
        self._scale[self._n : need] = scale
        # Written to the file, not through the mapping: the page cache serves both, and
        # pages dirtied through the mapping would stay in this process's resident set.
        os.pwrite(self._file.fileno(), rows.tobytes(), self._n * 2 * self.dim)
        self._n = need
        _load_kernels_soon()  # the first vectors are here: the fast kernels are wanted next
        if self._fps_out is not None:
            # No msync here (it would stall every batch on the disk): after a crash, a row
            # whose bytes never reached the file reads as zeros (the file's tail is zeroed on
            # open) and is dropped by the unit-length check.
            self._fps_out.write("".join(f"{fp}\n" for _, _, fp in fresh))
            self._fps_out.flush()

    def take(self, rows: NDArray[np.intp] | Sequence[int]) -> NDArray[np.float32]:
        """These rows as float32, re-normalised (what `EmbeddingCache.get_many` gives)."""
        with self._lock:
            mat = self._mat  # appended rows never move: any later mapping reads the same
        index = np.asarray(rows, dtype=np.intp)
        block = np.empty((len(index), self.dim), dtype=np.float32)
        for a in range(0, len(index), _TAKE):
            part = index[a : a + _TAKE]
            block[a : a + len(part)] = mat[part]
            # A fault maps the pages around it too: scattered rows would leave most of the
            # file resident in this process, so each slice hands its range back.
            self._release(mat, int(part.min()), int(part.max()) + 1)
        return _unit(block)

    def cosines(
        self, vectors: NDArray[np.float32], start: int = 0, stop: int | None = None
    ) -> NDArray[np.float32]:
        """(rows x k) cosine of every row in [start, stop) with each of these k unit vectors,
        in one pass over the matrix. The pages read are handed back after each block, so a
        pass does not leave the matrix resident in this process."""
        end = self._n if stop is None else min(stop, self._n)
        against = _half_columns(vectors, self.dim)
        out = np.empty((max(0, end - start), against.shape[1]), dtype=np.float32)
        for a in range(start, end, _PASS):
            b = min(end, a + _PASS)
            with self._lock:
                mat = self._mat  # rows below `end` read the same in any later mapping
                scale = self._scale[a:b].copy()
            # Outside the lock: a filing's single-row read must not wait for a pass.
            out[a - start : b - start] = _products(mat[a:b], against, scale)
            self._release(mat, a, b)
        return out

    def cosines_at(
        self, rows: NDArray[np.intp] | Sequence[int], vectors: NDArray[np.float32]
    ) -> NDArray[np.float32]:
        """(len(rows) x k) cosines of these rows, equal to the same rows of `cosines()`: a
        page scored directly agrees with the table to the last bit."""
        index = np.asarray(rows, dtype=np.intp)
        with self._lock:
            mat = self._mat
            scale = self._scale[index] if len(index) else np.ones(0, dtype=np.float32)
        against = _half_columns(vectors, self.dim)
        out = np.empty((len(index), against.shape[1]), dtype=np.float32)
        for a in range(0, len(index), _TAKE):
            part = index[a : a + _TAKE]
            out[a : a + len(part)] = _products(mat[part], against, scale[a : a + len(part)])
            self._release(mat, int(part.min()), int(part.max()) + 1)
        return out

    def chunks(
        self, start: int = 0, stop: int | None = None
    ) -> Iterator[tuple[int, NDArray[np.float32], NDArray[np.float32]]]:
        """(first row, float32 block, 1 / norm per row) over rows [start, stop), CHUNK rows at
        a time: `block @ x * scale[:, None]` is the cosine of unit rows, without normalising
        the block. The pages read are handed back to the page cache after each block, so
        scanning the whole matrix does not keep it resident in this process."""
        end = self._n if stop is None else stop
        for a in range(start, end, CHUNK):
            b = min(end, a + CHUNK)
            with self._lock:
                mat = self._mat  # rows below `end` read the same in any later mapping
                scale = self._scale[a:b].copy()
            # Converted outside the lock: a filing's single-row read must not wait for it.
            block = np.asarray(mat[a:b], dtype=np.float32)
            self._release(mat, a, b)
            yield a, block, scale

    def _release(self, mat: NDArray[np.float16], a: int, b: int) -> None:
        """Drop rows [a, b) from this process's resident set (they stay in the page cache;
        a shared file mapping keeps written data, so this loses nothing)."""
        mm = getattr(mat, "_mmap", None)
        if mm is None or not hasattr(mm, "madvise"):
            return
        page = mmap.PAGESIZE
        # A fault maps more than the rows' pages (fault-around, a whole large folio): released
        # page by page, single-row reads (a centroid update per photo of an auto-move) left
        # most of the file resident (313 MB of 768 after 89k moves). What a fault maps lies
        # within `_FAULT_SPAN` either side of the rows, whatever the mapping's alignment.
        lo = max(0, (a * 2 * self.dim) // page * page - _FAULT_SPAN)
        hi = min(len(mm), -(-(b * 2 * self.dim) // page) * page + _FAULT_SPAN)
        if hi > lo:
            mm.madvise(mmap.MADV_DONTNEED, lo, hi - lo)


def _half_columns(vectors: NDArray[np.float32], dim: int) -> NDArray[np.float16]:
    """(dim x k) float16 columns of k vectors (one vector may come as a 1-d array)."""
    cols = np.asarray(vectors, dtype=np.float32).reshape(-1, dim).T
    return np.ascontiguousarray(cols, dtype=np.float16)


def _products(
    block: NDArray[np.float16], against: NDArray[np.float16], scale: NDArray[np.float32]
) -> NDArray[np.float32]:
    """`block @ against`, scaled per row to the cosine of the unit vector each row stands for.

    torch's CPU kernel multiplies float16 operands directly, accumulating in float32: 8x
    faster than converting each block to float32 for numpy, which bounded a pass over a
    million rows at 3-5 s. The vectors given are rounded to float16 as the rows already are
    (at most 4.9e-4 of a cosine, ~3e-5 typical at 1280 dims) and each product comes back
    rounded to float16 (half a step: at most 2.4e-4 under 1). The result of a row does not
    depend on the rows beside it, so a page scored on its own equals the table's rows.
    Until torch is imported (`load_kernels`), numpy does the same in float32."""
    k = against.shape[1]
    if not len(block) or not k:
        return np.zeros((len(block), k), dtype=np.float32)
    torch = _torch()
    prod = np.empty((len(block), k), dtype=np.float32)
    if torch is None:
        rows32 = block.astype(np.float32)
        cols32 = against.astype(np.float32)
        # Each row summed on its own (einsum, not BLAS, whose sum of a row depends on the
        # rows beside it), column by column as below: a page equals the table's rows.
        for j in range(k):
            prod[:, j] = np.einsum("ij,j->i", rows32, cols32[:, j]).astype(np.float16)
    elif k > _MV_COLUMNS:
        rows = torch.from_numpy(np.ascontiguousarray(block))
        prod[:] = (rows @ torch.from_numpy(against)).numpy()
    else:
        # A few centroids (the score table's columns): one matrix-vector product each. torch's
        # float16 matrix-matrix kernel is 2-5x slower for so narrow a right-hand side (a 200k
        # pass for one moved centroid: 120-170 ms against 35-85 ms, 2 cores), and a column
        # computed alone is then bit for bit the column computed with the others.
        rows = torch.from_numpy(np.ascontiguousarray(block))
        for j in range(k):
            column = torch.from_numpy(np.ascontiguousarray(against[:, j]))
            prod[:, j] = torch.mv(rows, column).numpy()
    prod *= scale[:, None]
    return prod


def _row_norms(block: NDArray[np.float16]) -> NDArray[np.float32]:
    """Euclidean norm of each float16 row, summed in float32 without a float32 copy of the
    block (torch; numpy's conversion made opening a 1M matrix take 5-8 s). The same function
    at append and at open, so a row's scale does not change across a restart (rows appended
    before torch was imported may differ in float32's last bit: a row's scale multiplies all
    its columns alike, so no ranking within a row can change)."""
    if not len(block):
        return np.zeros(0, dtype=np.float32)
    torch = _torch()
    if torch is None:  # a few rows before torch is here: the same sums, numpy's way
        out: NDArray[np.float32] = np.linalg.norm(block.astype(np.float32), axis=1)
        return out.astype(np.float32, copy=False)
    rows = torch.from_numpy(np.ascontiguousarray(block))
    norms: NDArray[np.float32] = torch.linalg.vector_norm(rows, dim=1, dtype=torch.float32).numpy()
    return norms


def _unit(block: NDArray[np.float32]) -> NDArray[np.float32]:
    norms = np.linalg.norm(block, axis=1, keepdims=True)
    block /= np.maximum(norms, 1e-12)
    return block
