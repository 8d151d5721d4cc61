"""Undo: one action (the newest by default), or a whole batch as one unit.

A move's group goes back to the source under names free for all of it; a copy-mode filing
removes only the copies that still hold the original's bytes; a cluster made empty goes away
with the parents it made. Every undo is an `undo` line, written before its files move.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Sequence

import photosort.session.copymode as copymode
import photosort.session.fileops as fileops
from photosort.errors import AlreadyUndone, Conflict, NotFound, NothingToUndo
from photosort.session.core import SessionCore
from photosort.session.filing import Filing, pairs, raise_for
from photosort.session.journal import Record
from photosort.session.records import UndoLine, undo_line
from photosort.session.state import MOVE_TYPES, NOT_UNDOABLE

log = logging.getLogger("photosort.session")

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


class Undoing:
    def __init__(self, core: SessionCore, filing: Filing) -> None:
        self.core = core
        self.filing = filing

    def undo(self, seq: int | None, batch: str | None, reviewer: str) -> list[Record]:
        core = self.core
        core.writable()
        with core.lock:
            if batch is not None:
                return self._undo_batch(batch, reviewer)
            target = self._target(seq)
            if target.get("batch") and target["type"] in BATCH_MEMBERS:
                return self._undo_batch(target["batch"], reviewer)
            return [self._undo_one(target, reviewer)]

    def _target(self, seq: int | None) -> Record:
        state = self.core.state
        if seq is None:
            newest = state.newest_undoable()
            if newest is None:
                raise NothingToUndo("nothing left to undo")
            return newest
        try:
            target = state.record(seq)
        except KeyError:
            raise NotFound(f"no journal line with seq {seq}") from None
        if target["type"] in NOT_UNDOABLE:
            raise Conflict(f"line {seq} ({target['type']}) cannot be undone")
        if not state.is_active(seq):
            raise AlreadyUndone(f"line {seq} was already undone")
        return target

    def _undo_batch(self, batch: str, reviewer: str) -> list[Record]:
        state = self.core.state
        seqs = state.batches.get(batch)
        if not seqs:
            raise NotFound(f"no batch {batch!r}")
        if batch in self.core.running_batches:
            raise Conflict(f"batch {batch} is still running: undo it once it has finished")
        records = [state.record(s) for s in seqs]
        active = [r for r in reversed(records) if state.is_active(r["seq"])]
        active = [r for r in active if r["type"] not in BATCH_ENDS]
        if not active:
            raise AlreadyUndone(f"batch {batch} was already undone")
        moves = [r for r in active if r["type"] in MOVE_TYPES]
        others = [r for r in active if r["type"] not in MOVE_TYPES]
        out = self._undo_moves(moves, reviewer, batch=batch)
        out += [self._undo_one(r, reviewer) for r in others]
        return out

    def _undo_one(self, target: Record, reviewer: str) -> Record:
        core = self.core
        if target["type"] in MOVE_TYPES:
            return self._undo_moves([target], reviewer)[0]
        if target["type"] == "cluster-create":
            name = target["cluster"]
            folder = core.dest / name
            if core.members.get(name) or (folder.exists() and any(folder.iterdir())):
                raise Conflict(f"cluster {name!r} is not empty; it stays")
        rec = core.journal.append(undo_line(target, reviewer, item=target.get("item")))
        if target["type"] == "cluster-create" and not target.get("existed"):
            self._remove_cluster(target)
        return core.commit(rec)

    def _remove_cluster(self, create: Record) -> None:
        """Take back the folders a cluster-create line made."""
        core = self.core
        made = create.get("made") or [create["cluster"]]
        for path in sorted(made, key=len, reverse=True):
            folder = core.dest / path
            if path != create["cluster"]:
                with contextlib.suppress(OSError):
                    folder.rmdir()  # a parent stays when something else lives there now
            elif folder.exists():
                folder.rmdir()
        core.generation += 1
        core.members.pop(create["cluster"], None)

    def _undo_moves(
        self, targets: Sequence[Record], reviewer: str, batch: str | None = None
    ) -> list[Record]:
        copies = [t for t in targets if t.get("copy")]
        moves = [t for t in targets if not t.get("copy")]
        if moves and self.core.copy_mode:
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
        core = self.core
        lines = [copymode.undo_line(t, core.source, core.dest, reviewer, batch) for t in targets]
        recs = core.journal.append_many(lines, moves=True)
        core.generation += 1
        done: list[Record] = []
        aborted: list[Record] = []
        for rec in recs:
            core.state.apply(rec)
            try:
                late = copymode.remove_copies(rec, core.source, core.dest)
            except OSError as exc:
                aborted.append(self.filing.abort(rec, exc))
                continue
            if late:
                log.warning("undo seq %s kept %s: changed just now", rec["seq"], late)
            self._copy_removed(rec)
            done.append(rec)
        core.journal.settle(r["seq"] for r in recs)
        core.after(done + aborted)
        if aborted and len(targets) == 1:
            raise_for(aborted[0], "could not undo")
        return done

    def _copy_removed(self, undo: Record) -> None:
        core = self.core
        target = core.state.record(undo["undoes"])
        if target.get("cluster") in core.members and target["dst"] not in undo.get("kept", ()):
            core.members[target["cluster"]].discard(target["dst"])
        back = tuple(c["src"] for c in target.get("companions", ()))
        if back:
            core.companions[target["item"]] = back

    def _undo_file_moves(
        self, targets: Sequence[Record], reviewer: str, batch: str | None
    ) -> list[Record]:
        core = self.core
        taken: set[str] = set()
        lines: list[UndoLine] = []
        for t in targets:
            if not (core.dest / t["dst"]).is_file():
                if len(targets) == 1 and self._back_already(t):
                    return [self._journal_found_back(t, reviewer, batch)]
                if len(targets) == 1:
                    raise Conflict(
                        f"cannot undo: {t['dst']!r} is no longer there (moved outside photosort?)"
                    )
                continue
            lines.append(self._undo_line(t, taken, reviewer, batch))
        recs = core.journal.append_many(lines, moves=True)
        core.generation += 1
        done, aborted = self.filing.move_files(
            recs,
            lambda r: pairs(r, "restore_from", "restore_to", core.dest, core.source),
            self._member_removed,
        )
        if aborted and len(targets) == 1:
            raise_for(aborted[0], "could not undo")
        return done

    def _back_already(self, t: Record) -> bool:
        """Whether move `t` looks undone on disk while the journal says it is not: its whole
        group is back where it came from and nothing of it is where it went, and the journal
        has an unreadable line (the lost undo, most likely)."""
        core = self.core
        if not core.journal.corrupt:
            return False
        files = [(t["src"], t["dst"]), *((c["src"], c["dst"]) for c in t.get("companions", ()))]
        return all(
            (core.source / src).is_file() and not os.path.lexists(core.dest / dst)
            for src, dst in files
        )

    def _journal_found_back(self, t: Record, reviewer: str, batch: str | None) -> Record:
        """Journal the undo of a move whose files are back already: no file moves, so undo
        goes past an undo line that can no longer be read instead of stopping at it."""
        core = self.core
        log.warning("undo: seq %s is back in the source already; journaling its undo", t["seq"])
        companions = ((c["dst"], c["src"]) for c in t.get("companions", ()))
        line = undo_line(
            t,
            reviewer,
            item=t["src"],
            batch=batch,
            restore=(t["dst"], t["src"]),
            companions=companions,
        )
        rec = core.journal.append(line)
        core.generation += 1
        core.state.apply(rec)
        self._member_removed(rec)
        core.after([rec])
        return rec

    def _undo_line(self, t: Record, taken: set[str], reviewer: str, batch: str | None) -> UndoLine:
        """The undo of move line `t`: its whole group back to the source folder, under names
        free for all of it. A companion removed by hand since is not looked for."""
        core = self.core
        companions = [c for c in t.get("companions", ()) if (core.dest / c["dst"]).is_file()]
        srcs = [t["src"], *(c["src"] for c in companions)]
        folder = core.source / t["src"].rpartition("/")[0]
        backs = fileops.free_group(folder, [s.rsplit("/", 1)[-1] for s in srcs], taken)
        items = [b.relative_to(core.source).as_posix() for b in backs]
        return undo_line(
            t,
            reviewer,
            item=items[0],
            batch=batch,
            restore=(t["dst"], items[0]),
            companions=zip((c["dst"] for c in companions), items[1:], strict=True),
        )

    def _member_removed(self, undo: Record) -> None:
        core = self.core
        target = core.state.record(undo["undoes"])
        if target.get("cluster") in core.members:
            core.members[target["cluster"]].discard(target["dst"])
        back = tuple(c["restore_to"] for c in undo.get("companions", ()))
        if back:
            core.companions[undo["restore_to"]] = back
