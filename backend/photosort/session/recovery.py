"""Start-up recovery and `verify`: making the journal and the file system agree.

Journal lines are written before their file operation, so a crash can leave a line whose move
did not happen (or half happened). Replaying the moves in order tells where every photo the
journal touched must be now; recovery finishes the moves that did not get there, `verify` only
reports what disagrees.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import photosort.session.fileops as fileops
from photosort.session.journal import Journal, Record
from photosort.session.records import abort_line, recovery_line

log = logging.getLogger("photosort.recovery")


@dataclass(frozen=True)
class FileOp:
    seq: int
    src: Path
    dst: Path
    label: str
    # move; copy (copy mode: src stays); remove (copy mode's undo: the copy `src` goes while it
    # still holds the original `dst`'s bytes)
    kind: str = "move"


@dataclass
class RecoveryReport:
    torn_line_set_aside: bool = False
    actions: list[str] = field(default_factory=list)
    # Unreadable journal lines kept in place (not journaled again each start: said each start)
    warnings: list[str] = field(default_factory=list)
    unresolved: list[int] = field(default_factory=list)  # seqs to look at again next start

    @property
    def changed(self) -> bool:
        return self.torn_line_set_aside or bool(self.actions)


def file_ops(records: list[Record], source: Path, dest: Path) -> list[FileOp]:
    """Every file move the journal asks for, in order, without aborted ones. A line that
    moves a group gives one operation per file, all with its seq (older lines: one file)."""
    aborted = {r["aborts"] for r in records if r["type"] == "abort"}
    ops: list[FileOp] = []
    for rec in records:
        if rec["seq"] in aborted:
            continue
        if rec["type"] in ("assign", "delete") and not rec.get("hide"):
            ops += _line_ops(rec, "src", "dst", source, dest, rec["type"])
        elif rec["type"] == "undo" and rec.get("restore_from"):
            ops += _line_ops(rec, "restore_from", "restore_to", dest, source, "undo")
        elif rec["type"] == "undo" and rec.get("removed"):
            ops += [
                FileOp(
                    rec["seq"],
                    dest / p["copy"],
                    source / p["original"],
                    f"undo: remove the copy {p['copy']}",
                    "remove",
                )
                for p in rec["removed"]
            ]
    return ops


def _line_ops(rec: Record, a: str, b: str, a_root: Path, b_root: Path, kind: str) -> list[FileOp]:
    files = [(rec[a], rec[b]), *((c[a], c[b]) for c in rec.get("companions", ()))]
    how = "copy" if rec.get("copy") else "move"
    label = f"{kind} (copy)" if rec.get("copy") else kind
    return [
        FileOp(rec["seq"], a_root / x, b_root / y, f"{label} {x} -> {y}", how) for x, y in files
    ]


def by_seq(ops: Iterable[FileOp]) -> dict[int, list[FileOp]]:
    """Operations grouped by their journal line (a photo group moves as one line)."""
    out: dict[int, list[FileOp]] = {}
    for op in ops:
        out.setdefault(op.seq, []).append(op)
    return out


def expected_locations(ops: list[FileOp]) -> dict[Path, FileOp]:
    """Where each journaled photo must be now, with the operation that put it there."""
    where: dict[Path, FileOp] = {}
    for op in ops:
        if op.kind == "remove":
            where.pop(op.src, None)
            continue
        if op.kind == "move":
            where.pop(op.src, None)
        where[op.dst] = op
    return where


def recover(
    journal: Journal, source: Path, dest: Path, *, clean_stop: bool = False
) -> RecoveryReport:
    """Finish or roll back what the journal's tail left cut short. `clean_stop`: the last run
    stopped cleanly and nothing acted since (session/scancache.py), so no copy can have been
    cut short and the folders are not listed for partial copies."""
    report = RecoveryReport(torn_line_set_aside=journal.torn_repaired)
    state = journal.read_state()
    history = history_problems(journal, state)
    checkpoint = state.get("last_seq", 0) if state else 0
    if not isinstance(checkpoint, int) or checkpoint > journal.last_record_seq:
        checkpoint = 0
    _continue_seqs(journal, state)
    # Without state.json (deleted: documented as safe) the lines themselves say up to where
    # every move had finished: a finished move is never "completed" again (the reviewer may
    # have moved that photo back by hand since).
    checkpoint = max(checkpoint, journal.settled)
    # Lines up to the checkpoint finished before it was written (state.json is written after
    # the moves): only the lines after it can have been cut short. Re-checking the older ones
    # is slow at a large journal, and wrong: when a filed photo was later moved away by hand
    # and a new photo of the same name arrived, it would "complete" the old move with it.
    # Lines a previous recovery or batch could not finish stay listed until they are.
    unresolved = set(state.get("unresolved", [])) if state else set()
    tail = [r for r in journal.records if r["seq"] > checkpoint or r["seq"] in unresolved]
    ops = file_ops(tail, source, dest)
    final = expected_locations(ops)
    rolled_back: list[tuple[int, str]] = []
    for seq, group in by_seq(final.values()).items():
        whole = len(group) == sum(1 for op in ops if op.seq == seq)
        reason = _finish_group(group, report, rollback=whole)
        if reason is not None:
            rolled_back.append((seq, reason))
    for op in ops:
        if op.kind == "remove" and op.src not in final:
            _finish_removal(op, report)
    for name in [] if clean_stop else remove_partial_copies(journal, source, dest):
        report.actions.append(f"removed the partial copy {name}")
    journal.mark_pending(report.unresolved)
    report.warnings = [
        f"journal line {number} is unreadable and was skipped (kept in place; the lines "
        f"after it count): {preview}"
        for number, preview in journal.corrupt
    ] + history
    for line in report.warnings:
        log.warning("recovery: %s", line)
    if report.torn_line_set_aside:
        log.warning("recovery: set aside a torn last journal line (see .clustering/actions.torn)")
    for line in report.actions:
        log.warning("recovery: %s", line)
    if report.actions:
        journal.append_essential(recovery_line(report.actions))
    for seq, reason in rolled_back:
        journal.append_essential(abort_line(seq, reason, None))
    return report


def missing_end(journal: Journal, state: Record | None) -> str | None:
    """Lines missing from the journal's end (removed by hand, the file replaced or deleted):
    `state.json` was written after a line the journal no longer has."""
    saved = state.get("last_seq") if state else None
    last = journal.last_record_seq
    if not isinstance(saved, int) or saved <= last:
        return None
    if state and state.get("spent") == [last + 1, saved]:
        return None  # seqs writes on a full disk took, never lines
    missing = f"seq {saved}" if saved == last + 1 else f"seqs {last + 1}-{saved}"
    return (
        f"{missing} missing from the end of the journal: state.json was written after seq "
        f"{saved} (lines removed, or actions.jsonl replaced or deleted); those actions are "
        "no longer in the history"
    )


def history_problems(journal: Journal, state: Record | None) -> list[str]:
    """What is wrong with the journal's history itself, said at every start."""
    out = [
        f"seq {seq} appears twice in the journal"
        if seq == prev
        else f"seq {seq} follows seq {prev}: the journal is out of order"
        for prev, seq in journal.disorder
    ]
    end = missing_end(journal, state)
    return [*out, end] if end else out


