"""The queue order against a plain model of what it promises: undone photos first (newest
first), skipped ones last, the rest in natural order. `QueueOrder` defers the work of batches
(removals swept, pushes joined at the next read), which must never show."""

from __future__ import annotations

import random

import pytest

from photosort.session.queue import QueueOrder
from photosort.session.scan import natural_key


class Model:
    def __init__(self, items: set[str]) -> None:
        self.items, self.front, self.back = set(items), [], []

    def order(self) -> list[str]:
        pinned = set(self.front) | set(self.back)
        middle = sorted((i for i in self.items if i not in pinned), key=natural_key)
        return [*self.front, *middle, *self.back]

    def remove(self, item: str) -> None:
        self.items.discard(item)
        for pins in (self.front, self.back):
            if item in pins:
                pins.remove(item)

    def push_front(self, item: str) -> None:
        self.remove(item)
        self.items.add(item)
        self.front.insert(0, item)

    def push_back(self, item: str) -> None:
        self.remove(item)
        self.items.add(item)
        self.back.append(item)


@pytest.mark.parametrize("seed", range(40))
def test_batches_of_undos_filings_and_skips_read_as_the_model_says(seed: int) -> None:
    rng = random.Random(seed)
    names = [f"IMG_{n}.jpg" for n in rng.sample(range(1, 400), 60)]
    start = set(rng.sample(names, 40))
    order, model = QueueOrder(), Model(start)
    order.sync(set(start))
    for _ in range(300):
        op, item = rng.random(), rng.choice(names)
        if op < 0.3:  # an undo batch: many pushes before anything reads the order
            for undone in rng.sample(names, rng.randint(1, 12)):
                order.push_front(undone)
                model.push_front(undone)
        elif op < 0.5:  # an auto-move chunk
            chunk = rng.sample(names, rng.randint(1, 10))
            order.remove_many(chunk)
            for filed in chunk:
                model.remove(filed)
        elif op < 0.65:
            order.remove(item)
            model.remove(item)
        elif op < 0.8:
            order.push_back(item)
            model.push_back(item)
        elif op < 0.9 and item in model.items:
            assert order.index(item) == model.order().index(item)
        if rng.random() < 0.4:  # reads come between some operations only
            assert len(order) == len(model.items)
            assert list(order.items) == model.order()
    assert list(order.items) == model.order()
    assert order.snapshot()["front"] == model.front
