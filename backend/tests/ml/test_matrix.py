"""The float16 vector matrix: rows by fingerprint, memory-mapped, reloaded after a restart."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from photosort.ml import matrix as matrix_module
from photosort.ml.ann import AnnIndex
from photosort.ml.matrix import VectorMatrix, matrix_path


def unit_rows(n: int, dim: int, seed: int = 0) -> NDArray[np.float32]:
    vecs = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


def test_rows_grow_past_capacity_and_keep_their_vectors(tmp_path: Path):
    m = VectorMatrix(16, matrix_path(tmp_path, "test@x:1", 16))
    vecs = unit_rows(5000, 16)  # several times the first capacity
    fps = [f"fp{i}" for i in range(5000)]
    for a in range(0, 5000, 700):
        assert m.put_many(fps[a : a + 700], vecs[a : a + 700]).tolist() == list(
            range(a, min(5000, a + 700))
        )
    assert len(m) == 5000
    np.testing.assert_allclose(m.take(np.arange(5000)), vecs, atol=2e-3)
    # the same content again keeps its row; a batch may repeat a fingerprint
    again = m.put_many(["fp7", "new", "new"], unit_rows(3, 16, seed=1))
    assert again.tolist() == [7, 5000, 5000] and len(m) == 5001
    np.testing.assert_allclose(m.take([7])[0], vecs[7], atol=2e-3)
    assert m.rows(["fp3", "missing"]).tolist() == [3, -1]
    blocks = list(m.chunks())
    assert [a for a, _, _ in blocks] == list(range(0, 5001, len(blocks[0][1])))
    unit = np.concatenate([b * s[:, None] for _, b, s in blocks])
    np.testing.assert_allclose(unit, m.take(np.arange(5001)), atol=1e-6)
    np.testing.assert_allclose(unit[:5000], vecs, atol=2e-3)
    m.close()


def test_reload_after_restart_reads_the_file_and_drops_a_torn_row(tmp_path: Path):
    path = matrix_path(tmp_path, "test@x:1", 8)
    vecs = unit_rows(300, 8)
    m = VectorMatrix(8, path)
    m.put_many([f"fp{i}" for i in range(300)], vecs)
    m.close()
    # A crash mid-write: row 10's bytes never reached the file.
    with open(path, "r+b") as fh:
        fh.seek(10 * 8 * 2)
        fh.write(b"\0" * 16)
    m = VectorMatrix(8, path)
    assert len(m) == 299
    assert m.row("fp10") is None, "a row that is not unit length is not trusted"
    kept = [i for i in range(300) if i != 10]
    rows = m.rows([f"fp{i}" for i in kept])
    np.testing.assert_allclose(m.take(rows), vecs[kept], atol=2e-3)
    # the torn one comes back from the durable cache as a new row, and survives a restart
    assert m.put_many(["fp10"], vecs[10:11]).tolist() == [299]
    m.close()
    m = VectorMatrix(8, path)
    assert len(m) == 300
    np.testing.assert_allclose(m.take([m.row("fp10") or 0])[0], vecs[10], atol=2e-3)
    # scans scale each row to unit length, reloaded rows and compacted ones alike
    scanned = np.concatenate([b * s[:, None] for _, b, s in m.chunks()])
    np.testing.assert_allclose(scanned, m.take(np.arange(300)), atol=1e-6)
    m.close()


def test_a_second_process_on_the_same_session_works_in_a_private_file(tmp_path: Path):
    path = matrix_path(tmp_path, "test@x:1", 8)
    owner = VectorMatrix(8, path)
    owner.put_many(["a"], unit_rows(1, 8))
    other = VectorMatrix(8, path)  # the file is locked: this one must not append to it
    other.put_many(["b", "c"], unit_rows(2, 8, seed=2))
    assert len(other) == 2 and other.row("a") is None
    other.close()
    owner.close()
    reopened = VectorMatrix(8, path)
    assert len(reopened) == 1 and reopened.row("a") == 0 and reopened.row("b") is None
    reopened.close()


def test_index_candidates_rescored_equal_the_exact_nearest():
    """On clustered vectors (as real embeddings are) the index's candidates, re-scored,
    give exactly the exact search's top results."""
    rng = np.random.default_rng(3)
    dim, n = 64, 4000
    centres = unit_rows(40, dim, seed=4)
    vecs = centres[rng.integers(0, 40, n)] + 0.05 * rng.standard_normal((n, dim))
    m = VectorMatrix(dim)
    m.put_many([str(i) for i in range(n)], vecs.astype(np.float32))
    index = AnnIndex(m)
    index.build_in_background()
    assert index.wait(60) and index.indexed == n
    stored = m.take(np.arange(n))
    for q in range(0, n, 397):
        anchor = stored[q]
        exact = np.argsort(-(stored @ anchor), kind="stable")[:10]
        cand = index.search(anchor, 320)
        got = cand[np.argsort(-(m.take(cand) @ anchor), kind="stable")[:10]]
        assert set(got.tolist()) == set(exact.tolist())
    m.close()


