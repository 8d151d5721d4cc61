"""Batches: many photos filed (or trashed) as one unit that one undo takes back.

Every kind (auto-move, grid, stack, the source's folders, duplicates' trash) is bracketed the
same way by `BatchBracket`: a start line saying what the batch is, the batch's own lines, an
end line counting what moved and what was left out (filed meanwhile by someone else). A long
batch moves in chunks, the lock released between them, so reviewers keep working.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

import photosort.session.sourcefolders as sourcefolders
from photosort.errors import NotFound, UnknownCluster
from photosort.session.core import SessionCore
from photosort.session.filing import Filing, MovePlan
from photosort.session.journal import Record
from photosort.session.paths import normalise_item, validate_cluster_name
from photosort.session.records import (
    AutoBatchStartLine,
    BatchStartLine,
    FailedMove,
    Filer,
    FoldersBatchStartLine,
    GridBatchStartLine,
    TrashBatchStartLine,
    batch_end,
)


def new_batch_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]


class BatchBracket:
    """The start line of a batch, written when made; `close` writes its end line."""

    def __init__(self, core: SessionCore, start: BatchStartLine) -> None:
        self.core = core
        self.start = start
        self.batch = start["batch"]
        core.journal_line(start)

    def close(self, moved: Sequence[Record], wanted: int, failed: int = 0) -> None:
        """`wanted`: how many the batch set out to file; the rest were left out, `failed` of
        them because their move failed. A batch cut short by an error gets no end line: its
        lines still undo as one."""
        self.core.journal_line(batch_end(self.start, len(moved), wanted - len(moved), failed))


class Batches:
    def __init__(self, core: SessionCore, filing: Filing) -> None:
        self.core = core
        self.filing = filing

    def attempt_batch(
        self,
        plans: Sequence[MovePlan],
        *,
        batch: str,
        reviewer: str,
        progress: Callable[[int, int], None] | None,
        chunk: int,
        by: Filer,
    ) -> tuple[list[Record], list[FailedMove]]:
        """File many photos as one batch: group-committed journal lines, then the moves;
        those that happened, and those that failed with the reason."""
        core = self.core
        core.writable()
        with core.lock:
            valid = [p for p in plans if p.item in core.state.order and p.cluster in core.members]
            core.running_batches.add(batch)
        try:
            return self._move_chunks(valid, batch, reviewer, progress, chunk, by)
        finally:
            with core.lock:
                core.running_batches.discard(batch)

    def _move_chunks(
        self,
        valid: Sequence[MovePlan],
        batch: str,
        reviewer: str,
        progress: Callable[[int, int], None] | None,
        chunk: int,
        by: Filer,
    ) -> tuple[list[Record], list[FailedMove]]:
        core, filing = self.core, self.filing
        done: list[Record] = []
        failed: list[FailedMove] = []
        folders = filing.group_finder([p.item for p in valid])
        for start in range(0, len(valid), chunk):
            with core.lock:
                part = [p for p in valid[start : start + chunk] if p.item in core.state.order]
                taken: set[str] = set()
                part = [
                    filing.plan(p.item, p.cluster or "", p.cluster, folders, taken, p.extra)
                    for p in part
                ]
                moved, lost = filing.attempt_moves(
                    "assign", part, by=by, reviewer=reviewer, batch=batch
                )
                done += moved
                failed += lost
            if progress:
                progress(min(start + chunk, len(valid)), len(valid))
        return done, failed

    def _manual(
        self, plans: Sequence[MovePlan], batch: str, reviewer: str
    ) -> tuple[list[Record], list[FailedMove]]:
        return self.attempt_batch(
            plans, batch=batch, reviewer=reviewer, progress=None, chunk=256, by="manual"
        )

    def auto_batch(
        self, plans: Sequence[MovePlan], rule: Mapping[str, Any], reviewer: str
    ) -> tuple[str, list[Record], list[FailedMove]]:
        self.core.writable()
        # The rule's fields (threshold, margins, estimate) come from the suggestion layer.
        start = {"type": "auto-batch-start", "batch": new_batch_id(), **rule, "reviewer": reviewer}
        bracket = BatchBracket(self.core, cast(AutoBatchStartLine, start))
        batch = bracket.batch
        events = self.core.events

        def progress(done: int, total: int) -> None:
            events.publish({"type": "batch-progress", "batch": batch, "done": done, "total": total})

        moved, failed = self.attempt_batch(
            plans, batch=batch, reviewer=reviewer, progress=progress, chunk=256, by="auto"
        )
        bracket.close(moved, len(plans), len(failed))
        stats = self.core.stats()
        events.publish({"type": "batch-done", "batch": batch, "count": len(moved), "stats": stats})
        return batch, moved, failed

    def grid_batch(
        self,
        plans: Sequence[MovePlan],
        *,
        mode: str,
        cluster: str,
        rejected: Sequence[Mapping[str, Any]],
        create: bool,
        reviewer: str,
    ) -> tuple[str, list[Record], list[FailedMove]]:
        core = self.core
        core.writable()
        cluster = validate_cluster_name(cluster)
        with core.lock:  # a grid is small: hold the lock so the batch lands as one
            if cluster not in core.members and not create:
                raise UnknownCluster(f"no cluster named {cluster!r}; pass create=true to make it")
            start: GridBatchStartLine = {
                "type": "grid-batch-start",
                "batch": new_batch_id(),
                "mode": mode,
                "cluster": cluster,
                "rejected": [dict(r) for r in rejected],
                "reviewer": reviewer,
            }
            bracket = BatchBracket(core, start)
            if cluster not in core.members:
                self.filing.make_cluster(cluster, reviewer, batch=bracket.batch)
            moves = [MovePlan(p.item, "", cluster, {**p.extra, "mode": mode}) for p in plans]
            moved, failed = self._manual(moves, bracket.batch, reviewer)
            bracket.close(moved, len(plans), len(failed))
            return bracket.batch, moved, failed

    def trash_batch(
        self, items: Sequence[str], *, kept: str, reason: str, reviewer: str
    ) -> tuple[str, list[Record], list[FailedMove]]:
        core = self.core
        core.writable()
        with core.lock:
            kept = normalise_item(kept)
            wanted = [i for i in dict.fromkeys(normalise_item(i) for i in items) if i != kept]
            queued = [i for i in wanted if i in core.state.order]
            start: TrashBatchStartLine = {
                "type": "trash-batch-start",
                "batch": new_batch_id(),
                "kept": kept,
                "reason": reason,
                "reviewer": reviewer,
            }
            bracket = BatchBracket(core, start)
            moved, failed = self.filing.attempt_trash(queued, reviewer, bracket.batch)
            bracket.close(moved, len(wanted), len(failed))
            return bracket.batch, moved, failed

    def source_folders(self) -> dict[str, list[str]]:
        core = self.core
        if core.dest == core.source:
            return {}  # there the source's folders are the clusters already
        with core.lock:
            queued = list(core.state.order.items)
        return sourcefolders.folders_of(queued)

    def file_source_folders(
        self, folders: Sequence[str] | None, reviewer: str
    ) -> tuple[str, dict[str, list[Record]], list[FailedMove]]:
        core = self.core
        core.writable()
        with core.lock:
            offer = self.source_folders()
            if folders is not None:
                offer = {f: offer[f] for f in dict.fromkeys(folders) if f in offer}
            if not offer:
                raise NotFound("no source folder holds queued photos to file")
            start: FoldersBatchStartLine = {
                "type": "folders-batch-start",
                "batch": new_batch_id(),
                "folders": {f: len(items) for f, items in offer.items()},
                "reviewer": reviewer,
            }
            bracket = BatchBracket(core, start)
            for cluster in offer:
                if cluster not in core.members:
                    self.filing.make_cluster(cluster, reviewer, batch=bracket.batch)
        plans = [
            MovePlan(item, "", cluster, {"mode": "folders"})
            for cluster, items in offer.items()
            for item in items
        ]
        # Not under the lock: a big folder moves in chunks while reviewers keep working.
        moved, failed = self._manual(plans, bracket.batch, reviewer)
        bracket.close(moved, len(plans), len(failed))
        per_cluster: dict[str, list[Record]] = {c: [] for c in offer}
        for rec in moved:
            per_cluster[rec["cluster"]].append(rec)
        return bracket.batch, per_cluster, failed
