"""`find_stacks` on hand-made times and vectors: the time gap chains frames, the cut keeps a
different picture out, a reframed shot between two frames does not split the burst."""

from __future__ import annotations

import numpy as np
import pytest

from photosort.suggest.results import GridItem
from photosort.suggest.review import stacks as stacking
from photosort.suggest.review.stacks import Stack, find_links, find_stacks, stacked_tiles


def unit(*rows: list[float]) -> np.ndarray:
    m = np.array(rows, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


A, B = [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]
A2 = [1.0, 0.1, 0.0]  # cosine 0.995 with A


def test_frames_within_the_gap_chain_into_one_stack_in_time_order() -> None:
    times = np.array([10.0, 11.5, 13.0, 14.5])  # each 1.5 s after the one before: one chain
    assert find_stacks(times[::-1].copy(), unit(A, A2, A, A2), gap=2.0, cut=0.9) == [[3, 2, 1, 0]]


def test_the_gap_splits_bursts_and_the_cut_keeps_other_pictures_out() -> None:
    times = np.array([0.0, 0.5, 30.0, 30.4, 30.8])
    vecs = unit(A, A2, A, B, A2)
    assert find_stacks(times, vecs, gap=2.0, cut=0.9) == [[0, 1], [2, 4]]


def test_nothing_to_stack() -> None:
    assert find_stacks(np.array([1.0]), unit(A), gap=2.0, cut=0.9) == []
    assert find_stacks(np.zeros(0), np.zeros((0, 3), np.float32)) == []
    assert find_stacks(np.array([0.0, 100.0]), unit(A, A), gap=2.0, cut=0.9) == []


def test_a_library_of_photos_seconds_apart_is_linked_a_chunk_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A folder copied without capture times has every photo seconds from the next: the links
    come out the same as comparing everything at once, bursts across a chunk's edge included,
    while no more than a chunk (and the window after it) of vectors is read at a time."""
    monkeypatch.setattr(stacking, "LINK_CHUNK", 50)
    rng = np.random.default_rng(3)
    n = 230
    vecs = rng.normal(size=(n, 16)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    for burst in (range(46, 55), range(98, 103), range(148, 152)):  # across 50, 100, 150
        vecs[list(burst)] = vecs[burst[0]]
    times = np.arange(n, dtype=np.float64)[::-1].copy()  # one second apart, newest first
    asked: list[int] = []

    def read(rows: np.ndarray) -> np.ndarray:
        asked.append(len(rows))
        return vecs[rows]

    got = sorted(find_links(times, read, gap=2.0, cut=0.9))
    order = np.argsort(times)
    expected = sorted(
        (int(order[i]), int(order[i + k]))
        for k in range(1, stacking.WINDOW + 1)
        for i in range(n - k)
        if times[order[i + k]] - times[order[i]] <= 2.0
        and float(vecs[order[i]] @ vecs[order[i + k]]) >= 0.9
    )
    assert got == expected
    assert max(asked) <= 50 + stacking.WINDOW
    assert sum(asked) < 2 * n
    groups = find_stacks(times, vecs, gap=2.0, cut=0.9)
    assert sorted(sorted(g) for g in groups) == [
        list(range(46, 55)),
        list(range(98, 103)),
        list(range(148, 152)),
    ]


def tile(item: str) -> GridItem:
    return {"item": item, "cluster": "birds", "score": 0.9, "margin": 0.2, "similarity": None}


def test_a_grid_shows_each_stack_once_where_its_first_frame_on_the_page_stands() -> None:
    burst: Stack = {"face": "b1.jpg", "items": ["b1.jpg", "b2.jpg", "b3.jpg"], "span_s": 0.6}
    page = [tile("a.jpg"), tile("b2.jpg"), tile("c.jpg"), tile("b1.jpg"), tile("b3.jpg")]
    shown = stacked_tiles(page, [burst])
    assert [t["item"] for t in shown] == ["a.jpg", "b2.jpg", "c.jpg"]
    assert shown[1]["frames"] == ["b2.jpg", "b1.jpg", "b3.jpg"]  # the tile's frame first
    assert "frames" not in shown[0] and "frames" not in shown[2]
    assert stacked_tiles(page, []) == page
