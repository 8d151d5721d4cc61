"""The session: one source, one dest, its queue, its clusters and its journal.

`Session` is the face every other package uses; the work is done by its parts, one job each:
`Filing` (filing and trash), `Batches` (every batch kind, one bracket), `Undoing`, `Ordering`
(the queue and its order), `DiskSync` (the scan, rescans, live folders), over a shared
`SessionCore` (the lock, the journal, the replayed state, the members). All mutations go
through the one lock, write their journal line (fsync'ed) before touching a file, and publish
an event afterwards. Nothing here knows about HTTP.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import photosort.session.copymode as copymode
from photosort.errors import NotFound, SessionFolderError
from photosort.formats import is_media
from photosort.session.batches import Batches, new_batch_id
from photosort.session.core import TRASH_DIR, SessionCore
from photosort.session.disksync import DiskSync
from photosort.session.filing import Filing, MovePlan
from photosort.session.journal import Record
from photosort.session.ordering import Ordering
from photosort.session.paths import normalise_item, resolve_inside
from photosort.session.records import FailedMove, Filer
from photosort.session.recovery import RecoveryReport, recover
from photosort.session.settings import SessionSettings
from photosort.session.undo import Undoing
from photosort.session.verify import repair, verify

__all__ = ["TRASH_DIR", "JournalPage", "MovePlan", "Session", "new_batch_id"]

VIEWING_TTL_S = 90.0


@dataclass(frozen=True)
class JournalPage:
    """A slice of the journal, with which of its lines were undone since, read at one instant."""

    records: list[Record]
    undone: list[int]
    last_seq: int


def _check_folder(path: Path, role: str, *, writable: bool) -> Path:
    if not path.exists():
        raise SessionFolderError(f"{role} folder does not exist: {path}")
    if not path.is_dir():
        raise SessionFolderError(f"{role} is not a folder: {path}")
    if not os.access(path, os.R_OK | os.X_OK):
        raise SessionFolderError(f"{role} folder is not readable: {path}")
    if writable and not os.access(path, os.W_OK):
        raise SessionFolderError(f"{role} folder is not writable: {path}")
    return path.resolve()


def _refuse_source_inside_cluster(source: Path, dest: Path) -> None:
    """A source inside one of dest's clusters would have its photos both queued and members
    (filing one into that cluster would only rename it): refuse that layout up front."""
    if source == dest or not source.is_relative_to(dest):
        return
    top = source.relative_to(dest).parts[0]
    if not top.startswith("."):
        raise SessionFolderError(
            f"source {source} lies inside cluster {top!r} of {dest}: "
            f"choose a source outside the cluster folders"
        )


class Session:
    def __init__(
        self,
        source: Path,
        dest: Path | None = None,
        *,
        read_only: bool = False,
        copy: bool = False,
        scan_cache: bool = False,
    ) -> None:
        """`scan_cache` (`serve`): start from the scan the last run kept when nothing changed
        since, walk the folders in the background (session/scancache.py), keep it on close."""
        # Copy mode (session/copymode.py): asked for, or a read-only source. Its source is
        # only ever read.
        self.copy_reason = copymode.copy_reason(
            Path(source), Path(dest) if dest else None, copy=copy, read_only=read_only
        )
        self.copy_mode = self.copy_reason is not None
        writable = not read_only and not self.copy_mode
        self.source = _check_folder(Path(source), "source", writable=writable)
        self.dest = (
            _check_folder(Path(dest), "dest", writable=not read_only) if dest else self.source
        )
        _refuse_source_inside_cluster(self.source, self.dest)
        self.read_only = read_only
        core = SessionCore(self.source, self.dest, read_only=read_only, copy_mode=self.copy_mode)
        self._core = core
        self._lock = core.lock
        self._state = core.state
        self._journal = core.journal
        self.events = core.events
        self._filing = Filing(core)
        self._batches = Batches(core, self._filing)
        self._undoing = Undoing(core, self._filing)
        self._queue = Ordering(core)
        self._sync = DiskSync(core, keep_scan=scan_cache and not read_only)
        self._viewing: dict[str, tuple[str, float]] = {}
        self._open(read_only)

    def _open(self, read_only: bool) -> None:
        """Recover, replay the journal, and build the queue: from the scan the last `serve`
        kept when it still holds, else by walking the folders."""
        # A scan kept by a clean stop with no journal line since: no move was cut short, so
        # recovery need not list the folders for partial copies (a 1M-photo folder: ~1 s).
        cached = self._sync.cached_scan()
        seq = self.last_seq()
        # A read-only look (stats, log, verify) reports; only a writable session repairs.
        self.recovery = (
            RecoveryReport()
            if read_only
            else recover(self._journal, self.source, self.dest, clean_stop=cached is not None)
        )
        if self.last_seq() != seq:
            cached = None  # recovery had something to finish after all: walk
        self._core.unresolved.update(self.recovery.unresolved)
        for rec in self._journal.records:
            self._state.apply(rec)
        self._sync.open(cached)
        if not read_only:
            self.checkpoint()

    # ---------------------------------------------------------------- reading
    @property
    def trash(self) -> Path:
        return self._core.trash

    @property
    def settings(self) -> SessionSettings:
        return self._state.settings

    def last_seq(self) -> int:
        """Seq of the newest journal line (0 for an empty journal)."""
        return self._core.last_seq()

    def record(self, seq: int) -> Record:
        """The journal line with this seq; raises `NotFound`."""
        with self._lock:
            try:
                return self._state.record(seq)
            except KeyError:
                raise NotFound(f"no journal line with seq {seq}") from None

    def is_undone(self, seq: int) -> bool:
        with self._lock:
            return seq in self._state.undone

    def undone_seqs(self) -> frozenset[int]:
        with self._lock:
            return frozenset(self._state.undone)

    def newest_undoable(self) -> Record | None:
        """The line a plain undo would reverse now (None: nothing left to undo)."""
        with self._lock:
            return self._state.newest_undoable()

    def records_since(self, after: int = 0, limit: int | None = None) -> list[Record]:
        """Journal lines with a seq greater than `after`, oldest first."""
        return list(self._journal.page(after, limit))

    def journal_page(self, after: int = 0, limit: int | None = None) -> JournalPage:
        with self._lock:
            recs = self.records_since(after, limit)
            undone = [r["seq"] for r in recs if r["seq"] in self._state.undone]
            return JournalPage(recs, undone, self.last_seq())

    def members_snapshot(self) -> dict[str, frozenset[str]]:
        """Each cluster's members (paths relative to dest), copied."""
        with self._lock:
            return {c: frozenset(ms) for c, ms in self._core.members.items()}

    def queue_and_members(self) -> tuple[list[str], dict[str, frozenset[str]]]:
        """The queue in order and each cluster's members, read at one instant."""
        with self._lock:
            return self.queue_items(), self.members_snapshot()

    def with_members(self, fn: Callable[[Mapping[str, frozenset[str]]], None]) -> None:
        """Run `fn` over the members while no action can change them. Events are published
        under the same lock, so a listener hears of any later action only after `fn` is done."""
        with self._lock:
            fn(self.members_snapshot())

    def verify(self) -> list[str]:
        """Where the journal and the files disagree (empty: they agree)."""
        with self._lock:
            return verify(self._journal, self.source, self.dest)

    def repair(self) -> list[str]:
        """Apply every repair `verify` knows to be safe (session/verify.py); what was done."""
        with self._lock:
            return repair(self._journal, self.source, self.dest)

    def clusters(self) -> list[tuple[str, int]]:
        return self._core.clusters()

    def cluster_slots(self) -> dict[str, int]:
        """Hotkey slots 1-9 that never re-rank (see `SessionCore.cluster_slots`)."""
        return self._core.cluster_slots()

    def queue_items(self, offset: int = 0, limit: int | None = None) -> list[str]:
        return self._queue.items(offset, limit)

    def queue_length(self) -> int:
        return self._queue.length()

    def queue_page(self, offset: int, limit: int) -> tuple[list[str], int, bool]:
        """The page a reviewer is shown, the queue's length, and whether a large session's
        first walk is still counting it, read at one instant. What its photos are now is
        what a filing of them will move (`changed_since_shown`)."""
        items, total, counting = self._core.queue_page(offset, limit)
        self._sync.remember_shown(items)
        return items, total, counting

    @property
    def counting(self) -> bool:
        """The first walk of the folders is still going on (see `queue_page`)."""
        return self._core.counting

    def position(self, item: str) -> int | None:
        """Where a queued item stands in the queue (0 = next), or None when not queued."""
        return self._queue.position(item)

    def is_queued(self, item: str) -> bool:
        return self._queue.is_queued(item)

    def companions(self, item: str) -> tuple[str, ...]:
        """The other files of a queued item's group (RAW twin, sidecars, Live half), as items
        relative to the source; empty for a photo on its own."""
        with self._lock:
            return self._core.companions.get(item, ())

    def stats(self) -> dict[str, int]:
        return self._core.stats()

    def locate(self, item: str, root: str | None = None) -> tuple[Path, str]:
        """Find a photo by item string: queued photos (source) first, then cluster members
        (dest), then the trash. Returns the path and which root it was found under."""
        item = normalise_item(item)
        roots = {"source": self.source, "dest": self.dest, "trash": self.trash}
        in_trash = item.startswith(f"{TRASH_DIR}/")  # a delete line's `dst`, relative to dest
        hidden = any(part.startswith(".") for part in item.split("/"))
        order = [root] if root else ["source", "dest", "trash"]
        if not root and (in_trash or item.rpartition("/")[0] in self._core.members):
            order = ["dest", "source", "trash"]  # a cluster member or trashed photo of dest
        for name in order:
            if name not in roots:
                raise NotFound(f"unknown root {name!r}: use source, dest or trash")
            base = roots[name]
            if name == "dest" and not in_trash and (hidden or "/" not in item):
                continue
            if name == "source" and hidden:
                continue  # dot-files are never photos of the session (.clustering/ lives here)
            path = resolve_inside(base, item)
            if path.is_file() and is_media(path.name):
                return path, name
        raise NotFound(f"no photo named {item!r} in this session")

    def queued_path(self, item: str) -> Path:
        """The file of a queued item; 409 when it was filed already, 404 when unknown."""
        return self._core.queued_path(item)

    def pulled_from_stacks(self) -> frozenset[str]:
        return self._queue.pulled()

    def source_folders(self) -> dict[str, list[str]]:
        """With a separate dest: the source's folders that directly hold queued photos, by the
        cluster each would be filed into (its own path), with those photos. Empty otherwise."""
        return self._batches.source_folders()

    # ---------------------------------------------------------------- presence
    def set_viewing(self, reviewer: str, item: str | None) -> None:
        with self._lock:
            if item is None:
                self._viewing.pop(reviewer, None)
            else:
                self._viewing[reviewer] = (normalise_item(item), time.monotonic())

    def viewed_items(self) -> set[str]:
        now = time.monotonic()
        with self._lock:
            return {i for i, t in self._viewing.values() if now - t < VIEWING_TTL_S}

    # ---------------------------------------------------------------- actions
    def assign(
        self,
        item: str,
        cluster: str,
        *,
        create: bool = False,
        reviewer: str = "local",
        suggested: list[dict[str, Any]] | None = None,
        confidence: float | None = None,
    ) -> Record:
        shown = {"suggested": suggested or [], "confidence": confidence}
        return self._filing.assign(item, cluster, create=create, reviewer=reviewer, shown=shown)

    def create_cluster(self, name: str, reviewer: str = "local") -> Record:
        return self._filing.create_cluster(name, reviewer)

    def delete(self, item: str, *, reviewer: str = "local") -> Record:
        return self._filing.delete(item, reviewer)

    def skip(self, item: str, *, reviewer: str = "local") -> Record:
        return self._queue.skip(item, reviewer)

    def shuffle(self, seed: int | None = None, *, reviewer: str = "local") -> Record:
        return self._queue.shuffle(seed, reviewer)

    def rank_first(
        self, items: Sequence[str], *, natural: bool = False, reviewer: str = "local"
    ) -> Record:
        """Show these queued items first, in this order (uncertain first: the suggestion layer
        ranks them); the rest keep the current base order, or the natural (name) order when
        `natural`. An empty list is the plain order. Journaled with what undo restores."""
        return self._queue.rank_first(items, natural, reviewer)

    def pull_from_stack(self, item: str, *, reviewer: str = "local") -> Record:
        """Take a queued photo out of its stack (suggest/stacks.py): from now on it is shown
        and filed on its own. Journaled, so every tab and a restart agree on it."""
        return self._queue.pull_from_stack(item, reviewer)

    def update_settings(self, changes: Mapping[str, Any], *, reviewer: str = "local") -> Record:
        """Validate `changes` whole (`BadSettings` before anything is journaled), then journal
        the fields that really change with their previous values (what undo restores)."""
        self._core.writable()
        with self._lock:
            changed, previous = self.settings.diff(self.settings.changed(changes))
            return self._core.journal_line(
                {
                    "type": "settings",
                    "settings": changed,
                    "previous": previous,
                    "reviewer": reviewer,
                }
            )

    def move_batch(
        self,
        plans: Sequence[MovePlan],
        *,
        batch: str,
        reviewer: str = "auto",
        progress: Callable[[int, int], None] | None = None,
        chunk: int = 256,
        by: Filer = "auto",
    ) -> list[Record]:
        """File many photos as one batch (`by` auto, or manual for a grid): group-committed
        journal lines, then the moves. A photo no longer queued is left out."""
        return self._batches.attempt_batch(
            plans, batch=batch, reviewer=reviewer, progress=progress, chunk=chunk, by=by
        )[0]

    def auto_batch(
        self, plans: Sequence[MovePlan], *, rule: Mapping[str, Any], reviewer: str = "auto"
    ) -> tuple[str, list[Record], list[FailedMove]]:
        """File `plans` as one undoable auto-move batch: an `auto-batch-start` line carrying
        `rule` (threshold, margins, estimate), the moves with `batch-progress` events, an
        `auto-batch-end` line, then a `batch-done` event. Returns the batch id, the moves
        that happened (a photo filed by a reviewer meanwhile is left out) and the moves that
        failed, each with its reason."""
        return self._batches.auto_batch(plans, rule, reviewer)

    def grid_batch(
        self,
        plans: Sequence[MovePlan],
        *,
        mode: str,
        cluster: str,
        rejected: Sequence[Mapping[str, Any]] = (),
        create: bool = False,
        reviewer: str = "local",
    ) -> tuple[str, list[Record], list[FailedMove]]:
        """File a grid's ticked photos into `cluster` as one manual batch, undone as one unit:
        a `grid-batch-start` line (mode, cluster, the photos the reviewer unticked), the
        cluster's creation when `create`, the moves (`by: manual`, `mode`), `grid-batch-end`.
        A photo filed meanwhile by another reviewer is left out, never filed twice; a move
        that fails is listed with its reason (the photo stays queued)."""
        return self._batches.grid_batch(
            plans, mode=mode, cluster=cluster, rejected=rejected, create=create, reviewer=reviewer
        )

    def trash_batch(
        self, items: Sequence[str], *, kept: str, reason: str, reviewer: str = "local"
    ) -> tuple[str, list[Record], list[FailedMove]]:
        """Trash these queued photos as one batch, undone as one unit (duplicates: keep the
        best, trash the rest): `trash-batch-start` (what was kept and why), the deletes into
        the session's trash folder, `trash-batch-end`. A photo no longer queued is left out; a move
        that fails is returned with its reason."""
        return self._batches.trash_batch(items, kept=kept, reason=reason, reviewer=reviewer)

    def file_source_folders(
        self, folders: Sequence[str] | None = None, *, reviewer: str = "local"
    ) -> tuple[str, dict[str, list[Record]], list[FailedMove]]:
        """File every queued photo of each source folder (`folders`, default all) into the
        cluster of the same path, made when missing, as one manual batch undone as one unit:
        `folders-batch-start`, the `cluster-create` lines, the moves (copies in copy mode),
        `folders-batch-end`. Returns the batch id, the moves per cluster and the moves that failed
        (each with its reason)."""
        return self._batches.file_source_folders(folders, reviewer)

    def undo(
        self, seq: int | None = None, *, batch: str | None = None, reviewer: str = "local"
    ) -> list[Record]:
        """Reverse one action (default: the newest not yet undone) or a whole batch."""
        return self._undoing.undo(seq, batch, reviewer)

    # ---------------------------------------------------------------- sync with disk
    def refresh(self, *, wait_whole: bool = False) -> tuple[set[str], set[str]]:
        """Pick up photos that appeared or vanished behind the tool's back (disksync.py)."""
        return self._sync.refresh(wait_whole=wait_whole)

    def watched_folders(self) -> list[str]:
        """The source folders live folders watch (not the clusters), as last scanned."""
        return self._sync.watched_folders()

    def notice(self, paths: Iterable[str | os.PathLike[str]], closed: Iterable[str] = ()) -> None:
        """A watcher saw these paths change and these files `closed` after writing: newcomers
        wait to be whole, vanished photos leave the queue, rewritten ones are read afresh."""
        self._sync.notice(paths, closed)

    def closes_reported(self, folders: Iterable[str]) -> None:
        """Folders whose close-after-write events the watcher reports from now on."""
        self._sync.closes_reported(folders)

    def closes_missed(self) -> None:
        """Close events were lost: newcomers waiting for one go by stillness."""
        self._sync.closes_missed()

    def settle(self) -> None:
        """Queue the newcomers that are whole now (see `session/arrivals.py`)."""
        self._sync.settle()

    def arrivals_pending(self) -> bool:
        return self._sync.arrivals_pending()

    # ---------------------------------------------------------------- persistence
    def checkpoint(self) -> None:
        """Write `state.json`, a derivable snapshot: a failure is logged, never raised."""
        self._core.checkpoint()

    def checkpoint_if_stale(self, max_age: float | None = None) -> None:
        """Checkpoint unless one was written recently (`state.json` is derivable)."""
        if max_age is None:
            self._core.checkpoint_if_stale()
        else:
            self._core.checkpoint_if_stale(max_age)

    def snapshot(self) -> dict[str, Any]:
        return self._core.snapshot()

    def close(self) -> None:
        with self._lock:
            if self._core.closed:
                return
            if not self.read_only:
                self.checkpoint()
                self._sync.keep_scan()
            self._journal.close()
            self._core.closed = True
