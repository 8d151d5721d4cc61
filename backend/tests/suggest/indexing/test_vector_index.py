"""The queue's vectors as one matrix: the item -> row map, the score table kept in step, and
more-like-this through the nearest-neighbour index."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from photosort.ml.matrix import VectorMatrix
from photosort.suggest.indexing import neighbours
from photosort.suggest.indexing.scores import ScoreTable, Top, best_two, top_k
from photosort.suggest.indexing.vectors import VectorIndex

DIM = 32


def unit(x: NDArray[np.floating]) -> NDArray[np.float32]:
    x = np.asarray(x, dtype=np.float32)
    out: NDArray[np.float32] = x / np.linalg.norm(x, axis=-1, keepdims=True)
    return out


def clustered(n: int, seed: int = 0) -> tuple[NDArray[np.float32], NDArray[np.intp]]:
    rng = np.random.default_rng(seed)
    centres = unit(rng.standard_normal((3, DIM)))
    labels = rng.integers(0, 3, n)
    return unit(centres[labels] + 0.3 * rng.standard_normal((n, DIM))), labels


# Scores are float16 products accumulated in float32 (ml/matrix.py): the centroid's rounding
# to float16 (at most 4.9e-4 of |m||c| = 1) plus the product's (half a step, 2.4e-4 under 1).
HALF_STEP = 7.5e-4


def full(m: VectorMatrix, centroids: NDArray[np.float32]) -> NDArray[np.float32]:
    out: NDArray[np.float32] = m.take(np.arange(len(m))) @ centroids.T
    return out


def scratch(
    m: VectorMatrix, names: list[str], centroids: NDArray[np.float32]
) -> NDArray[np.float32]:
    """The scores a new table computes from nothing."""
    return ScoreTable(m).refresh(names, centroids)


def test_incremental_score_updates_equal_a_full_recompute():
    vecs, _ = clustered(3000)
    m = VectorMatrix(DIM)
    m.put_many([f"fp{i}" for i in range(2000)], vecs[:2000])
    table = ScoreTable(m)
    cents = unit(np.random.default_rng(1).standard_normal((4, DIM)))
    names = ["a", "b", "c", "d"]
    np.testing.assert_allclose(table.refresh(names, cents), full(m, cents), atol=HALF_STEP)
    moved = cents.copy()
    moved[2] = unit(moved[2] + 0.5 * moved[0])  # one centroid changed: one column
    page = np.array([5, 1999, 0])
    # a page read while the table is stale is computed directly, and agrees to the last bit
    stale_page = table.at(names, moved, page)
    np.testing.assert_allclose(stale_page, full(m, moved)[page], atol=HALF_STEP)
    np.testing.assert_array_equal(table.refresh(names, moved), scratch(m, names, moved))
    np.testing.assert_array_equal(stale_page, table.refresh(names, moved)[page])
    np.testing.assert_array_equal(table.at(names, moved, page), stale_page)
    m.put_many([f"fp{i}" for i in range(2000, 3000)], vecs[2000:])  # rows added
    grown = np.vstack([moved[:1], unit(np.ones((1, DIM))), moved[1:3]])  # a cluster in, one out
    scores = table.refresh(["a", "aa", "b", "c"], grown)
    np.testing.assert_array_equal(scores, scratch(m, ["a", "aa", "b", "c"], grown))
    np.testing.assert_allclose(scores, full(m, grown), atol=HALF_STEP)
    top = table.top(["a", "aa", "b", "c"], grown)
    order = np.argsort(-scores, axis=1, kind="stable")
    assert (top.first == order[:, 0]).all()
    np.testing.assert_array_equal(top.score, scores[np.arange(len(m)), order[:, 0]])
    np.testing.assert_array_equal(top.second, scores[np.arange(len(m)), order[:, 1]])


def assert_same_top(got: Top, want: Top, scores: NDArray[np.float32]) -> None:
    np.testing.assert_array_equal(got.first, want.first)
    np.testing.assert_array_equal(got.score, want.score)
    np.testing.assert_array_equal(got.second, want.second)
    # on a tie for second place either column is right; it must hold the second score
    held = np.where(got.runner >= 0, scores[np.arange(len(scores)), got.runner], -np.inf)
    np.testing.assert_array_equal(held, got.second)


@pytest.mark.parametrize("seed", range(6))
def test_best_two_patched_after_filings_equal_a_full_recompute(seed: int):
    """Filings move one centroid at a time, vectors arrive, a filing is undone: the best two
    kept in step equal those a new table works out from nothing, row for row. Vectors on a
    coarse grid make ties between clusters common (tie order must match too)."""
    rng = np.random.default_rng(seed)
    coarse = np.round(rng.standard_normal((4000, DIM)) * 2).astype(np.float32)
    coarse[:, 0] += 0.5  # no all-zero row
    vecs = unit(coarse)
    m = VectorMatrix(DIM)
    m.put_many([f"fp{i}" for i in range(3000)], vecs[:3000])
    names = ["a", "b", "c", "d", "e"]
    firsts = rng.choice(3000, len(names), replace=False)
    members = {name: [int(firsts[k])] for k, name in enumerate(names)}
    table = ScoreTable(m)

    def centroids() -> NDArray[np.float32]:
        return unit(np.stack([vecs[members[n]].sum(axis=0) for n in names]))

    table.top(names, centroids())
    added = 3000
    for step in range(40):
        name = names[int(rng.integers(len(names)))]
        if step % 7 == 6 and len(members[name]) > 1:
            members[name].pop()  # an undo: the centroid moves back
        elif step % 5 == 4 and added < 4000:
            m.put_many([f"fp{i}" for i in range(added, added + 200)], vecs[added : added + 200])
            added += 200
        else:
            members[name].append(int(rng.integers(added)))
        cents = centroids()
        got = table.top(names, cents)
        scores = scratch(m, names, cents)
        assert_same_top(got, best_two(scores), scores)
    assert added > 3000


def test_best_two_with_one_cluster_and_with_clusters_renamed():
    vecs, _ = clustered(500)
    m = VectorMatrix(DIM)
    m.put_many([f"fp{i}" for i in range(500)], vecs)
    table = ScoreTable(m)
    one = unit(vecs[:1])
    table.top(["a"], one)
    moved = unit(vecs[:2].sum(axis=0, keepdims=True))
    got = table.top(["a"], moved)
    assert (got.first == 0).all() and np.isneginf(got.second).all()
    two = unit(vecs[:3:2])
    got = table.top(["a", "b"], two)
    scores = scratch(m, ["a", "b"], two)
    assert_same_top(got, best_two(scores), scores)


def test_top_k_is_a_stable_sort_without_sorting():
    sims = np.array([0.5, 0.9, 0.5, 0.1, 0.9, 0.5, 0.3], dtype=np.float32)
    for k in range(1, 9):
        assert top_k(sims, k).tolist() == np.argsort(-sims, kind="stable")[:k].tolist()


def index_with(items: list[str], vecs: NDArray[np.float32]) -> VectorIndex:
    index = VectorIndex()
    index.start(DIM)
    for item in items:
        index.seen(("s", item), f"fp-{item}")
    index.landed_many([("s", i) for i in items], [f"fp-{i}" for i in items], vecs)
    return index


def test_row_map_follows_removals_additions_and_shared_content():
    vecs, _ = clustered(6)
    index = index_with(["a", "b", "c"], vecs[:3])
    # "d" has the same content as "a": one row, two queued items
    index.seen(("s", "d"), "fp-a")
    assert index.queue_rows(["a", "b", "c", "d", "zz"]).tolist() == [0, 1, 2, 0, -1]
    assert index.queued_at(0) == ["a", "d"]
    # filed: leaves the queue (its row stays for the centroid); undone: back
    index.moved(("s", "a"), ("d", "x/a"), "x", add=True)
    assert index.queue_rows(["a"]).tolist() == [-1] and index.queued_at(0) == ["d"]
    assert index.counts() == {"x": 1}
    index.moved(("d", "x/a"), ("s", "a"), "x", add=False)
    assert index.queue_rows(["a"]).tolist() == [0] and sorted(index.queued_at(0)) == ["a", "d"]
    assert index.counts() == {"x": 0}
    # seen before its vector lands: linked when it does, however many wait for it
    index.seen(("s", "e"), "fp-e")
    index.seen(("s", "f"), "fp-e")
    assert index.queue_rows(["e", "f"]).tolist() == [-1, -1]
    index.landed(("s", "e"), "fp-e", vecs[4])
    assert index.queue_rows(["e", "f"]).tolist() == [3, 3]
    # the file changed (new content) before its new vector landed: no stale row
    index.seen(("s", "b"), "fp-b2")
    assert index.queue_rows(["b"]).tolist() == [-1] and index.queued_at(1) == []
    _, got = index.queued_vectors(["e"])
    np.testing.assert_allclose(got[0], vecs[4], atol=2e-3)
    index.close()


def test_queue_top_agrees_with_the_ranking_shown_beside_each_photo():
    vecs, labels = clustered(400, seed=5)
    items = [f"p{i:03d}" for i in range(400)]
    index = index_with(items, vecs)
    for i in range(30):  # ten members per cluster, from the queue
        index.moved(("s", items[i]), ("d", f"c{labels[i]}/{items[i]}"), f"c{labels[i]}", add=True)
    queue = items[30:]
    ranked = index.ranked(queue)
    top = index.queue_top(queue)
    assert len(top) == len(ranked) == 370
    for k, pos in enumerate(top.positions.tolist()):
        names, scores = ranked[queue[pos]]
        assert top.names[top.first[k]] == names[0]
        assert top.score[k] == pytest.approx(scores[0], abs=1e-6)
        assert top.margin[k] == pytest.approx(scores[0] - scores[1], abs=1e-6)
    # a new member moves one centroid: the cached scores follow
    index.moved(("s", queue[0]), ("d", f"c0/{queue[0]}"), "c0", add=True)
    after = index.ranked(queue[1:])
    names, cents = index.centroids.matrix() if index.centroids else ([], None)
    assert cents is not None
    for item in queue[1:50]:
        _, vec = index.queued_vectors([item])
        exact = (vec @ cents.T)[0]
        assert after[item][0][0] == names[int(np.argmax(exact))]
        assert after[item][1][0] == pytest.approx(float(exact.max()), abs=HALF_STEP)
    index.close()


def test_more_like_this_through_the_index_equals_the_exact_search(
    monkeypatch: pytest.MonkeyPatch,
):
    vecs, _ = clustered(3000, seed=7)
    items = [f"p{i:04d}" for i in range(3000)]
    index = index_with(items, vecs)
    exact = [index.nearest(vecs[q], lambda: items, 20) for q in (0, 999, 2500)]
    assert index.ann is None, "a small library is searched exactly"
    assert [i for i, _ in exact[0]][:1] == ["p0000"]
    monkeypatch.setattr(neighbours, "ANN_ABOVE", 100)
    index.prepare_search()  # starts building; exact meanwhile
    assert index.ann is not None and index.ann.wait(60)
    # queued rows added after the index was built are searched too
    index.seen(("s", "late"), "fp-late")
    index.landed(("s", "late"), "fp-late", vecs[999])
    for q, want in zip((0, 999, 2500), exact, strict=True):
        got = index.nearest(vecs[q], lambda: items, 20)
        assert index.ann.indexed == 3000
        if q == 999:
            assert {i for i, _ in got[:2]} == {"p0999", "late"}
            got = [g for g in got if g[0] != "late"]
            want = want[:19]
        assert [i for i, _ in got] == [i for i, _ in want]
        np.testing.assert_allclose([s for _, s in got], [s for _, s in want], atol=1e-5)
    index.close()


def test_rows_of_a_long_queue_are_remembered_only_while_they_hold():
    n = 12_000  # past REMEMBER_ROWS
    vecs = unit(np.random.default_rng(9).standard_normal((n, DIM)))
    items = [f"q{i:05d}" for i in range(n)]
    index = index_with(items, vecs)
    first = index.queue_rows(list(items))
    assert first.tolist() == list(range(n))
    assert index.queue_rows(list(items)) is first  # same queue, same map: remembered
    assert index.queue_rows(items[::-1]).tolist() == list(range(n))[::-1]  # another order
    index.moved(("s", items[5]), ("d", f"c/{items[5]}"), "c", add=True)
    again = index.queue_rows(items)
    assert again[5] == -1 and again[6] == 6, "a filing changes the answer at once"
    index.close()


def test_a_remembered_queue_is_patched_after_a_filing_an_undo_and_a_late_vector(monkeypatch):
    """After a few changes the kept answer is patched, not looked up afresh, and equals the
    fresh lookup; a reordered queue or a long run of changes is looked up again."""
    n = 12_000
    vecs = unit(np.random.default_rng(3).standard_normal((n + 1, DIM)))
    items = [f"q{i:05d}" for i in range(n)]
    index = index_with(items, vecs[:n])
    index.seen(("s", "late"), "fp-late")  # queued, its vector not in yet
    queue = ["late", *items]
    lookups: list[int] = []
    real = index._lookup
    monkeypatch.setattr(index, "_lookup", lambda xs: lookups.append(len(xs)) or real(xs))

    def check(q: list[str], *, patched: bool) -> None:
        before = len(lookups)
        got = index.queue_rows(list(q))
        assert got.tolist() == real(q).tolist()
        assert (len(lookups) == before) is patched

    check(queue, patched=False)  # the first answer is a full lookup
    filed = queue.pop(7)
    index.moved(("s", filed), ("d", f"c/{filed}"), "c", add=True)  # a filing
    check(queue, patched=True)
    index.moved(("d", f"c/{filed}"), ("s", filed), "c", add=False)  # its undo: back first
    queue.insert(0, filed)
    check(queue, patched=True)
    index.landed(("s", "late"), "fp-late", vecs[n])  # a vector lands: its row changes
    check(queue, patched=True)
    check(queue[::-1], patched=False)  # another order
    for item in items[:100]:  # more changes than the log holds
        index.moved(("s", item), ("d", f"c/{item}"), "c", add=True)
    check([i for i in queue if i not in set(items[:100])], patched=False)
    index.close()
