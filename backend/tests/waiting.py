"""Waiting for what background threads do (a watcher, a rescan, a warmer), with a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_for(predicate: Callable[[], object], timeout: float = 8.0) -> bool:
    """Poll `predicate` every 50 ms until it is truthy (True) or `timeout` passes (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False
