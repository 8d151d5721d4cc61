"""The part of the first suggestion that needs no model, done while the model loads.

Loading an embedder is mostly imports, on one core. Beside it, a thread of its own
fingerprints the photos of indexing's first step (the memo keeps them for the first full
scan) and decodes its first batch: one seed per cluster and the photo on screen
(`order.first_suggestion_first`), so the first forward pass starts as soon as the model is
there. The decodes are made for the input size of the bundled embedders; another size
decodes its first batch itself, as before.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Final

from PIL import Image

from photosort.media import Renditions
from photosort.suggest.indexing.pipeline import Job, decode, decode_edge

log = logging.getLogger("photosort.suggest")

#: CLIP ViT-B/32 and EfficientNet-Lite0 alike.
LIKELY_INPUT_EDGE: Final = 224


class EarlyDecode:
    """First-batch decodes made before the embedder exists, handed over once."""

    def __init__(self, renditions: Renditions | None) -> None:
        self.renditions = renditions
        self.edge = decode_edge(LIKELY_INPUT_EDGE)
        self._decoded: dict[Path, Image.Image | str] = {}
        self._thread: threading.Thread | None = None

    def start(
        self,
        work: Callable[[], tuple[list[Job], list[str]]],
        fingerprint: Callable[[list[str]], object],
    ) -> None:
        """In the background: `work()` lists the jobs to decode (it fingerprints them) and
        the other paths of the first step, which are fingerprinted after the decodes."""

        def run() -> None:
            try:
                jobs, rest = work()
                for job in jobs:
                    self._decoded[job.path] = decode(job, self.edge, self.renditions)
                fingerprint(rest)
            except Exception:  # an optimisation only: indexing does what is missing here
                log.exception("preparing the first photos ahead of the model failed")

        self._thread = threading.Thread(target=run, name="photosort-early", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        """Until the work is done (indexing would otherwise do it a second time beside it)."""
        thread = self._thread
        if thread is not None:
            thread.join()

    def take(self, input_edge: int) -> dict[Path, Image.Image | str]:
        """The decodes (once; then nothing), when they suit an embedder of `input_edge`."""
        self.wait()
        self._thread = None
        decoded, self._decoded = self._decoded, {}
        return decoded if decode_edge(input_edge) == self.edge else {}
