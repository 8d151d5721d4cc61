"""What indexing has learned so far: each photo's fingerprint, each fingerprint's vector (a row
of the memory-mapped `VectorMatrix`), the photos that could not be decoded, the cluster
centroids built from the members' vectors, and every row's scores against them (`ScoreTable`).

Keys are ("s", item relative to source) for queued photos and ("d", path relative to dest)
for cluster members. One lock guards it all; callers that also need the session's lock take
the session's first (the order events arrive in), so the two can never deadlock.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from photosort.ml import AnnIndex, VectorMatrix
from photosort.suggest.indexing.centroids import Centroids
from photosort.suggest.indexing.neighbours import NeighbourSearch
from photosort.suggest.indexing.scores import ScoreTable

Key = tuple[str, str]
Vector = NDArray[np.float32]
# Per item: cluster names best first and their scores, in the same order.
Ranking = tuple[list[str], list[float]]
REMEMBER_ROWS = 10_000  # queue_rows remembers its answer for lists at least this long
CHANGE_LOG = 64  # item -> row changes remembered, so a remembered answer can be patched
SLICE = 32_768  # keys checked per hold of the lock: a request waits milliseconds, not a scan


@dataclass(frozen=True)
class QueueTop:
    """The first and second suggestion of queued items, as arrays over the embedded ones."""

    names: list[str]  # cluster per column
    positions: NDArray[np.intp]  # index into the items asked about, for each embedded one
    rows: NDArray[np.intp]  # matrix row of each
    first: NDArray[np.intp]  # best cluster's column
    score: NDArray[np.float64]  # float32 scores, widened as Python floats would be
    margin: NDArray[np.float64]  # first minus second score; 2.0 with a single cluster

    def __len__(self) -> int:
        return len(self.rows)


class VectorIndex:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.centroids: Centroids | None = None  # None until the embedder (its dim) is known
        self.matrix: VectorMatrix | None = None
        self.scores: ScoreTable | None = None
        self._fp: dict[Key, str] = {}
        self._errors: dict[Key, str] = {}
        # Queued item -> matrix row, for those whose vector is in; queued items seen with a
        # fingerprint whose vector has not landed yet wait in _waiting under it.
        self._qrow: dict[str, int] = {}
        # ... and back: the queued item(s) at a row (several only for identical content).
        self._row_item: dict[int, str] = {}
        self._row_more: dict[int, set[str]] = {}
        self._qversion = 0  # bumped by every change to the map
        # (version, item) of the latest changes: what `queue_rows` patches its memo with
        self._changes: list[tuple[int, str]] = []
        self._rows_memo: tuple[int, list[str], NDArray[np.intp]] | None = None
        self._waiting: dict[str, set[str]] = {}
        # Photos filed while their vector was being computed: they join a centroid on landing.
        self._awaiting_vector: dict[str, set[Key]] = {}
        self._search = NeighbourSearch(self)
        self.step = StepMoves()

    def start(self, dim: int, path: Path | None = None) -> None:
        """The embedder is known: open its matrix (at `path`, else a private temporary file)
        and link what was seen before."""
        # Opening reads the whole file once (the unit-length check): not under the lock,
        # so the queue's pages are served meanwhile.
        matrix = VectorMatrix(dim, path)
        with self.lock:
            self.matrix = matrix
            self.centroids = Centroids(dim, self.matrix.take)
            self.scores = ScoreTable(self.matrix)
            for key, fp in self._fp.items():
                if key[0] == "s":
                    self._link(key[1], fp)

    def close(self) -> None:
        with self.lock:
            if self.matrix is not None:
                self.matrix.close()

    def _row(self, fp: str | None) -> int | None:
        return self.matrix.row(fp) if self.matrix is not None and fp is not None else None

    def _link(self, item: str, fp: str) -> None:
        row = self._row(fp)
        if row is None:
            self._unqueue(item)
            self._waiting.setdefault(fp, set()).add(item)
        else:
            self._enqueue(item, row)

    def _enqueue(self, item: str, row: int) -> None:
        if self._qrow.get(item) == row:
            return
        self._unqueue(item)
        self._changed(item)
        self._qrow[item] = row
        if row in self._row_item:
            self._row_more.setdefault(row, set()).add(item)
        else:
            self._row_item[row] = item

    def _unqueue(self, item: str) -> None:
        row = self._qrow.pop(item, None)
        if row is None:
            return
        self._changed(item)
        more = self._row_more.get(row)
        if self._row_item.get(row) == item:
            if more:
                self._row_item[row] = more.pop()
            else:
                del self._row_item[row]
        elif more is not None:
            more.discard(item)
        if more is not None and not more:
            del self._row_more[row]

    def _changed(self, item: str) -> None:
        self._qversion += 1
        self._changes.append((self._qversion, item))
        if len(self._changes) > 2 * CHANGE_LOG:
            del self._changes[:CHANGE_LOG]

    def _changed_since(self, version: int) -> set[str] | None:
        """The items whose row changed after `version`; None when the log no longer
        reaches back that far."""
        if version == self._qversion:
            return set()
        if not self._changes or self._changes[0][0] > version + 1:
            return None
        return {item for v, item in self._changes if v > version}

    def is_queued_row(self, row: int) -> bool:
        return row in self._row_item

    def queued_at(self, row: int) -> list[str]:
        """The queued items whose vector is this row."""
        with self.lock:
            first = self._row_item.get(row)
            return [] if first is None else [first, *sorted(self._row_more.get(row, ()))]

    # ---------------------------------------------------------------- indexing
    def needs_work(self, key: Key) -> bool:
        with self.lock:
            return key not in self._errors and self._row(self._fp.get(key)) is None

    def pending(self, keys: Sequence[Key]) -> list[Key]:
        """`needs_work` for many keys: those that do, in order. The lock is taken once per
        slice, not per key (a full scan of a million photos made a million acquisitions)."""
        out: list[Key] = []
        for a in range(0, len(keys), SLICE):
            part = keys[a : a + SLICE]
            with self.lock:
                if not self._fp and not self._errors:  # nothing seen yet: a (warm) start
                    out += part
                    continue
                errors, fp_of, row = self._errors, self._fp.get, self._row
                out += [k for k in part if k not in errors and row(fp_of(k)) is None]
        return out

    def pending_items(self, items: Sequence[str]) -> list[str]:
        """`pending` for queued items by name, without a key for each: an item linked to a
        row needs nothing (rows are never taken back while the process runs)."""
        out: list[str] = []
        for a in range(0, len(items), SLICE):
            part = items[a : a + SLICE]
            with self.lock:
                if not self._fp and not self._errors:
                    out += part
                    continue
                linked, errors, fp_of, row = self._qrow, self._errors, self._fp.get, self._row
                unlinked = [i for i in part if i not in linked]
                out += [
                    i for i in unlinked if ("s", i) not in errors and row(fp_of(("s", i))) is None
                ]
        return out

    def undecodable(self, side: str) -> set[str]:
        """The paths under `side` ("s" or "d") that failed to decode."""
        with self.lock:
            return {k[1] for k in self._errors if k[0] == side}

    def has_vector(self, fp: str) -> bool:
        with self.lock:
            return self._row(fp) is not None

    def failed_to_decode(self, key: Key) -> bool:
        with self.lock:
            return key in self._errors

    def seen(self, key: Key, fp: str) -> None:
        with self.lock:
            self._fp[key] = fp
            if key[0] == "s":
                self._link(key[1], fp)

    def link_many(self, keys: Sequence[Key], fps: Sequence[str]) -> list[bool]:
        """`seen` for a batch, then `attach` for those whose vector is in already; per key,
        whether it was (or moved since the step began: `StepMoves`). One hold of the lock."""
        with self.lock:
            moved = self.step.moved
            for key, fp in zip(keys, fps, strict=True):
                if key in moved:
                    continue
                self._fp[key] = fp
                if key[0] == "s":
                    self._link(key[1], fp)
            pairs = zip(keys, fps, strict=True)
            have = [k in moved or self._row(fp) is not None for k, fp in pairs]
            for key, known in zip(keys, have, strict=True):
                if known and key[0] == "d" and key not in moved:
                    self._member_embedded(key)
        return have

    def failed(self, key: Key, message: str, path: str) -> bool:
        """`key` could not be read at `path`; False when its photo moved or is gone."""
        with self.lock:
            if key in self.step.moved or not os.path.lexists(path):
                return False
            self._errors[key] = message
            return True

    def landed(self, key: Key, fp: str, vec: Vector) -> None:
        self.landed_many([key], [fp], vec.reshape(1, -1))

    def landed_many(self, keys: Sequence[Key], fps: Sequence[str], vecs: Vector) -> None:
        """Vectors arrived (from the cache or the model), one per key, in one batch."""
        with self.lock:
            if self.matrix is None:
                return
            rows = self.matrix.put_many(fps, vecs)
            for key, fp, row in zip(keys, fps, rows.tolist(), strict=True):
                if key[0] == "s" and self._fp.get(key) == fp:
                    self._enqueue(key[1], row)
                for item in self._waiting.pop(fp, ()):
                    if self._fp.get(("s", item)) == fp:
                        self._enqueue(item, row)
                self._member_embedded(key)
                for member in self._awaiting_vector.pop(fp, set()):
                    if self._fp.get(member) == fp:
                        self._member_embedded(member)

    def attach(self, key: Key) -> None:
        """`key` was seen with a fingerprint whose vector is already in: count it in."""
        with self.lock:
            self._member_embedded(key)

    def _member_embedded(self, key: Key) -> None:
        if key[0] != "d" or self.centroids is None:
            return
        row = self._row(self._fp.get(key))
        if row is not None:
            self.centroids.add(key[1].rpartition("/")[0], key[1], row)

    def tally(self) -> tuple[int, int]:
        """(photos seen, photos that failed)."""
        with self.lock:
            return len(self._fp) + len(self._errors), len(self._errors)

    def decode_error(self, item: str) -> str | None:
        with self.lock:
            return self._errors.get(("s", item))

    # ---------------------------------------------------------------- session changes
    def moved(self, old: Key, new: Key, cluster: str | None, *, add: bool) -> None:
        """A photo moved (filed, trashed, or brought back by undo): carry what is known."""
        with self.lock:
            self.step.saw(old, new)
            fp = self._fp.pop(old, None)
            error = self._errors.pop(old, None)
            if old[0] == "s":
                self._unqueue(old[1])
            self.reread(new)  # what a read left at `new` was of another photo, or of none
            if fp is not None:
                self._fp[new] = fp
                if new[0] == "s":
                    self._link(new[1], fp)
            if error is not None:
                self._errors[new] = error
            if self.centroids is None or not cluster:
                return
            if add:
                row = self._row(fp)
                if row is not None:
                    self.centroids.add(cluster, new[1], row)
                elif fp is not None:
                    self._awaiting_vector.setdefault(fp, set()).add(new)
            else:
                # Undo takes out exactly the vector this photo contributed.
                self.centroids.remove(cluster, old[1])

    def reread(self, key: Key) -> None:
        """`key`'s file was written again: what was read of it no longer holds."""
        with self.lock:
            self._fp.pop(key, None)
            self._errors.pop(key, None)
            if key[0] == "s":
                self._unqueue(key[1])

    def ensure_cluster(self, cluster: str) -> None:
        with self.lock:
            if self.centroids is not None:
                self.centroids.ensure_cluster(cluster)

    def rebuild(self, members: Mapping[str, frozenset[str]]) -> None:
        """Centroids from these members (start, or files changed behind the tool's back)."""
        with self.lock:
            if self.centroids is None:
                return
            pairs: dict[str, list[tuple[str, int]]] = {}
            for cluster, ms in members.items():
                pairs[cluster] = []
                for m in ms:
                    row = self._row(self._fp.get(("d", m)))
                    if row is not None:
                        pairs[cluster].append((m, row))
            self.centroids.rebuild(pairs)

    # ---------------------------------------------------------------- ranking
    def counts(self) -> dict[str, int]:
        with self.lock:
            return self.centroids.counts() if self.centroids else {}

    def fingerprints(self, items: list[str]) -> dict[str, str]:
        """The content fingerprint of each of these queued items that indexing has seen."""
        with self.lock:
            found = ((i, self._fp.get(("s", i))) for i in items)
            return {i: fp for i, fp in found if fp is not None}

    def queue_rows(self, items: Sequence[str]) -> NDArray[np.intp]:
        """Matrix row per queued item, -1 where its vector is not in yet. The answer for the
        whole queue is kept: an estimate asked again (the reviewer moving the threshold)
        then costs a comparison of the two lists (the same string objects, so pointer by
        pointer), not a million lookups; after a filing or an undo (a few items in or out,
        their rows changed) the kept answer is patched rather than looked up afresh."""
        with self.lock:
            if len(items) < REMEMBER_ROWS:
                return self._lookup(items)
            known, version = self._rows_memo, self._qversion
            if known is not None and known[0] == version and known[1] == items:
                return known[2]
            changed = self._changed_since(known[0]) if known is not None else None
        # Outside the lock, so a filing's update never waits for this: each `get` is
        # atomic, and the answer is kept under the version it started from, so a change
        # meanwhile is in the log and patched in next time.
        rows = None
        if known is not None and changed is not None and len(changed) <= CHANGE_LOG:
            rows = _patched(known[1], known[2], items, changed, self._qrow.get)
        if rows is None:
            rows = self._lookup(items)  # a million lookups: 0.2 s
        rows.setflags(write=False)
        with self.lock:
            self._rows_memo = (version, list(items), rows)
        return rows

    def _lookup(self, items: Sequence[str]) -> NDArray[np.intp]:
        return np.fromiter(
            map(self._qrow.get, items, itertools.repeat(-1)), dtype=np.intp, count=len(items)
        )

    def queued_vectors(self, items: list[str]) -> tuple[list[str], Vector]:
        """The embedded ones of these queued items and their vectors, stacked in that order."""
        with self.lock:
            rows = self.queue_rows(items)
            present = np.flatnonzero(rows >= 0)
            if self.matrix is None or not len(present):
                return [], np.zeros((0, 0), dtype=np.float32)
            return [items[k] for k in present], self.matrix.take(rows[present])

    def ranked(self, items: list[str]) -> dict[str, Ranking]:
        """Clusters by similarity for each embedded item (items not embedded yet are left
        out; empty when no cluster has an embedded member to rank against)."""
        with self.lock:
            if self.centroids is None or self.scores is None:
                return {}
            rows = self.queue_rows(items)
            present = np.flatnonzero(rows >= 0)
            names, cent = self.centroids.matrix()
            if not len(present) or not names:
                return {}
        # Outside the index's lock: a pass over the matrix must not hold up a filing.
        sims = self.scores.at(names, cent, rows[present])
        order = np.argsort(-sims, axis=1, kind="stable")
        ordered = np.take_along_axis(sims, order, axis=1).tolist()
        return {
            items[k]: ([names[j] for j in order[n]], ordered[n])
            for n, k in enumerate(present.tolist())
        }

    def queue_top(self, items: Sequence[str]) -> QueueTop:
        """First suggestion, its score and margin for every embedded one of these items, read
        from the score table (no vector is touched unless a centroid moved)."""
        with self.lock:
            rows = self.queue_rows(items)
            present = np.flatnonzero(rows >= 0)
            names: list[str] = []
            if self.centroids is not None and self.scores is not None:
                names, cent = self.centroids.matrix()
            if not names or self.scores is None:
                return empty_top()
        # Outside the index's lock (the table has its own): rows only ever get appended, so
        # these stay valid, and a filing meanwhile does not wait for a pass over the matrix.
        top = self.scores.top(names, cent)
        r = rows[present]
        score = top.score[r].astype(np.float64)
        second = top.second[r].astype(np.float64)
        margin = np.where(np.isfinite(second), score - second, 2.0)
        return QueueTop(list(names), present, r, top.first[r], score, margin)

    def nearest(
        self, anchor: Vector, queue: Callable[[], Sequence[str]], limit: int
    ) -> list[tuple[str, float]]:
        """(item, cosine) of the `limit` embedded queued items nearest `anchor`, best first
        (`NeighbourSearch.nearest`)."""
        return self._search.nearest(anchor, queue, limit)

    def prepare_search(self) -> None:
        """Start building the nearest-neighbour index if the library is large enough."""
        self._search.prepare()

    @property
    def ann(self) -> AnnIndex | None:
        """The nearest-neighbour index, once the library was large enough to build one."""
        return self._search.ann

    def locate(self, top: QueueTop, items: Sequence[str], wanted: Iterable[str]) -> dict[str, int]:
        """Where each of a few `wanted` items sits in `top` (built from `items`), found by
        row rather than by a scan of the whole queue."""
        want = set(wanted)
        rows = self.queue_rows(list(want))
        out: dict[str, int] = {}
        for k in np.flatnonzero(np.isin(top.rows, rows[rows >= 0])).tolist():
            item = items[int(top.positions[k])]
            if item in want:
                out[item] = k
        return out


