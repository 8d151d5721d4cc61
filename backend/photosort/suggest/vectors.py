"""What indexing has learned so far: each photo's fingerprint, each fingerprint's vector, the
photos that could not be decoded, and the cluster centroids built from the members' vectors.

Keys are ("s", item relative to source) for queued photos and ("d", path relative to dest)
for cluster members. One lock guards it all; callers that also need the session's lock take
the session's first (the order events arrive in), so the two can never deadlock.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from photosort.suggest.centroids import Centroids

Key = tuple[str, str]
Vector = NDArray[np.float32]
# Per item: cluster names best first and their scores, in the same order.
Ranking = tuple[list[str], list[float]]


class VectorIndex:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.centroids: Centroids | None = None  # None until the embedder (its dim) is known
        self._fp: dict[Key, str] = {}
        self._vec: dict[str, Vector] = {}
        self._errors: dict[Key, str] = {}
        # Photos filed while their vector was being computed: they join a centroid on landing.
        self._awaiting_vector: dict[str, set[Key]] = {}

    def start(self, dim: int) -> None:
        with self.lock:
            self.centroids = Centroids(dim)

    # ---------------------------------------------------------------- indexing
    def needs_work(self, key: Key) -> bool:
        with self.lock:
            return key not in self._errors and self._fp.get(key) not in self._vec

    def failed_to_decode(self, key: Key) -> bool:
        with self.lock:
            return key in self._errors

    def seen(self, key: Key, fp: str) -> None:
        with self.lock:
            self._fp[key] = fp

    def failed(self, key: Key, message: str) -> None:
        with self.lock:
            self._errors[key] = message

    def landed(self, key: Key, fp: str, vec: Vector) -> None:
        with self.lock:
            self._vec[fp] = vec
            self._member_embedded(key)
            for member in self._awaiting_vector.pop(fp, set()):
                if self._fp.get(member) == fp:
                    self._member_embedded(member)

    def _member_embedded(self, key: Key) -> None:
        if key[0] != "d" or self.centroids is None:
            return
        vec = self._vec.get(self._fp.get(key, ""))
        if vec is not None:
            self.centroids.add(key[1].split("/", 1)[0], key[1], vec)

    def tally(self) -> tuple[int, int]:
        """(photos seen, photos that failed)."""
        with self.lock:
            return len(self._fp) + len(self._errors), len(self._errors)

    def decode_error(self, item: str) -> str | None:
        with self.lock:
            return self._errors.get(("s", item))

    # ---------------------------------------------------------------- session changes
    def moved(self, old: Key, new: Key, cluster: str | None, *, add: bool) -> None:
        """A photo moved (filed, trashed, or brought back by undo): carry what is known."""
        with self.lock:
            fp = self._fp.pop(old, None)
            error = self._errors.pop(old, None)
            if fp is not None:
                self._fp[new] = fp
            if error is not None:
                self._errors[new] = error
            if self.centroids is None or not cluster:
                return
            if add:
                vec = self._vec.get(fp or "")
                if vec is not None:
                    self.centroids.add(cluster, new[1], vec)
                elif fp is not None:
                    self._awaiting_vector.setdefault(fp, set()).add(new)
            else:
                # Undo takes out exactly the vector this photo contributed.
                self.centroids.remove(cluster, old[1])

    def ensure_cluster(self, cluster: str) -> None:
        with self.lock:
            if self.centroids is not None:
                self.centroids.ensure_cluster(cluster)

    def rebuild(self, members: Mapping[str, frozenset[str]]) -> None:
        """Centroids from these members (start, or files changed behind the tool's back)."""
        with self.lock:
            if self.centroids is None:
                return
            pairs: dict[str, list[tuple[str, Vector]]] = {}
            for cluster, ms in members.items():
                pairs[cluster] = []
                for m in ms:
                    vec = self._vec.get(self._fp.get(("d", m), ""))
                    if vec is not None:
                        pairs[cluster].append((m, vec))
            self.centroids.rebuild(pairs)

    # ---------------------------------------------------------------- ranking
    def counts(self) -> dict[str, int]:
        with self.lock:
            return self.centroids.counts() if self.centroids else {}

    def fingerprints(self, items: list[str]) -> dict[str, str]:
        """The content fingerprint of each of these queued items that indexing has seen."""
        with self.lock:
            found = ((i, self._fp.get(("s", i))) for i in items)
            return {i: fp for i, fp in found if fp is not None}

    def queued_vectors(self, items: list[str]) -> tuple[list[str], Vector]:
        """The embedded ones of these queued items and their vectors, stacked in that order."""
        with self.lock:
            keyed = [(i, self._vec.get(self._fp.get(("s", i), ""))) for i in items]
            present = [(i, v) for i, v in keyed if v is not None]
        if not present:
            return [], np.zeros((0, 0), dtype=np.float32)
        return [i for i, _ in present], np.stack([v for _, v in present])

    def ranked(self, items: list[str]) -> dict[str, Ranking]:
        """Clusters by similarity for each embedded item (items not embedded yet are left
        out; empty when no cluster has an embedded member to rank against)."""
        with self.lock:
            if self.centroids is None:
                return {}
            keyed = [(i, self._vec.get(self._fp.get(("s", i), ""))) for i in items]
            present = [(i, v) for i, v in keyed if v is not None]
            if not present:
                return {}
            ranked = self.centroids.rank(np.stack([v for _, v in present]))
        if not ranked.clusters:
            return {}
        out: dict[str, Ranking] = {}
        for row, (item, _) in enumerate(present):
            names = [ranked.clusters[j] for j in ranked.order[row]]
            out[item] = (names, [float(x) for x in ranked.scores[row]])
        return out
