"""Cluster centroids kept up to date one vector at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

Vector = NDArray[np.float32]


class Centroids:
    """Sum and count of member vectors per cluster; the centroid is the normalised mean.

    Each member's matrix row is remembered, so removing a member (undo) subtracts exactly the
    vector that was added, never an approximation, without keeping a copy of it.
    """

    def __init__(self, dim: int, vectors: Callable[[Sequence[int]], Vector]) -> None:
        self.dim = dim
        self._vectors = vectors  # matrix rows -> float32 unit vectors
        self._sum: dict[str, NDArray[np.float64]] = {}
        self._members: dict[str, dict[str, int]] = {}
        self._matrix: tuple[list[str], Vector] | None = None

    def rebuild(self, members: Mapping[str, Iterable[tuple[str, int]]]) -> None:
        self._sum.clear()
        self._members.clear()
        for cluster, pairs in members.items():
            self._members[cluster] = dict(pairs)
            rows = list(self._members[cluster].values())
            self._sum[cluster] = np.zeros(self.dim, dtype=np.float64)
            for a in range(0, len(rows), 4096):
                self._sum[cluster] += self._vectors(rows[a : a + 4096]).sum(
                    axis=0, dtype=np.float64
                )
        self._matrix = None

    def ensure_cluster(self, cluster: str) -> None:
        if cluster not in self._members:
            self._members[cluster] = {}
            self._sum[cluster] = np.zeros(self.dim, dtype=np.float64)
            self._matrix = None

    def add(self, cluster: str, key: str, row: int) -> None:
        self.ensure_cluster(cluster)
        if key in self._members[cluster]:
            return
        self._members[cluster][key] = row
        self._sum[cluster] += self._vectors([row])[0]
        self._matrix = None

    def remove(self, cluster: str, key: str) -> bool:
        row = self._members.get(cluster, {}).pop(key, None)
        if row is None:
            return False
        self._sum[cluster] -= self._vectors([row])[0]
        self._matrix = None
        return True

    def count(self, cluster: str) -> int:
        return len(self._members.get(cluster, {}))

    def counts(self) -> dict[str, int]:
        return {c: len(m) for c, m in self._members.items()}

    def member_fit(self, per_cluster: int) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
        """How well filed photos match their own cluster: each sampled member's cosine to the
        centroid of the others (leave-one-out, so it reads as a queued photo's score does), up
        to `per_cluster` evenly spread members of every cluster with two or more; beside each,
        its cluster's size (a centroid of very few others scores its members low)."""
        fits: list[NDArray[np.float64]] = []
        sizes: list[NDArray[np.intp]] = []
        for cluster, members in self._members.items():
            rows = list(members.values())
            if len(rows) < 2:
                continue
            size = len(rows)
            rows = rows[:: max(1, size // per_cluster)][:per_cluster]
            total = self._sum[cluster]
            dots = self._vectors(rows).astype(np.float64) @ total
            # |sum - x| for a unit x: sqrt(|sum|^2 - 2 x.sum + 1)
            rest = np.sqrt(np.maximum(float(total @ total) - 2.0 * dots + 1.0, 1e-12))
            fits.append((dots - 1.0) / rest)
            sizes.append(np.full(len(rows), size, dtype=np.intp))
        if not fits:
            return np.zeros(0), np.zeros(0, dtype=np.intp)
        return np.concatenate(fits), np.concatenate(sizes)

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
