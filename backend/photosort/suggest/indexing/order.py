"""In which order indexing embeds photos, so the reviewer's first suggestion comes early.

A suggestion needs two vectors: the photo on screen and a centroid for every cluster. A
centroid needs only a few members, so indexing runs in three phases:

1. `clusters`: the first few members of every cluster, round-robin (every cluster gets a
   vector after one photo each, however many members the big ones have);
2. `queue`: the queue in the order the reviewer sees it (current position first; skips and
   shuffles are already in that order);
3. `members`: the rest of the cluster members (they refine the centroids).

`indexing_order` is a pure function over plain data (no session, no I/O); `Backlog` hands out
what a full scan found still to embed, in that order, a chunk at a time; `PhaseTracker`
remembers, per phase, what the last full scan found still to embed, for progress.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import zip_longest
from typing import Final, Literal

Key = tuple[str, str]  # ("s", item relative to source) | ("d", member relative to dest)
Phase = Literal["clusters", "queue", "members"]

SEEDS_PER_CLUSTER: Final = 3


@dataclass(frozen=True)
class IndexingOrder:
    seeds: list[Key]  # phase `clusters`
    items: Sequence[str]  # phase `queue`: the queued items, as names (see `queue`)
    rest: list[Key]  # phase `members`

    @property
    def queue(self) -> list[Key]:
        """Phase `queue` as keys. Built only when asked: at a million queued photos the
        tuples alone cost the indexing thread a second, so the indexer walks `items`."""
        return [("s", i) for i in self.items]

    def __len__(self) -> int:
        return len(self.seeds) + len(self.items) + len(self.rest)

    def in_order(self) -> list[Key]:
        return [*self.seeds, *self.queue, *self.rest]


def cluster_of(key: Key) -> str:
    return key[1].rpartition("/")[0]


def first_suggestion_first(seeds: Sequence[Key], head: Sequence[Key]) -> list[Key]:
    """`seeds` (members, round-robin) and `head` (the reviewer's next photos) in the order the
    first suggestion wants them: one seed of every cluster and the photo on screen, then the
    other seeds and photos. The first suggestion needs only the former (a centroid of one
    member each); the other seeds refine it a batch later."""
    firsts: list[Key] = []
    others: list[Key] = []
    seen: set[str] = set()
    for key in seeds:
        cluster = cluster_of(key)
        (others if cluster in seen else firsts).append(key)
        seen.add(cluster)
    return [*firsts, *head[:1], *others, *head[1:]]


def _round_robin(columns: Iterable[Sequence[str]]) -> list[Key]:
    out: list[Key] = []
    for row in zip_longest(*columns):
        out += [("d", m) for m in row if m is not None]
    return out


def indexing_order(
    queue: Sequence[str],
    members: Mapping[str, Iterable[str]],
    *,
    seeds_per_cluster: int = SEEDS_PER_CLUSTER,
) -> IndexingOrder:
    """The indexing order for `queue` (items in the reviewer's order) and `members` (cluster
    name -> member paths relative to dest, as `cluster/name`).

    Members are taken in name order within a cluster and clusters in name order, so the
    order is the same on every start (a restart finds the same seeds in the cache).
    """
    per_cluster = [sorted(members[c]) for c in sorted(members)]
    seeds = _round_robin(ms[:seeds_per_cluster] for ms in per_cluster)
    rest = _round_robin(ms[seeds_per_cluster:] for ms in per_cluster)
    return IndexingOrder(seeds, queue, rest)


class Backlog:
    """What a full scan found still to embed, in `IndexingOrder`'s order, taken from the front
    a chunk at a time. Queued items become keys only as they are taken, and keys taken but
    not worked yet can be put back in front."""

    def __init__(self, pending: IndexingOrder) -> None:
        self._front: list[Key] = []
        self._seeds, self._items, self._rest = pending.seeds, pending.items, pending.rest
        self._at = [0, 0, 0]  # how far each of the three parts has been taken

    def __len__(self) -> int:
        parts = (self._seeds, self._items, self._rest)
        return len(self._front) + sum(len(p) - a for p, a in zip(parts, self._at, strict=True))

    def take(self, n: int) -> list[Key]:
        """The next `n` keys (fewer at the end), removed."""
        out = self._front[:n]
        del self._front[:n]
        out += self._slice(0, self._seeds, n - len(out))
        at, stop = self._at[1], min(len(self._items), self._at[1] + n - len(out))
        out += [("s", i) for i in self._items[at:stop]]
        self._at[1] = stop
        out += self._slice(2, self._rest, n - len(out))
        return out

    def _slice(self, part: int, keys: list[Key], n: int) -> list[Key]:
        at = self._at[part]
        self._at[part] = min(len(keys), at + n)
        return keys[at : self._at[part]]

    def put_back(self, keys: Sequence[Key]) -> None:
        """`keys` (taken last, in order) come first again."""
        self._front[:0] = keys


SET_SLICE: Final = 65_536  # items per C-level set update: no one call holds the GIL for long


class PhaseTracker:
    """Where indexing stands in the order's phases. Thread-safe: the indexing thread settles
    keys, the event thread forgets moved photos, request threads read the counts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seeds: list[Key] = []  # the members of phase `clusters`, from the last full scan
        self._scanned = False  # until the first full scan, nothing is known to be embedded
        self._clusters: set[Key] = set()
        self._queue: set[str] = set()  # queued items by name: phase `queue` holds no member
        self._members: set[Key] = set()

    def planned(self, plan: IndexingOrder, pending: IndexingOrder) -> None:
        """A full scan made `plan`, of which `pending` (the same, filtered) still needs work."""
        queue: set[str] = set()
        for a in range(0, len(pending.items), SET_SLICE):
            queue.update(pending.items[a : a + SET_SLICE])
        clusters, members = set(pending.seeds), set(pending.rest)
        with self._lock:
            self._seeds = list(plan.seeds)
            self._scanned = True
            self._clusters, self._queue, self._members = clusters, queue, members

    def settled(self, key: Key) -> None:
        """`key` was embedded, failed, or left the folder it was scanned in."""
        self.settled_many((key,))

    def settled_many(self, keys: Iterable[Key]) -> None:
        with self._lock:
            for key in keys:
                if key[0] == "s":
                    self._queue.discard(key[1])
                else:
                    self._clusters.discard(key)
                    self._members.discard(key)

    def seeds(self) -> list[Key]:
        with self._lock:
            return list(self._seeds)

    def seeding(self) -> bool:
        """Some cluster seeds are not embedded yet."""
        with self._lock:
            return bool(self._clusters)

    def unsettled(self) -> dict[Phase, int] | None:
        """How many keys of each phase are still to embed; None before the first full scan."""
        with self._lock:
            if not self._scanned:
                return None
            return {
                "clusters": len(self._clusters),
                "queue": len(self._queue),
                "members": len(self._members),
            }
