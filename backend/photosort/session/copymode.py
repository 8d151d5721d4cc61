"""Copy mode: sorting a source that must not change, such as a memory card.

Filing copies the photo's group into the cluster (temp name, fsync, size and hash verified,
linked into place) and never deletes, renames or writes anything in the source. The journal
records the copies (`copy: true`); the queue hides what is already copied; undo removes the
copies only while they still hold the original bytes; trash only hides a photo from the queue.
A read-only source opens in copy mode by itself.
"""

from __future__ import annotations

import os
from pathlib import Path

import photosort.session.fileops as fileops
from photosort.errors import SessionFolderError
from photosort.session.journal import Record
from photosort.session.records import RemovedCopy, UndoLine

ASKED = "asked for (--copy)"
READ_ONLY = "the source folder is read-only"


def source_read_only(path: Path) -> bool:
    """A read-only mount (a locked card), a folder this user cannot write, or one whose mode
    grants no write at all (what a careful user sets to protect it, also against root)."""
    try:
        # statvfs is POSIX only; Windows says "read-only" through os.access alone
        if hasattr(os, "statvfs") and os.statvfs(path).f_flag & os.ST_RDONLY:
            return True
        return not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222
    except OSError:
        return False  # a missing or unreadable folder: the folder checks say so


def copy_reason(source: Path, dest: Path | None, *, copy: bool, read_only: bool) -> str | None:
    """Why this session copies instead of moving (None: it moves). Refuses a copy mode with
    nowhere to copy to."""
    if read_only:
        return None  # a read-only look (stats, log, verify) files nothing
    reason = ASKED if copy else READ_ONLY if source_read_only(source) else None
    if reason is None:
        return None
    if dest is None or os.path.realpath(dest) == os.path.realpath(source):
        if reason == READ_ONLY:
            raise SessionFolderError(
                f"source folder is read-only: {source}; sort it by copying, with --into DEST"
            )
        raise SessionFolderError("copy mode needs --into DEST: the copies go there")
    return reason


def undo_line(t: Record, source: Path, dest: Path, reviewer: str, batch: str | None) -> UndoLine:
    """The undo of copy line `t`: which copies go (those still holding the original's bytes)
    and which stay (changed since: an edit is never thrown away; the line says so)."""
    line: UndoLine = {
        "type": "undo",
        "undoes": t["seq"],
        "item": t["item"],
        "cluster": t.get("cluster"),
        "reviewer": reviewer,
        "batch": batch,
        "copy": True,
    }
    if t.get("hide"):
        return line
    pairs = [(t["dst"], t["src"]), *((c["dst"], c["src"]) for c in t.get("companions", ()))]
    removed: list[RemovedCopy] = []
    kept: list[str] = []
    for copy, original in pairs:
        if not os.path.lexists(dest / copy):
            continue  # removed by hand already
        if fileops.same_file(dest / copy, source / original):
            removed.append({"copy": copy, "original": original})
        else:
            kept.append(copy)
    return {**line, "removed": removed, "kept": kept}


def remove_copies(rec: Record, source: Path, dest: Path) -> list[str]:
    """Carry out a copy undo line; returns the copies kept because they changed meanwhile."""
    kept: list[str] = []
    for pair in rec.get("removed", ()):
        if not fileops.remove_copy(dest / pair["copy"], source / pair["original"]):
            kept.append(pair["copy"])
    return kept
