"""The session: one source, one dest, its queue, its clusters and its journal.

All mutations go through one lock, write their journal line (fsync'ed) before touching a file,
and publish an event afterwards. Nothing here knows about HTTP.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import random
import stat
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import photosort.session.copymode as copymode
import photosort.session.fileops as fileops
import photosort.session.scancache as scancache
import photosort.session.sourcefolders as sourcefolders
from photosort.errors import (
    AlreadyUndone,
    BadClusterName,
    Conflict,
    DiskFull,
    NotFound,
    NothingToUndo,
    NotQueued,
    SessionFolderError,
    UnknownCluster,
)
from photosort.formats import is_media
from photosort.session.arrivals import Arrivals
from photosort.session.events import EventBus
from photosort.session.groups import FolderIndex, GroupProbe, face_of, is_member
from photosort.session.ignore import IGNORE_FILE, IgnoreRules
from photosort.session.journal import CLUSTERING_DIR, Journal, Record
from photosort.session.paths import normalise_item, resolve_inside, validate_cluster_name
from photosort.session.recovery import RecoveryReport, recover
from photosort.session.scan import photos_below, queueable, scan, unchanged
from photosort.session.settings import HOTKEY_SLOTS, SessionSettings
from photosort.session.state import MOVE_TYPES, NOT_UNDOABLE, ReplayState
from photosort.session.verify import repair, verify

log = logging.getLogger("photosort.session")

TRASH_DIR = f"{CLUSTERING_DIR}/trash"
CHECKPOINT_EVERY_S = 1.0
FULL_RESCAN_S = 60.0
VERIFY_CACHED_SCAN_AFTER_S = 10.0
VIEWING_TTL_S = 90.0
# Up to this many moves, a group's files are looked up by name rather than by listing their
# folder (see `GroupProbe`): a flat folder of 50k photos cost 190 ms per keypress listed.
GROUP_PROBE_MAX = 64
# Undoing any of these lines undoes its whole batch; the end lines only close one.
BATCH_MEMBERS = frozenset(
    {
        "assign",
        "delete",
        "cluster-create",
        "auto-batch-start",
        "grid-batch-start",
        "trash-batch-start",
        "folders-batch-start",
    }
)
BATCH_ENDS = frozenset({"auto-batch-end", "grid-batch-end", "trash-batch-end", "folders-batch-end"})


@dataclass(frozen=True)
class MovePlan:
    """One planned photo move: item (relative to source) to dst (relative to dest), with the
    other files of its group as (src, dst) pairs (empty until planned)."""

    item: str
    dst: str
    cluster: str | None
    extra: dict[str, Any] = field(default_factory=dict)
    companions: tuple[tuple[str, str], ...] = ()


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
        self.lock = threading.RLock()
        self.events = EventBus()
        self.journal = Journal(self.dest / CLUSTERING_DIR, read_only=read_only)
        self.state = ReplayState()
        self.members: dict[str, set[str]] = {}
        self._companions: dict[str, tuple[str, ...]] = {}
        self._generation = 0
        self._viewing: dict[str, tuple[str, float]] = {}
        self._running_batches: set[str] = set()
        self._unresolved: set[int] = set()
        self._closed = False
        self._stamps: dict[str, int] = {}
        self._ignores = IgnoreRules([], [])
        self._arrivals = Arrivals()
        self._full_scan_at = time.monotonic()
        self._checkpointed_seq = 0
        self._checkpointed_at = 0.0
        keep = scan_cache and not read_only
        self._scan_cache = self.dest / CLUSTERING_DIR / scancache.CACHE_NAME if keep else None
        self._open(read_only)

    def _open(self, read_only: bool) -> None:
        """Recover, replay the journal, and build the queue: from the scan the last `serve`
        kept when it still holds, else by walking the folders."""
        # A scan kept by a clean stop with no journal line since: no move was cut short, so
        # recovery need not list the folders for partial copies (a 1M-photo folder: ~1 s).
        cached = self._cached_scan()
        seq = self.last_seq()
        # A read-only look (stats, log, verify) reports; only a writable session repairs.
        self.recovery = (
            RecoveryReport()
            if read_only
            else recover(self.journal, self.source, self.dest, clean_stop=cached is not None)
        )
        if self.last_seq() != seq:
            cached = None  # recovery had something to finish after all: walk
        self._unresolved.update(self.recovery.unresolved)
        for rec in self.journal.records:
            self.state.apply(rec)
        if cached is not None:
            self._adopt_scan(cached.result, shown=cached.order)
            # The background refresh walks the folders anyway, once the first pages are out.
            self._full_scan_at = time.monotonic() - FULL_RESCAN_S + VERIFY_CACHED_SCAN_AFTER_S
        else:
            self._adopt_scan(scan(self.source, self.dest))
        if not read_only:
            self.checkpoint()

    # ---------------------------------------------------------------- reading
    @property
    def trash(self) -> Path:
        return self.dest / TRASH_DIR

    @property
    def settings(self) -> SessionSettings:
        return self.state.settings

    def last_seq(self) -> int:
        """Seq of the newest journal line (0 for an empty journal)."""
        return self.journal.next_seq - 1

    def record(self, seq: int) -> Record:
        """The journal line with this seq; raises `NotFound`."""
        with self.lock:
            try:
                return self.state.record(seq)
            except KeyError:
                raise NotFound(f"no journal line with seq {seq}") from None

    def is_undone(self, seq: int) -> bool:
        with self.lock:
            return seq in self.state.undone

    def undone_seqs(self) -> frozenset[int]:
        with self.lock:
            return frozenset(self.state.undone)

    def records_since(self, after: int = 0, limit: int | None = None) -> list[Record]:
        """Journal lines with a seq greater than `after`, oldest first."""
        return list(self.journal.page(after, limit))

    def journal_page(self, after: int = 0, limit: int | None = None) -> JournalPage:
        with self.lock:
            recs = self.records_since(after, limit)
            undone = [r["seq"] for r in recs if r["seq"] in self.state.undone]
            return JournalPage(recs, undone, self.last_seq())

    def members_snapshot(self) -> dict[str, frozenset[str]]:
        """Each cluster's members (paths relative to dest), copied."""
        with self.lock:
            return {c: frozenset(ms) for c, ms in self.members.items()}

    def queue_and_members(self) -> tuple[list[str], dict[str, frozenset[str]]]:
        """The queue in review order and each cluster's members, read together: no action
        lands between the two, so no photo is in both or in neither."""
        with self.lock:
            return self.queue_items(), self.members_snapshot()

    def with_members(self, fn: Callable[[Mapping[str, frozenset[str]]], None]) -> None:
        """Run `fn` over the members while no action can change them. Events are published
        under the same lock, so a listener hears of any later action only after `fn` is done."""
        with self.lock:
            fn(self.members_snapshot())

    def verify(self) -> list[str]:
        """Where the journal and the files disagree (empty: they agree)."""
        with self.lock:
            return verify(self.journal, self.source, self.dest)

    def repair(self) -> list[str]:
        """Apply every repair `verify` knows to be safe (session/verify.py); what was done."""
        with self.lock:
            return repair(self.journal, self.source, self.dest)

    def clusters(self) -> list[tuple[str, int]]:
        with self.lock:
            return [(name, len(m)) for name, m in sorted(self.members.items())]

    def cluster_slots(self) -> dict[str, int]:
        """Hotkey slots 1-9 that never re-rank: a cluster the reviewer pinned (settings
        `slots`) keeps its slot; the free ones go to the other clusters, those found on disk
        first (by path), then those created in this session, in creation order."""
        with self.lock:
            created = [c for c in self._created_clusters() if c in self.members]
            made = set(created)
            found = sorted(c for c in self.members if c not in made)
            slots = {
                name: i + 1
                for i, name in enumerate(self.settings.slots)
                if name is not None and name in self.members
            }
            free = [n for n in range(1, HOTKEY_SLOTS + 1) if n not in slots.values()]
            unpinned = [c for c in [*found, *created] if c not in slots]
            slots.update(zip(unpinned, free[: len(unpinned)], strict=False))
            return slots

    def _created_clusters(self) -> list[str]:
        """Clusters made through this session and not undone, oldest first."""
        names = [
            self.state.record(seq)["cluster"]
            for seq in self.state.cluster_creates
            if self.state.is_active(seq)
        ]
        return list(dict.fromkeys(names))

    def queue_items(self, offset: int = 0, limit: int | None = None) -> list[str]:
        with self.lock:
            items = self.state.order.items
            if offset == 0 and limit is None:  # the whole queue: one copy, not a slice's two
                return list(items)
            return list(items[offset:] if limit is None else items[offset : offset + limit])

    def queue_length(self) -> int:
        with self.lock:
            return len(self.state.order)

    def queue_page(self, offset: int, limit: int) -> tuple[list[str], int]:
        """One page of the queue and the queue's length, read at one instant."""
        with self.lock:
            return self.queue_items(offset, limit), len(self.state.order)

    def position(self, item: str) -> int | None:
        """Where a queued item stands in the queue (0 = next), or None when not queued."""
        with self.lock:
            return self.state.order.index(item) if item in self.state.order else None

    def is_queued(self, item: str) -> bool:
        with self.lock:
            return item in self.state.order

    def companions(self, item: str) -> tuple[str, ...]:
        """The other files of a queued item's group (RAW twin, sidecars, Live half), as items
        relative to the source; empty for a photo on its own."""
        with self.lock:
            return self._companions.get(item, ())

    def stats(self) -> dict[str, int]:
        with self.lock:
            return {"queued": len(self.state.order), **self.state.stats.as_dict()}

    def locate(self, item: str, root: str | None = None) -> tuple[Path, str]:
        """Find a photo by item string: queued photos (source) first, then cluster members
        (dest), then the trash. Returns the path and which root it was found under."""
        item = normalise_item(item)
        roots = {"source": self.source, "dest": self.dest, "trash": self.trash}
        in_trash = item.startswith(f"{TRASH_DIR}/")  # a delete line's `dst`, relative to dest
        hidden = any(part.startswith(".") for part in item.split("/"))
        order = [root] if root else ["source", "dest", "trash"]
        if not root and (in_trash or item.rpartition("/")[0] in self.members):
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
        item = normalise_item(item)
        with self.lock:
            if item in self.state.order:
                path = resolve_inside(self.source, item)
                if path.is_file():
                    return path
                self._drop_vanished([item])
                raise NotFound(f"{item!r} vanished from the source folder")
            if self._was_handled(item):
                raise NotQueued(f"{item!r} is no longer queued: it was already filed")
            raise NotFound(f"{item!r} is not a queued photo of this session")

    def _was_handled(self, item: str) -> bool:
        return item in self.state.filed_items

    # ---------------------------------------------------------------- presence
    def set_viewing(self, reviewer: str, item: str | None) -> None:
        with self.lock:
            if item is None:
                self._viewing.pop(reviewer, None)
            else:
                self._viewing[reviewer] = (normalise_item(item), time.monotonic())

    def viewed_items(self) -> set[str]:
        now = time.monotonic()
        with self.lock:
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
        self._writable()
        cluster = validate_cluster_name(cluster)
        with self.lock:
            item = normalise_item(item)
            self.queued_path(item)
            if cluster not in self.members:
                if not create:
                    raise UnknownCluster(
                        f"no cluster named {cluster!r}; pass create=true to make it"
                    )
                self._create_cluster(cluster, reviewer)
            plan = self._plan(item, cluster, cluster, self._group_finder([item]), set())
            return self._execute_moves(
                "assign",
                [plan],
                by="manual",
                reviewer=reviewer,
                extra={"suggested": suggested or [], "confidence": confidence},
            )[0]

    def create_cluster(self, name: str, reviewer: str = "local") -> Record:
        self._writable()
        name = validate_cluster_name(name)
        with self.lock:
            if name in self.members:
                raise Conflict(f"cluster {name!r} already exists")
            return self._create_cluster(name, reviewer)

    def _create_cluster(self, name: str, reviewer: str, batch: str | None = None) -> Record:
        folder = self.dest / name
        existed = folder.exists()
        made: list[str] = []
        parts = name.split("/")
        for depth in range(1, len(parts) + 1):
            path = "/".join(parts[:depth])
            step = self.dest / path
            if step.is_symlink() or (step.exists() and not step.is_dir()):
                # A file, or a link that could lead out of the session, is never a cluster.
                raise Conflict(
                    f"cannot make cluster {name!r}: a file or link named {path!r} is there"
                )
            if not step.exists():
                made.append(path)
        if IgnoreRules.load((self.source, self.dest)).excludes(self.dest, name, is_dir=True):
            raise BadClusterName(
                f"cannot make cluster {name!r}: a .photosortignore leaves that folder out"
            )
        line: dict[str, Any] = {
            "type": "cluster-create",
            "cluster": name,
            "reviewer": reviewer,
            "existed": existed,
        }
        if len(made) > 1:
            line["made"] = made  # the parent folders undo removes again
        rec = self.journal.append({**line, "batch": batch} if batch else line)
        folder.mkdir(parents=True, exist_ok=True)
        self._generation += 1  # a rescan that started before this must not drop the cluster
        self.members.setdefault(name, set())
        return self._commit(rec)

    def delete(self, item: str, *, reviewer: str = "local") -> Record:
        self._writable()
        with self.lock:
            item = normalise_item(item)
            self.queued_path(item)
            if self.copy_mode:
                return self._journal_line(copymode.hide_line(item, reviewer))
            folder = f"{TRASH_DIR}/{item}".rpartition("/")[0]
            plan = self._plan(item, folder, None, self._group_finder([item]), set())
            return self._execute_moves("delete", [plan], by="manual", reviewer=reviewer)[0]

    def skip(self, item: str, *, reviewer: str = "local") -> Record:
        self._writable()
        with self.lock:
            item = normalise_item(item)
            self.queued_path(item)
            return self._journal_line({"type": "skip", "item": item, "reviewer": reviewer})

    def shuffle(self, seed: int | None = None, *, reviewer: str = "local") -> Record:
        self._writable()
        with self.lock:
            if seed is None:
                seed = random.SystemRandom().randrange(1, 2**31)
            return self._journal_line(
                {
                    "type": "shuffle",
                    "seed": seed,
                    "previous_seed": self.state.order.seed,
                    "previous_items": sorted(
                        self.state.order.ranking, key=self.state.order.ranking.__getitem__
                    ),
                    "reviewer": reviewer,
                }
            )

    def rank_first(
        self, items: Sequence[str], *, natural: bool = False, reviewer: str = "local"
    ) -> Record:
        """Show these queued items first, in this order (uncertain first: the suggestion layer
        ranks them); the rest keep the current base order, or the natural (name) order when
        `natural`. An empty list is the plain order. Journaled with what undo restores."""
        self._writable()
        with self.lock:
            order = self.state.order
            ranked = [i for i in dict.fromkeys(normalise_item(i) for i in items) if i in order]
            previous = sorted(order.ranking, key=order.ranking.__getitem__)
            return self._journal_line(
                {
                    "type": "order",
                    "order": "uncertain" if ranked else "natural" if natural else "plain",
                    "items": ranked,
                    "seed": None if natural else order.seed,
                    "previous_items": previous,
                    "previous_seed": order.seed,
                    "reviewer": reviewer,
                }
            )

    def update_settings(self, changes: Mapping[str, Any], *, reviewer: str = "local") -> Record:
        """Validate `changes` whole (`BadSettings` before anything is journaled), then journal
        the fields that really change with their previous values (what undo restores)."""
        self._writable()
        with self.lock:
            changed, previous = self.settings.diff(self.settings.changed(changes))
            return self._journal_line(
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
        by: str = "auto",
    ) -> list[Record]:
        """File many photos as one batch (`by` auto, or manual for a grid): group-committed
        journal lines, then the moves."""
        self._writable()
        with self.lock:
            valid = [p for p in plans if p.item in self.state.order and p.cluster in self.members]
            self._running_batches.add(batch)
        try:
            return self._move_batch_chunks(valid, batch, reviewer, progress, chunk, by)
        finally:
            with self.lock:
                self._running_batches.discard(batch)

    def _move_batch_chunks(
        self,
        valid: Sequence[MovePlan],
        batch: str,
        reviewer: str,
        progress: Callable[[int, int], None] | None,
        chunk: int,
        by: str,
    ) -> list[Record]:
        # The lock is released between chunks so reviewers keep working during a long batch.
        done: list[Record] = []
        folders = self._group_finder([p.item for p in valid])
        for start in range(0, len(valid), chunk):
            with self.lock:
                part = [p for p in valid[start : start + chunk] if p.item in self.state.order]
                taken: set[str] = set()
                part = [
                    self._plan(p.item, p.cluster or "", p.cluster, folders, taken, p.extra)
                    for p in part
                ]
                done += self._execute_moves("assign", part, by=by, reviewer=reviewer, batch=batch)
            if progress:
                progress(min(start + chunk, len(valid)), len(valid))
        return done

    def auto_batch(
        self, plans: Sequence[MovePlan], *, rule: Mapping[str, Any], reviewer: str = "auto"
    ) -> tuple[str, list[Record]]:
        """File `plans` as one undoable auto-move batch: an `auto-batch-start` line carrying
        `rule` (threshold, margins, estimate), the moves with `batch-progress` events, an
        `auto-batch-end` line, then a `batch-done` event. Returns the batch id and the moves
        that happened (a photo filed by a reviewer meanwhile is left out)."""
        self._writable()
        batch = new_batch_id()
        self._journal_line(
            {"type": "auto-batch-start", "batch": batch, **rule, "reviewer": reviewer}
        )

        def progress(done: int, total: int) -> None:
            self.events.publish(
                {"type": "batch-progress", "batch": batch, "done": done, "total": total}
            )

        moved = self.move_batch(plans, batch=batch, reviewer=reviewer, progress=progress)
        self._journal_line(
            {
                "type": "auto-batch-end",
                "batch": batch,
                "moved": len(moved),
                "failed": len(plans) - len(moved),
            }
        )
        self.events.publish(
            {"type": "batch-done", "batch": batch, "count": len(moved), "stats": self.stats()}
        )
        return batch, moved

    def grid_batch(
        self,
        plans: Sequence[MovePlan],
        *,
        mode: str,
        cluster: str,
        rejected: Sequence[Mapping[str, Any]] = (),
        create: bool = False,
        reviewer: str = "local",
    ) -> tuple[str, list[Record]]:
        """File a grid's ticked photos into `cluster` as one manual batch, undone as one unit:
        a `grid-batch-start` line (mode, cluster, the photos the reviewer unticked), the
        cluster's creation when `create`, the moves (`by: manual`, `mode`), `grid-batch-end`.
        A photo filed meanwhile by another reviewer is left out, never filed twice."""
        self._writable()
        cluster = validate_cluster_name(cluster)
        with self.lock:  # a grid is small: hold the lock so the batch lands as one
            if cluster not in self.members and not create:
                raise UnknownCluster(f"no cluster named {cluster!r}; pass create=true to make it")
            batch = new_batch_id()
            self._journal_line(
                {
                    "type": "grid-batch-start",
                    "batch": batch,
                    "mode": mode,
                    "cluster": cluster,
                    "rejected": [dict(r) for r in rejected],
                    "reviewer": reviewer,
                }
            )
            if cluster not in self.members:
                self._create_cluster(cluster, reviewer, batch=batch)
            moves = [MovePlan(p.item, "", cluster, {**p.extra, "mode": mode}) for p in plans]
            moved = self.move_batch(moves, batch=batch, reviewer=reviewer, by="manual")
            self._journal_line(
                {
                    "type": "grid-batch-end",
                    "batch": batch,
                    "moved": len(moved),
                    "skipped": len(plans) - len(moved),
                }
            )
            return batch, moved

    def trash_batch(
        self, items: Sequence[str], *, kept: str, reason: str, reviewer: str = "local"
    ) -> tuple[str, list[Record]]:
        """Trash these queued photos as one batch, undone as one unit (duplicates: keep the
        best, trash the rest): `trash-batch-start` (what was kept and why), the deletes into
        the session's trash folder, `trash-batch-end`. A photo no longer queued is left out."""
        self._writable()
        with self.lock:
            kept = normalise_item(kept)
            wanted = [i for i in dict.fromkeys(normalise_item(i) for i in items) if i != kept]
            queued = [i for i in wanted if i in self.state.order]
            batch = new_batch_id()
            self._journal_line(
                {
                    "type": "trash-batch-start",
                    "batch": batch,
                    "kept": kept,
                    "reason": reason,
                    "reviewer": reviewer,
                }
            )
            moved = self._trash_many(queued, reviewer, batch)
            self._journal_line(
                {
                    "type": "trash-batch-end",
                    "batch": batch,
                    "moved": len(moved),
                    "skipped": len(wanted) - len(moved),
                }
            )
            return batch, moved

    def source_folders(self) -> dict[str, list[str]]:
        """With a separate dest: the source's folders that directly hold queued photos, by the
        cluster each would be filed into (its own path), with those photos. Empty otherwise."""
        if self.dest == self.source:
            return {}  # there the source's folders are the clusters already
        return sourcefolders.folders_of(self.queue_items())

    def file_source_folders(
        self, folders: Sequence[str] | None = None, *, reviewer: str = "local"
    ) -> tuple[str, dict[str, list[Record]]]:
        """File every queued photo of each source folder (`folders`, default all) into the
        cluster of the same path, made when missing, as one manual batch undone as one unit:
        `folders-batch-start`, the `cluster-create` lines, the moves (copies in copy mode),
        `folders-batch-end`. Returns the batch id and the moves per cluster."""
        self._writable()
        with self.lock:
            offer = self.source_folders()
            if folders is not None:
                offer = {f: offer[f] for f in dict.fromkeys(folders) if f in offer}
            if not offer:
                raise NotFound("no source folder holds queued photos to file")
            batch = new_batch_id()
            self._journal_line(
                {
                    "type": "folders-batch-start",
                    "batch": batch,
                    "folders": {f: len(items) for f, items in offer.items()},
                    "reviewer": reviewer,
                }
            )
            for cluster in offer:
                if cluster not in self.members:
                    self._create_cluster(cluster, reviewer, batch=batch)
        plans = [
            MovePlan(item, "", cluster, {"mode": "folders"})
            for cluster, items in offer.items()
            for item in items
        ]
        # Not under the lock: a big folder moves in chunks while reviewers keep working.
        moved = self.move_batch(plans, batch=batch, reviewer=reviewer, by="manual")
        end = {"type": "folders-batch-end", "batch": batch, "moved": len(moved)}
        self._journal_line({**end, "skipped": len(plans) - len(moved)})
        per_cluster: dict[str, list[Record]] = {c: [] for c in offer}
        for rec in moved:
            per_cluster[rec["cluster"]].append(rec)
        return batch, per_cluster

    def _trash_many(self, items: list[str], reviewer: str, batch: str) -> list[Record]:
        """Trash whole groups into the trash folder (copy mode: hide them, the source stays)."""
        if self.copy_mode:
            return [
                self._journal_line({**copymode.hide_line(item, reviewer), "batch": batch})
                for item in items
            ]
        taken: set[str] = set()
        folders = self._group_finder(items)
        plans = [
            self._plan(item, f"{TRASH_DIR}/{item}".rpartition("/")[0], None, folders, taken)
            for item in items
        ]
        return self._execute_moves("delete", plans, by="manual", reviewer=reviewer, batch=batch)

    def pull_from_stack(self, item: str, *, reviewer: str = "local") -> Record:
        """Take a queued photo out of its stack (suggest/stacks.py): from now on it is shown
        and filed on its own. Journaled, so every tab and a restart agree on it."""
        self._writable()
        with self.lock:
            item = normalise_item(item)
            self.queued_path(item)
            return self._journal_line({"type": "stack-pull", "item": item, "reviewer": reviewer})

    def pulled_from_stacks(self) -> frozenset[str]:
        with self.lock:
            return frozenset(self.state.pulled)

    def _journal_line(self, line: dict[str, Any]) -> Record:
        """Append a line whose effect needs no file operation first, apply it, publish it."""
        with self.lock:
            return self._commit(self.journal.append(line))

    def _commit(self, rec: Record) -> Record:
        """Apply an appended line to the replayed state and tell the listeners."""
        self.state.apply(rec)
        self._after([rec])
        return rec

    def _group_finder(self, items: Sequence[str]) -> FolderIndex | GroupProbe:
        """How the files of a group are found on disk when these items' moves are planned (a
        sidecar written since the scan is not left behind): a few moves look their names up,
        a batch lists each of its folders once, keeping only its own items' stems."""
        if len(items) <= GROUP_PROBE_MAX:
            return GroupProbe(self.source, self.companions)
        return FolderIndex(self.source, items)

    def _plan(
        self,
        item: str,
        folder: str,
        cluster: str | None,
        folders: FolderIndex | GroupProbe,
        taken: set[str],
        extra: dict[str, Any] | None = None,
    ) -> MovePlan:
        """Move `item` and every file of its group into `folder` (relative to dest), under
        names free for the whole group."""
        companions = tuple(c for c in folders.companions(item) if c != item)
        names = [p.rsplit("/", 1)[-1] for p in (item, *companions)]
        targets = fileops.free_group(self.dest / folder, names, taken)
        dsts = [t.relative_to(self.dest).as_posix() for t in targets]
        pairs = tuple(zip(companions, dsts[1:], strict=True))
        return MovePlan(item, dsts[0], cluster, extra or {}, pairs)

    def _execute_moves(
        self,
        kind: str,
        plans: Sequence[MovePlan],
        *,
        by: str,
        reviewer: str,
        batch: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> list[Record]:
        lines = [
            {
                "type": kind,
                "item": p.item,
                "src": p.item,
                "dst": p.dst,
                "cluster": p.cluster,
                "by": by,
                "reviewer": reviewer,
                "batch": batch,
                **(extra or {}),
                **p.extra,
                **_companion_field(p.companions, "src", "dst"),
                **({"copy": True} if self.copy_mode else {}),
            }
            for p in plans
        ]
        recs = self.journal.append_many(lines, moves=True)
        self._generation += 1
        if len(recs) > 1:
            # state.apply removes each item from the queue order; doing it for the whole batch
            # first makes those removals no-ops (an aborted move puts its item back).
            self.state.order.remove_many(r["item"] for r in recs)
        done, aborted = self._move_files(
            recs, lambda r: _pairs(r, "src", "dst", self.source, self.dest), self._member_added
        )
        if aborted and len(plans) == 1:
            _raise_for(aborted[0], f"could not move {plans[0].item!r}")
        return done

    def _move_files(
        self,
        recs: Sequence[Record],
        paths: Callable[[Record], list[tuple[Path, Path]]],
        on_moved: Callable[[Record], None],
    ) -> tuple[list[Record], list[Record]]:
        """Carry out journaled (write-ahead) moves; a move that fails gets an `abort` line."""
        done: list[Record] = []
        aborted: list[Record] = []
        moves = fileops.BatchMover(copy=bool(recs) and bool(recs[0].get("copy")))
        for rec in recs:
            self.state.apply(rec)
            try:
                moves.move_group(paths(rec))  # the whole group, or none of it
            except OSError as exc:
                aborted.append(self._abort(rec, exc))
                continue
            on_moved(rec)
            done.append(rec)
        self.journal.settle(a["aborts"] for a in aborted)
        try:
            moves.finish()  # directory fsyncs, once per folder, before anything is reported done
        except OSError as exc:
            # Every new name exists; an old name may linger too. The next start finishes it.
            log.error("could not finish %d moves (%s); recovery retries them", len(done), exc)
            self._unresolved.update(r["seq"] for r in done)
        else:
            self.journal.settle(r["seq"] for r in done)
        self._after(done + aborted)
        return done, aborted

    def _abort(self, rec: Record, exc: OSError) -> Record:
        reason = exc.strerror or str(exc)
        face = rec.get("src") or rec.get("restore_from") or ""
        culprit = os.path.basename(os.fsdecode(exc.filename)) if exc.filename else ""
        if rec.get("companions") and culprit and culprit != face.rsplit("/", 1)[-1]:
            reason = f"{reason} ({culprit}, a file of its group: nothing of the group moved)"
        abort = self.journal.append(
            {"type": "abort", "aborts": rec["seq"], "reason": reason, "errno": exc.errno}
        )
        self.state.apply(abort)
        if rec["type"] != "undo" and not (self.source / rec["src"]).is_file():
            self.state.order.remove(rec["item"])
        return abort

    def _member_removed(self, undo: Record) -> None:
        target = self.state.record(undo["undoes"])
        if target.get("cluster") in self.members:
            self.members[target["cluster"]].discard(target["dst"])
        back = tuple(c["restore_to"] for c in undo.get("companions", ()))
        if back:
            self._companions[undo["restore_to"]] = back

    def _member_added(self, rec: Record) -> None:
        self._companions.pop(rec["item"], None)
        if rec["type"] == "assign" and rec.get("cluster"):
            self.members.setdefault(rec["cluster"], set()).add(rec["dst"])

    # ---------------------------------------------------------------- undo
    def undo(
        self, seq: int | None = None, *, batch: str | None = None, reviewer: str = "local"
    ) -> list[Record]:
        """Reverse one action (default: the newest not yet undone) or a whole auto batch."""
        self._writable()
        with self.lock:
            if batch is not None:
                return self._undo_batch(batch, reviewer)
            if seq is None:
                target = self.state.newest_undoable()
                if target is None:
                    raise NothingToUndo("nothing left to undo")
            else:
                target = self.record(seq)
                if target["type"] in NOT_UNDOABLE:
                    raise Conflict(f"line {seq} ({target['type']}) cannot be undone")
                if not self.state.is_active(seq):
                    raise AlreadyUndone(f"line {seq} was already undone")
            if target.get("batch") and target["type"] in BATCH_MEMBERS:
                return self._undo_batch(target["batch"], reviewer)
            return [self._undo_one(target, reviewer)]

    def _undo_batch(self, batch: str, reviewer: str) -> list[Record]:
        seqs = self.state.batches.get(batch)
        if not seqs:
            raise NotFound(f"no batch {batch!r}")
        if batch in self._running_batches:
            raise Conflict(f"batch {batch} is still running: undo it once it has finished")
        records = [self.state.record(s) for s in seqs]
        active = [r for r in reversed(records) if self.state.is_active(r["seq"])]
        active = [r for r in active if r["type"] not in BATCH_ENDS]
        if not active:
            raise AlreadyUndone(f"batch {batch} was already undone")
        moves = [r for r in active if r["type"] in MOVE_TYPES]
        others = [r for r in active if r["type"] not in MOVE_TYPES]
        out = self._undo_moves(moves, reviewer, batch=batch)
        out += [self._undo_one(r, reviewer) for r in others]
        return out

    def _undo_one(self, target: Record, reviewer: str) -> Record:
        if target["type"] in MOVE_TYPES:
            return self._undo_moves([target], reviewer)[0]
        if target["type"] == "cluster-create":
            name = target["cluster"]
            folder = self.dest / name
            if self.members.get(name) or (folder.exists() and any(folder.iterdir())):
                raise Conflict(f"cluster {name!r} is not empty; it stays")
        rec = self.journal.append(
            {
                "type": "undo",
                "undoes": target["seq"],
                "reviewer": reviewer,
                "item": target.get("item"),
            }
        )
        if target["type"] == "cluster-create" and not target.get("existed"):
            made = target.get("made") or [target["cluster"]]
            for path in sorted(made, key=len, reverse=True):
                folder = self.dest / path
                if path != target["cluster"]:
                    with contextlib.suppress(OSError):
                        folder.rmdir()  # a parent stays when something else lives there now
                elif folder.exists():
                    folder.rmdir()
            self._generation += 1
            self.members.pop(target["cluster"], None)
        return self._commit(rec)

    def _undo_moves(
        self, targets: Sequence[Record], reviewer: str, batch: str | None = None
    ) -> list[Record]:
        copies = [t for t in targets if t.get("copy")]
        moves = [t for t in targets if not t.get("copy")]
        if moves and self.copy_mode:
            raise Conflict(
                f"line {moves[0]['seq']} moved the photo out of the source: undo it in a "
                f"session without copy mode (this one never writes to the source)"
            )
        done = self._undo_copies(copies, reviewer, batch) if copies else []
        return done + (self._undo_file_moves(moves, reviewer, batch) if moves else [])

    def _undo_copies(
        self, targets: Sequence[Record], reviewer: str, batch: str | None
    ) -> list[Record]:
        """Undo copy-mode lines: the copies that still hold the original's bytes go, a copy
        changed since stays (the line's `kept` says so), the photo is queued again."""
        lines = [copymode.undo_line(t, self.source, self.dest, reviewer, batch) for t in targets]
        recs = self.journal.append_many(lines, moves=True)
        self._generation += 1
        done: list[Record] = []
        aborted: list[Record] = []
        for rec in recs:
            self.state.apply(rec)
            try:
                late = copymode.remove_copies(rec, self.source, self.dest)
            except OSError as exc:
                aborted.append(self._abort(rec, exc))
                continue
            if late:
                log.warning("undo seq %s kept %s: changed just now", rec["seq"], late)
            self._copy_removed(rec)
            done.append(rec)
        self.journal.settle(r["seq"] for r in recs)
        self._after(done + aborted)
        if aborted and len(targets) == 1:
            _raise_for(aborted[0], "could not undo")
        return done

    def _copy_removed(self, undo: Record) -> None:
        target = self.state.record(undo["undoes"])
        if target.get("cluster") in self.members and target["dst"] not in undo.get("kept", ()):
            self.members[target["cluster"]].discard(target["dst"])
        back = tuple(c["src"] for c in target.get("companions", ()))
        if back:
            self._companions[target["item"]] = back

    def _undo_file_moves(
        self, targets: Sequence[Record], reviewer: str, batch: str | None
    ) -> list[Record]:
        taken: set[str] = set()
        lines: list[dict[str, Any]] = []
        for t in targets:
            current = self.dest / t["dst"]
            if not current.is_file():
                if len(targets) == 1:
                    raise Conflict(
                        f"cannot undo: {t['dst']!r} is no longer there (moved outside photosort?)"
                    )
                continue
            lines.append(self._undo_line(t, taken, reviewer, batch))
        recs = self.journal.append_many(lines, moves=True)
        self._generation += 1
        done, aborted = self._move_files(
            recs,
            lambda r: _pairs(r, "restore_from", "restore_to", self.dest, self.source),
            self._member_removed,
        )
        if aborted and len(targets) == 1:
            _raise_for(aborted[0], "could not undo")
        return done

    def _undo_line(
        self, t: Record, taken: set[str], reviewer: str, batch: str | None
    ) -> dict[str, Any]:
        """The undo of move line `t`: its whole group back to the source folder, under names
        free for all of it. A companion removed by hand since is not looked for."""
        companions = [c for c in t.get("companions", ()) if (self.dest / c["dst"]).is_file()]
        srcs = [t["src"], *(c["src"] for c in companions)]
        folder = self.source / t["src"].rpartition("/")[0]
        backs = fileops.free_group(folder, [s.rsplit("/", 1)[-1] for s in srcs], taken)
        items = [b.relative_to(self.source).as_posix() for b in backs]
        pairs = tuple(zip((c["dst"] for c in companions), items[1:], strict=True))
        return {
            "type": "undo",
            "undoes": t["seq"],
            "item": items[0],
            "restore_from": t["dst"],
            "restore_to": items[0],
            "cluster": t.get("cluster"),
            "reviewer": reviewer,
            "batch": batch,
            **_companion_field(pairs, "restore_from", "restore_to"),
        }

    # ---------------------------------------------------------------- sync with disk
    def refresh(self, *, wait_whole: bool = False) -> tuple[set[str], set[str]]:
        """Pick up photos that appeared or vanished behind the tool's back. `wait_whole` (the
        background rescan): a newcomer joins only once whole (`settle`, arrivals.py)."""
        with self.lock:
            generation = self._generation
            stamps = self._stamps
            moving = bool(self._running_batches)
        # No folder changed since the last scan: nothing can have appeared or vanished. (A full
        # walk now and then anyway, for file systems with unreliable folder mtimes.) While a
        # batch moves files, every chunk changes the generation, so a walk would only be thrown
        # away (at 1M: seconds of CPU and every name in memory); the first refresh after it walks.
        if moving or (unchanged(stamps) and time.monotonic() - self._full_scan_at < FULL_RESCAN_S):
            self.settle()  # newcomers still being written are not in any folder's mtime
            return set(), set()
        result = scan(self.source, self.dest)
        with self.lock:
            if generation != self._generation:
                return set(), set()  # our own move raced the scan; the next refresh will see it
            return self._adopt_scan(result, publish=True, wait_whole=wait_whole)

    def _cached_scan(self) -> scancache.CachedScan | None:
        if self._scan_cache is None:
            return None
        cached = scancache.load(
            self._scan_cache, roots=(self.source, self.dest), last_seq=self.last_seq()
        )
        # Used once: a later start must not trust it after this run's changes.
        scancache.remove(self._scan_cache)
        return cached

    def _keep_scan(self) -> None:
        """Keep the queue, groups and members as they stand, stamped now, for the next start."""
        if self._scan_cache is None:
            return
        order = list(self.state.order.items)
        queued = set(order)
        folders = dict.fromkeys(self._stamps)
        folders.update(dict.fromkeys(str(self.dest / c) for c in self.members))
        scancache.save(
            self._scan_cache,
            roots=(self.source, self.dest),
            last_seq=self.last_seq(),
            stamps=scancache.folder_stamps(list(folders)),
            order=order,
            companions={f: c for f, c in self._companions.items() if f in queued},
            members=self.members,
        )

    def _adopt_scan(
        self,
        result: Any,
        *,
        publish: bool = False,
        wait_whole: bool = False,
        shown: Sequence[str] | None = None,
    ) -> tuple[set[str], set[str]]:
        self.members = result.members
        self._keep_created_clusters()
        self._ignores = IgnoreRules.load((self.source, self.dest))
        self._companions = result.companions
        if self.state.hidden:  # copy mode: copied photos stay in the source, not in the queue
            result.queued -= self.state.hidden
        self._stamps = result.stamps
        self._full_scan_at = time.monotonic()
        queued: set[str] = result.queued
        if wait_whole:  # while the session runs, a newcomer may still be being written
            order = self.state.order
            newcomers = [i for i in queued if i not in order]
            whole = self._arrivals.look(self.source, newcomers)
            queued = queued - {i for i in newcomers if i not in whole}
        appeared, vanished = self.state.order.sync(queued, shown)
        if publish:
            self._queue_changed(appeared, vanished)
        return appeared, vanished

    def _keep_created_clusters(self) -> None:
        """A cluster the reviewer made stays one while its folder is there, holding no photo
        yet: a scan only counts folders that hold photos."""
        for name in self._created_clusters():
            if name not in self.members:
                folder = self.dest / name
                if folder.is_dir() and not folder.is_symlink():
                    self.members[name] = set()

    def watched_folders(self) -> list[str]:
        """The folders whose entries can be queued photos, as the last scan found them: the
        source and its subfolders, not the clusters (live folders watch these one by one)."""
        with self.lock:
            stamps = self._stamps
        src = str(self.source)
        below, clusters = src + os.sep, str(self.dest) + os.sep
        return sorted(
            f
            for f in stamps
            if f == src
            or (
                f.startswith(below)
                and not f.startswith(clusters)
                and os.path.basename(f) != IGNORE_FILE
            )
        )

    def _queue_changed(self, appeared: set[str], vanished: set[str]) -> None:
        if appeared or vanished:
            self.events.publish(
                {
                    "type": "queue-changed",
                    "appeared": len(appeared),
                    "vanished": len(vanished),
                    "stats": self.stats(),
                }
            )

    def _drop_vanished(self, items: Iterable[str]) -> None:
        for item in items:
            self.state.order.remove(item)

    # ---------------------------------------------------------------- live folders
    def notice(self, paths: Iterable[str | os.PathLike[str]]) -> None:
        """A watcher saw these paths change (appear, vanish, grow, be renamed): newcomers are
        looked at (`settle` queues them once whole), queued photos gone from disk leave the
        queue. Paths outside the source, our own moves and non-photos change nothing."""
        items = [i for i in map(self._source_item, paths) if i is not None]
        if not items:
            return
        with self.lock:
            if self._closed:
                return
            newcomers: set[str] = set()
            for item in items:
                try:
                    mode = os.lstat(os.path.join(self.source, item)).st_mode
                except OSError:
                    # Gone (our own moves: one a file, thousands a second during an auto-move,
                    # each worth three realpaths in `_may_queue`): only `_leave` cares.
                    continue
                if stat.S_ISDIR(mode):  # a folder moved in whole
                    walked: dict[str, int] = {}
                    newcomers.update(photos_below(self.source, item, walked, self._ignores))
                    # Watched from now on (`watched_folders`); stamped as not to be trusted,
                    # so the next refresh walks. A new dict: `refresh` reads the old unlocked.
                    self._stamps = {**self._stamps, **dict.fromkeys(walked, -1)}
                elif item not in self.state.order:
                    newcomers.add(item)
            newcomers = {i for i in newcomers if self._may_queue(i)}
            self._arrivals.look(self.source, newcomers)
            self._leave(items)
        self.settle()

    def settle(self) -> None:
        """Queue the newcomers that are whole now (see `session/arrivals.py`)."""
        with self.lock:
            if not self._arrivals or self._closed:
                return
            whole = self._arrivals.look(self.source, self._arrivals.pending())
            whole = {i for i in whole if i not in self.state.order and self._may_queue(i)}
            if whole:
                appeared, demoted = self._regroup(whole)
                self._generation += 1  # a scan that started before this must not undo it
                self.state.order.remove_many(demoted)
                self.state.order.add_many(appeared)
                self._queue_changed(appeared, demoted)

    def _regroup(self, arrived: set[str]) -> tuple[set[str], set[str]]:
        """Group the arrivals as a scan would, looking up each one's group by name (a flat
        folder of 100k photos is not listed per arrival): an arrival that is a face joins the
        queue (its companions recorded); one that is a companion (a RAW whose JPEG is there)
        does not; a queued file that became a companion (a RAW whose JPEG just arrived)
        leaves the queue, since its face now stands for it. Returns (join, leave). A twin
        whose stem differs only in case is settled by the next full scan instead."""
        order, hidden = self.state.order, self.state.hidden
        probe = GroupProbe(self.source, self.companions)
        join: set[str] = set()
        leave: set[str] = set()
        for item in arrived:
            files = (item, *probe.companions(item))
            folder = item.rpartition("/")[0]
            face_name = face_of(f.rpartition("/")[2] for f in files)
            if face_name is None:
                continue
            face = f"{folder}/{face_name}" if folder else face_name
            others = tuple(f for f in files if f != face)
            if others:
                self._companions[face] = others
            else:
                self._companions.pop(face, None)
            leave.update(o for o in others if o in order)
            if face in arrived and face not in hidden:
                join.add(face)
        return join, leave

    def arrivals_pending(self) -> bool:
        with self.lock:
            return bool(self._arrivals)

    def _leave(self, items: list[str]) -> None:
        """Queued photos at (or below: a folder renamed away) these paths that are gone."""
        order = self.state.order
        gone = {i for i in items if i in order and not (self.source / i).is_file()}
        # A vanished path named like a photo was a file (our own moves report thousands of
        # those a second); any other may have been a folder renamed away, with queued photos.
        folders = tuple(
            f"{i}/"
            for i in items
            if i not in order
            and not is_member(i.rpartition("/")[2])
            and not (self.source / i).is_dir()
        )
        if folders:
            gone.update(i for i in order.items if i.startswith(folders))
            gone = {i for i in gone if not (self.source / i).is_file()}
        if gone:
            self._generation += 1
            order.remove_many(gone)
            self._queue_changed(set(), gone)

    def _source_item(self, path: str | os.PathLike[str]) -> str | None:
        """The item a watched path stands for, or None when it lies outside the source."""
        rel = os.path.relpath(os.fspath(path), self.source)
        if rel == "." or rel.startswith(".." + os.sep) or rel == ".." or os.path.isabs(rel):
            return None
        return rel.replace(os.sep, "/")

    def _may_queue(self, item: str) -> bool:
        """`scan` would queue it: a photo outside the clusters, reached without a link."""
        if not queueable(self.source, self.dest, item, self._ignores):
            return False
        parent = (self.source / item).parent
        return os.path.realpath(parent) == str(parent)

    # ---------------------------------------------------------------- persistence
    def _after(self, recs: Sequence[Record]) -> None:
        if not recs:
            return
        self.checkpoint_if_stale()
        stats = self.stats()
        for rec in recs:
            self.events.publish({"type": "action", "record": rec, "stats": stats})

    def checkpoint(self) -> None:
        """Write `state.json`: a derivable snapshot of the replayed journal. A failure (a full
        disk) is logged, never raised: the fsync'ed journal is what makes actions durable."""
        with self.lock:
            try:
                self.journal.write_state(self.snapshot())
            except OSError as exc:
                log.warning("could not write state.json (%s); the journal has everything", exc)
                self._checkpointed_at = time.monotonic()
                return
            self._checkpointed_seq = self.last_seq()
            self._checkpointed_at = time.monotonic()

    def checkpoint_if_stale(self, max_age: float = CHECKPOINT_EVERY_S) -> None:
        """Checkpoint unless one was written less than `max_age` seconds ago. `state.json` is
        derivable (the fsync'ed journal line is what makes an action durable), so a snapshot
        per action only costs 2 fsyncs and a serialisation on the action's critical path."""
        with self.lock:
            if self._closed or self.read_only:
                return
            if self._checkpointed_seq == self.last_seq():
                return
            if time.monotonic() - self._checkpointed_at >= max_age:
                self.checkpoint()

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "version": 1,
                "source": ".",
                "dest": os.path.relpath(self.dest, self.source).replace(os.sep, "/"),
                "last_seq": self.last_seq(),
                "stats": self.stats(),
                "queue": self.state.order.snapshot(),
                "settings": self.settings.model_dump(),
                "clusters": [{"name": n, "count": c} for n, c in self.clusters()],
                "undone": sorted(self.state.undone),
                "unresolved": sorted(self._unresolved),
            }

    def _writable(self) -> None:
        if self.read_only:
            raise SessionFolderError("this session was opened read-only")
        if self._closed:
            raise SessionFolderError("this session is closed")

    def close(self) -> None:
        with self.lock:
            if self._closed:
                return
            if not self.read_only:
                self.checkpoint()
                self._keep_scan()
            self.journal.close()
            self._closed = True


_DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})


def _raise_for(abort: Record, what: str) -> None:
    """The error a single failed move answers with: a full disk is 507, anything else 409."""
    if abort.get("errno") in _DISK_FULL:
        raise DiskFull(f"{what}: the disk is full ({abort['reason']}); free some space")
    raise Conflict(f"{what}: {abort['reason']}")


def _companion_field(pairs: Iterable[tuple[str, str]], a: str, b: str) -> dict[str, Any]:
    """The `companions` of a move line: the group's other files as {a: ..., b: ...}; absent
    for a photo on its own (lines stay as they were before groups)."""
    listed = [{a: x, b: y} for x, y in pairs]
    return {"companions": listed} if listed else {}


def _pairs(rec: Record, a: str, b: str, a_root: Path, b_root: Path) -> list[tuple[Path, Path]]:
    """Every file a move line moves (the face first), as (from, to) paths."""
    files = [(rec[a], rec[b]), *((c[a], c[b]) for c in rec.get("companions", ()))]
    return [(a_root / x, b_root / y) for x, y in files]


def new_batch_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
