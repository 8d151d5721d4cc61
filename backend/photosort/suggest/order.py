"""In which order indexing embeds photos, so the reviewer's first suggestion comes early.

A suggestion needs two vectors: the photo on screen and a centroid for every cluster. A
centroid needs only a few members, so indexing runs in three phases:

1. `clusters`: the first few members of every cluster, round-robin (every cluster gets a
   vector after one photo each, however many members the big ones have);
2. `queue`: the queue in the order the reviewer sees it (current position first; skips and
   shuffles are already in that order);
3. `members`: the rest of the cluster members (they refine the centroids).

`indexing_order` is a pure function over plain data (no session, no I/O); `PhaseTracker`
remembers, per phase, what the last full scan found still to embed, for progress.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import zip_longest
from typing import Final, Literal

Key = tuple[str, str]  # ("s", item relative to source) | ("d", member relative to dest)
Phase = Literal["clusters", "queue", "members"]

SEEDS_PER_CLUSTER: Final = 3


@dataclass(frozen=True)
class IndexingOrder:
    seeds: list[Key]  # phase `clusters`
    queue: list[Key]  # phase `queue`
    rest: list[Key]  # phase `members`

    def in_order(self) -> list[Key]:
        return [*self.seeds, *self.queue, *self.rest]


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
    return IndexingOrder(seeds, [("s", i) for i in queue], rest)


class PhaseTracker:
    """Where indexing stands in the order's phases. Thread-safe: the indexing thread settles
    keys, the event thread forgets moved photos, request threads read the counts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seeds: list[Key] = []  # the members of phase `clusters`, from the last full scan
        self._scanned = False  # until the first full scan, nothing is known to be embedded
        self._unsettled: dict[Phase, set[Key]] = {
            "clusters": set(),
            "queue": set(),
            "members": set(),
        }

    def planned(self, plan: IndexingOrder, needs_work: Callable[[Key], bool]) -> None:
        """A full scan made `plan`: what of it still needs work is unsettled."""
        with self._lock:
            self._seeds = list(plan.seeds)
            self._scanned = True
            self._unsettled = {
                "clusters": {k for k in plan.seeds if needs_work(k)},
                "queue": {k for k in plan.queue if needs_work(k)},
                "members": {k for k in plan.rest if needs_work(k)},
            }

    def settled(self, key: Key) -> None:
        """`key` was embedded, failed, or left the folder it was scanned in."""
        with self._lock:
            for keys in self._unsettled.values():
                keys.discard(key)

    def seeds(self) -> list[Key]:
        with self._lock:
            return list(self._seeds)

    def seeding(self) -> bool:
        """Some cluster seeds are not embedded yet."""
        with self._lock:
            return bool(self._unsettled["clusters"])

    def unsettled(self) -> dict[Phase, int] | None:
        """How many keys of each phase are still to embed; None before the first full scan."""
        with self._lock:
            if not self._scanned:
                return None
            return {phase: len(keys) for phase, keys in self._unsettled.items()}
