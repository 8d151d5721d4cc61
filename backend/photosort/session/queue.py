"""The order in which queued photos are shown.

The order is a pure function of the queued set, the shuffle seed and two short lists: items
pushed to the front (undone decisions come back first) and items sent to the back (skips).
An uncertain-first order adds a ranking given from outside (lowest suggestion margin first,
worked out once when chosen, so the queue does not jump while the reviewer works); photos it
does not rank follow in the natural or shuffled order.
That keeps `state.json` small at 100k photos and lets a replay rebuild the order exactly.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from photosort.session.scan import natural_key


def _shuffle_key(seed: int, item: str) -> bytes:
    # A per-item hash rather than a permutation: adding or removing one photo does not
    # reshuffle all the others.
    # surrogateescape: a file name that is not UTF-8 hashes as its raw bytes (see paths.py).
    key = f"{seed}\x00{item}".encode("utf-8", "surrogateescape")
    return hashlib.blake2b(key, digest_size=8).digest()


class QueueOrder:
    def __init__(self) -> None:
        self.seed: int | None = None
        self.front: list[str] = []
        self.back: list[str] = []
        self.ranking: dict[str, int] = {}  # uncertain first: item -> rank
        self._items: set[str] = set()
        self._order: list[str] = []
        # Items `remove_many` took out of `_items` that `_order` still holds: an auto-move
        # removes 256 photos per chunk, and rebuilding a million-name list per chunk was most
        # of a batch at 1M. They are swept out in one pass the next time the order is read.
        self._gone: set[str] = set()
        # Items `push_front` put first since `_order` was last read, oldest first: undoing a
        # batch of 100k pushes 100k photos, and inserting each at the head of a million-name
        # list (and of `front`) made that undo take a minute. They join in one pass too.
        self._pushed: list[str] = []

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, item: object) -> bool:
        return item in self._items

    @property
    def items(self) -> Sequence[str]:
        self._sweep()
        return self._order

    def _sweep(self) -> None:
        """Put the pending pushes first and drop the items `remove_many` left in `_order`
        (one pass each, however many batches)."""
        if self._pushed:
            newest_first, self._pushed = self._pushed[::-1], []
            self.front[:0] = newest_first
            self._order[:0] = newest_first
        if self._gone:
            gone, self._gone = self._gone, set()
            self._order = [i for i in self._order if i not in gone]

    def index(self, item: str) -> int:
        return self._find(item)

    def _find(self, item: str) -> int:
        """Position of a queued item without a linear search of 100k names: `_order` is
        `front + middle + back`, and the middle is sorted by `_base_key`, so it bisects."""
        self._sweep()
        order = self._order
        f, end = len(self.front), len(order) - len(self.back)
        if f and item in self.front:
            return order.index(item, 0, f)
        if end < len(order) and item in self.back:
            return order.index(item, end)
        i = bisect.bisect_left(order, self._base_key(item), f, end, key=self._base_key)
        while i < end and order[i] != item:  # names whose keys tie (case, leading zeros)
            i += 1
        return i if i < end else order.index(item)

    def page(self, offset: int, limit: int) -> list[str]:
        self._sweep()
        return self._order[offset : offset + limit]

    def _base_key(self, item: str) -> Any:
        base = natural_key(item) if self.seed is None else _shuffle_key(self.seed, item)
        if not self.ranking:
            return base
        rank = self.ranking.get(item)
        return (0, rank, ()) if rank is not None else (1, 0, base)

    def _rebuild(self, shown: Sequence[str] | None = None) -> None:
        self._sweep()
        self._gone = set()  # the order is made afresh from `_items`
        self.front = [i for i in dict.fromkeys(self.front) if i in self._items]
        pinned = set(self.front)
        self.back = [i for i in dict.fromkeys(self.back) if i in self._items and i not in pinned]
        pinned.update(self.back)
        middle: list[str] | None = None
        if shown is not None:
            # The order as last shown, under the same seed, ranking and pins: its middle is
            # already sorted (sorting a million names by `natural_key` takes seconds).
            items = self._items
            middle = [i for i in shown if i in items and i not in pinned]
            if len(middle) + len(pinned) != len(items):
                middle = None
        if middle is None:
            middle = sorted((i for i in self._items if i not in pinned), key=self._base_key)
        self._order = [*self.front, *middle, *self.back]

    def shuffle(self, seed: int | None) -> None:
        """A new base order; earlier skips and undos no longer pin anything."""
        self._sweep()
        self.seed = seed
        self.ranking = {}
        self.front.clear()
        self.back.clear()
        self._rebuild()

    def rank_first(self, items: Sequence[str], seed: int | None) -> None:
        """These items first, in this order (uncertain first); the rest by `seed`."""
        self.shuffle(seed)
        self.ranking = {item: i for i, item in enumerate(dict.fromkeys(items))}
        self._rebuild()

    def remove(self, item: str) -> None:
        if item not in self._items:
            return
        # `_find` first: it may sweep, replacing `_order`, and `del self._order[...]` would
        # take the list before the index (deleting from the old one).
        at = self._find(item)
        del self._order[at]  # one filing: no sweep of the whole order later
        self._items.discard(item)
        if item in self.front:
            self.front.remove(item)
        if item in self.back:
            self.back.remove(item)

    def remove_many(self, items: Iterable[str]) -> None:
        """Remove many items at O(k): `_order` keeps them until it is next read (`_sweep`),
        so the chunks of a batch cost one pass over the order in all, not one each."""
        gone = {i for i in items if i in self._items}
        if not gone:
            return
        if self._pushed:
            self._sweep()  # so `front` below holds every pinned item
        self._items -= gone
        self._gone |= gone
        if self.front:
            self.front = [i for i in self.front if i not in gone]
        if self.back:
            self.back = [i for i in self.back if i not in gone]

    def push_front(self, item: str) -> None:
        if item not in self._items and item not in self._gone:
            self._items.add(item)  # not in `_order` in any form: it joins at the next read
            self._pushed.append(item)
            return
        self._sweep()  # a swept-out item coming back must not stand in `_order` twice
        self.remove(item)
        self._items.add(item)
        self.front.insert(0, item)
        self._order.insert(0, item)

    def push_back(self, item: str) -> None:
        self._sweep()
        self.remove(item)
        self._items.add(item)
        self.back.append(item)
        self._order.append(item)

    def add_many(self, items: Iterable[str]) -> None:
        """New photos join the base order where it puts them. A few (files copied in while the
        session runs) are bisected in rather than re-sorting 100k names."""
        new = [i for i in dict.fromkeys(items) if i not in self._items]
        self._sweep()
        if len(new) > 64:
            self.sync(self._items | set(new))
            return
        for item in new:
            self._items.add(item)
            lo, hi = len(self.front), len(self._order) - len(self.back)
            bisect.insort(self._order, item, lo, hi, key=self._base_key)

    def sync(
        self, items: set[str], shown: Sequence[str] | None = None
    ) -> tuple[set[str], set[str]]:
        """Adopt a fresh scan; returns (appeared, vanished). `shown`: these items in the
        order this same queue state last showed them (session/scancache.py), trusted to be
        sorted as this order sorts; anything else is sorted afresh."""
        appeared = items - self._items
        vanished = self._items - items
        if appeared or vanished:
            self._items = set(items)
            self._rebuild(shown)
        return appeared, vanished

    def snapshot(self) -> dict[str, Any]:
        self._sweep()
        return {
            "seed": self.seed,
            "front": list(self.front),
            "back": list(self.back),
            "ranked": len(self.ranking),
        }
