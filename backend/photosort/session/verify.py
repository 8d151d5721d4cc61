"""`photosort verify [--repair]`: everything on which the journal and the disk disagree.

Finds unreadable journal lines, seq gaps, photos missing from where the journal put them, a
photo with two names (the old name of a finished move still holding the same bytes: the
no-hard-link fallback or a cut cross-disk copy), and an `abort` for a move that happened.
`repair` fixes only what loses nothing: it drops an extra name when both names hold equal
bytes, and puts back a photo whose move was journaled as aborted; everything else is reported.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import photosort.session.fileops as fileops
from photosort.fsutil import fsync_dir
from photosort.session.journal import Journal, Record
from photosort.session.records import recovery_line
from photosort.session.recovery import FileOp, by_seq, expected_locations, file_ops, missing_end


@dataclass(frozen=True)
class Finding:
    message: str
    # What `--repair` does about it (returns a line saying what it did), None: report only.
    repair: Callable[[], str] | None = None
    ops: tuple[FileOp, ...] = ()  # the moves it is about, where that matters


def _split_groups(where: dict[Path, FileOp], source: Path, dest: Path) -> list[Finding]:
    """A line that moved a group, some of whose files arrived while others are still where
    they were: the group is split. Reported only: the file left behind may be another photo
    of that name by now (recovery finishes a cut move at start-up; this is what came later)."""
    out: list[Finding] = []
    for seq, ops in by_seq(where.values()).items():
        if len(ops) < 2:
            continue
        behind = [op for op in ops if not op.dst.is_file() and op.src.is_file()]
        if not behind or len(behind) == len(ops):
            continue
        names = ", ".join(_rel(op.src, source, dest) for op in behind)
        out.append(
            Finding(
                f"seq {seq}: the group of {_rel(ops[0].dst, source, dest)} is split: "
                f"{names} did not move with it ({ops[0].label})",
                ops=tuple(behind),
            )
        )
    return out


def verify(journal: Journal, source: Path, dest: Path) -> list[str]:
    """Disagreements between the journal and the file system (empty when they agree)."""
    return [finding.message for finding in check(journal, source, dest)]


def check(journal: Journal, source: Path, dest: Path) -> list[Finding]:
    findings = [
        Finding(f"journal line {number} is unreadable ({preview}); the lines after it count")
        for number, preview in journal.corrupt
    ]
    findings += _gaps(journal.records)
    end = missing_end(journal, journal.read_state())
    if end:
        findings.append(Finding(end))
    ops = file_ops(journal.records, source, dest)
    where = expected_locations(ops)
    moved_from = {op.src for op in ops}
    split = _split_groups(where, source, dest)
    findings += split
    left = {op.dst for f in split for op in f.ops}
    for path, op in where.items():
        if path in left:
            continue
        if not path.is_file():
            findings.append(
                Finding(
                    f"seq {op.seq}: expected {_rel(path, source, dest)} ({op.label}), "
                    f"but it is not there"
                )
            )
        elif (
            op.kind == "move"
            and op.src not in where
            and op.src.is_file()
            and fileops.same_file(op.src, path)
        ):
            findings.append(_two_names(op, extra=op.src, kept=path, source=source, dest=dest))
    findings += _aborted_moves_that_happened(journal.records, source, dest, where, moved_from)
    return findings


def _gaps(records: list[Record]) -> list[Finding]:
    out = []
    for prev, rec in itertools.pairwise(records):
        a, b = prev["seq"], rec["seq"]
        if b > a + 1 and rec.get("spent") == [a + 1, b - 1]:
            continue  # seqs that writes on a full disk took and never wrote
        if b > a + 1:
            missing = f"seq {a + 1}" if b == a + 2 else f"seqs {a + 1}-{b - 1}"
            out.append(Finding(f"{missing} missing from the journal (a gap after seq {a})"))
        elif b == a:
            out.append(Finding(f"seq {a} appears twice in the journal"))
        elif b < a:
            out.append(Finding(f"seq {b} follows seq {a}: the journal is out of order"))
    return out


def _two_names(op: FileOp, *, extra: Path, kept: Path, source: Path, dest: Path) -> Finding:
    shown_extra, shown_kept = _rel(extra, source, dest), _rel(kept, source, dest)

    def drop() -> str:
        # Checked again at repair time: only equal bytes make the extra name safe to drop.
        if not fileops.same_file(extra, kept):
            return f"kept {shown_extra}: its bytes now differ from {shown_kept}"
        extra.unlink()
        fsync_dir(extra.parent)
        return f"removed the extra name {shown_extra} (same bytes as {shown_kept}, seq {op.seq})"

    return Finding(
        f"seq {op.seq}: the photo has two names, {shown_kept} and {shown_extra} "
        f"(same bytes; {op.label})",
        drop,
    )


def _aborted_moves_that_happened(
    records: list[Record],
    source: Path,
    dest: Path,
    where: dict[Path, FileOp],
    moved_from: set[Path],
) -> list[Finding]:
    """`abort` says a move did not happen; the photo at its destination says otherwise."""
    aborted = {r["aborts"] for r in records if r["type"] == "abort"}
    out: list[Finding] = []
    for rec in records:
        if rec["seq"] not in aborted:
            continue
        op = _op_of(rec, source, dest)
        if op is None or op.dst in where or op.dst in moved_from or not op.dst.is_file():
            continue
        label = f"seq {op.seq} ({op.label}) was aborted"
        if not os.path.lexists(op.src):
            if op.kind != "move":
                continue  # a copy whose original is gone is the only one left: it stays
            shown = _rel(op.dst, source, dest)
            out.append(
                Finding(f"{label}, but the photo is at {shown}", _put_back(op, source, dest))
            )
        elif fileops.same_file(op.src, op.dst):
            out.append(_two_names(op, extra=op.dst, kept=op.src, source=source, dest=dest))
    return out


def _op_of(rec: Record, source: Path, dest: Path) -> FileOp | None:
    ops = file_ops([rec], source, dest)
    return ops[0] if ops else None


def _put_back(op: FileOp, source: Path, dest: Path) -> Callable[[], str]:
    def put_back() -> str:
        fileops.move_no_replace(op.dst, op.src)
        return (
            f"moved {_rel(op.dst, source, dest)} back to {_rel(op.src, source, dest)} "
            f"(seq {op.seq} was journaled as aborted)"
        )

    return put_back


def _rel(path: Path, source: Path, dest: Path) -> str:
    base = dest if path.is_relative_to(dest) else source
    return os.path.relpath(path, base).replace(os.sep, "/")


def repair(journal: Journal, source: Path, dest: Path) -> list[str]:
    """Apply every safe repair; returns what was done (also journaled as a `recovery` line)."""
    done: list[str] = []
    for finding in check(journal, source, dest):
        if finding.repair is not None:
            try:
                done.append(finding.repair())
            except OSError as exc:
                done.append(f"could not repair ({exc.strerror or exc}): {finding.message}")
    if done:
        journal.append(recovery_line(done))
    return done
