"""Grids: many queued photos reviewed with one look, filed with one decision.

- a cluster's grid: the queued photos that rank it first, most confident first;
- more like this: the queued photos nearest one photo's own vector;
- text search (CLIP): the queued photos nearest a text's vector from CLIP's text tower;
Every photo starts ticked; the reviewer unticks what does not belong and files the rest as
one batch (`Session.grid_batch`). In a cluster's grid the unticked photos are rejections: the
cluster is demoted for them (review/gridlog.py) and each counts as a wrong top suggestion for
the confidence model, as each ticked photo counts as a right one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from photosort.errors import BadPath, Conflict, NotFound, nothing_moved
from photosort.session import MovePlan, Record, Session, normalise_item
from photosort.suggest.indexing.scores import top_k
from photosort.suggest.indexing.vectors import QueueTop, Ranking, Vector, VectorIndex
from photosort.suggest.ranking.calibration import Calibration, expected_saving
from photosort.suggest.results import GridFiled, GridPage
from photosort.suggest.review.discovery import NO_EVIDENCE, Discoverer, Discovery, grid_item
from photosort.suggest.review.labelsearch import OfflineLabels

MAX_GRID = 500  # photos in one grid (a page of thumbnails a reviewer can still scan)
MODES = ("grid", "similar", "discover", "search")


def _above(p: np.ndarray, cut: float) -> np.ndarray:
    out: np.ndarray = p[p > cut]
    return out


def _shown(ranking: Ranking | None) -> dict[str, Any]:
    """What a filing journals about the photo's suggestions (as a one-by-one filing does)."""
    if not ranking:
        return {"suggested": []}
    names, scores = ranking
    return {
        "suggested": [
            {"cluster": n, "score": round(s, 4)}
            for n, s in zip(names[:2], scores[:2], strict=False)
        ],
    }


