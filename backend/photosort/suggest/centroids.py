"""Cluster centroids kept up to date one vector at a time, and ranked suggestions from them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Vector = NDArray[np.float32]


@dataclass(frozen=True)
class Ranked:
    clusters: list[str]
    scores: NDArray[np.float32]  # (n_items, n_clusters), rows sorted descending
    order: NDArray[np.intp]  # cluster index per rank


class Centroids:
    """Sum and count of member vectors per cluster; the centroid is the normalised mean.

    Each member's contribution is remembered, so removing a member (undo) subtracts exactly the
    vector that was added, never an approximation.
    """

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._sum: dict[str, NDArray[np.float64]] = {}
        self._members: dict[str, dict[str, Vector]] = {}
        self._matrix: tuple[list[str], Vector] | None = None

    def rebuild(self, members: Mapping[str, Iterable[tuple[str, Vector]]]) -> None:
        self._sum.clear()
        self._members.clear()
        for cluster, pairs in members.items():
            self._members[cluster] = {}
            self._sum[cluster] = np.zeros(self.dim, dtype=np.float64)
            for key, vec in pairs:
                self.add(cluster, key, vec)
        self._matrix = None

    def ensure_cluster(self, cluster: str) -> None:
        if cluster not in self._members:
            self._members[cluster] = {}
            self._sum[cluster] = np.zeros(self.dim, dtype=np.float64)
            self._matrix = None

    def add(self, cluster: str, key: str, vec: Vector) -> None:
        self.ensure_cluster(cluster)
        if key in self._members[cluster]:
            return
        self._members[cluster][key] = vec
        self._sum[cluster] += vec
        self._matrix = None

    def remove(self, cluster: str, key: str) -> bool:
        vec = self._members.get(cluster, {}).pop(key, None)
        if vec is None:
            return False
        self._sum[cluster] -= vec
        self._matrix = None
        return True

    def count(self, cluster: str) -> int:
        return len(self._members.get(cluster, {}))

    def counts(self) -> dict[str, int]:
        return {c: len(m) for c, m in self._members.items()}

    def matrix(self) -> tuple[list[str], Vector]:
        """Cluster names and their unit centroids (clusters with no embedded member left out)."""
        if self._matrix is None:
            names = sorted(c for c, m in self._members.items() if m)
            mat = np.zeros((len(names), self.dim), dtype=np.float32)
            for i, name in enumerate(names):
                mean = self._sum[name] / len(self._members[name])
                mat[i] = mean / max(float(np.linalg.norm(mean)), 1e-12)
            self._matrix = (names, mat)
        return self._matrix

    def rank(self, vectors: Vector) -> Ranked:
        names, mat = self.matrix()
        if not names or len(vectors) == 0:
            empty = np.zeros((len(vectors), 0), dtype=np.float32)
            return Ranked(names, empty, np.zeros((len(vectors), 0), dtype=np.intp))
        sims = vectors @ mat.T
        order = np.argsort(-sims, axis=1, kind="stable")
        return Ranked(names, np.take_along_axis(sims, order, axis=1), order)
