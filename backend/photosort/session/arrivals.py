"""Files that appeared in the source while a session runs, held back until they are whole.

A copy in progress (a card reader, a sync client, a slow network share) already shows its
name while its bytes are still arriving; queued then, it would be decoded half-written and
flagged broken. How long a newcomer waits depends on what is known of its writer:

- its writer closed it (a close-after-write event, `closes.py`): admitted once its size and
  mtime held across two looks `SETTLE_S` apart;
- it was seen being written in a folder that reports closes, and no close came yet: the
  writer still has it open, however long it stalls; only after `OPEN_STILL_S` of stillness
  (a program that never closes it) is it admitted;
- nothing is known (no close events on this platform or folder, a folder moved in whole, the
  periodic rescan found it): its size and mtime must hold for `STILL_S`, long enough to
  ride out a stalled card reader or network share.

A newcomer that disappears meanwhile is forgotten without a word.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterable
from pathlib import Path

SETTLE_S = 0.3
STILL_S = 2.0
OPEN_STILL_S = 30.0

Signature = tuple[int, int]  # (size, mtime_ns)


def signature(path: Path) -> Signature | None:
    """Size and mtime of a regular file (never through a link); None when it is not one."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return st.st_size, st.st_mtime_ns


class Arrivals:
    """Newcomers still being looked at: item -> (signature, when that signature was first
    seen), and what is known of each one's writer. Not thread-safe: the session calls it
    under its lock."""

    def __init__(
        self, settle_s: float = SETTLE_S, still_s: float = STILL_S, open_s: float = OPEN_STILL_S
    ) -> None:
        self.settle_s, self.still_s, self.open_s = settle_s, still_s, open_s
        self._looks: dict[str, tuple[Signature, float]] = {}
        self._closed: set[str] = set()  # its writer closed it (or it was renamed in whole)
        self._open: set[str] = set()  # seen being written where closes are reported

    def __bool__(self) -> bool:
        return bool(self._looks)

    def __contains__(self, item: object) -> bool:
        return item in self._looks

    def pending(self) -> list[str]:
        return list(self._looks)

    def forget(self, items: Iterable[str]) -> None:
        for item in items:
            self._drop(item)

    def _drop(self, item: str) -> None:
        self._looks.pop(item, None)
        self._closed.discard(item)
        self._open.discard(item)

    def writing(self, items: Iterable[str]) -> None:
        """These were seen being written in folders that report closes: each waits for its
        close (one already closed stays closed: the close is the later of the two)."""
        self._open.update(i for i in items if i not in self._closed)

    def closed(self, items: Iterable[str]) -> None:
        """Their writers closed these (or they were renamed in whole)."""
        for item in items:
            self._closed.add(item)
            self._open.discard(item)

    def unknown(self) -> None:
        """Closes may have been missed (the kernel's queue overflowed, the watcher stopped):
        every newcomer waiting for one goes by stillness instead."""
        self._open.clear()

    def _window(self, item: str) -> float:
        if item in self._closed:
            return self.settle_s
        return self.open_s if item in self._open else self.still_s

    def look(self, root: Path, items: Iterable[str], now: float | None = None) -> set[str]:
        """Look at these newcomers once more; returns those that are whole (and forgets them).
        A newcomer seen for the first time is never whole yet: it needs a second look."""
        now = time.monotonic() if now is None else now
        whole: set[str] = set()
        for item in items:
            sig = signature(root / item)
            if sig is None:
                self._drop(item)
                continue
            seen = self._looks.get(item)
            if seen is None or seen[0] != sig:
                self._looks[item] = (sig, now)
            elif now - seen[1] >= self._window(item):
                self._drop(item)
                whole.add(item)
        return whole
