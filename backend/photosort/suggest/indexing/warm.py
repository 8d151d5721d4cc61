"""Whole-queue scores brought up to date while the reviewer pauses.

At a million photos the first estimate after a filing pays for the moved centroid's column (a
pass over the matrix), the queue's row map and each row's best two: about 0.7 s on two cores.
Done in the background once nothing has changed for a moment, the estimate or dry run the
reviewer asks for next reads cached arrays instead (about 0.1 s). While the reviewer files
photo after photo nothing runs, so filings never compete with it; below `WARM_ABOVE` rows
every read is fast enough and nothing runs at all.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger("photosort.suggest")

WARM_ABOVE = 20_000  # rows: below this a whole-queue read takes a few milliseconds anyway
QUIET_S = 1.0  # how long nothing must change (no filing, no new vector) before warming


class ScoreWarmer(threading.Thread):
    """Calls `warm()` once things have been quiet for `QUIET_S` after a change: a `poke()`
    (a centroid moved) or `rows()` growing (vectors linked or embedded)."""

    def __init__(self, warm: Callable[[], None], rows: Callable[[], int]) -> None:
        super().__init__(name="photosort-warm", daemon=True)
        self._warm, self._rows = warm, rows
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._changed_at: float | None = None
        self._lock = threading.Lock()

    def poke(self) -> None:
        with self._lock:
            self._changed_at = time.monotonic()
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def run(self) -> None:
        seen_rows = 0
        while not self._stop.is_set():
            self._wake.wait(timeout=QUIET_S)
            self._wake.clear()
            rows = self._rows()
            with self._lock:
                if rows != seen_rows:
                    seen_rows, self._changed_at = rows, time.monotonic()
                changed = self._changed_at
                due = changed is not None and time.monotonic() - changed >= QUIET_S
                if due:
                    self._changed_at = None
            if due and rows >= WARM_ABOVE and not self._stop.is_set():
                try:
                    self._warm()
                except Exception:  # a closing session, a model unloading: the next read pays
                    log.debug("warming the scores failed", exc_info=True)
