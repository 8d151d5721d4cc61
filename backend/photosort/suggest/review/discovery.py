"""Discovery: the queued photos that match no cluster well, grouped so each group can be named.

Grouping is average-linkage agglomerative clustering on cosine distance, cut at a distance:
no number of groups to choose. The cut is relative (a share of the median distance between
the photos being grouped), because each embedder spreads its vectors differently: measured on
stamps6 with EfficientNet-Lite0, 0.8 x the median gives groups about 3/4 pure, which a grid
then lets the reviewer trim. It is a few lines of numpy over at most
`MAX_PHOTOS` photos (the worst-matching first), so no clustering library is needed.

"Matches no cluster well" is relative too: a photo is a candidate when its best score is below
what 4 in 5 filed photos score against their own cluster (each against the centroid of the
others, as a queued photo is scored): the same share of a class's photos with any embedder or
pooling, where a fixed cosine (0.6 before) was not (CAM pooling's cosines run ~0.15 lower than
max pooling's: 98-102 candidates where max took 21-35, on stamps6 with two classes held back).
With no cluster of two photos yet (the cold start) every queued photo is a candidate.

A group is cut as a cluster's grid is (ranking/calibration.py): each member's probability of
belonging is the pooled calibration (a group has no decisions of its own: it is no cluster
yet) applied to its cohesion, taken as a suggestion's score and margin are: its cosine to the
centroid of the group's other members, and how far that beats its best existing cluster.
Members above the break-even are shown, most likely first; the others are counted as left for
one by one, and `everything` shows them too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TypedDict

import numpy as np
from numpy.typing import NDArray

from photosort.session import Session
from photosort.suggest.indexing.vectors import QueueTop, Ranking, VectorIndex
from photosort.suggest.ranking.calibration import Calibration, Evidence
from photosort.suggest.results import GridItem

MAX_PHOTOS = 600  # photos grouped per request (O(n^2) memory, about n^3/3 work in numpy)
CUT_RATIO = 0.8  # groups stay apart beyond this share of the median pairwise distance
WELL_QUANTILE = 0.2  # candidates score below this quantile of the filed photos' fit
FIT_SAMPLE = 200  # filed photos read per cluster for that fit (evenly spread) ...
FIT_TOTAL = 20_000  # ... and in all (0.04 s for 500 clusters of 2,000)
FIT_LEAST = 5  # ... from clusters this big, while there are any
MIN_GROUP = 2  # a lone photo is not a group to name
MAX_GROUPS = 20
_NONE = np.zeros(0)
NO_EVIDENCE = Evidence(_NONE, _NONE, [], np.zeros(0, dtype=bool), np.zeros(0, dtype=bool))
Floats = NDArray[np.float64]


class Group(TypedDict):
    id: int
    size: int  # members, shown or left
    items: list[GridItem]
    name: str | None  # a proposed name (CLIP zero-shot, or the offline classifier's classes)
    left: int  # members not above the break-even, left for one by one


class Discovery(TypedDict):
    groups: list[Group]
    candidates: int  # queued photos that match no cluster well
    cold_start: bool  # no cluster exists yet
    left: int  # members of every group left for one by one (a group left whole is not listed)
    break_even: float


def average_linkage(vectors: NDArray[np.float32], cut: float) -> list[list[int]]:
    """Groups of row indices, merged while the closest pair of groups is within `cut` of
    each other on average (cosine distance of unit vectors)."""
    n = len(vectors)
    if n == 0:
        return []
    dist = 1.0 - (vectors @ vectors.T).astype(np.float64)
    np.fill_diagonal(dist, np.inf)
    sizes = np.ones(n)
    members: list[list[int]] = [[i] for i in range(n)]
    alive = np.ones(n, dtype=bool)
    while alive.sum() > 1:
        flat = int(np.argmin(dist))
        i, j = divmod(flat, n)
        if dist[i, j] > cut:
            break
        # Lance-Williams update for average linkage: the merged group's distance to any
        # other is the size-weighted mean of its two parts' distances.
        merged = (sizes[i] * dist[i] + sizes[j] * dist[j]) / (sizes[i] + sizes[j])
        dist[i], dist[:, i] = merged, merged
        dist[i, i] = np.inf
        dist[j, :], dist[:, j] = np.inf, np.inf
        sizes[i] += sizes[j]
        members[i] += members[j]
        members[j] = []
        alive[j] = False
    return [m for m in members if m]


def relative_cut(vectors: NDArray[np.float32]) -> float:
    if len(vectors) < 2:
        return 0.0
    dist = 1.0 - vectors @ vectors.T
    return float(np.median(dist[np.triu_indices(len(vectors), 1)])) * CUT_RATIO


def unit(vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    out: NDArray[np.float32] = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
    return out


def belonging(
    vecs: NDArray[np.float32], elsewhere: NDArray[np.float64], cal: Calibration
) -> Floats:
    """Each member's calibrated probability of belonging to its group (unit `vecs`): its
    cosine to the centroid of the others as the score, what that beats its best existing
    cluster by (`elsewhere`; below 0 counts as 0) as the margin."""
    others = unit(vecs.sum(axis=0, keepdims=True) - vecs)
    score = np.einsum("ij,ij->i", vecs, others).astype(np.float64)
    margin = score - np.maximum(elsewhere, 0.0)
    return cal.probability(score, margin, "")


def loose_first(n: int, top: QueueTop, well: float) -> tuple[NDArray[np.intp], Floats]:
    """Positions (of `n` queued photos) whose best score is under `well`, worst first (photos
    with no suggestion at all lead), and the best scores by position."""
    best = np.full(n, -2.0)
    best[top.positions] = top.score
    loose = np.flatnonzero(best < well)
    return loose[np.argsort(best[loose], kind="stable")], best


class Discoverer:
    def __init__(
        self,
        session: Session,
        vectors: VectorIndex,
        rank: Callable[[list[str]], dict[str, Ranking]],
        top: Callable[[Sequence[str]], QueueTop],
        namer: Callable[[NDArray[np.float32], list[str]], str | None] | None = None,
        calibration: Callable[[], Calibration] | None = None,
    ) -> None:
        self.session = session
        self.vectors = vectors
        self.rank = rank
        self.top = top
        # proposes a name from a group's mean vector and its photos (CLIP or the classifier)
        self.namer = namer
        self.calibration = calibration or (lambda: Calibration(NO_EVIDENCE))

    def well(self) -> float:
        """The score from which a queued photo matches its best cluster (module docstring)."""
        with self.vectors.lock:
            centroids = self.vectors.centroids
            if centroids is None:
                return math.inf
            each = max(2, min(FIT_SAMPLE, FIT_TOTAL // max(1, len(centroids.counts()))))
            fit, size = centroids.member_fit(each)
        big = size >= FIT_LEAST
        fit = fit[big] if big.any() else fit
        return float(np.quantile(fit, WELL_QUANTILE)) if len(fit) else math.inf

    def groups(self, everything: bool = False) -> Discovery:
        queued = self.session.queue_items()
        top = self.top(queued)
        cold = not self.vectors.counts()
        loose, best = loose_first(len(queued), top, self.well())
        items, mat = self.vectors.queued_vectors([queued[p] for p in loose[:MAX_PHOTOS]])
        elsewhere = dict(zip([queued[p] for p in loose], best[loose].tolist(), strict=True))
        found = average_linkage(unit(mat), relative_cut(unit(mat))) if items else []
        found = sorted((g for g in found if len(g) >= MIN_GROUP), key=len, reverse=True)
        cal = self.calibration()
        groups: list[Group] = []
        left = 0
        for rows in found[:MAX_GROUPS]:
            vecs = unit(mat[rows])
            members = [items[r] for r in rows]
            prob = belonging(vecs, np.array([elsewhere[i] for i in members]), cal)
            above = prob > cal.break_even
            if not everything and int(above.sum()) < MIN_GROUP:
                left += len(rows)  # too few left to name: the whole group goes one by one
                continue
            groups.append(self._group(len(groups), members, vecs, prob, above, everything))
            left += groups[-1]["left"]
        return {
            "groups": groups,
            "candidates": len(loose),
            "cold_start": cold,
            "left": left,
            "break_even": round(cal.break_even, 4),
        }

    def _group(
        self,
        gid: int,
        members: list[str],
        vecs: NDArray[np.float32],
        prob: Floats,
        above: NDArray[np.bool_],
        everything: bool,
    ) -> Group:
        """One proposed group: the members above the break-even (all with `everything`), most
        likely first, each with its probability; its name from the shown members."""
        keep = np.arange(len(members)) if everything else np.flatnonzero(above)
        keep = keep[np.argsort(-prob[keep], kind="stable")]
        shown = [members[k] for k in keep]
        ranked = self.rank(shown)
        centre = unit(vecs[keep].mean(axis=0, keepdims=True))[0]
        return {
            "id": gid,
            "size": len(members),
            "items": [
                {**grid_item(i, ranked.get(i)), "confidence": round(float(prob[k]), 4)}
                for i, k in zip(shown, keep.tolist(), strict=True)
            ],
            "name": self.namer(centre, shown) if self.namer else None,
            "left": int((~above).sum()),
        }


def grid_item(item: str, ranking: Ranking | None, similarity: float | None = None) -> GridItem:
    """One photo of a grid page or a proposed group: its best cluster, score and margin."""
    names, scores = ranking if ranking else ([], [])
    return {
        "item": item,
        "cluster": names[0] if names else None,
        "score": round(scores[0], 4) if scores else None,
        "margin": round(scores[0] - scores[1], 4) if len(scores) > 1 else None,
        "similarity": round(similarity, 4) if similarity is not None else None,
    }
