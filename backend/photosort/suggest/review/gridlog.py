"""What grid reviews left behind in the journal: the clusters a reviewer rejected for a photo.

A photo unticked in a cluster's grid stays queued with that cluster demoted for it: it stops
appearing in that cluster's grid, and its suggestions show the next cluster first. The
rejections are read from the `grid-batch-start` lines as the journal grows; undoing the batch
undoes them too.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import replace

from photosort.session import Session
from photosort.suggest.indexing.vectors import QueueTop, Ranking


class GridLog:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._lock = threading.Lock()
        self._upto = 0
        self._rejections: list[tuple[int, str, str]] = []  # (seq, item, cluster)

    def demoted(self) -> dict[str, frozenset[str]]:
        """Per queued item, the clusters a reviewer rejected for it (batches not undone)."""
        with self._lock:
            fresh = self.session.records_since(self._upto)
            for rec in fresh:
                if rec.get("type") == "grid-batch-start" and rec.get("mode") == "grid":
                    for r in rec.get("rejected") or []:
                        self._rejections.append((rec["seq"], str(r["item"]), rec["cluster"]))
            if fresh:
                self._upto = fresh[-1]["seq"]
            undone = self.session.undone_seqs()
            out: dict[str, set[str]] = {}
            for seq, item, cluster in self._rejections:
                if seq not in undone:
                    out.setdefault(item, set()).add(cluster)
        return {item: frozenset(cs) for item, cs in out.items()}


def demote(
    ranked: Mapping[str, Ranking], demoted: Mapping[str, frozenset[str]]
) -> dict[str, Ranking]:
    """Rankings with each item's rejected clusters moved to the end (scores kept)."""
    out = dict(ranked)
    for item, clusters in demoted.items():
        if item not in out:
            continue
        names, scores = out[item]
        keep = [i for i, n in enumerate(names) if n not in clusters]
        last = [i for i, n in enumerate(names) if n in clusters]
        order = keep + last
        out[item] = ([names[i] for i in order], [scores[i] for i in order])
    return out


def demote_top(top: QueueTop, where: Mapping[str, int], ranked: Mapping[str, Ranking]) -> QueueTop:
    """`top` with the first suggestion of each demoted item (`where`: item -> index in `top`)
    taken from its demoted ranking."""
    if not where:
        return top
    col = {n: j for j, n in enumerate(top.names)}
    first, score, margin = top.first.copy(), top.score.copy(), top.margin.copy()
    for item, k in where.items():
        names, scores = ranked[item]
        first[k] = col[names[0]]
        score[k] = scores[0]
        margin[k] = scores[0] - scores[1] if len(scores) > 1 else 2.0
    return replace(top, first=first, score=score, margin=margin)
