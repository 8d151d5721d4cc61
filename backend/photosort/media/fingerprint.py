"""Content fingerprints: cheap enough to take on every photo, stable across moves and renames.

`fingerprint(path)` reads the bytes; `Fingerprints` remembers the answer by (device, inode,
size, mtime) in memory and in a store (the embedding database), so a move or rename (same inode)
is never read again and a restart does not re-read the library. Where a disk has no real inode
numbers (exFAT, FAT) the path stands in for the inode: a rename there reads the file again.
"""

from __future__ import annotations

import hashlib
import os
import struct
import threading
from collections.abc import Iterable, Sequence
from typing import Protocol

from photosort.errors import DecodeFailed
from photosort.fsinfo import stat_key

CHUNK = 256 * 1024
_VERSION = b"photosort-fp1"  # bump if the recipe changes, so old cache keys never collide with new


def fingerprint(path: str | os.PathLike[str]) -> str:
    """Hex blake2b-128 over the size, the first 256 KiB and the last 256 KiB of the file.

    Only content counts (never the name or the mtime), so a copy or a rename keeps it. Reads at
    most 512 KiB however large the file. Raises OSError (e.g. FileNotFoundError) if unreadable.
    """
    h = hashlib.blake2b(_VERSION, digest_size=16)
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        h.update(size.to_bytes(8, "little"))
        head = fh.read(CHUNK)
        h.update(head)
        tail_start = max(len(head), size - CHUNK)
        if tail_start < size:
            fh.seek(tail_start)
            h.update(fh.read(CHUNK))
    return h.hexdigest()


StatKey = tuple[int, int, int, int]
_PACK = struct.Struct("<QQQq").pack


def _memo_key(key: StatKey) -> bytes:
    """A stat key as one 32-byte string: the memo holds one per photo, and a tuple of four
    ints is ~170 bytes against this one's 65 (~100 MB less at a million photos)."""
    try:
        return _PACK(*key)
    except struct.error:  # a field beyond 64 bits (a clock far off): still one distinct key,
        text = b"%d:%d:%d:%d" % key  # never 32 bytes long, so never a packed one
        return text if len(text) != 32 else text + b":"


class FingerprintStore(Protocol):
    def lookup_stat_keys(self, stats: Sequence[StatKey]) -> list[str | None]: ...

    def remember_stat_keys(self, pairs: Iterable[tuple[StatKey, str]]) -> None: ...


class Fingerprints:
    """`fingerprint` with a memo; raises `DecodeFailed` for an unreadable file."""

    def __init__(self, store: FingerprintStore | None = None) -> None:
        self._store = store
        self._memo: dict[bytes, str] = {}
        self._lock = threading.Lock()

    def of(self, path: str | os.PathLike[str]) -> str:
        try:
            st = os.stat(path)
        except OSError as exc:
            raise DecodeFailed(f"cannot read {_name(path)}: {exc.strerror}") from exc
        stat = stat_key(path, st)
        key = _memo_key(stat)
        with self._lock:
            known = self._memo.get(key)
        if known is None and self._store is not None:
            known = self._store.lookup_stat_keys([stat])[0]
        if known is None:
            try:
                known = fingerprint(path)
            except OSError as exc:
                raise DecodeFailed(f"cannot read {_name(path)}: {exc.strerror}") from exc
            if self._store is not None:
                self._store.remember_stat_keys([(stat, known)])
        with self._lock:
            self._memo[key] = known
        return known

    def of_many(self, paths: Sequence[str | os.PathLike[str]]) -> list[str | DecodeFailed]:
        """`of` for a batch: one store query for all the memo misses (what a restart over a
        large library does for every photo), the error in place of an unreadable one. Plain
        string paths are welcome: a `Path` per photo costs more than its `stat`."""
        out: list[str | DecodeFailed | None] = [None] * len(paths)
        # Only the stat key of each is kept, in flat lists: thousands of stat_results (or
        # tuples holding them) live through young collections and trigger full ones, each a
        # walk of the whole heap (hundreds of ms at a million photos).
        where: list[int] = []
        keys: list[StatKey] = []
        for i, path in enumerate(paths):
            try:
                st = os.stat(path)
            except OSError as exc:
                out[i] = DecodeFailed(f"cannot read {_name(path)}: {exc.strerror}")
                continue
            where.append(i)
            keys.append(stat_key(path, st))
        missed: list[int] = []
        with self._lock:
            memo = self._memo.get
            for n, (i, key) in enumerate(zip(where, keys, strict=True)):
                out[i] = memo(_memo_key(key))
                if out[i] is None:
                    missed.append(n)
        if missed and self._store is not None:
            found = self._store.lookup_stat_keys([keys[n] for n in missed])
            with self._lock:
                for n, fp in zip(missed, found, strict=True):
                    if fp is not None:
                        self._memo[_memo_key(keys[n])] = out[where[n]] = fp
        for n in missed:
            i = where[n]
            if out[i] is None:
                try:
                    out[i] = self.of(paths[i])
                except DecodeFailed as exc:
                    out[i] = exc
        return [x for x in out if x is not None]


def _name(path: str | os.PathLike[str]) -> str:
    return os.path.basename(os.fspath(path))