class StepMoves:
    """The keys whose photo moved (filed, trashed, undone) while an indexing step was under
    way: what the step read at those paths may have been read before the move, or failed
    because of it (a reviewer's move, not a broken file), so it is dropped and the keys
    looked at again. Only kept during a step, so it never grows with the session. Guarded
    by the index's lock."""

    def __init__(self) -> None:
        self.moved: set[Key] = set()
        self._running = False

    def begin(self) -> None:
        self.moved, self._running = set(), True

    def end(self) -> set[Key]:
        """The step is over: the keys that moved during it (to look at again)."""
        moved, self.moved, self._running = self.moved, set(), False
        return moved

    def saw(self, old: Key, new: Key) -> None:
        if self._running:
            self.moved.update((old, new))


def _patched(
    old: list[str],
    old_rows: NDArray[np.intp],
    items: Sequence[str],
    changed: set[str],
    row_of: Callable[[str, int], int],
) -> NDArray[np.intp] | None:
    """`old_rows` (the rows of `old`) made the rows of `items`, when `items` is `old` with
    only `changed` items taken out, put in or given another row (each item is queued once);
    None when the two lists differ otherwise (another order: look every item up)."""
    at_old, at_new = _positions(old, changed), _positions(items, changed)
    if at_old is None or at_new is None or len(old) - len(at_old) != len(items) - len(at_new):
        return None
    rest_old, rest_new = list(old), list(items)
    for p in reversed(at_old):
        del rest_old[p]
    for p in reversed(at_new):
        del rest_new[p]
    if rest_old != rest_new:
        return None
    rows = np.empty(len(items), dtype=np.intp)
    kept = np.ones(len(items), dtype=bool)
    kept[at_new] = False
    rows[kept] = np.delete(old_rows, at_old)
    rows[at_new] = [row_of(items[p], -1) for p in at_new]
    return rows


def _positions(items: Sequence[str], wanted: set[str]) -> list[int] | None:
    """Where each of these few items stands in `items`, ascending (absent ones left out);
    None when one stands there twice."""
    out: list[int] = []
    for item in wanted:
        try:
            at = items.index(item)
        except ValueError:
            continue
        with contextlib.suppress(ValueError):
            items.index(item, at + 1)
            return None
        out.append(at)
    return sorted(out)


def empty_top() -> QueueTop:
    none = np.zeros(0, dtype=np.intp)
    return QueueTop([], none, none, none, np.zeros(0), np.zeros(0))
