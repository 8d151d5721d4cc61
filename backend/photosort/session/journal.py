"""The append-only journal (`actions.jsonl`) and its checkpoint (`state.json`).

Every line is fsync'ed before the file operation it describes starts (write-ahead), so after a
crash the journal always knows at least as much as the file system. A torn last line (power cut
mid-write) cannot describe an operation that started, so it is set aside, never trusted.
"""

from __future__ import annotations

import bisect
import contextlib
import errno
import logging
import os
import re
import shutil
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import orjson
from filelock import BaseFileLock

from photosort import jsontext
from photosort.errors import SessionFolderError
from photosort.fsinfo import rewrites_in_place
from photosort.fsutil import atomic_write_bytes, fsync_dir, open_for_append
from photosort.locks import release, try_exclusive
from photosort.session.records import Line

Record = dict[str, Any]

CLUSTERING_DIR = ".clustering"
ACTIONS_FILE = "actions.jsonl"
STATE_FILE = "state.json"
TORN_FILE = "actions.torn"
LOCK_FILE = "session.lock"
RESERVE_FILE = "journal.reserve"
# Room kept free for the lines that say a move failed (about 150 bytes each): a move is only
# journaled while this much is kept, so its abort line always fits.
RESERVE_BYTES = 64 * 1024

log = logging.getLogger("photosort.session")


# What a writable session needs free beside its journal: the kept room, plus its first lines,
# `state.json` and a torn tail set aside.
ROOM_TO_OPEN = 2 * RESERVE_BYTES


def is_disk_full(exc: OSError) -> bool:
    return exc.errno in (errno.ENOSPC, errno.EDQUOT)


def room_text(size: int) -> str:
    return f"{size // 1024} KiB" if size < 1 << 20 else f"{size / (1 << 20):.1f} MiB"


def room_short(folder: Path) -> int:
    """How many more bytes the disk holding a session's journal folder needs before that
    session can file photos (0: enough). The kept room already held counts as free."""
    probe = folder if folder.exists() else folder.parent
    try:
        free = shutil.disk_usage(probe).free
    except OSError:
        return 0
    with contextlib.suppress(OSError):
        free += (folder / RESERVE_FILE).stat().st_size
    return max(0, ROOM_TO_OPEN - free)


