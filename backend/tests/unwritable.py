"""A folder or file that truly cannot be changed, even by root: the immutable attribute
(`chattr +i`), which root's permissions do not override, unlike a chmod. Where the attribute
is not available (no chattr, a filesystem without it, no CAP_LINUX_IMMUTABLE), a non-root
user's folder gets mode 0555 instead; otherwise the test is skipped with the reason."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from photosort import fsinfo


@contextmanager
def unwritable() -> Iterator[Callable[[Path], None]]:
    undo: list[Callable[[], None]] = []
    # A link refused there (EPERM) is taken for a disk without hard links, remembered for the
    # process: forget it after, or the tests that follow would run on the no-links path.
    no_links = set(fsinfo._no_links_by_dev)

    def mark(path: Path) -> None:
        chattr = shutil.which("chattr") or shutil.which("chattr", path="/usr/bin:/bin:/sbin")
        if chattr:
            done = subprocess.run([chattr, "+i", str(path)], capture_output=True, text=True)
            if done.returncode == 0:
                undo.append(lambda: subprocess.run([chattr, "-i", str(path)], check=False))
                return
        if os.geteuid() != 0 and path.is_dir():
            mode = path.stat().st_mode
            path.chmod(0o555)
            undo.append(lambda: path.chmod(mode))
            return
        pytest.skip("cannot make a folder unwritable here (no chattr +i, and root ignores modes)")

    try:
        yield mark
    finally:
        for step in reversed(undo):
            step()
        with fsinfo._lock:
            fsinfo._no_links_by_dev.intersection_update(no_links)
