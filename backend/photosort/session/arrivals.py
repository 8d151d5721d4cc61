"""Files that appeared in the source while a session runs, held back until they are whole.

A copy in progress (a card reader, a sync client, a slow network share) already shows its
name while its bytes are still arriving; queued then, it would be decoded half-written and
flagged broken. A newcomer is admitted once its size and mtime have held still across two
looks at least `SETTLE_S` apart; one that disappears meanwhile is forgotten without a word.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterable
from pathlib import Path

SETTLE_S = 0.3

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
    seen). Not thread-safe: the session calls it under its lock."""

    def __init__(self, settle_s: float = SETTLE_S) -> None:
        self.settle_s = settle_s
        self._looks: dict[str, tuple[Signature, float]] = {}

    def __bool__(self) -> bool:
        return bool(self._looks)

    def __contains__(self, item: object) -> bool:
        return item in self._looks

    def pending(self) -> list[str]:
        return list(self._looks)

    def forget(self, items: Iterable[str]) -> None:
        for item in items:
            self._looks.pop(item, None)

    def look(self, root: Path, items: Iterable[str], now: float | None = None) -> set[str]:
        """Look at these newcomers once more; returns those that are whole (and forgets them).
        A newcomer seen for the first time is never whole yet: it needs a second look."""
        now = time.monotonic() if now is None else now
        whole: set[str] = set()
        for item in items:
            sig = signature(root / item)
            if sig is None:
                self._looks.pop(item, None)
                continue
            seen = self._looks.get(item)
            if seen is None or seen[0] != sig:
                self._looks[item] = (sig, now)
            elif now - seen[1] >= self.settle_s:
                del self._looks[item]
                whole.add(item)
        return whole