def _continue_seqs(journal: Journal, state: Record | None) -> None:
    """Seqs `state.json` knew of are never given out again, to other lines."""
    saved = state.get("last_seq") if state else None
    if not isinstance(saved, int) or isinstance(saved, bool):
        return
    spent = state.get("spent") if state else None
    journal.continue_after(saved, spent=spent == [journal.last_record_seq + 1, saved])


def _finish_group(ops: list[FileOp], report: RecoveryReport, *, rollback: bool) -> str | None:
    """Finish every file move of one journal line. When one of them cannot be finished, the
    files already moved go back (`rollback`: the line is the last word on all of them), so a
    group is whole on one side or the other; returns why, for the `abort` line."""
    seq = ops[0].seq
    failed: str | None = None
    unresolved = False
    for op in ops:
        _remove_partial_copy(op.dst)
        try:
            if op.kind == "copy":
                outcome = fileops.finish_interrupted_copy(op.src, op.dst)
            else:
                outcome = fileops.finish_interrupted_move(op.src, op.dst)
        except OSError as exc:
            outcome = f"failed ({exc.strerror or exc})"
            failed = failed or outcome
        if outcome != "ok":
            report.actions.append(f"seq {seq} {op.label}: {outcome}")
        unresolved = unresolved or outcome not in ("ok", "completed", "missing")
    if failed is None or not rollback or len(ops) == 1:
        if unresolved:
            report.unresolved.append(seq)
        return None
    try:
        for op in reversed(ops):
            if op.kind == "copy":
                fileops.remove_copy(op.dst, op.src)
            else:
                fileops.finish_interrupted_move(op.dst, op.src)
    except OSError as exc:
        report.actions.append(f"seq {seq}: could not put the group back ({exc.strerror or exc})")
        report.unresolved.append(seq)
        return None
    report.actions.append(f"seq {seq}: a file of the group could not be moved; all went back")
    return f"the group could not be moved whole: {failed}"


def _finish_removal(op: FileOp, report: RecoveryReport) -> None:
    """Copy mode's undo, cut short: remove the copy if it still holds the original's bytes."""
    if not os.path.lexists(op.src):
        return
    try:
        gone = fileops.remove_copy(op.src, op.dst)
    except OSError as exc:
        report.actions.append(f"seq {op.seq} {op.label}: failed ({exc.strerror or exc})")
        report.unresolved.append(op.seq)
        return
    report.actions.append(f"seq {op.seq} {op.label}: {'completed' if gone else 'kept (changed)'}")


def _remove_partial_copy(dst: Path) -> None:
    # A cross-disk copy interrupted before its rename; the original still exists.
    with contextlib.suppress(FileNotFoundError):
        fileops.partial_copy_name(dst).unlink()


def remove_partial_copies(journal: Journal, source: Path, dest: Path) -> list[str]:
    """Remove every `.<name>.photosort-copy` in the folders photos are moved into (the
    clusters, the trash, the source for undo). Such a file is only ever a copy whose original
    still exists, or a second name of a finished move: removing it loses nothing, keeping it
    fills a full disk further."""
    folders = {op.dst.parent for op in file_ops(journal.records, source, dest)} - {dest}
    leftovers: list[tuple[Path, str]] = []
    with contextlib.suppress(OSError), os.scandir(dest) as entries:
        # One listing of dest for both its folders and its own leftovers, by the entry's type
        # (a stat per name took 10 s beside 1M loose photos).
        for e in entries:
            if e.name.endswith(".photosort-copy"):
                leftovers.append((dest, e.name))
            elif e.is_dir(follow_symlinks=False):
                folders.add(Path(e.path))
    for folder in folders:
        try:
            leftovers += [(folder, n) for n in os.listdir(folder) if n.endswith(".photosort-copy")]
        except OSError:
            continue
    removed: list[str] = []
    for folder, name in leftovers:
        if name.startswith("."):
            with contextlib.suppress(FileNotFoundError):
                (folder / name).unlink()
                removed.append(os.path.relpath(folder / name, dest).replace(os.sep, "/"))
    return removed