def test_cosines_of_scattered_rows_equal_the_full_pass_and_the_float64_product():
    rng = np.random.default_rng(3)
    dim = 1280
    vecs = rng.standard_normal((5000, dim)).astype(np.float32)
    m = VectorMatrix(dim)
    m.put_many([f"fp{i}" for i in range(len(vecs))], vecs)
    cents = rng.standard_normal((7, dim)).astype(np.float32)
    cents /= np.linalg.norm(cents, axis=1, keepdims=True)
    table = m.cosines(cents)
    rows = rng.permutation(len(vecs))[:300]
    np.testing.assert_array_equal(m.cosines_at(rows, cents), table[rows])
    np.testing.assert_array_equal(m.cosines(cents, 1234, 4321), table[1234:4321])
    unit = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    exact = unit.astype(np.float64) @ cents.astype(np.float64).T
    assert np.abs(table - exact).max() < 7.5e-4
    assert m.cosines(cents[:0]).shape == (len(vecs), 0)
    assert m.cosines_at(np.zeros(0, dtype=np.intp), cents).shape == (0, 7)
    m.close()


def test_a_restart_keeps_rows_in_place_and_mends_a_torn_fingerprint_line(tmp_path: Path):
    path = matrix_path(tmp_path, "test@x:1", 8)
    vecs = unit_rows(200, 8)
    m = VectorMatrix(8, path)
    m.put_many([f"fp{i}" for i in range(200)], vecs)
    m.close()
    fps = path.with_suffix(".fps")
    listed = fps.read_bytes()
    m = VectorMatrix(8, path)  # nothing torn: every row where it was, the list untouched
    assert len(m) == 200 and m.rows(["fp0", "fp199"]).tolist() == [0, 199]
    m.close()
    assert fps.read_bytes() == listed
    with open(fps, "ab") as fh:
        fh.write(b"fp2")  # a crash while naming row 200: its line is half written
    m = VectorMatrix(8, path)
    assert len(m) == 200 and m.row("fp2") == 2
    assert m.put_many(["fp200"], unit_rows(1, 8, seed=9)).tolist() == [200]
    m.close()
    m = VectorMatrix(8, path)  # the new row's line did not run into the torn one
    assert len(m) == 201 and m.row("fp200") == 200 and m.row("fp2") == 2
    np.testing.assert_allclose(m.take(m.rows(["fp5"])), vecs[5:6], atol=2e-3)
    m.close()


def _resident_kb(path: Path) -> int:
    """How much of `path`'s mappings is resident in this process (Linux /proc/self/smaps)."""
    total, inside = 0, False
    with open("/proc/self/smaps", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            head = line.split()
            if head and "-" in head[0] and not head[0].endswith(":"):
                inside = head[-1] == str(path)
            elif inside and head[0] == "Rss:":
                total += int(head[1])
    return total


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="reads Linux's /proc/self/smaps")
def test_scattered_single_row_reads_leave_the_file_out_of_this_process(tmp_path: Path):
    """An auto-move updates a centroid per photo, one row read each: a page fault maps far more
    than that row (fault-around, large folios), and 89k moves left 313 MB of a 768 MB matrix
    resident. Every row read hands back all a fault can have mapped."""
    dim, n = 1280, 16384  # a 40 MB file
    path = matrix_path(tmp_path, "test@x:1", dim)
    m = VectorMatrix(dim, path)
    vecs = unit_rows(n, dim)
    m.put_many([f"fp{i}" for i in range(n)], vecs)
    for _ in m.chunks():  # a whole pass hands every page back
        pass
    before = _resident_kb(path)
    rows = np.random.default_rng(1).integers(0, n, 2000)
    for r in rows:
        np.testing.assert_allclose(m.take([int(r)])[0], vecs[r], atol=2e-3)
    grown_mb = (_resident_kb(path) - before) / 1024
    m.close()
    assert grown_mb < 4, f"{grown_mb:.1f} MB of a 40 MB matrix left resident"


