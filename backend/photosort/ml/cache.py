"""Embedding cache + fingerprint memo in ``.clustering/embeddings.sqlite``.

Two tables:

``embeddings(fingerprint, embedder_id, vec)``
    one vector per (photo content, embedder). Vectors are stored as float16 (half the size;
    round-trip cosine > 0.9999) and come back as float32, re-normalised. Vectors of different
    embedders never mix: every read and write names its ``embedder_id``.

``files(dev, ino, size, mtime_ns, fingerprint)``
    the content fingerprint last computed for a file, keyed by its inode. A warm session looks
    fingerprints up from ``os.stat`` alone and never re-reads file contents; a move or rename
    inside the filesystem keeps the inode, size and mtime, so it keeps the memo too. A changed
    size or mtime misses (the caller recomputes and remembers the new fingerprint).

Safe to share between threads (one connection, one lock) and between processes (SQLite WAL,
busy timeout). A file that is not a usable SQLite database is moved aside and the cache
starts empty: it only ever holds derivable data.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Final

import numpy as np
import platformdirs
from numpy.typing import NDArray

from photosort.fsinfo import rewrites_in_place

__all__ = ["EmbeddingCache"]

SCHEMA_VERSION: Final = 1
_CHUNK: Final = 500  # host parameters per IN (...) list; SQLite's old limit is 999
_SCAN_ABOVE: Final = 5000  # lookups above this many stats read the whole memo table once

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS embeddings (
    fingerprint TEXT NOT NULL,
    embedder_id TEXT NOT NULL,
    vec BLOB NOT NULL,
    PRIMARY KEY (fingerprint, embedder_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS embeddings_by_embedder ON embeddings (embedder_id);
CREATE TABLE IF NOT EXISTS files (
    dev INTEGER NOT NULL,
    ino INTEGER NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    PRIMARY KEY (dev, ino)
) WITHOUT ROWID;
"""


def cache_path(clustering: Path) -> Path:
    """Where a session keeps its embedding cache (and the matrix beside it): in its own
    `.clustering` folder, unless that disk cannot rewrite a file in place (SQLite and the
    memory-mapped matrix need to; the FUSE driver for FAT cannot). Then in the user's cache
    folder, one per session folder: a cache is derivable, so nothing of the session's record
    is kept off its disk."""
    if rewrites_in_place(clustering if clustering.exists() else clustering.parent):
        return clustering / CACHE_FILE
    where = os.fsencode(os.path.realpath(clustering))
    name = hashlib.blake2b(where, digest_size=10).hexdigest()
    home = os.environ.get(CACHE_DIR_ENV) or platformdirs.user_cache_dir("photosort", False)
    return Path(home) / "sessions" / name / CACHE_FILE


def _i64(x: int) -> int:
    """Store an unsigned 64-bit stat field in SQLite's signed INTEGER."""
    return x - (1 << 64) if x >= (1 << 63) else x


