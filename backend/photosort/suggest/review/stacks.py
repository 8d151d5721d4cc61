"""Stacks: bursts and near-identical shots of the queue, shown and filed as one item.

Queued photos taken within `STACK_GAP_S` of each other (chained: each frame within the gap of
the one before) whose vectors are near-identical (cosine >= `STACK_CUT`) form a stack. Sorted by
capture time, each photo is compared with its next `WINDOW` neighbours only, so 100k photos
cost a sort and a few hundred thousand dot products. The gap and cut come from
`bench/stacks.py` (README, "Stacks"). A frame a reviewer pulled out (`Session.pull_from_stack`)
stays out. Filing a stack is one batch (`Session.grid_batch`, mode `stack`): one `z` undoes it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypedDict

import numpy as np
from numpy.typing import NDArray

from photosort.errors import BadPath, Conflict, nothing_moved
from photosort.session import MovePlan, Record, Session, normalise_item
from photosort.suggest.indexing.vectors import VectorIndex
from photosort.suggest.results import FailedItem, GridItem
from photosort.suggest.review.facts import QueueFacts

STACK_GAP_S = 2.0  # seconds between two frames of one burst (bench/stacks.py)
# Cosine between their vectors (bench/stacks.py). 0.85 before EfficientNet-Lite0's zoomed view:
# the square follows the subject as a burst's frames shift, so the frames sit further apart.
STACK_CUT = 0.75
WINDOW = 8  # later neighbours in time each frame is compared with
MAX_STACK_FILE = 500  # frames one filing may carry
RELINK_S = 5.0  # while indexing keeps learning, links are recomputed at most this often
LINK_CHUNK = 4096  # frames whose vectors are read at once (about 20 MB at 1280 dims)


class Stack(TypedDict):
    face: str
    items: list[str]  # in capture order; the face first
    span_s: float  # seconds from the first frame to the last


class StackFiled(TypedDict):
    batch: str
    cluster: str
    moved: list[str]
    skipped: list[str]
    failed: list[FailedItem]
    records: list[Record]


def _root(parent: dict[int, int], i: int) -> int:
    parent.setdefault(i, i)
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def components(links: list[tuple[int, int]], times: NDArray[np.float64]) -> list[list[int]]:
    """Connected groups of linked rows, each in capture order, groups by their first frame."""
    parent: dict[int, int] = {}
    for a, b in links:
        ra, rb = _root(parent, a), _root(parent, b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for i in list(parent):
        groups.setdefault(_root(parent, i), []).append(i)
    out = [sorted(g, key=lambda i: (float(times[i]), i)) for g in groups.values()]
    return sorted(out, key=lambda g: (float(times[g[0]]), g[0]))


def find_links(
    times: NDArray[np.float64],
    vectors: Callable[[NDArray[np.intp]], NDArray[np.float32]],
    gap: float = STACK_GAP_S,
    cut: float = STACK_CUT,
    window: int = WINDOW,
) -> list[tuple[int, int]]:
    """Pairs of rows taken within `gap` seconds of each other (at most `window` shots apart)
    whose vectors have a cosine of at least `cut`. `vectors(rows)` gives those rows' unit
    vectors: they are read `LINK_CHUNK` frames at a time, because in a library copied without
    capture times every photo is seconds from the next, and a copy of all their vectors at
    once is gigabytes (1 GB per 200k photos, and the pair products twice that again)."""
    order = np.argsort(times, kind="stable")
    t = times[order]
    near = np.zeros(len(t), dtype=bool)
    if len(t) > 1:
        close = np.diff(t) <= gap
        near[1:] |= close
        near[:-1] |= close
    # Only photos with a neighbour within the gap can stack: most of a library has none, so
    # only those vectors are read.
    rows = order[near]
    t = t[near]
    links: list[tuple[int, int]] = []
    for start in range(0, len(t), LINK_CHUNK):
        stop = min(len(t), start + LINK_CHUNK)
        v = vectors(rows[start : min(len(t), stop + window)])
        for k in range(1, window + 1):
            at = np.arange(start, min(stop, len(t) - k))
            at = at[t[at + k] - t[at] <= gap]
            if at.size == 0:
                break  # times are sorted: no pair further apart can be within the gap either
            sims = np.einsum("ij,ij->i", v[at - start], v[at + k - start])
            links += [(int(rows[i]), int(rows[i + k])) for i in at[sims >= cut].tolist()]
    return links


def find_stacks(
    times: NDArray[np.float64],
    vecs: NDArray[np.float32],
    gap: float = STACK_GAP_S,
    cut: float = STACK_CUT,
) -> list[list[int]]:
    """Groups (of 2 or more) of row indices, each in capture order, groups by first frame."""

    def unit(rows: NDArray[np.intp]) -> NDArray[np.float32]:
        v = vecs[rows].astype(np.float32)
        v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
        return v

    return components(find_links(times, unit, gap, cut), times)


Link = tuple[int, int]


@dataclass(frozen=True)
class _Links:
    key: tuple[int, ...]
    at: float
    cost: float  # seconds the linking took
    names: list[str]
    times: NDArray[np.float64]
    links: list[Link]
    known: frozenset[str]  # the queue they were computed over


def stacked_tiles(items: Sequence[GridItem], stacks: Sequence[Stack]) -> list[GridItem]:
    """A grid page with each stack shown once: its first frame on the page stands for it,
    carrying every frame of the stack (itself first) so filing the tile files the burst;
    its other frames leave the page."""
    by_item = {i: s for s in stacks for i in s["items"]}
    shown: set[str] = set()
    out: list[GridItem] = []
    for it in items:
        stack = by_item.get(it["item"])
        if stack is None:
            out.append(it)
        elif stack["face"] not in shown:
            shown.add(stack["face"])
            frames = [it["item"], *(i for i in stack["items"] if i != it["item"])]
            out.append({**it, "frames": frames})
    return out


class Stacks:
    def __init__(self, session: Session, vectors: VectorIndex, facts: QueueFacts) -> None:
        self.session = session
        self.vectors = vectors
        self.facts = facts
        self._lock = threading.Lock()
        self._cached: _Links | None = None

    def _links(self, queued: list[str]) -> tuple[list[str], NDArray[np.float64], list[Link]]:
        """The links between queued photos, recomputed when indexing learned something (a
        vector, a capture time) and at most every `RELINK_S` while it keeps learning. Filing,
        pulling out and undo only filter these links: no recomputation per action."""
        seen, failed = self.vectors.tally()
        key = (seen, failed, self.facts.version)
        with self._lock:
            cached = self._cached
        if cached is not None:
            exact = cached.key == key and cached.known.issuperset(queued)
            # Linking 100k photos a second apart costs seconds: while indexing keeps learning
            # (or files keep arriving), relink at most every RELINK_S, or every 10
            # computations' worth of time; photos new since then join their stack after.
            recent = time.monotonic() - cached.at < max(RELINK_S, 10 * cached.cost)
            if exact or recent:
                return cached.names, cached.times, cached.links
        times = self.facts.times(queued)
        names, read = self.vectors.queued_reader([i for i in queued if i in times])
        t = np.array([times[i] for i in names], dtype=np.float64)
        started = time.monotonic()
        links = find_links(t, read)
        cost = time.monotonic() - started
        with self._lock:
            self._cached = _Links(key, time.monotonic(), cost, names, t, links, frozenset(queued))
        return names, t, links

    def stacks(self) -> list[Stack]:
        """The stacks of the queue now, without the frames reviewers pulled out."""
        queued = self.session.queue_items()
        self.facts.ensure(queued)
        names, t, links = self._links(queued)
        eligible = set(queued) - self.session.pulled_from_stacks()
        kept = [(a, b) for a, b in links if names[a] in eligible and names[b] in eligible]
        found: list[Stack] = []
        for group in components(kept, t):
            span = float(t[group[-1]] - t[group[0]])
            frames = [names[g] for g in group]
            found.append({"face": frames[0], "items": frames, "span_s": round(span, 3)})
        return found

    def file(
        self, items: Sequence[str], cluster: str, *, create: bool, reviewer: str
    ) -> StackFiled:
        """File a stack's frames (as the reviewer saw them) into `cluster` as one batch.
        Frames filed or trashed meanwhile are left out, never filed twice."""
        frames = list(dict.fromkeys(normalise_item(i) for i in items))
        if not frames:
            raise BadPath("a stack needs at least one frame")
        if len(frames) > MAX_STACK_FILE:
            raise BadPath(f"at most {MAX_STACK_FILE} frames at once")
        if not any(self.session.is_queued(i) for i in frames):
            raise Conflict("none of these frames is queued any more: filed meanwhile")
        plans = [MovePlan(i, "", cluster, {"stack": frames[0]}) for i in frames]
        batch, moved, failed = self.session.grid_batch(
            plans, mode="stack", cluster=cluster, create=create, reviewer=reviewer
        )
        if failed and not moved:
            raise nothing_moved(f"could not file the stack into {cluster!r}", failed)
        done = {r["item"] for r in moved} | {f["item"] for f in failed}
        return {
            "batch": batch,
            "cluster": cluster,
            "moved": [r["item"] for r in moved],
            "skipped": [i for i in frames if i not in done],
            "failed": [{"item": f["item"], "reason": f["reason"]} for f in failed],
            "records": moved,
        }
