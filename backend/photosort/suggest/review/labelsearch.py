"""Offline names and text search: each queued photo's ImageNet class probabilities (kept in
the embedding cache beside its vector by an embedder with a classifier head) read through the
class table of ml/labels.py. CLIP keeps its own zero-shot names and text tower."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from photosort.ml import imagenet_labels

Probs = NDArray[np.float32]
MIN_SCORE = 0.01  # below this the classifier does not see the word in the photo at all


class OfflineLabels:
    def __init__(self, probs: Callable[[list[str]], tuple[list[str], Probs]]) -> None:
        self.probs = probs  # the queued items that have class probabilities, and theirs

    def search(self, text: str, items: list[str], limit: int) -> tuple[list[str], list[float]]:
        """The items the classifier sees `text` in, most probable first (ties: queue order)."""
        hit = imagenet_labels().matches(text)
        if not hit.any():
            return [], []
        have, probs = self.probs(items)
        if not have:
            return [], []
        score = probs[:, hit].sum(axis=1)
        order = np.argsort(-score, kind="stable")[:limit]
        keep = [int(k) for k in order if score[k] >= MIN_SCORE]
        return [have[k] for k in keep], [round(float(score[k]), 4) for k in keep]

    def name(self, items: list[str]) -> str | None:
        """What a group's photos share, by the classifier (ml/labels.py)."""
        _, probs = self.probs(items)
        return imagenet_labels().name(probs) if len(probs) else None
