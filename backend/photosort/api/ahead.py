"""Previews made ahead of the reviewer.

Indexing leaves only each queued photo's thumb (it comes from the decode the model needs); a
1600 px preview needs a decode four times larger, and most photos of a large queue are indexed
long before anyone looks at them. So the server keeps the previews of the next `AHEAD` photos
in queue order ready instead, and refills that window as photos are filed, skipped or come
back: one preview per filing, at the reviewer's pace. Any other preview renders on request.

While the embedder loads, only the preview of the photo on screen is made: on a machine of two
cores the window's decodes would be taken from the load, which is mostly imports under the
interpreter lock, and would put the first suggestion back. The window fills once the photo on
screen has its vector (indexing's progress says so): the first batch's forward pass, too, runs
alone.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading

from photosort.api.context import AppContext
from photosort.errors import PhotosortError
from photosort.session import Event

log = logging.getLogger("photosort.api")

AHEAD = 12  # the photos after the one on screen whose preview is kept ready
AHEAD_WHILE_LOADING = 1  # the photo on screen (the head of the queue)
# Events that change which photos come next (indexing progress does not).
_MOVES_THE_QUEUE = frozenset({"action", "queue-changed"})


class PreviewsAhead(threading.Thread):
    def __init__(self, ctx: AppContext, ahead: int | None = None) -> None:
        super().__init__(name="photosort-previews-ahead", daemon=True)
        self.ctx, self.ahead = ctx, AHEAD if ahead is None else ahead
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._narrowed = False  # the last fill kept the window short: the model was loading

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def _heard(self, event: Event) -> None:
        kind = event.get("type")
        if kind in _MOVES_THE_QUEUE or (
            kind == "indexing" and self._narrowed and _first_batch_landed(event)
        ):
            self._wake.set()

    def run(self) -> None:
        _lower_priority()
        unsubscribe = self.ctx.session.events.subscribe(self._heard)
        try:
            while not self._stop.is_set():
                self._wake.clear()
                self.fill()
                self._wake.wait()
        finally:
            unsubscribe()

    def fill(self) -> None:
        """Render the missing previews of the next photos, nearest first."""
        session, renditions = self.ctx.session, self.ctx.renditions
        ahead = self.ahead
        self._narrowed = self.ctx.suggestions.embedder_info()["status"] == "loading"
        if self._narrowed:
            ahead = min(ahead, AHEAD_WHILE_LOADING)
        items = session.queue_items(0, ahead)  # not shown yet: nothing remembered
        for item in items:
            if self._stop.is_set():
                return
            try:
                path, _ = session.locate(item, "source")
                renditions.path_for(path, self.ctx.fingerprints.of(path), "preview")
            except (PhotosortError, OSError, ValueError) as exc:
                # Filed meanwhile, gone, undecodable: a request for it says why, not this.
                log.debug("no preview ahead for %s: %s", item, exc)


def _first_batch_landed(event: Event) -> bool:
    """Indexing has embedded a queued photo (its first batch ends at the photo on screen), or
    stopped. Progress is also published when a step only linked cached vectors: nothing was
    embedded then, and the first forward pass is still to come."""
    progress = event.get("progress")
    if not isinstance(progress, dict):
        return True
    return int(progress.get("queue_done", 0)) > 0 or not progress.get("running", True)


def _lower_priority() -> None:
    """Yield the CPU to the requests being served: the photo on screen is a cache read that
    must not queue behind the decode of one twelve photos ahead. On Linux a nice value can be
    set per thread (its native id); elsewhere that call would name a process, so it is not
    made."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
