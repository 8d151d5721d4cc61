"""Filing and trash: a photo's whole group into a cluster or the trash folder, write-ahead.

Every move is journaled (fsync'ed) before its files move; a move that fails gets an `abort`
line, so the journal never claims a photo is somewhere it is not. Undo and batches carry out
their moves through `move_files` here too.
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import photosort.session.fileops as fileops
from photosort.errors import BadClusterName, Conflict, DiskFull, UnknownCluster
from photosort.session.core import TRASH_DIR, SessionCore
from photosort.session.groups import FolderIndex, GroupProbe
from photosort.session.ignore import IgnoreRules
from photosort.session.journal import Record
from photosort.session.paths import normalise_item, validate_cluster_name
from photosort.session.records import (
    ClusterCreateLine,
    FailedMove,
    Filer,
    MoveKind,
    abort_line,
    hide_line,
    move_line,
)

log = logging.getLogger("photosort.session")

# Up to this many moves, a group's files are looked up by name rather than by listing their
# folder (see `GroupProbe`): a flat folder of 50k photos cost 190 ms per keypress listed.
GROUP_PROBE_MAX = 64
_DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})


@dataclass(frozen=True)
class MovePlan:
    """One planned photo move: item (relative to source) to dst (relative to dest), with the
    other files of its group as (src, dst) pairs (empty until planned)."""

    item: str
    dst: str
    cluster: str | None
    extra: dict[str, Any] = field(default_factory=dict)
    companions: tuple[tuple[str, str], ...] = ()


def raise_for(abort: Record, what: str) -> None:
    """The error a single failed move answers with: a full disk is 507, anything else 409."""
    if abort.get("errno") in _DISK_FULL:
        raise DiskFull(f"{what}: the disk is full ({abort['reason']}); free some space")
    raise Conflict(f"{what}: {abort['reason']}")


def pairs(rec: Record, a: str, b: str, a_root: Path, b_root: Path) -> list[tuple[Path, Path]]:
    """Every file a move line moves (the face first), as (from, to) paths."""
    files = [(rec[a], rec[b]), *((c[a], c[b]) for c in rec.get("companions", ()))]
    return [(a_root / x, b_root / y) for x, y in files]


class Filing:
    def __init__(self, core: SessionCore) -> None:
        self.core = core

    def assign(
        self,
        item: str,
        cluster: str,
        *,
        create: bool,
        reviewer: str,
        shown: Mapping[str, Any],
    ) -> Record:
        core = self.core
        core.writable()
        cluster = validate_cluster_name(cluster)
        with core.lock:
            item = normalise_item(item)
            core.fileable_path(item)
            if cluster not in core.members:
                if not create:
                    raise UnknownCluster(
                        f"no cluster named {cluster!r}; pass create=true to make it"
                    )
                self.make_cluster(cluster, reviewer)
            plan = self.plan(item, cluster, cluster, self.group_finder([item]), set())
            done, failed = self.attempt_moves(
                "assign", [plan], by="manual", reviewer=reviewer, extra=shown
            )
            if failed:  # one move alone that fails raises (409, 507 disk full)
                raise_for(dict(failed[0]), f"could not move {plan.item!r}")
            return done[0]

    def create_cluster(self, name: str, reviewer: str) -> Record:
        self.core.writable()
        name = validate_cluster_name(name)
        with self.core.lock:
            if name in self.core.members:
                raise Conflict(f"cluster {name!r} already exists")
            return self.make_cluster(name, reviewer)

    def make_cluster(self, name: str, reviewer: str, batch: str | None = None) -> Record:
        """Make the cluster's folder (and missing parents), journaled first."""
        core = self.core
        made = self._folders_to_make(name)
        line: ClusterCreateLine = {
            "type": "cluster-create",
            "cluster": name,
            "reviewer": reviewer,
            "existed": (core.dest / name).exists(),
        }
        if len(made) > 1:
            line["made"] = made  # the parent folders undo removes again
        if batch:
            line["batch"] = batch
        rec = core.journal.append(line)
        (core.dest / name).mkdir(parents=True, exist_ok=True)
        core.generation += 1  # a rescan that started before this must not drop the cluster
        core.members.setdefault(name, set())
        return core.commit(rec)

    def _folders_to_make(self, name: str) -> list[str]:
        dest = self.core.dest
        made: list[str] = []
        parts = name.split("/")
        for depth in range(1, len(parts) + 1):
            path = "/".join(parts[:depth])
            step = dest / path
            if step.is_symlink() or (step.exists() and not step.is_dir()):
                # A file, or a link that could lead out of the session, is never a cluster.
                raise Conflict(
                    f"cannot make cluster {name!r}: a file or link named {path!r} is there"
                )
            if not step.exists():
                made.append(path)
        if IgnoreRules.load((self.core.source, dest)).excludes(dest, name, is_dir=True):
            raise BadClusterName(
                f"cannot make cluster {name!r}: a .photosortignore leaves that folder out"
            )
        return made

    def delete(self, item: str, reviewer: str) -> Record:
        core = self.core
        core.writable()
        with core.lock:
            item = normalise_item(item)
            core.fileable_path(item)
            return self.trash_many([item], reviewer, None)[0]

    def trash_many(self, items: list[str], reviewer: str, batch: str | None) -> list[Record]:
        """Trash whole groups into the trash folder (copy mode: hide them, the source stays);
        one photo alone that cannot move raises."""
        done, failed = self.attempt_trash(items, reviewer, batch)
        if failed and len(items) == 1:
            raise_for(dict(failed[0]), f"could not move {items[0]!r}")
        return done

    def attempt_trash(
        self, items: list[str], reviewer: str, batch: str | None
    ) -> tuple[list[Record], list[FailedMove]]:
        """`trash_many`, saying which moves failed and why instead of raising."""
        core = self.core
        if core.copy_mode:
            return [core.journal_line(hide_line(item, reviewer, batch)) for item in items], []
        taken: set[str] = set()
        folders = self.group_finder(items)
        plans = [
            self.plan(item, f"{TRASH_DIR}/{item}".rpartition("/")[0], None, folders, taken)
            for item in items
        ]
        return self.attempt_moves("delete", plans, by="manual", reviewer=reviewer, batch=batch)

    def group_finder(self, items: Sequence[str]) -> FolderIndex | GroupProbe:
        """How the files of a group are found on disk when these items' moves are planned (a
        sidecar written since the scan is not left behind): a few moves look their names up,
        a batch lists each of its folders once, keeping only its own items' stems."""
        if len(items) <= GROUP_PROBE_MAX:
            return GroupProbe(self.core.source, self._companions_of)
        return FolderIndex(self.core.source, items)

    def _companions_of(self, item: str) -> tuple[str, ...]:
        with self.core.lock:
            return self.core.companions.get(item, ())

    def plan(
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
        dest = self.core.dest
        companions = tuple(c for c in folders.companions(item) if c != item)
        names = [p.rsplit("/", 1)[-1] for p in (item, *companions)]
        targets = fileops.free_group(dest / folder, names, taken)
        dsts = [t.relative_to(dest).as_posix() for t in targets]
        moved = tuple(zip(companions, dsts[1:], strict=True))
        return MovePlan(item, dsts[0], cluster, extra or {}, moved)

    def attempt_moves(
        self,
        kind: MoveKind,
        plans: Sequence[MovePlan],
        *,
        by: Filer,
        reviewer: str,
        batch: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> tuple[list[Record], list[FailedMove]]:
        """Journal and carry out `plans`: the moves that happened, and those that failed with
        the reason (never raised: a batch reports each one)."""
        core = self.core
        lines = [
            move_line(
                kind,
                p.item,
                p.dst,
                p.cluster,
                by=by,
                reviewer=reviewer,
                batch=batch,
                extra={**(extra or {}), **p.extra},
                companions=p.companions,
                copy=core.copy_mode,
            )
            for p in plans
        ]
        recs = core.journal.append_many(lines, moves=True)
        core.generation += 1
        if len(recs) > 1:
            # state.apply removes each item from the queue order; doing it for the whole batch
            # first makes those removals no-ops (an aborted move puts its item back).
            core.state.order.remove_many(r["item"] for r in recs)
        done, aborted = self.move_files(
            recs, lambda r: pairs(r, "src", "dst", core.source, core.dest), self._member_added
        )
        items = {r["seq"]: r["item"] for r in recs}
        failed: list[FailedMove] = [
            {"item": items[a["aborts"]], "reason": a["reason"], "errno": a.get("errno")}
            for a in aborted
        ]
        return done, failed

    def move_files(
        self,
        recs: Sequence[Record],
        paths: Callable[[Record], list[tuple[Path, Path]]],
        on_moved: Callable[[Record], None],
    ) -> tuple[list[Record], list[Record]]:
        """Carry out journaled (write-ahead) moves; a move that fails gets an `abort` line."""
        core = self.core
        done: list[Record] = []
        aborted: list[Record] = []
        moves = fileops.BatchMover(copy=bool(recs) and bool(recs[0].get("copy")))
        for rec in recs:
            core.state.apply(rec)
            try:
                self._unchanged_since_shown(rec)
                moves.move_group(paths(rec))  # the whole group, or none of it
            except OSError as exc:
                aborted.append(self.abort(rec, exc))
                continue
            on_moved(rec)
            done.append(rec)
        core.journal.settle(a["aborts"] for a in aborted)
        try:
            moves.finish()  # directory fsyncs, once per folder, before anything is reported done
        except OSError as exc:
            # Every new name exists; an old name may linger too. The next start finishes it.
            log.error("could not finish %d moves (%s); recovery retries them", len(done), exc)
            core.unresolved.update(r["seq"] for r in done)
        else:
            core.journal.settle(r["seq"] for r in done)
        core.after(done + aborted)
        return done, aborted

    def _unchanged_since_shown(self, rec: Record) -> None:
        """Raise (the move is aborted) when the photo's file changed since it was shown: a
        writer is at it again, and what would be filed is not what the reviewer saw."""
        if rec["type"] == "undo":
            return
        why = self.core.changed_since_shown(rec["item"])
        if why:
            raise OSError(errno.EBUSY, why)
        self.core.shown.pop(rec["item"], None)

    def abort(self, rec: Record, exc: OSError) -> Record:
        core = self.core
        reason = exc.strerror or str(exc)
        face = rec.get("src") or rec.get("restore_from") or ""
        culprit = os.path.basename(os.fsdecode(exc.filename)) if exc.filename else ""
        if rec.get("companions") and culprit and culprit != face.rsplit("/", 1)[-1]:
            reason = f"{reason} ({culprit}, a file of its group: nothing of the group moved)"
        # Never lost to a full disk: without it the move would count as done (and the next
        # start would carry it out) although the reviewer was told it failed.
        abort = core.journal.append_essential(abort_line(rec["seq"], reason, exc.errno))
        core.state.apply(abort)
        if rec["type"] != "undo" and not (core.source / rec["src"]).is_file():
            core.state.order.remove(rec["item"])
        return abort

    def _member_added(self, rec: Record) -> None:
        core = self.core
        core.companions.pop(rec["item"], None)
        if rec["type"] == "assign" and rec.get("cluster"):
            core.members.setdefault(rec["cluster"], set()).add(rec["dst"])
