"""The embedding cache and fingerprint memo (real SQLite files, real files on disk)."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from photosort.ml import cache as cache_mod
from photosort.ml.cache import EmbeddingCache


def _unit(n: int, dim: int, seed: int = 0) -> NDArray[np.float32]:
    v = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    out: NDArray[np.float32] = v / np.linalg.norm(v, axis=1, keepdims=True)
    return out


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[EmbeddingCache]:
    c = EmbeddingCache(tmp_path / ".clustering" / "embeddings.sqlite")
    yield c
    c.close()


def test_round_trip_precision_and_normalisation(cache: EmbeddingCache) -> None:
    vecs = _unit(50, 1280)
    fps = [f"fp{i:03d}" for i in range(50)]
    cache.put_many(dict(zip(fps, vecs, strict=True)), "emb-a")
    got = cache.get_many(fps, "emb-a")
    assert set(got) == set(fps)
    for fp, v in zip(fps, vecs, strict=True):
        g = got[fp]
        assert g.dtype == np.float32 and g.shape == (1280,)
        assert abs(float(np.linalg.norm(g)) - 1.0) < 1e-5
        assert float(g @ v) > 0.9999
    # float16 on disk: 2 bytes per component
    with sqlite3.connect(cache.path) as db:
        (size,) = db.execute("SELECT length(vec) FROM embeddings LIMIT 1").fetchone()
    assert size == 1280 * 2
    # non-unit input is stored normalised
    cache.put_many({"big": vecs[0] * 37.0}, "emb-a")
    assert float(cache.get_many(["big"], "emb-a")["big"] @ vecs[0]) > 0.9999


def test_embedder_ids_never_mix(cache: EmbeddingCache) -> None:
    a, b = _unit(2, 8, 1), _unit(2, 16, 2)
    cache.put_many({"x": a[0], "y": a[1]}, "clip:one")
    cache.put_many({"x": b[0]}, "efficientnet-lite0@abc:max:prep1")
    assert cache.count("clip:one") == 2
    assert cache.count("efficientnet-lite0@abc:max:prep1") == 1
    assert cache.count("nobody") == 0
    assert cache.get_many(["x", "y"], "efficientnet-lite0@abc:max:prep1").keys() == {"x"}
    assert cache.get_many(["x"], "efficientnet-lite0@abc:max:prep1")["x"].shape == (16,)
    assert cache.get_many(["x"], "clip:one")["x"].shape == (8,)
    assert cache.get_many(["x"], "other") == {}
    assert cache.embedder_ids() == {"clip:one": 2, "efficientnet-lite0@abc:max:prep1": 1}


def test_get_many_chunks_and_ignores_missing_and_duplicates(cache: EmbeddingCache) -> None:
    n = 1234  # > several IN-list chunks
    vecs = _unit(n, 4, 3)
    cache.put_many({f"f{i}": vecs[i] for i in range(n)}, "e")
    asked = [f"f{i}" for i in range(0, n, 2)] + ["missing"] * 3 + ["f0", "f0"]
    got = cache.get_many(asked, "e")
    assert len(got) == len(range(0, n, 2))
    assert "missing" not in got
    np.testing.assert_allclose(got["f1000"], vecs[1000], atol=2e-3)
    assert cache.get_many([], "e") == {}
    assert cache.get("f3", "e") is not None and cache.get("nope", "e") is None


def test_put_replaces_and_rejects_garbage(cache: EmbeddingCache) -> None:
    a, b = _unit(2, 8, 4)
    cache.put_many({"x": a}, "e")
    cache.put_many({"x": b}, "e")
    assert cache.count("e") == 1
    assert float(cache.get_many(["x"], "e")["x"] @ b) > 0.9999
    with pytest.raises(ValueError):
        cache.put_many({"z": np.zeros(8, np.float32)}, "e")
    with pytest.raises(ValueError):
        cache.put_many({"z": np.full(8, np.nan, np.float32)}, "e")
    assert cache.put_many({}, "e") == 0


def test_persists_across_reopen_and_uses_wal(tmp_path: Path) -> None:
    path = tmp_path / "e.sqlite"
    with EmbeddingCache(path) as c:
        c.put_many({"x": _unit(1, 8)[0]}, "e")
    with EmbeddingCache(path) as c:
        assert c.count("e") == 1
        assert c._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_corrupt_database_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "e.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with EmbeddingCache(path) as c:
        assert c.count("e") == 0
        c.put_many({"x": _unit(1, 8)[0]}, "e")
    assert list(tmp_path.glob("e.sqlite.corrupt-*"))


def test_fingerprint_memo_survives_rename_and_misses_on_change(
    cache: EmbeddingCache, tmp_path: Path
) -> None:
    photo = tmp_path / "a.jpg"
    photo.write_bytes(b"\xff\xd8" + os.urandom(1000))
    st = os.stat(photo)
    assert cache.lookup_fingerprint(st) is None
    cache.remember_fingerprints([(st, "fp-a")])
    assert cache.lookup_fingerprint(os.stat(photo)) == "fp-a"

    (tmp_path / "cluster").mkdir()
    moved = tmp_path / "cluster" / "renamed.jpg"
    os.rename(photo, moved)
    assert cache.lookup_fingerprint(os.stat(moved)) == "fp-a"  # same inode, size, mtime

    with moved.open("ab") as f:  # content changes: size and mtime change
        f.write(b"more")
    assert cache.lookup_fingerprint(os.stat(moved)) is None
    cache.remember_fingerprints([(os.stat(moved), "fp-a2")])
    assert cache.lookup_fingerprint(os.stat(moved)) == "fp-a2"

    # a memo written by one connection is seen by another (a restarted session)
    with EmbeddingCache(cache.path) as other:
        assert other.lookup_fingerprint(os.stat(moved)) == "fp-a2"


@pytest.mark.parametrize("scan_above", [5000, 0])
def test_lookup_fingerprints_batch(
    cache: EmbeddingCache, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scan_above: int
) -> None:
    monkeypatch.setattr(cache_mod, "_SCAN_ABOVE", scan_above)  # both query strategies
    files = []
    for i in range(30):
        p = tmp_path / f"p{i}.jpg"
        p.write_bytes(os.urandom(100 + i))
        files.append(p)
    cache.remember_fingerprints([(os.stat(p), f"fp{i}") for i, p in enumerate(files[:20])])
    stats = [os.stat(p) for p in files]
    got = cache.lookup_fingerprints(stats)
    assert got == [f"fp{i}" for i in range(20)] + [None] * 10
    assert cache.lookup_fingerprints([]) == []


def test_concurrent_threads(cache: EmbeddingCache, tmp_path: Path, run_concurrently: Any) -> None:
    errors: list[BaseException] = []
    vecs = _unit(8 * 50, 32, 9)
    src = tmp_path / "f"
    src.write_bytes(b"x")
    st = os.stat(src)

    def worker(t: int) -> None:
        try:
            for i in range(50):
                k = t * 50 + i
                cache.put_many({f"t{t}-{i}": vecs[k]}, f"e{t % 2}")
                got = cache.get_many([f"t{t}-{i}"], f"e{t % 2}")
                assert float(got[f"t{t}-{i}"] @ vecs[k]) > 0.999
                cache.remember_fingerprints([(st, "same")])
                assert cache.lookup_fingerprint(st) == "same"
                cache.count(f"e{t % 2}")
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    run_concurrently(worker, range(8))
    assert not errors, errors
    assert cache.count("e0") + cache.count("e1") == 400


def test_two_connections_in_two_threads(tmp_path: Path) -> None:
    path = tmp_path / "e.sqlite"
    a, b = EmbeddingCache(path), EmbeddingCache(path)
    vecs = _unit(200, 8, 5)
    errors: list[BaseException] = []

    def write(c: EmbeddingCache, off: int) -> None:
        try:
            for i in range(0, 100, 10):
                c.put_many({f"k{off + j}": vecs[off + j] for j in range(i, i + 10)}, "e")
        except BaseException as e:  # pragma: no cover
            errors.append(e)

    ts = [
        threading.Thread(target=write, args=(a, 0)),
        threading.Thread(target=write, args=(b, 100)),
    ]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors
    assert a.count("e") == b.count("e") == 200
    a.close()
    b.close()
