"""One writer per file, on every platform.

`filelock` takes the platform's own lock (`flock` on Linux and macOS, `msvcrt` on Windows) on a
small lock file beside what it guards; where neither exists it falls back to a lock file that
names its owner, which a later process takes over once that owner is gone (after a kill -9).
"""

from __future__ import annotations

import os
from pathlib import Path

from filelock import BaseFileLock, FileLock, Timeout


def try_exclusive(path: Path) -> BaseFileLock | None:
    """The lock at `path` held by this process, or None when another holder has it now."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # thread_local=False: a session opened on one thread is closed on another (the server's
    # shutdown), and the release must work there.
    lock = FileLock(os.fspath(path), timeout=0, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        return None
    return lock


def release(lock: BaseFileLock | None) -> None:
    if lock is not None and lock.is_locked:
        lock.release(force=True)
