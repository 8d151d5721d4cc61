"""What stacks and duplicates need to know about each queued photo besides its vector: when it
was taken (media/capture.py) and its difference hash (media/likeness.py, from the cached
thumbnail). Read once per file: a request reads at most `SYNC_BUDGET` missing facts itself and
leaves the rest to one background thread, so no request waits on a walk of the library.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from PIL import Image

from photosort.errors import PhotosortError
from photosort.media import PIL_DECODE_ERRORS, CaptureTimes, Renditions, dhash, open_image
from photosort.session import resolve_inside

log = logging.getLogger("photosort.suggest")

SYNC_BUDGET = 256  # facts a request may read itself (headers + a 256 px thumb: ~1 ms each)
NO_HASH = -1  # the photo could not be decoded: never tried again


class QueueFacts:
    def __init__(
        self,
        source: Path,
        fingerprint_of: Callable[[list[str]], dict[str, str]],
        renditions: Renditions | None,
    ) -> None:
        self.source = source
        self._fingerprint_of = fingerprint_of  # only indexed photos get a hash (their thumb)
        self._renditions = renditions
        self._captures = CaptureTimes()
        self._times: dict[str, float] = {}
        self._hashes: dict[str, int] = {}
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None
        self.version = 0  # bumped whenever a fact is learned: cached answers rebuild

    def times(self, items: Sequence[str]) -> dict[str, float]:
        with self._lock:
            return {i: self._times[i] for i in items if i in self._times}

    def hashes(self, items: Sequence[str]) -> dict[str, int]:
        with self._lock:
            return {i: h for i in items if (h := self._hashes.get(i, NO_HASH)) != NO_HASH}

    def ensure(self, items: Sequence[str]) -> None:
        """Read the missing facts of the first `SYNC_BUDGET` items now and start a background
        thread for the rest. While that thread is still reading, a request reads nothing
        itself: in a large library every grid request paid for its own `SYNC_BUDGET` files
        (a few hundred ms) on top of the thread's work, for facts the thread was about to
        read anyway."""
        if self._reading():
            return
        missing = self._missing(items)
        self._fill(missing[:SYNC_BUDGET])
        if len(missing) > SYNC_BUDGET:
            self._start_worker(missing[SYNC_BUDGET:])

    def _reading(self) -> bool:
        with self._lock:
            return self._worker is not None and self._worker.is_alive()

    def _missing(self, items: Sequence[str]) -> list[tuple[str, str | None]]:
        fps = self._fingerprint_of(list(items))
        with self._lock:
            return [
                (i, fps.get(i))
                for i in items
                if i not in self._times or (i not in self._hashes and i in fps)
            ]

    def _start_worker(self, todo: list[tuple[str, str | None]]) -> None:
        with self._lock:
            if self._worker is not None and self._worker.is_alive():
                return  # it works through its own list; the next request hands over the rest
            self._worker = threading.Thread(
                target=self._fill, args=(todo,), name="photosort-facts", daemon=True
            )
            self._worker.start()

    def wait_idle(self, timeout: float = 30.0) -> None:
        worker = self._worker
        if worker is not None:
            worker.join(timeout)

    def _fill(self, todo: Sequence[tuple[str, str | None]]) -> None:
        for item, fp in todo:
            try:
                path = resolve_inside(self.source, item)
            except PhotosortError:
                continue
            capture = self._captures.of(path)
            found = self._hash(path, fp) if fp is not None else None
            with self._lock:
                if capture is not None:
                    self._times[item] = capture.time
                if found is not None:
                    self._hashes[item] = found
                self.version += 1

    def _hash(self, path: Path, fp: str) -> int:
        """The dHash of the cached thumbnail (rendered by indexing already), else of a small
        decode of the photo itself."""
        try:
            if self._renditions is not None:
                with Image.open(self._renditions.path_for(path, fp, "thumb")) as im:
                    return dhash(im)
            return dhash(open_image(path, min_edge=256))
        except PhotosortError as exc:
            log.debug("no difference hash for %s: %s", path.name, exc)
        except PIL_DECODE_ERRORS as exc:
            log.debug("no difference hash for %s: %s", path.name, exc)
        return NO_HASH