class Reserve:
    """A file of `RESERVE_BYTES` next to the journal, given up only for essential lines."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._held = False

    def ensure(self) -> None:
        """Hold the room again (after it was given up); a full disk refuses with ENOSPC."""
        if self._held:
            return
        with contextlib.suppress(OSError):
            if self.path.stat().st_size == RESERVE_BYTES:
                self._held = True
                return
        try:
            with open(self.path, "wb") as fh:
                fh.write(bytes(RESERVE_BYTES))
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            with contextlib.suppress(OSError):
                self.path.unlink()
            if is_disk_full(exc):
                raise OSError(
                    exc.errno,
                    f"{exc.strerror}: photosort needs {RESERVE_BYTES // 1024} KiB free beside "
                    "its journal before it files anything",
                ) from exc
            raise
        self._held = True

    def release(self) -> bool:
        """Give the room up; False when there was none to give."""
        try:
            self.path.unlink()
        except OSError:
            return False
        self._held = False
        return True


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _lock_exclusive(folder: Path) -> BaseFileLock:
    lock = try_exclusive(folder / LOCK_FILE)
    if lock is None:
        raise SessionFolderError(
            f"this session is already open in another photosort ({folder.parent}); stop it first"
        )
    return lock


class Journal:
    """Appends records with increasing `seq`; reads them back, repairing a torn tail."""

    def __init__(self, folder: Path, *, read_only: bool = False) -> None:
        self.folder = folder
        self.actions_path = folder / ACTIONS_FILE
        self.state_path = folder / STATE_FILE
        self.read_only = read_only
        self._lock = threading.Lock()
        if not read_only:
            folder.mkdir(parents=True, exist_ok=True)
        self.torn_repaired = False
        # (line number, start of the line) of unreadable lines with readable ones after them
        self.corrupt: list[tuple[int, str]] = []
        # (seq, the seq after it) wherever seqs do not grow: a seq used twice, lines swapped
        self.disorder: list[tuple[int, int]] = []
        # Move lines whose file operation has not finished yet. Every line carries `settled`:
        # the highest seq up to which every move had finished (or was aborted) when it was
        # written, so recovery without state.json knows which moves may have been cut short.
        self._pending: set[int] = set()
        # One writer per session, taken before a torn tail is repaired: a second writer
        # (`photosort undo` while `serve` runs) would reuse seq numbers or cut a live line.
        self._writer: BaseFileLock | None = None if read_only else _lock_exclusive(folder)
        self._reserve = Reserve(folder / RESERVE_FILE)
        self._owed: list[bytes] = []  # encoded lines written in front of the next append
        self._torn_end: int | None = None  # where a failed write began, until it is cut back
        self.torn_seq = 0  # the seq a torn tail carried (0: none, or unreadable)
        # (first, last) seq that failed writes took since the last line that was written
        self._spent: tuple[int, int] | None = None
        self._started = False  # whether the current append got as far as writing
        try:
            self._records, good_end = self._load()
        except BaseException:
            release(self._writer)
            raise
        # Where a file cannot be appended to in place (the FUSE driver for FAT: bytes written
        # through a handle kept open across a rename land in a ghost entry), every append
        # writes the whole journal anew, closed, fsync'ed and renamed over the old one.
        self._whole: bytes | None = None
        self._fh: BinaryIO | None = None
        if not read_only and not rewrites_in_place(folder):
            raw = self.actions_path.read_bytes() if self.actions_path.exists() else b""
            self._whole = raw if good_end is None else raw[:good_end]
        elif not read_only:
            self._fh = open_for_append(self.actions_path, keep=good_end)
        last = max((r["seq"] for r in self._records), default=0)
        # A torn tail's seq is spent too: its bytes are kept in `actions.torn`.
        self.next_seq = max(last, self.torn_seq) + 1
        if self.next_seq > last + 1:
            self._spent = (last + 1, self.next_seq - 1)
        # Seqs only grow but need not be dense (an older photosort could skip one): records
        # are found by seq, never by position.
        self._seqs: list[int] = [r["seq"] for r in self._records]

    def _load(self) -> tuple[list[Record], int | None]:
        """Read every line, and where the whole lines end. A line that cannot be read is
        *corrupt* when a readable line follows it (kept in place, skipped and reported with
        its line number: the lines after it are real actions) and *torn* when nothing readable
        follows (a write cut short by a crash or power loss: set aside to `actions.torn`, and
        cut from the file when it is opened for appending)."""
        if not self.actions_path.exists() and not self._adopt_rewrite():
            return [], None
        raw = self.actions_path.read_bytes()
        parsed: list[tuple[int, int, int, Record | None]] = []  # line no, start, end, record
        pos = 0
        number = 0
        while pos < len(raw):
            nl = raw.find(b"\n", pos)
            end = len(raw) if nl < 0 else nl + 1
            line = raw[pos:end].rstrip(b"\n")
            number += 1
            if line.strip():
                rec: Any = None
                try:
                    rec = jsontext.loads(line)
                except orjson.JSONDecodeError:
                    rec = None
                ok = isinstance(rec, dict) and isinstance(rec.get("seq"), int) and nl >= 0
                parsed.append((number, pos, end, rec if ok else None))
            pos = end
        last_good = max((i for i, p in enumerate(parsed) if p[3] is not None), default=-1)
        records: list[Record] = []
        for number, start, _end, rec in parsed[: last_good + 1]:
            if rec is None:
                preview = raw[start : start + 60].decode("utf-8", "backslashreplace").strip()
                self.corrupt.append((number, preview))
            else:
                if records and rec["seq"] <= records[-1]["seq"]:
                    self.disorder.append((records[-1]["seq"], rec["seq"]))
                records.append(rec)
        good_end = parsed[last_good][2] if last_good >= 0 else 0
        if good_end < len(raw) and raw[good_end:].strip() and not self.read_only:
            try:
                self._set_aside(raw[good_end:].rstrip(b"\n"))
            except OSError as exc:
                if not is_disk_full(exc):
                    raise
                # Cut without a copy kept, it would be lost: open read-only, or not at all.
                raise OSError(
                    exc.errno,
                    f"{exc.strerror}: the journal's last line was cut short and there is no "
                    f"room to set it aside ({room_text(ROOM_TO_OPEN)} needed)",
                    str(self.folder),
                ) from exc
        return records, good_end if good_end < len(raw) else None

    def _adopt_rewrite(self) -> bool:
        """A journal written whole (see `_whole`) whose rename was cut short where the disk
        renames as unlink-then-link (FAT's FUSE driver): the fsync'ed new copy is the
        journal. Only a writer puts it in place."""
        if self.read_only:
            return False
        copies = sorted(self.folder.glob(f".{ACTIONS_FILE}.*.tmp"), key=lambda p: p.stat().st_size)
        if not copies:
            return False
        os.replace(copies[-1], self.actions_path)
        fsync_dir(self.folder)
        return True

    def _set_aside(self, torn: bytes) -> None:
        kept = self.folder / TORN_FILE
        before = kept.read_bytes() if kept.exists() else b""
        # Written whole and renamed into place: the same on every disk, FAT's FUSE driver too.
        atomic_write_bytes(kept, before + torn + b"\n")
        self.torn_repaired = True
        head = re.match(rb'\{"seq":(\d{1,18})', torn)  # cut mid-number: max() below copes
        self.torn_seq = int(head.group(1)) if head else 0

    @property
    def records(self) -> list[Record]:
        return self._records

    def append(self, line: Line) -> Record:
        return self.append_many([line])[0]

    def append_many(
        self,
        lines: Iterable[Line],
        *,
        durable: bool = True,
        moves: bool = False,
        essential: bool = False,
    ) -> list[Record]:
        """Append records in one write and one fsync (group commit).

        Every line is serialised before any of them takes a seq: a value JSON cannot carry
        raises `jsontext.Unserialisable` and leaves the journal (and its seq) untouched.
        A write that fails (a full disk) is cut back to the last whole line and its seqs are
        spent: bytes of it may survive somewhere (a crash before the cut, `actions.torn`), so
        no other record may ever carry them. `essential` lines (the abort of a move that
        failed) may use the room the journal keeps free; others refuse to take it."""
        with self._lock:
            if self.read_only:
                raise RuntimeError("journal opened read-only")
            out, data = self._encode(lines)
            if not out:
                return []
            self.next_seq = out[-1]["seq"] + 1
            self._started = False
            try:
                self._write(data, durable=durable, essential=essential)
            except OSError:
                if not self._started:
                    self.next_seq = out[0]["seq"]  # refused before a byte was written
                    raise
                self._spent = (self._spent[0] if self._spent else out[0]["seq"], out[-1]["seq"])
                raise
            self._spent = None
            if moves:
                self._pending.update(r["seq"] for r in out)
            self._records.extend(out)
            self._seqs.extend(r["seq"] for r in out)
            return out

    def append_essential(self, line: Line) -> Record:
        """Append a line that must not be lost to a full disk (an abort, what recovery did):
        it may use the kept room, and when even that is gone it is owed (see `owe`)."""
        try:
            return self.append_many([line], essential=True)[0]
        except OSError as exc:
            if not is_disk_full(exc):
                raise
            log.error("journal: the disk is full; a line waits to be written (%s)", exc)
            return self.owe(line)

    def owe(self, line: Line) -> Record:
        """A line that must be journaled but cannot be now (the disk is full even for an
        abort): it takes its seq and counts from now on, and is written in front of the next
        append (or at close), so it stays in order."""
        with self._lock:
            out, data = self._encode([line])
            self.next_seq = out[-1]["seq"] + 1
            self._spent = None
            self._owed.append(data)
            self._records.extend(out)
            self._seqs.extend(r["seq"] for r in out)
            return out[0]

    @property
    def last_record_seq(self) -> int:
        """The highest seq of a line in the journal (0 when empty)."""
        return max(self._seqs, default=0) if self.disorder else (self._seqs or [0])[-1]

    @property
    def spent(self) -> list[int] | None:
        """[first, last] seq failed writes took that no line written yet accounts for."""
        return list(self._spent) if self._spent else None

    def continue_after(self, seq: int, *, spent: bool) -> None:
        """Never give out `seq` or any lower one again (`state.json` knew of them). `spent`:
        they were taken by writes that failed, and the next line says so; else they are lines
        missing from the journal, and stay a gap `verify` reports."""
        with self._lock:
            if seq < self.next_seq:
                return
            if spent:
                self._spent = (self._spent[0] if self._spent else self.next_seq, seq)
            self.next_seq = seq + 1

    @property
    def owed(self) -> int:
        """How many lines wait to be written (0 when the journal is whole on disk)."""
        return len(self._owed)

    def _encode(self, lines: Iterable[Line]) -> tuple[list[Record], bytes]:
        ts = utc_now()
        first = self.next_seq
        settled = min(self._pending, default=first) - 1
        records: list[Record] = [{**line, "settled": settled} for line in lines]
        if records and self._spent:
            # The seqs failed writes took: a gap this line explains (`verify` accepts it).
            records[0]["spent"] = list(self._spent)
        bodies = [jsontext.dumps({"ts": ts, **rec}) for rec in records]
        out: list[Record] = []
        chunks: list[bytes] = []
        for i, (rec, body) in enumerate(zip(records, bodies, strict=True)):
            seq = first + i
            # `body` is `{"ts":...}`: the seq goes in front without serialising again.
            chunks.append(b'{"seq":%d,' % seq + body[1:] + b"\n")
            out.append({"seq": seq, "ts": ts, **rec})
        return out, b"".join(chunks)

    def _write(self, data: bytes, *, durable: bool, essential: bool) -> None:
        # Whatever a failed write left is cut first: nothing is ever appended to half a line.
        self._repair()
        if not essential:
            self._reserve.ensure()
        owed = b"".join(self._owed)
        try:
            self._write_once(owed + data, durable)
        except OSError as exc:
            if not (essential and is_disk_full(exc) and self._reserve.release()):
                raise
            self._repair()
            self._write_once(owed + data, durable)
        self._owed.clear()

    def _write_once(self, data: bytes, durable: bool) -> None:
        if self._whole is not None:
            self._started = True
            whole = self._whole + data
            atomic_write_bytes(self.actions_path, whole, durable=durable)
            self._whole = whole
            return
        assert self._fh is not None
        end = self._fh.tell()
        self._started = True
        try:
            self._fh.write(data)
            self._fh.flush()
            if durable:
                os.fsync(self._fh.fileno())
        except OSError:
            # A full disk can cut the write short, at any byte.
            self._torn_end = end
            with contextlib.suppress(OSError):
                self._repair()
            raise

    def _repair(self) -> None:
        """Cut the file back to where the last failed write began. Until that works (the cut
        itself can need room where the file is rewritten whole), every append is refused."""
        if self._torn_end is None:
            return
        assert self._fh is not None
        with contextlib.suppress(OSError):
            self._fh.close()
        self._fh = open_for_append(self.actions_path, keep=self._torn_end)
        self._torn_end = None

    def settle(self, seqs: Iterable[int]) -> None:
        """These move lines' file operations are over (done, or aborted by a later line)."""
        with self._lock:
            self._pending.difference_update(seqs)

    def mark_pending(self, seqs: Iterable[int]) -> None:
        """Moves recovery could not finish: later lines must not call them settled."""
        with self._lock:
            self._pending.update(seqs)

    @property
    def settled(self) -> int:
        """The highest `settled` any line records (0 when none does)."""
        return max((r.get("settled", 0) for r in self._records), default=0)

    def after(self, seq: int) -> Iterator[Record]:
        """Records with `seq` greater than the given one."""
        yield from self._records[bisect.bisect_right(self._seqs, seq) :]

    def page(self, after: int, limit: int | None = None) -> list[Record]:
        """Up to `limit` records with `seq` greater than `after`, oldest first."""
        start = bisect.bisect_right(self._seqs, after)
        return self._records[start : None if limit is None else start + limit]

    def read_state(self) -> Record | None:
        try:
            data = jsontext.loads(self.state_path.read_bytes())
        except (FileNotFoundError, orjson.JSONDecodeError):
            return None
        return data if isinstance(data, dict) else None

    def write_state(self, state: Record) -> None:
        atomic_write_bytes(self.state_path, jsontext.dumps(state, indent=True))

    def close(self) -> None:
        with self._lock:
            if self._owed and not self.read_only:
                try:
                    self._write(b"", durable=True, essential=True)
                except OSError as exc:
                    log.error("journal: %d lines could not be written (%s)", len(self._owed), exc)
            try:
                if self._fh is not None and not self._fh.closed:
                    self._fh.flush()
                    os.fsync(self._fh.fileno())
                    self._fh.close()
                    fsync_dir(self.folder)
            finally:
                release(self._writer)
