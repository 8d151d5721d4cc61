"""The indexing pipeline: decode threads feed batched inference; failures never stop it."""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from photosort.errors import DecodeFailed
from photosort.formats import is_video
from photosort.media import Renditions, RenditionSize, open_image

if TYPE_CHECKING:
    # Type only: importing the embedders pulls in torch, which `serve` must not wait for
    # before it answers the first request (the model loads in the background).
    from photosort.ml import Embedder

log = logging.getLogger("photosort.suggest")


@dataclass(frozen=True)
class Job:
    key: tuple[str, str]  # ("s", item relative to source) or ("d", member relative to dest)
    path: Path
    fingerprint: str
    renditions: bool = False  # also cache its thumb and preview (queued photos)


@dataclass(frozen=True)
class Embedded:
    job: Job
    vector: NDArray[np.float32]
    labels: NDArray[np.float32] | None = None  # ImageNet class probabilities, where given


@dataclass(frozen=True)
class Failed:
    job: Job
    error: str


def default_decode_workers() -> int:
    # Decoding (Pillow releases the GIL) must hide behind inference, which gets half the cores
    # (ml.device.inference_threads): the other half decodes, at least two threads so a slow
    # RAW does not stall the batch.
    cores = os.cpu_count() or 2
    return max(2, min(8, cores - cores // 2))


def default_batch_size(device: str) -> int:
    return 64 if device.startswith("cuda") else 16


class Throughput:
    """Images per second over a sliding window, for progress and ETA."""

    def __init__(self, window_s: float = 20.0) -> None:
        self.window_s = window_s
        self._events: deque[tuple[float, int]] = deque()

    def add(self, n: int) -> None:
        now = time.monotonic()
        self._events.append((now, n))
        while self._events and now - self._events[0][0] > self.window_s:
            self._events.popleft()

    def per_second(self) -> float:
        if len(self._events) < 2:
            return 0.0
        span = self._events[-1][0] - self._events[0][0]
        return sum(n for _, n in list(self._events)[1:]) / span if span > 0 else 0.0


def decode_edge(input_edge: int) -> int:
    """The long edge to decode photos at for a model of `input_edge`: embedders crop a square
    from the short side, and a 3:2 photo needs a long edge 1.5x that so JPEG draft decoding
    never leaves the crop smaller than the model input."""
    return int(input_edge * 1.5)


def decode(job: Job, edge: int, renditions: Renditions | None = None) -> Image.Image | str:
    """The model input of `job`, decoded once at the scale the model needs (a 12 MP JPEG
    drafted to 1/8). When the job asks for renditions and its thumb is not cached yet, the
    thumb is shrunk from that same decode: a few milliseconds beside the model's tens. The
    1600 px preview is not made here: it needs a decode four times larger, and most photos
    of a large queue are indexed long before the reviewer reaches them; the server makes it
    for the photos just ahead of the reviewer, and on request (api/ahead.py)."""
    try:
        image = open_image(job.path, min_edge=edge)
        image.load()
        if (
            renditions is None
            or not job.renditions
            or "thumb" not in renditions.missing(job.fingerprint)
        ):
            return image
        model_input = box_reduced(image, edge)
        # A video's poster frame is decoded whole whatever the edge, and costs the most to
        # decode again: its preview comes from it too.
        sizes: tuple[RenditionSize, ...] = (
            ("thumb", "preview") if is_video(job.path) else ("thumb",)
        )
        try:
            renditions.store_from_images(
                job.fingerprint, {"thumb": model_input, "preview": image}, only=sizes
            )
        except OSError as exc:
            # The cache is an optimisation: a full disk must not cost the suggestion.
            log.warning("cannot cache the thumb of %s: %s", job.path.name, exc)
        return model_input
    except DecodeFailed as exc:
        return exc.message
    except MemoryError:
        return "not enough memory to decode this photo"


def _decoding(
    pool: ThreadPoolExecutor,
    job: Job,
    edge: int,
    renditions: Renditions | None,
    decoded: Mapping[str, Image.Image | str] | None,
) -> Future[Image.Image | str]:
    done = decoded.get(job.fingerprint) if decoded else None
    if done is None:
        return pool.submit(decode, job, edge, renditions)
    future: Future[Image.Image | str] = Future()
    future.set_result(done)
    return future


def box_reduced(image: Image.Image, edge: int) -> Image.Image:
    """`image` box-averaged by the largest integer factor that keeps its long edge >= `edge`:
    what JPEG draft decoding would have given the model, at a fraction of a resize's cost."""
    factor = max(image.size) // edge
    return image.reduce(factor) if factor >= 2 else image


def embed_jobs(
    jobs: Iterable[Job],
    embedder: Embedder,
    *,
    batch_size: int,
    decode_workers: int,
    should_stop: Callable[[], bool] = lambda: False,
    renditions: Renditions | None = None,
    first_batch: int | None = None,
    decoded: Mapping[str, Image.Image | str] | None = None,
) -> Iterator[tuple[list[Embedded], list[Failed]]]:
    """Yield (embedded, failed) per batch. Decoding runs ahead of inference by two batches.

    With `renditions`, jobs flagged `renditions` also leave their thumb in that cache, from
    the same decode. `first_batch` caps the first batch (the service ends it at the first
    photo a reviewer waits for, so its suggestion does not wait for a full batch), and that
    batch's forward pass runs alone: the decoding of the next ones starts after it. Photos
    in `decoded` (by fingerprint, decoded at this embedder's `decode_edge`) are not decoded
    again."""
    edge = decode_edge(embedder.input_edge)
    with ThreadPoolExecutor(decode_workers, thread_name_prefix="photosort-decode") as pool:
        pending: deque[tuple[Job, Future[Image.Image | str]]] = deque()
        it = iter(jobs)
        exhausted = False

        def fill(ahead: int = batch_size * 3) -> None:
            nonlocal exhausted
            while not exhausted and len(pending) < ahead:
                job = next(it, None)
                if job is None:
                    exhausted = True
                    return
                pending.append((job, _decoding(pool, job, edge, renditions, decoded)))

        size = min(batch_size, first_batch or batch_size)
        # Decoding beside a forward pass slows it down (both want every core: measured 2x
        # with CLIP on 2 cores); for the first suggestion's batch that costs the reviewer.
        alone = first_batch is not None
        fill(size if alone else batch_size * 3)
        while pending and not should_stop():
            batch: list[tuple[Job, Image.Image]] = []
            failed: list[Failed] = []
            while pending and len(batch) + len(failed) < size:
                job, fut = pending.popleft()
                result = fut.result()
                if isinstance(result, str):
                    failed.append(Failed(job, result))
                else:
                    batch.append((job, result))
            if not alone:
                fill()
            size = batch_size
            embedded, failed = _embed_batch(embedder, batch, failed)
            if alone:
                alone = False
                fill()
            yield embedded, failed
        for _, fut in pending:
            fut.cancel()


def _embed_batch(
    embedder: Embedder, batch: list[tuple[Job, Image.Image]], failed: list[Failed]
) -> tuple[list[Embedded], list[Failed]]:
    """A decoded batch through the model; a model error fails its photos, never the run."""
    if not batch:
        return [], failed
    try:
        vectors, labels = _embed(embedder, [img for _, img in batch])
    except Exception as exc:
        return [], failed + [Failed(j, f"embedding failed: {exc}") for j, _ in batch]
    embedded = [
        Embedded(j, v, None if labels is None else labels[k])
        for k, ((j, _), v) in enumerate(zip(batch, vectors, strict=True))
    ]
    return embedded, failed


def _embed(
    embedder: Embedder, images: list[Image.Image]
) -> tuple[NDArray[np.float32], NDArray[np.float32] | None]:
    """Vectors, and class probabilities from an embedder with a classifier head (offline names
    and text search, ml/labels.py) computed in the same pass."""
    labeled = getattr(embedder, "embed_images_labeled", None)
    if callable(labeled):
        vectors, labels = labeled(images)
        return vectors, labels
    return embedder.embed_images(images), None
