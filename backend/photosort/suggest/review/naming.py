"""Names proposed for a discovered group: CLIP zero-shot over a fixed list of everyday photo
subjects ("a photo of {subject}"), the subject whose text vector is nearest the group's mean
image vector. Embedders without a text tower propose nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from photosort.suggest.indexing.vectors import Vector

SUBJECTS = (
    "animals", "architecture", "art", "babies", "beach", "bicycles", "birds", "boats",
    "books", "bridges", "buildings", "cakes", "cars", "castles", "cats", "children",
    "churches", "cities", "clouds", "coins", "concerts", "desert", "documents", "dogs",
    "drinks", "fireworks", "fish", "flowers", "food", "forest", "fruit", "furniture",
    "gardens", "groups of people", "horses", "houses", "insects", "interiors", "lakes",
    "landscapes", "mammals", "maps", "markets", "mountains", "museums", "night",
    "paintings", "parties", "people", "pets", "planes", "plants", "portraits", "receipts",
    "rivers", "roads", "screenshots", "sculptures", "selfies", "ships", "shoes", "sky",
    "snow", "sport", "stamps", "streets", "sunsets", "toys", "trains", "trees",
    "vegetables", "waterfalls", "weddings", "wildlife",
)  # fmt: skip


class GroupNamer:
    """Caches the subjects' text vectors (one batch through the text tower)."""

    def __init__(self, embed_texts: Callable[[list[str]], np.ndarray]) -> None:
        self._embed = embed_texts
        self._lock = threading.Lock()
        self._matrix: np.ndarray | None = None

    def __call__(self, centre: Vector) -> str | None:
        with self._lock:
            if self._matrix is None:
                self._matrix = self._embed([f"a photo of {s}" for s in SUBJECTS])
            sims = self._matrix @ centre
        return SUBJECTS[int(np.argmax(sims))] if len(sims) else None
