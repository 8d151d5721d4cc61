"""The append-only journal (`actions.jsonl`) and its checkpoint (`state.json`).

Every line is fsync'ed before the file operation it describes starts (write-ahead), so after a
crash the journal always knows at least as much as the file system. A torn last line (power cut
mid-write) cannot describe an operation that started, so it is set aside, never trusted.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from photosort.errors import SessionFolderError
from photosort.fsutil import atomic_write_bytes, fsync_dir

Record = dict[str, Any]

CLUSTERING_DIR = ".clustering"
ACTIONS_FILE = "actions.jsonl"
STATE_FILE = "state.json"
TORN_FILE = "actions.torn"


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _lock_exclusive(fh: BinaryIO, folder: Path) -> None:
    try:
        import fcntl
    except ImportError:  # no advisory locks on this platform
        return
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        raise SessionFolderError(
            f"this session is already open in another photosort ({folder.parent}); stop it first"
        ) from None


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
        self._fh: BinaryIO | None = (
            None if read_only else open(self.actions_path, "ab")  # noqa: SIM115 - held open
        )
        if self._fh is not None:
            # One writer per session, taken before a torn tail is repaired: a second writer
            # (`photosort undo` while `serve` runs) would reuse seq numbers or cut a live line.
            _lock_exclusive(self._fh, folder)
        self._records = self._load()
        self.next_seq = (self._records[-1]["seq"] + 1) if self._records else 1

    def _load(self) -> list[Record]:
        if not self.actions_path.exists():
            return []
        raw = self.actions_path.read_bytes()
        records: list[Record] = []
        good_end = 0
        pos = 0
        while pos < len(raw):
            nl = raw.find(b"\n", pos)
            line = raw[pos:] if nl < 0 else raw[pos:nl]
            end = len(raw) if nl < 0 else nl + 1
            if line.strip():
                try:
                    rec = orjson.loads(line)
                except orjson.JSONDecodeError:
                    rec = None
                if not isinstance(rec, dict) or "seq" not in rec or nl < 0:
                    # Only the last line can be torn; anything after it is unreadable too.
                    if not self.read_only:
                        self._set_aside(raw[pos:])
                    break
                records.append(rec)
            good_end = end
            pos = end
        if good_end < len(raw) and not self.read_only:
            with open(self.actions_path, "r+b") as fh:
                fh.truncate(good_end)
                fh.flush()
                os.fsync(fh.fileno())
        return records

    def _set_aside(self, torn: bytes) -> None:
        with open(self.folder / TORN_FILE, "ab") as fh:
            fh.write(torn + b"\n")
            fh.flush()
            os.fsync(fh.fileno())
        self.torn_repaired = True

    @property
    def records(self) -> list[Record]:
        return self._records

    def append(self, record: Record) -> Record:
        return self.append_many([record])[0]

    def append_many(self, records: Iterable[Record], *, durable: bool = True) -> list[Record]:
        """Append records in one write and one fsync (group commit)."""
        with self._lock:
            out: list[Record] = []
            chunks: list[bytes] = []
            for rec in records:
                full = {"seq": self.next_seq, "ts": utc_now(), **rec}
                self.next_seq += 1
                chunks.append(orjson.dumps(full) + b"\n")
                out.append(full)
            if not chunks:
                return out
            if self._fh is None:
                raise RuntimeError("journal opened read-only")
            self._fh.write(b"".join(chunks))
            self._fh.flush()
            if durable:
                os.fsync(self._fh.fileno())
            self._records.extend(out)
            return out

    def after(self, seq: int) -> Iterator[Record]:
        """Records with `seq` greater than the given one (seqs are dense and start at 1)."""
        start = max(seq, 0)
        yield from self._records[start:]

    def read_state(self) -> Record | None:
        try:
            data = orjson.loads(self.state_path.read_bytes())
        except (FileNotFoundError, orjson.JSONDecodeError):
            return None
        return data if isinstance(data, dict) else None

    def write_state(self, state: Record) -> None:
        atomic_write_bytes(self.state_path, orjson.dumps(state, option=orjson.OPT_INDENT_2))

    def close(self) -> None:
        with self._lock:
            if self._fh is not None and not self._fh.closed:
                self._fh.flush()
                os.fsync(self._fh.fileno())
                self._fh.close()
                fsync_dir(self.folder)
