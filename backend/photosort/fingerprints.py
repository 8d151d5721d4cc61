"""Content fingerprints, remembered by (device, inode, size, mtime) in memory and on disk.

A move or rename keeps the inode, so a filed photo is never read again to know what it is;
a restart finds the fingerprints in the embedding database instead of re-reading the library.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Protocol

from photosort.errors import DecodeFailed
from photosort.media.fingerprint import fingerprint

StatKey = tuple[int, int, int, int]


class FingerprintStore(Protocol):
    def lookup_fingerprint(self, st: os.stat_result) -> str | None: ...

    def remember_fingerprints(self, pairs: list[tuple[os.stat_result, str]]) -> None: ...


class Fingerprints:
    def __init__(self, store: FingerprintStore | None = None) -> None:
        self._store = store
        self._memo: dict[StatKey, str] = {}
        self._lock = threading.Lock()

    def attach(self, store: FingerprintStore) -> None:
        self._store = store

    @staticmethod
    def _key(st: os.stat_result) -> StatKey:
        return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)

    def of(self, path: Path) -> str:
        try:
            st = os.stat(path)
        except OSError as exc:
            raise DecodeFailed(f"cannot read {path.name}: {exc.strerror}") from exc
        key = self._key(st)
        with self._lock:
            known = self._memo.get(key)
        if known is None and self._store is not None:
            known = self._store.lookup_fingerprint(st)
        if known is None:
            try:
                known = fingerprint(path)
            except OSError as exc:
                raise DecodeFailed(f"cannot read {path.name}: {exc.strerror}") from exc
            if self._store is not None:
                self._store.remember_fingerprints([(st, known)])
        with self._lock:
            self._memo[key] = known
        return known
