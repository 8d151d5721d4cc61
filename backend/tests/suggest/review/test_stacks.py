"""`find_stacks` on hand-made times and vectors: the time gap chains frames, the cut keeps a
different picture out, a reframed shot between two frames does not split the burst."""

from __future__ import annotations

import numpy as np

from photosort.suggest.results import GridItem
from photosort.suggest.review.stacks import Stack, find_stacks, stacked_tiles


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
