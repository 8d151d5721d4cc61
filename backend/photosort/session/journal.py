"""The append-only journal (`actions.jsonl`) and its checkpoint (`state.json`).

Every line is fsync'ed before the file operation it describes starts (write-ahead), so after a
crash the journal always knows at least as much as the file system. A torn last line (power cut
mid-write) cannot describe an operation that started, so it is set aside, never trusted.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import orjson
from filelock import BaseFileLock

from photosort import jsontext
from photosort.errors import SessionFolderError
from photosort.fsutil import atomic_write_bytes, fsync_dir, open_for_append
from photosort.locks import release, try_exclusive
from photosort.session.records import Line

Record = dict[str, Any]

CLUSTERING_DIR = ".clustering"
ACTIONS_FILE = "actions.jsonl"
STATE_FILE = "state.json"
TORN_FILE = "actions.torn"
LOCK_FILE = "session.lock"


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
        # Move lines whose file operation has not finished yet. Every line carries `settled`:
        # the highest seq up to which every move had finished (or was aborted) when it was
        # written, so recovery without state.json knows which moves may have been cut short.
        self._pending: set[int] = set()
        # One writer per session, taken before a torn tail is repaired: a second writer
        # (`photosort undo` while `serve` runs) would reuse seq numbers or cut a live line.
        self._writer: BaseFileLock | None = None if read_only else _lock_exclusive(folder)
        self._records, good_end = self._load()
        self._fh: BinaryIO | None = (
            None if read_only else open_for_append(self.actions_path, keep=good_end)
        )
        self.next_seq = (self._records[-1]["seq"] + 1) if self._records else 1
        # Seqs only grow but need not be dense (an older photosort could skip one): records
        # are found by seq, never by position.
        self._seqs: list[int] = [r["seq"] for r in self._records]

    def _load(self) -> tuple[list[Record], int | None]:
        """Read every line, and where the whole lines end. A line that cannot be read is
        *corrupt* when a readable line follows it (kept in place, skipped and reported with
        its line number: the lines after it are real actions) and *torn* when nothing readable
        follows (a write cut short by a crash or power loss: set aside to `actions.torn`, and
        cut from the file when it is opened for appending)."""
        if not self.actions_path.exists():
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
                records.append(rec)
        good_end = parsed[last_good][2] if last_good >= 0 else 0
        if good_end < len(raw) and raw[good_end:].strip() and not self.read_only:
            self._set_aside(raw[good_end:].rstrip(b"\n"))
        return records, good_end if good_end < len(raw) else None

    def _set_aside(self, torn: bytes) -> None:
        with open_for_append(self.folder / TORN_FILE) as fh:
            fh.write(torn + b"\n")
            fh.flush()
            os.fsync(fh.fileno())
        self.torn_repaired = True

    @property
    def records(self) -> list[Record]:
        return self._records

    def append(self, line: Line) -> Record:
        return self.append_many([line])[0]

    def append_many(
        self, lines: Iterable[Line], *, durable: bool = True, moves: bool = False
    ) -> list[Record]:
        """Append records in one write and one fsync (group commit).

        Every line is serialised before any of them takes a seq: a value JSON cannot carry
        raises `jsontext.Unserialisable` and leaves the journal (and its seq) untouched."""
        with self._lock:
            if self._fh is None:
                raise RuntimeError("journal opened read-only")
            ts = utc_now()
            first = self.next_seq
            settled = min(self._pending, default=first) - 1
            records: list[Record] = [{**line, "settled": settled} for line in lines]
            bodies = [jsontext.dumps({"ts": ts, **rec}) for rec in records]
            if not bodies:
                return []
            out: list[Record] = []
            chunks: list[bytes] = []
            for i, (rec, body) in enumerate(zip(records, bodies, strict=True)):
                seq = first + i
                # `body` is `{"ts":...}`: the seq goes in front without serialising again.
                chunks.append(b'{"seq":%d,' % seq + body[1:] + b"\n")
                out.append({"seq": seq, "ts": ts, **rec})
            end = self._fh.tell()
            try:
                self._fh.write(b"".join(chunks))
                self._fh.flush()
                if durable:
                    os.fsync(self._fh.fileno())
            except OSError:
                # A full disk can cut the write short: leave no half line for the next to
                # append to (it would corrupt both), and take no seq.
                self._cut_back(end)
                raise
            self.next_seq = first + len(out)
            if moves:
                self._pending.update(r["seq"] for r in out)
            self._records.extend(out)
            self._seqs.extend(r["seq"] for r in out)
            return out

    def _cut_back(self, end: int) -> None:
        assert self._fh is not None
        with contextlib.suppress(OSError):
            self._fh.close()
        self._fh = open_for_append(self.actions_path, keep=end)

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
            if self._fh is not None and not self._fh.closed:
                self._fh.flush()
                os.fsync(self._fh.fileno())
                self._fh.close()
                fsync_dir(self.folder)
            release(self._writer)