class Grids:
    def __init__(
        self,
        session: Session,
        vectors: VectorIndex,
        rank: Callable[[list[str]], dict[str, Ranking]],
        top: Callable[[Sequence[str]], QueueTop],
        demoted: Callable[[], Mapping[str, frozenset[str]]] = dict,
        embed_text: Callable[[str], Vector] | None = None,
        namer: Callable[[Vector, list[str]], str | None] | None = None,
        calibration: Callable[[], Calibration] = lambda: Calibration(NO_EVIDENCE),
        labels: Callable[[], OfflineLabels | None] = lambda: None,
    ) -> None:
        self.labels = labels  # offline text search (a classifier head), when the embedder has one
        self.calibration = calibration  # P(first suggestion right), from the decisions
        self.embed_text = embed_text  # raises Conflict (with the reason) without a text tower
        self.session = session
        self.vectors = vectors
        self.rank = rank  # demoted rankings of queued items
        self.top = top  # their first suggestions as arrays, demoted alike
        self.demoted = demoted  # clusters rejected per item: never offered again
        self.discoverer = Discoverer(session, vectors, rank, top, namer, calibration)

    def order(self, order: str, reviewer: str) -> Record:
        """Queue order: `uncertain` (lowest margin first, worked out now), `natural`."""
        if order == "uncertain":
            # By the margin between their first two suggestions, smallest first: where
            # one-by-one review teaches the model most, leaving the confident ones to grids.
            items = self.session.queue_items()
            top = self.top(items)
            picked = top.positions[np.argsort(top.margin, kind="stable")].tolist()
            return self.session.rank_first([items[p] for p in picked], reviewer=reviewer)
        return self.session.rank_first([], natural=True, reviewer=reviewer)

    def discover(self, everything: bool = False) -> Discovery:
        """Groups of queued photos that match no cluster well, each to be named: the members
        above the break-even, most likely first (`everything`: all of them)."""
        return self.discoverer.groups(everything)

    def cluster_grid(
        self, cluster: str | None, around: str | None, limit: int, everything: bool = False
    ) -> GridPage:
        """The queued photos whose first suggestion is `cluster` (default: the first
        suggestion of the photo `around`) and whose calibrated probability of being right is
        above the break-even (ranking/calibration.py), most confident first; the others are
        counted as left for one by one. `everything`: show those too, after them."""
        if cluster is None:
            cluster = self._around(around)
        if cluster not in self.vectors.counts():
            raise NotFound(f"no cluster named {cluster!r} with an indexed member")
        items = self.session.queue_items()
        top = self.top(items)
        col = top.names.index(cluster) if cluster in top.names else -1
        mine = top.first == col
        rejected = [i for i, cs in self.demoted().items() if cluster in cs]
        for k in self.vectors.locate(top, items, rejected).values():
            mine[k] = False
        picked = np.flatnonzero(mine)
        cal = self.calibration()
        prob = cal.probability(top.score[picked], top.margin[picked], cluster)
        above = prob > cal.break_even
        keep = picked if everything else picked[above]
        chance = prob if everything else prob[above]
        order = top_k(chance, limit)
        shown = [items[p] for p in top.positions[keep[order]].tolist()]
        ranked = self.rank(shown)
        return {
            "mode": "grid",
            "cluster": cluster,
            "total": len(keep),
            "items": [
                {**grid_item(i, ranked.get(i)), "confidence": round(float(c), 4)}
                for i, c in zip(shown, chance[order].tolist(), strict=True)
            ],
            "note": None,
            "left": int((~above).sum()),
            "break_even": round(cal.break_even, 4),
            "saving": round(expected_saving(_above(chance[order], cal.break_even), cal.q), 4),
        }

    def best_grid(self, limit: int) -> GridPage | None:
        """Of every cluster's grid, the one whose photos above the break-even save the most
        effort against one by one (None without a cluster): the grid to open next."""
        pages = [self.cluster_grid(c, None, limit) for c in sorted(self.vectors.counts())]
        return max(pages, key=lambda p: p.get("saving", 0.0), default=None)

    def _around(self, around: str | None) -> str:
        """The first suggestion of the queued photo `around`."""
        if around is None:
            raise BadPath("give a cluster, or the photo whose first suggestion to use")
        around = normalise_item(around)
        ranked = self.rank([around]) if self.session.is_queued(around) else {}
        if around not in ranked:
            raise Conflict(f"{around!r} has no suggestion yet: it is not indexed")
        return ranked[around][0][0]

    def similar(self, item: str, limit: int) -> GridPage:
        """The queued photos nearest to `item`'s own vector (itself first)."""
        item = normalise_item(item)
        names, anchor = self.vectors.queued_vectors([item])
        if not names:
            raise Conflict(f"{item!r} has no vector yet: it is not indexed")
        chosen, sims = self._nearest(anchor[0], limit)
        ranked = self.rank(chosen)
        return {
            "mode": "similar",
            "cluster": ranked[item][0][0] if item in ranked else None,
            "total": len(chosen),
            "items": [grid_item(i, ranked.get(i), s) for i, s in zip(chosen, sims, strict=True)],
            "note": None,
        }

    def search(self, text: str, limit: int) -> GridPage:
        """The queued photos ranked by CLIP's text tower against `text`, best first."""
        text = text.strip()
        if not text or len(text) > 500:
            raise BadPath("give a text of 1-500 characters to search for")
        offline = self.labels()
        if offline is not None:
            return self._label_search(offline, text, limit)
        if self.embed_text is None:
            raise Conflict("text search needs an embedder with a text tower (CLIP)")
        chosen, sims = self._nearest(self.embed_text(text), limit)
        ranked = self.rank(chosen)
        return {
            "mode": "search",
            "cluster": None,
            "total": len(chosen),
            "items": [grid_item(i, ranked.get(i), s) for i, s in zip(chosen, sims, strict=True)],
            "note": f"queued photos closest to “{text}”",
        }

    def _label_search(self, offline: OfflineLabels, text: str, limit: int) -> GridPage:
        """Offline: the queued photos whose ImageNet classes (or their WordNet ancestors) the
        text names, by the classifier's probability for them, best first."""
        chosen, probs = offline.search(text, self.session.queue_items(), limit)
        ranked = self.rank(chosen)
        note = f"queued photos the classifier sees as “{text}”, most probable first"
        if not chosen:
            note = f"no queued photo looks like “{text}” to the offline classifier"
        return {
            "mode": "search",
            "cluster": None,
            "total": len(chosen),
            "items": [grid_item(i, ranked.get(i), s) for i, s in zip(chosen, probs, strict=True)],
            "note": note,
        }

    def _nearest(self, anchor: Vector, limit: int) -> tuple[list[str], list[float]]:
        """The `limit` queued photos with the highest cosine to `anchor`, best first, ties in
        queue order."""
        found = self.vectors.nearest(anchor, self.session.queue_items, limit)
        where = {item: self.session.position(item) for item, _ in found}
        found.sort(key=lambda f: (-f[1], where[f[0]] if where[f[0]] is not None else len(where)))
        return [i for i, _ in found], [s for _, s in found]

    def file(
        self,
        mode: str,
        cluster: str,
        ticked: Sequence[str],
        unticked: Sequence[str],
        *,
        create: bool,
        reviewer: str,
    ) -> GridFiled:
        """File the ticked photos into `cluster` as one batch; in a cluster's grid the
        unticked ones are rejections of it. Photos no longer queued are skipped."""
        if mode not in MODES:
            raise BadPath(f"unknown grid mode {mode!r}: use one of {', '.join(MODES)}")
        ticked = list(dict.fromkeys(normalise_item(i) for i in ticked))
        unticked = [i for i in dict.fromkeys(normalise_item(i) for i in unticked)]
        if set(ticked) & set(unticked):
            raise BadPath("a photo cannot be both ticked and unticked")
        if not ticked and not (mode == "grid" and unticked):
            raise BadPath("nothing to file: tick at least one photo")
        ranked = self.rank([*ticked, *unticked])
        plans = [MovePlan(i, "", cluster, _shown(ranked.get(i))) for i in ticked]
        rejected: list[dict[str, Any]] = []
        if mode == "grid":
            rejected = [
                {"item": i, **_shown(ranked.get(i))} for i in unticked if self.session.is_queued(i)
            ]
        batch, moved, failed = self.session.grid_batch(
            plans, mode=mode, cluster=cluster, rejected=rejected, create=create, reviewer=reviewer
        )
        if failed and not moved:
            raise nothing_moved(f"could not file into {cluster!r}", failed)
        done = {r["item"] for r in moved} | {f["item"] for f in failed}
        return {
            "batch": batch,
            "cluster": cluster,
            "moved": [r["item"] for r in moved],
            "skipped": [i for i in ticked if i not in done],
            "failed": [{"item": f["item"], "reason": f["reason"]} for f in failed],
            "demoted": [r["item"] for r in rejected],
            "stats": self.session.stats(),
        }
