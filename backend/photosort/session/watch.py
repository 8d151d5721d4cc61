"""Live folders: a file-system watcher on the source tells the session what changed, so files
copied in join the queue within about a second and files removed by another program leave it.

The watcher only says *which* paths to look at, and which files their writers closed
(`closes.py`: watchfiles reports no closes); the session decides (`Session.notice`,
`Session.settle`), so our own moves change nothing and a flood of events costs one look per
path. When the watcher cannot run (the inotify watch limit, a network file system, watchfiles
failing on a file name that is not UTF-8), it says so in one log line, the periodic rescan
(`api/app.py`) carries on alone, and the watcher is tried again now and then.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from photosort.session.closes import CloseEvents, open_close_events
from photosort.session.engine import Session

log = logging.getLogger("photosort.session")

# Changes are handed over at most this long after the first one of a burst (watchfiles'
# default, 1.6 s, is too slow for "within a second")...
DEBOUNCE_MS = 400
# ...and with nothing happening the loop still turns this often, to settle newcomers.
TICK_MS = 300
STEP_MS = 50  # how often the watcher checks for a stop: Ctrl-C waits at most this long
# After a failure the watcher is started again after RETRY_S, doubling up to MAX_RETRY_S.
RETRY_S = 1.0
MAX_RETRY_S = 60.0
FOLDERS_CHECK_S = 1.0  # how often the list of folders to watch is compared with the scan's

Batches = Iterator[set[tuple[Any, str]]]


def _watch(source: Path, folders: list[str], stop: threading.Event) -> Batches:
    """watchfiles' event batches for these folders of `source`, each watched by itself
    (imported here: only `serve` needs it).

    Not one recursive watch of the source: setting that up walks every entry below it while
    holding the GIL, which froze the whole server for 2.8 s beside a million photos. The
    session names the folders its scan looks into, and a new one is watched once a scan
    has seen it (`FolderWatcher` starts over)."""
    from watchfiles import watch

    # watchfiles logs every batch at INFO ("3 changes detected"): not for the reviewer's console.
    logging.getLogger("watchfiles").setLevel(logging.WARNING)
    prefix = str(source).rstrip(os.sep) + os.sep

    def wanted(_change: Any, path: str) -> bool:
        # Dot-paths are never photos of the session: skip our own `.clustering/` writes early.
        rel = path[len(prefix) :] if path.startswith(prefix) else path
        return not any(part.startswith(".") for part in rel.split(os.sep))

    return watch(
        *folders,
        recursive=False,
        watch_filter=wanted,
        debounce=DEBOUNCE_MS,
        step=STEP_MS,
        stop_event=stop,
        rust_timeout=TICK_MS,
        yield_on_timeout=True,
        raise_interrupt=False,
        ignore_permission_denied=True,
    )


class FolderWatcher(threading.Thread):
    """Watches a session's source in the background until `close`. `failed` is set (and one
    line logged) the first time the watcher fails; the caller's periodic rescan then covers
    until a retry succeeds."""

    def __init__(
        self,
        session: Session,
        watch: Callable[[Path, list[str], threading.Event], Batches] | None = None,
        closes: Callable[[], CloseEvents | None] = open_close_events,
    ) -> None:
        super().__init__(name="photosort-watch", daemon=True)
        self.session = session
        self._watch = watch or _watch
        self._open_closes = closes
        self._closes: CloseEvents | None = None
        self._halt = threading.Event()
        self.failed = threading.Event()

    def run(self) -> None:
        self._closes = self._open_closes()
        try:
            self._run()
        finally:
            if self._closes is not None:
                self._closes.close()

    def _run(self) -> None:
        pause = RETRY_S
        while not self._halt.is_set():
            try:
                if self._watch_until_folders_change():
                    return  # the watch ended: we were asked to stop
            except Exception as exc:  # an inotify limit, a name that is not UTF-8, a folder gone
                # No changes are handed over meanwhile, so no close either.
                self.session.closes_reported(())
                if self._halt.is_set():
                    return
                if not self.failed.is_set():
                    self.failed.set()
                    log.warning(
                        "live folders paused (%s: %s); the rescan every few seconds carries on "
                        "and the watcher is retried",
                        type(exc).__name__,
                        exc,
                    )
            # The cause may pass (a name fixed, a watch limit raised): try again, less often.
            self._halt.wait(pause)
            pause = min(pause * 2, MAX_RETRY_S)

    def _watch_until_folders_change(self) -> bool:
        """Watch the folders the session scans; True when asked to stop, False when the scan
        found a folder to add or one gone (the watch starts over with the new list)."""
        folders = self.session.watched_folders()
        closes = self._closes
        # Closes are watched before the changes are: every file watchfiles reports as being
        # written then has its close reported too.
        self.session.closes_reported(closes.watch(folders) if closes else ())
        checked = time.monotonic()
        for changes in self._watch(self.session.source, folders, self._halt):
            if self._halt.is_set():
                return True
            # Read after the batch: a close is never handed over before the writes it ends.
            self._handle(changes, closes.read() if closes else [])
            if closes is not None and closes.overflowed:
                closes.overflowed = False
                self.session.closes_missed()
            # After a batch of changes at once: a folder moved in is watched before a photo
            # copied into it next could go unseen (there may be no rescan to catch it).
            if changes or time.monotonic() - checked >= FOLDERS_CHECK_S:
                checked = time.monotonic()
                if self.session.watched_folders() != folders:
                    return False
        return True

    def _handle(self, changes: set[tuple[Any, str]], closed: list[str]) -> None:
        try:
            if changes or closed:
                self.session.notice({path for _, path in changes}, closed)
            else:
                self.session.settle()
        except Exception:
            # One bad look (a file yanked mid-stat) must not end live folders for the session.
            log.exception("could not apply %d file changes; the next rescan will", len(changes))

    def close(self, timeout: float = 1.0) -> None:
        """Stop watching; returns within about `STEP_MS` (Ctrl-C must stay quick)."""
        self._halt.set()
        if self.is_alive():
            self.join(timeout)
