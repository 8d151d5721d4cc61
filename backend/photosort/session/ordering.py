"""The queue as reviewers see it: its pages, and the lines that reorder it (skip, shuffle,
uncertain-first or natural order, a frame pulled out of its stack). Each is journaled with
what undo restores; the order itself lives in `QueueOrder` (session/queue.py)."""

from __future__ import annotations

import random
from collections.abc import Sequence

from photosort.session.core import SessionCore
from photosort.session.journal import Record
from photosort.session.paths import normalise_item
from photosort.session.records import OrderLine, ShuffleLine


class Ordering:
    def __init__(self, core: SessionCore) -> None:
        self.core = core

    def items(self, offset: int = 0, limit: int | None = None) -> list[str]:
        with self.core.lock:
            items = self.core.state.order.items
            if offset == 0 and limit is None:  # the whole queue: one copy, not a slice's two
                return list(items)
            return list(items[offset:] if limit is None else items[offset : offset + limit])

    def length(self) -> int:
        with self.core.lock:
            return len(self.core.state.order)

    def position(self, item: str) -> int | None:
        with self.core.lock:
            order = self.core.state.order
            return order.index(item) if item in order else None

    def is_queued(self, item: str) -> bool:
        with self.core.lock:
            return item in self.core.state.order

    def pulled(self) -> frozenset[str]:
        with self.core.lock:
            return frozenset(self.core.state.pulled)

    def skip(self, item: str, reviewer: str) -> Record:
        core = self.core
        core.writable()
        with core.lock:
            item = normalise_item(item)
            core.queued_path(item)
            return core.journal_line({"type": "skip", "item": item, "reviewer": reviewer})

    def pull_from_stack(self, item: str, reviewer: str) -> Record:
        core = self.core
        core.writable()
        with core.lock:
            item = normalise_item(item)
            core.queued_path(item)
            return core.journal_line({"type": "stack-pull", "item": item, "reviewer": reviewer})

    def shuffle(self, seed: int | None, reviewer: str) -> Record:
        core = self.core
        core.writable()
        with core.lock:
            if seed is None:
                seed = random.SystemRandom().randrange(1, 2**31)
            order = core.state.order
            line: ShuffleLine = {
                "type": "shuffle",
                "seed": seed,
                "previous_seed": order.seed,
                "previous_items": sorted(order.ranking, key=order.ranking.__getitem__),
                "reviewer": reviewer,
            }
            return core.journal_line(line)

    def rank_first(self, items: Sequence[str], natural: bool, reviewer: str) -> Record:
        core = self.core
        core.writable()
        with core.lock:
            order = core.state.order
            ranked = [i for i in dict.fromkeys(normalise_item(i) for i in items) if i in order]
            line: OrderLine = {
                "type": "order",
                "order": "uncertain" if ranked else "natural" if natural else "plain",
                "items": ranked,
                "seed": None if natural else order.seed,
                "previous_items": sorted(order.ranking, key=order.ranking.__getitem__),
                "previous_seed": order.seed,
                "reviewer": reviewer,
            }
            return core.journal_line(line)