@pytest.fixture
def numpy_products(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Products as a server whose model runs elsewhere makes them before torch is imported;
    set the returned event to switch to torch's."""
    ready = threading.Event()
    monkeypatch.setattr(matrix_module, "_kernels_ready", ready)
    monkeypatch.setattr(matrix_module, "_kernels_started", True)  # no import thread
    monkeypatch.setattr(matrix_module, "_torch_imported", lambda: False)
    return ready


def test_numpy_products_before_torch_agree_with_torchs_within_a_float16_step(
    numpy_products: threading.Event,
):
    rng = np.random.default_rng(5)
    dim = 512
    vecs = rng.standard_normal((3000, dim)).astype(np.float32)
    m = VectorMatrix(dim)
    m.put_many([f"fp{i}" for i in range(len(vecs))], vecs)
    cents = unit_rows(20, dim, seed=6)  # more than _MV_COLUMNS, and a few
    before_wide, before_narrow = m.cosines(cents), m.cosines(cents[:3])
    rows = rng.permutation(len(vecs))[:200]
    np.testing.assert_array_equal(m.cosines_at(rows, cents), before_wide[rows])
    for r in rows[:40]:  # a row alone, as a page of one scores it
        np.testing.assert_array_equal(m.cosines_at([r], cents[:5])[0], before_wide[r, :5])
    np.testing.assert_array_equal(before_wide[:, :3], before_narrow)
    numpy_products.set()
    after = m.cosines(cents)
    assert matrix_module.kernels_generation() == 1
    assert np.abs(after - before_wide).max() <= 4.9e-4  # one float16 step under 1
    unit = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    assert np.abs(before_wide - unit.astype(np.float64) @ cents.T.astype(np.float64)).max() < 7.5e-4
    m.close()


def test_a_score_table_made_before_torch_is_made_again_after(numpy_products: threading.Event):
    """A page scored directly and the table agree to the last bit, before and after torch."""
    from photosort.suggest.indexing.scores import ScoreTable

    dim = 512
    m = VectorMatrix(dim)
    m.put_many([f"fp{i}" for i in range(2000)], unit_rows(2000, dim, seed=8))
    cents = unit_rows(4, dim, seed=9)
    names = ["a", "b", "c", "d"]
    table = ScoreTable(m)
    rows = np.arange(0, 2000, 3)
    np.testing.assert_array_equal(table.refresh(names, cents)[rows], m.cosines_at(rows, cents))
    numpy_products.set()
    assert not table.fresh(names, cents)
    np.testing.assert_array_equal(table.at(names, cents, rows), m.cosines_at(rows, cents))
    np.testing.assert_array_equal(table.refresh(names, cents)[rows], m.cosines_at(rows, cents))
    np.testing.assert_array_equal(
        table.top(names, cents).first, table.refresh(names, cents).argmax(1)
    )
    m.close()


def test_a_large_matrix_waits_for_torch_when_it_opens(tmp_path: Path, monkeypatch):
    """Opening 1M rows with numpy's norms took 5-8 s: from EAGER_KERNEL_ROWS, torch first."""
    calls: list[int] = []
    monkeypatch.setattr(matrix_module, "load_kernels", lambda: calls.append(1))
    monkeypatch.setattr(matrix_module, "EAGER_KERNEL_ROWS", 100)
    monkeypatch.setattr(matrix_module, "_torch_imported", lambda: False)
    path = matrix_path(tmp_path, "test@x:1", 8)
    VectorMatrix(8, path).close()
    assert calls == []  # empty: numpy until the first rows come
    path.write_bytes(unit_rows(150, 8).astype("<f2").tobytes())
    VectorMatrix(8, path).close()
    assert calls == [1]