def _file_key(st: os.stat_result) -> tuple[int, int, int, int] | None:
    """(dev, ino, size, mtime_ns), or None where the filesystem has no stable inodes."""
    return _stat_key(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _stat_key(dev: int, ino: int, size: int, mtime_ns: int) -> tuple[int, int, int, int] | None:
    if ino == 0:
        return None
    return _i64(dev), _i64(ino), int(size), int(mtime_ns)


def _chunks(items: Sequence[str], n: int = _CHUNK) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


CACHE_FILE = "embeddings.sqlite"
CACHE_DIR_ENV = "PHOTOSORT_CACHE_DIR"  # where caches kept off their disk go (tests set it)


class EmbeddingCache:
    """Embeddings keyed by (content fingerprint, embedder id) + a stat -> fingerprint memo."""

    def __init__(self, db_path: str | os.PathLike[str], *, timeout: float = 30.0) -> None:
        self.path = Path(db_path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._timeout = timeout
        try:
            self._conn = self._open()
        except sqlite3.DatabaseError:
            # Not a database / corrupt: it is only a cache, keep the file for inspection.
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
            os.replace(self.path, aside)
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(f"{self.path}{suffix}")
            self._conn = self._open()

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=self._timeout, check_same_thread=False, isolation_level=None
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.executescript(_SCHEMA)
            conn.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)",
                (str(SCHEMA_VERSION),),
            )
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    # -- lifecycle

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> EmbeddingCache:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    # -- embeddings

    def get_many(
        self, fingerprints: Sequence[str], embedder_id: str
    ) -> dict[str, NDArray[np.float32]]:
        """Cached vectors for those ``fingerprints`` that have one (float32, unit length)."""
        unique = list(dict.fromkeys(fingerprints))
        rows: list[tuple[str, bytes]] = []
        with self._lock:
            for chunk in _chunks(unique):
                marks = ",".join("?" * len(chunk))
                rows.extend(
                    self._conn.execute(
                        f"SELECT fingerprint, vec FROM embeddings "
                        f"WHERE embedder_id = ? AND fingerprint IN ({marks})",
                        (embedder_id, *chunk),
                    ).fetchall()
                )
        return _decode(rows)

    def embedded(self, fingerprints: Sequence[str]) -> set[str]:
        """Those of ``fingerprints`` with a vector of any embedder (the primary key's prefix:
        one index probe each)."""
        found: set[str] = set()
        with self._lock:
            for chunk in _chunks(list(dict.fromkeys(fingerprints))):
                marks = ",".join("?" * len(chunk))
                found.update(
                    str(fp)
                    for (fp,) in self._conn.execute(
                        "SELECT DISTINCT fingerprint FROM embeddings "
                        f"WHERE fingerprint IN ({marks})",
                        tuple(chunk),
                    )
                )
        return found

    def get(self, fingerprint: str, embedder_id: str) -> NDArray[np.float32] | None:
        return self.get_many([fingerprint], embedder_id).get(fingerprint)

    def put_many(self, items: Mapping[str, NDArray[np.floating]], embedder_id: str) -> int:
        """Store (or replace) vectors, in one transaction. Returns how many were written."""
        if not items:
            return 0
        rows = []
        for fp, vec in items.items():
            v = np.asarray(vec, dtype=np.float32).reshape(-1)
            norm = float(np.linalg.norm(v))
            if not np.isfinite(norm) or norm == 0.0:
                raise ValueError(f"refusing to cache a zero or non-finite vector for {fp}")
            rows.append((fp, embedder_id, (v / norm).astype("<f2").tobytes()))
        with self._transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO embeddings (fingerprint, embedder_id, vec) "
                "VALUES (?, ?, ?)",
                rows,
            )
        return len(rows)

    def count(self, embedder_id: str) -> int:
        with self._lock:
            row = self._conn.execute(
                "SELECT COUNT(*) FROM embeddings WHERE embedder_id = ?", (embedder_id,)
            ).fetchone()
        return int(row[0])

    def drop_embedders(self, ids: Sequence[str], chunk: int = 5000) -> int:
        """Delete every vector stored under these embedder ids, `chunk` rows per transaction
        (the lock is let go between them, so indexing goes on meanwhile); rows removed. The
        freed pages are reused by new vectors; the file does not shrink."""
        removed = 0
        for embedder_id in ids:
            while True:
                with self._lock, self._conn as conn:
                    gone = conn.execute(
                        "DELETE FROM embeddings WHERE embedder_id = ?1 AND fingerprint IN "
                        "(SELECT fingerprint FROM embeddings WHERE embedder_id = ?1 LIMIT ?2)",
                        (embedder_id, chunk),
                    ).rowcount
                removed += gone
                if gone < chunk:
                    break
        return removed

    def embedder_ids(self) -> dict[str, int]:
        """Every embedder id with cached vectors, and how many."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT embedder_id, COUNT(*) FROM embeddings GROUP BY embedder_id"
            ).fetchall()
        return {str(e): int(n) for e, n in rows}

    # -- fingerprint memo

    def lookup_fingerprint(self, st: os.stat_result) -> str | None:
        """The remembered fingerprint of the file ``st`` describes, if it is unchanged."""
        key = _file_key(st)
        if key is None:
            return None
        with self._lock:
            row = self._conn.execute(
                "SELECT fingerprint FROM files WHERE dev = ? AND ino = ? AND size = ? "
                "AND mtime_ns = ?",
                key,
            ).fetchone()
        return str(row[0]) if row is not None else None

    def lookup_fingerprints(self, stats: Sequence[os.stat_result]) -> list[str | None]:
        """:meth:`lookup_fingerprint` for many files at once (one pass for large folders)."""
        return self.lookup_stat_keys(
            [(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns) for st in stats]
        )

    def lookup_stat_keys(self, stats: Sequence[tuple[int, int, int, int]]) -> list[str | None]:
        """:meth:`lookup_fingerprints` by ``(st_dev, st_ino, st_size, st_mtime_ns)``: a caller
        with thousands of files keeps these small tuples, not a ``stat_result`` each (those
        outlive the young garbage collections and make the full ones frequent)."""
        keys = [_stat_key(*st) for st in stats]
        memo: dict[tuple[int, int], tuple[int, int, str]] = {}
        with self._lock:
            if len(keys) > _SCAN_ABOVE:
                cur = self._conn.execute("SELECT dev, ino, size, mtime_ns, fingerprint FROM files")
                for dev, ino, size, mtime, fp in cur:
                    memo[(dev, ino)] = (size, mtime, fp)
            else:
                # By (dev, ino), the primary key: `ino IN (...)` alone cannot use it and
                # scanned the whole table once per call (quadratic over a large library).
                by_dev: dict[int, set[int]] = {}
                for k in keys:
                    if k is not None:
                        by_dev.setdefault(k[0], set()).add(k[1])
                for dev, ino_set in by_dev.items():
                    inos = sorted(ino_set)
                    for i in range(0, len(inos), _CHUNK):
                        chunk = inos[i : i + _CHUNK]
                        marks = ",".join("?" * len(chunk))
                        for d, ino, size, mtime, fp in self._conn.execute(
                            "SELECT dev, ino, size, mtime_ns, fingerprint FROM files "
                            f"WHERE dev = ? AND ino IN ({marks})",
                            (dev, *chunk),
                        ):
                            memo[(d, ino)] = (size, mtime, fp)
        out: list[str | None] = []
        for k in keys:
            hit = memo.get((k[0], k[1])) if k is not None else None
            out.append(
                str(hit[2]) if hit is not None and k is not None and hit[:2] == k[2:] else None
            )
        return out

    def remember_fingerprints(self, pairs: Iterable[tuple[os.stat_result, str]]) -> None:
        """Remember ``(stat, fingerprint)`` pairs, in one transaction."""
        self.remember_stat_keys(
            ((st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns), fp) for st, fp in pairs
        )

    def remember_stat_keys(self, pairs: Iterable[tuple[tuple[int, int, int, int], str]]) -> None:
        """Remember ``((dev, ino, size, mtime_ns), fingerprint)`` pairs, in one transaction."""
        rows = []
        for stat, fp in pairs:
            key = _stat_key(*stat)
            if key is not None:
                rows.append((*key, fp))
        if rows:
            with self._transaction() as conn:
                conn.executemany(
                    "INSERT OR REPLACE INTO files (dev, ino, size, mtime_ns, fingerprint) "
                    "VALUES (?, ?, ?, ?, ?)",
                    rows,
                )


def _decode(rows: Sequence[tuple[str, bytes]]) -> dict[str, NDArray[np.float32]]:
    if not rows:
        return {}
    lengths = {len(blob) for _, blob in rows}
    if len(lengths) == 1:
        mat = np.frombuffer(b"".join(blob for _, blob in rows), dtype="<f2").reshape(len(rows), -1)
        vecs = mat.astype(np.float32)
    else:  # mixed dims under one id should not happen; decode one by one
        return {fp: _decode([(fp, blob)])[fp] for fp, blob in rows}
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    vecs /= np.maximum(norms, 1e-12)
    return {fp: vecs[i] for i, (fp, _) in enumerate(rows)}
