"""The part of the first suggestion that needs no model, done while the model loads.

Loading an embedder is mostly imports, on one core. Beside it, a thread of its own decodes
indexing's first batch (one seed per cluster and the photo on screen,
`order.first_suggestion_first`), so the first forward pass starts as soon as the model is
there, then fingerprints the other photos of the first step at a lower priority until the
model is ready (the memo keeps them for the first step). The decodes are made for the input
size of the bundled embedders; another size decodes its first batch itself, as before.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import Final

from PIL import Image

from photosort.media import Renditions
from photosort.suggest.indexing.pipeline import Job, decode, decode_edge

log = logging.getLogger("photosort.suggest")

#: CLIP ViT-B/32 and EfficientNet-Lite0 alike.
LIKELY_INPUT_EDGE: Final = 224
SLICE: Final = 16  # photos fingerprinted between two looks at whether the model is ready


class EarlyDecode:
    """First-batch decodes made before the embedder exists, handed over once."""

    def __init__(self, renditions: Renditions | None) -> None:
        self.renditions = renditions
        self.edge = decode_edge(LIKELY_INPUT_EDGE)
        # By fingerprint: a photo written again while the model loads is decoded again.
        self._decoded: dict[str, Image.Image | str] = {}
        self._thread: threading.Thread | None = None
        self._decodes_done = threading.Event()
        self._ready = threading.Event()

    def start(
        self,
        work: Callable[[], tuple[list[Job], list[str]]],
        fingerprint: Callable[[list[str]], object],
    ) -> None:
        """In the background: `work()` lists the jobs to decode (it fingerprints them) and
        the other paths of the first step, fingerprinted after the decodes until the model is
        ready (`wait`), at a lower priority: the model's load comes first."""

        def run() -> None:
            rest: list[str] = []
            try:
                jobs, rest = work()
                for job in jobs:
                    self._decoded[job.fingerprint] = decode(job, self.edge, self.renditions)
            except Exception:  # an optimisation only: indexing does what is missing here
                log.exception("preparing the first photos ahead of the model failed")
            finally:
                self._decodes_done.set()
            _lower_priority()
            for a in range(0, len(rest), SLICE):
                if self._ready.is_set():
                    return  # indexing fingerprints the rest itself from here
                fingerprint(rest[a : a + SLICE])

        self._thread = threading.Thread(target=run, name="photosort-early", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        """The model is ready: wait for the decodes (indexing would otherwise make them a
        second time beside them) and stop fingerprinting ahead."""
        self._ready.set()
        if self._thread is not None:
            self._decodes_done.wait()

    def take(self, input_edge: int) -> dict[str, Image.Image | str]:
        """The decodes (once; then nothing), when they suit an embedder of `input_edge`."""
        self.wait()
        self._thread = None
        decoded, self._decoded = self._decoded, {}
        return decoded if decode_edge(input_edge) == self.edge else {}


def _lower_priority() -> None:
    """On Linux a nice value can be set per thread (its native id); elsewhere that call would
    name the whole process, so it is not made."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
