"""Duplicates anywhere in the queue, and "keep the best, trash the rest" as one batch.

- Exact: the same fingerprint (media/fingerprint.py) and the same whole-file content hash.
- Near: difference hashes within `NEAR_BITS` bits (found by pigeonhole banding, so 100k
  photos never compare all pairs) and, where both photos have a vector, cosine >= `NEAR_CUT`.
The best of a group is the largest resolution, then the sharpest thumbnail (variance of the
Laplacian), then the largest file; among equally good files the original name (not
`IMG_1 copy.jpg`, `IMG_1 (2).jpg`, `IMG_1-1.jpg`, `IMG_1_1.jpg` beside `IMG_1.jpg`), then the
oldest, then the name. Trashing goes to the session's trash folder
(`Session.trash_batch`): one `z` brings every file back.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal, TypedDict

import numpy as np
from PIL import Image

from photosort.errors import BadPath, Conflict, DecodeFailed, PhotosortError, nothing_moved
from photosort.fsinfo import path_identity, stat_key
from photosort.media import (
    PIL_DECODE_ERRORS,
    Fingerprints,
    Renditions,
    content_hash,
    hamming,
    probe,
    sharpness,
)
from photosort.session import Session, normalise_item, resolve_inside
from photosort.suggest.indexing.vectors import VectorIndex
from photosort.suggest.results import FailedItem
from photosort.suggest.review.facts import QueueFacts

NEAR_BITS = 4  # of 64 dHash bits
# Cosine, when both photos have a vector (bench/near_duplicates.py): with EfficientNet-Lite0's
# zoomed view, 0.80 keeps 95-100% of re-encoded and resized copies on stamps6 and lets 0-0.06%
# of different photos' pairs through; 0.95, set before the zoom, kept only 14-68% of them.
NEAR_CUT = 0.80
_BANDS = ((0, 13), (13, 26), (26, 39), (39, 52), (52, 64))  # NEAR_BITS + 1 bands (pigeonhole)
REPAIR_S = 5.0  # while indexing keeps learning, pairs are recomputed at most this often
MAX_BUCKET = 64  # a band value shared by more photos than this says nothing (flat images)


Pair = tuple[str, str]

# What a copy adds to a name: a Finder/Explorer copy marker always, a `-1` / `_1` counter only
# where the name without it is in the same group (`IMG_0005` alone is an original).
_COPY_MARK = re.compile(r"(?: copy(?: \d+)?| \(\d+\))$", re.IGNORECASE)
_COUNTER = re.compile(r"[-_]\d{1,3}$")


class Candidate(TypedDict):
    item: str
    width: int | None
    height: int | None
    sharpness: float | None
    size_bytes: int


class DuplicateGroup(TypedDict):
    kind: Literal["exact", "near"]
    best: str
    items: list[Candidate]  # best first


class TrashResult(TypedDict):
    batch: str
    kept: str
    trashed: list[str]
    skipped: list[str]
    failed: list[FailedItem]


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, a: str) -> str:
        self.parent.setdefault(a, a)
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[str]]:
        out: dict[str, list[str]] = {}
        for a in self.parent:
            out.setdefault(self.find(a), []).append(a)
        return [sorted(g) for g in out.values() if len(g) > 1]


def near_pairs(hashes: dict[str, int], bits: int = NEAR_BITS) -> list[tuple[str, str]]:
    """Pairs whose hashes differ in at most `bits` bits. Two such hashes agree exactly on at
    least one of `bits + 1` bands, so only photos sharing a band value are compared."""
    pairs: set[tuple[str, str]] = set()
    for lo, hi in _BANDS:
        mask = (1 << (hi - lo)) - 1
        buckets: dict[int, list[str]] = {}
        for item, h in hashes.items():
            buckets.setdefault((h >> lo) & mask, []).append(item)
        for members in buckets.values():
            if len(members) < 2 or len(members) > MAX_BUCKET:
                continue
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    if hamming(hashes[a], hashes[b]) <= bits:
                        pairs.add((a, b) if a < b else (b, a))
    return sorted(pairs)


class Duplicates:
    def __init__(
        self,
        session: Session,
        vectors: VectorIndex,
        facts: QueueFacts,
        fingerprints: Fingerprints,
        renditions: Renditions | None,
    ) -> None:
        self.session = session
        self.vectors = vectors
        self.facts = facts
        self.fingerprints = fingerprints
        self.renditions = renditions
        self._lock = threading.Lock()
        self._cached: (
            tuple[tuple[int, ...], float, frozenset[str], list[Pair], list[Pair]] | None
        ) = None
        self._hashes: dict[tuple[int, int, int, int], str] = {}
        self._candidates: dict[tuple[str, int, int, int], Candidate] = {}

    def groups(
        self, limit: int | None = None, head: int | None = None
    ) -> tuple[list[DuplicateGroup], int]:
        """Duplicate groups of the queue (the first `limit`, each with the best first; only
        those with a photo among the first `head` queued when given) and how many there are
        in the whole queue."""
        found = self._found()
        chosen = found
        if head is not None:
            near = set(self.session.queue_items(0, head))
            chosen = [kg for kg in found if not near.isdisjoint(kg[1])]
        chosen = chosen if limit is None else chosen[:limit]
        return [self._ranked(kind, items) for kind, items in chosen], len(found)

    def _found(self) -> list[tuple[str, list[str]]]:
        """(kind, items) of every duplicate group among the queued photos now."""
        queued = self.session.queue_items()
        self.facts.ensure(queued)
        exact, near = self._pairs(queued)
        here = set(queued)
        union = _Union()
        for a, b in [*exact, *near]:
            if a in here and b in here:
                union.join(a, b)
        same = {frozenset(p) for p in exact}
        found = []
        for g in union.groups():
            pairs_exact = all(frozenset((g[0], o)) in same for o in g[1:])
            found.append(("exact" if pairs_exact else "near", g))
        found.sort(key=lambda kg: (kg[0] != "exact", kg[1][0]))
        return found

    def _pairs(self, queued: list[str]) -> tuple[list[Pair], list[Pair]]:
        """Exact and near pairs, recomputed when indexing learned something, and then at most
        every `REPAIR_S` (filing, trashing and undo only filter them: nothing per action)."""
        seen, failed = self.vectors.tally()
        key = (seen, failed, self.facts.version)
        with self._lock:
            cached = self._cached
        if cached is not None:
            exact = cached[0] == key and cached[2].issuperset(queued)
            if exact or time.monotonic() - cached[1] < REPAIR_S:
                return cached[3], cached[4]
        exact_pairs = self._exact_pairs(queued)
        near = self._confirmed(near_pairs(self.facts.hashes(queued)))
        with self._lock:
            self._cached = (key, time.monotonic(), frozenset(queued), exact_pairs, near)
        return exact_pairs, near

    def _exact_pairs(self, queued: list[str]) -> list[tuple[str, str]]:
        """Same fingerprint, confirmed by a hash of every byte (read only for those photos)."""
        by_fp: dict[str, list[str]] = {}
        for item, fp in self.vectors.fingerprints(queued).items():
            by_fp.setdefault(fp, []).append(item)
        pairs = []
        for members in by_fp.values():
            if len(members) < 2:
                continue
            hashes = {i: self._content_hash(i) for i in sorted(members)}
            first_of: dict[str, str] = {}
            for item, h in hashes.items():
                if h is None:
                    continue
                if h in first_of:
                    pairs.append((first_of[h], item))
                else:
                    first_of[h] = item
        return pairs

    def _content_hash(self, item: str) -> str | None:
        try:
            path = resolve_inside(self.session.source, item)
            st = os.stat(path)
            key = stat_key(path, st)
            if key not in self._hashes:
                self._hashes[key] = content_hash(path)
            return self._hashes[key]
        except (OSError, PhotosortError):
            return None

    def _confirmed(self, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Near pairs whose vectors (where both have one) agree too."""
        if not pairs:
            return []
        names, mat = self.vectors.queued_vectors(sorted({x for p in pairs for x in p}))
        row = {n: i for i, n in enumerate(names)}
        if len(names):
            mat = mat / np.maximum(np.linalg.norm(mat, axis=1, keepdims=True), 1e-12)
        out = []
        for a, b in pairs:
            if a in row and b in row and float(mat[row[a]] @ mat[row[b]]) < NEAR_CUT:
                continue
            out.append((a, b))
        return out

    def _ranked(self, kind: str, items: list[str]) -> DuplicateGroup:
        cands = [self._candidate(i) for i in items]
        cands.sort(key=self._originality(items))
        cands.sort(key=_quality, reverse=True)
        return {
            "kind": "exact" if kind == "exact" else "near",
            "best": cands[0]["item"],
            "items": cands,
        }

    def _originality(self, items: list[str]) -> Callable[[Candidate], tuple[bool, int, str]]:
        """Sort key among equally good files, lower first: an original name before a copy's
        name, then the oldest (modification time), then the name."""
        stems = {_stem(i) for i in items}

        def key(c: Candidate) -> tuple[bool, int, str]:
            stem = _stem(c["item"])
            copy = bool(_COPY_MARK.search(stem))
            counter = _COUNTER.search(stem)
            copy = copy or (counter is not None and stem[: counter.start()] in stems)
            try:
                mtime = resolve_inside(self.session.source, c["item"]).stat().st_mtime_ns
            except OSError:
                mtime = 0
            return copy, mtime, c["item"]

        return key

    def _candidate(self, item: str) -> Candidate:
        """Size and sharpness of a queued photo, memoised by its stat (listings repeat)."""
        path = resolve_inside(self.session.source, item)
        try:
            st = path.stat()
        except OSError:
            return _unknown(item)
        key = (item, path_identity(path, st), st.st_size, st.st_mtime_ns)
        known = self._candidates.get(key)
        if known is None:
            known = self._measure(item, path, st.st_size)
            self._candidates[key] = known
        return known

    def _measure(self, item: str, path: Path, size: int) -> Candidate:
        width = height = None
        sharp = None
        try:
            info = probe(path)
            width, height = info.width, info.height
            sharp = self._sharpness(path)
        except (OSError, DecodeFailed):
            pass
        return {
            "item": item,
            "width": width,
            "height": height,
            "sharpness": sharp,
            "size_bytes": size,
        }

    def _sharpness(self, path: Path) -> float | None:
        try:
            fp = self.fingerprints.of(path)
            if self.renditions is None:
                return None
            with Image.open(self.renditions.path_for(path, fp, "thumb")) as im:
                return round(sharpness(im), 2)
        except PhotosortError:
            return None
        except PIL_DECODE_ERRORS:
            return None

    def keep_best(self, items: Sequence[str], *, reviewer: str) -> TrashResult:
        """Keep the best of these duplicates and trash the others, as one undoable batch. The
        photos must be (part of) one duplicate group the queue has now."""
        wanted = list(dict.fromkeys(normalise_item(i) for i in items))
        if len(wanted) < 2:
            raise BadPath("give at least two duplicates: the best is kept, the rest trashed")
        group = next((g for _, g in self._found() if set(wanted) <= set(g)), None)
        if group is None:
            raise Conflict("these photos are not (or no longer) duplicates of one another")
        ranked = self._ranked("near", sorted(wanted))
        best = ranked["best"]
        rest = [c["item"] for c in ranked["items"][1:]]
        batch, moved, failed = self.session.trash_batch(
            rest, kept=best, reason="duplicates: kept the best", reviewer=reviewer
        )
        if failed and not moved:
            raise nothing_moved("could not trash the duplicates", failed)
        trashed = {r["item"] for r in moved}
        done = trashed | {f["item"] for f in failed}
        return {
            "batch": batch,
            "kept": best,
            "trashed": [i for i in rest if i in trashed],
            "skipped": [i for i in rest if i not in done],
            "failed": [{"item": f["item"], "reason": f["reason"]} for f in failed],
        }


def _stem(item: str) -> str:
    return item.rpartition("/")[2].rpartition(".")[0] or item.rpartition("/")[2]


def _unknown(item: str) -> Candidate:
    return {"item": item, "width": None, "height": None, "sharpness": None, "size_bytes": 0}


def _quality(c: Candidate) -> tuple[int, float, int]:
    """Sort key, higher is better. Ties keep the order before (original names first, then
    the oldest): Python's sort is stable under `reverse=True` too."""
    return ((c["width"] or 0) * (c["height"] or 0), c["sharpness"] or 0.0, c["size_bytes"])
