"""Background indexing: load the embedder, then embed every photo not embedded yet in
`indexing.order`'s order (a few members of every cluster, the queue from the reviewer's
position, the rest of the members), and keep at it as photos arrive."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from photosort.errors import PhotosortError
from photosort.media import Fingerprints, Renditions
from photosort.ml import EmbeddingCache, drop_superseded, matrix_path
from photosort.session import Session
from photosort.suggest.indexing.early import EarlyDecode
from photosort.suggest.indexing.order import (
    Backlog,
    IndexingOrder,
    PhaseTracker,
    cluster_of,
    first_suggestion_first,
    indexing_order,
)
from photosort.suggest.indexing.pipeline import (
    Job,
    Throughput,
    default_batch_size,
    default_decode_workers,
    embed_jobs,
)
from photosort.suggest.indexing.vectors import Key, VectorIndex
from photosort.suggest.results import IndexingPhase, PhaseProgress, Progress

if TYPE_CHECKING:
    # Type only: importing the embedders pulls in torch, which `serve` must not wait for
    # before it answers the first request (the model loads in the background).
    from photosort.ml import Embedder

log = logging.getLogger("photosort.suggest")

HEAD_FIRST = 64  # the reviewer's next photos are re-checked before every step
CHUNK = 256  # photos per step while photos are being embedded
# The most photos per step while every one is linked from the caches: under the embedding
# cache's whole-table read (`_SCAN_ABOVE`), so each step looks its stats up by key.
BULK = 4096
STEP_S = 0.25  # a step that took longer halves the next: stop() and the head never wait long
IDLE_RESCAN_S = 60.0
MATRIX_DIR = "vectors"  # beside embeddings.sqlite


@dataclass
class EmbedderState:
    status: str = "loading"  # loading | ready | unavailable
    reason: str = "loading the embedding model"
    embedder: Embedder | None = None


class Indexer:
    def __init__(
        self,
        session: Session,
        vectors: VectorIndex,
        cache: EmbeddingCache,
        fingerprints: Fingerprints,
        load: Callable[[], tuple[Embedder, str]],
        *,
        on_ready: Callable[[], None],
        batch_size: int | None = None,
        decode_workers: int | None = None,
        renditions: Renditions | None = None,
    ) -> None:
        self.session = session
        self.vectors = vectors
        self.cache = cache
        self.fingerprints = fingerprints
        self._load = load
        self._on_ready = on_ready
        self._batch_size = batch_size
        self._decode_workers = decode_workers or default_decode_workers()
        # Queued photos leave their thumb and preview here as they are embedded (one decode).
        self.renditions = renditions
        self.phases = PhaseTracker()
        self._early = EarlyDecode(renditions)
        self.state = EmbedderState()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._rescan_needed = threading.Event()
        self._speed = Throughput()
        self._backlog = 0
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------------- lifecycle
    def load_embedder(self) -> Embedder:
        """Load the model now (idempotent); raises when it cannot be loaded."""
        if self.state.embedder is not None:
            return self.state.embedder
        try:
            embedder, reason = self._load()
        except PhotosortError as exc:
            self.state = EmbedderState("unavailable", exc.message, None)
            raise
        except Exception as exc:
            self.state = EmbedderState("unavailable", f"the model failed to load: {exc}", None)
            raise PhotosortError(self.state.reason) from exc
        log.info("embedder %s: %s", embedder.id, reason)
        # The working copy of the vectors: a float16 matrix memory-mapped beside the cache.
        folder = self.cache.path.parent / MATRIX_DIR
        self.vectors.start(embedder.dim, matrix_path(folder, embedder.id, embedder.dim))
        args = (self.cache, folder, embedder.id, embedder.dim)
        threading.Thread(target=drop_superseded, args=args, name="ps-drop", daemon=True).start()
        self.state = EmbedderState("ready", reason, embedder)
        self._on_ready()
        return embedder

    def run_in_background(self) -> None:
        self._thread = threading.Thread(target=self._run, name="photosort-index", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        self._early.start(self._early_jobs, self.fingerprints.of_many)
        try:
            self.load_embedder()
        except PhotosortError:
            log.warning("no suggestions: %s", self.state.reason)
            return
        while not self._stop.is_set():
            if not self.index_pending():
                # Caught up: a large library's nearest-neighbour index is built now, before
                # the first more-like-this asks for it.
                self.vectors.prepare_search()
                _prepare_text_code(self.state.embedder)
                # Idle: new work arrives as an event (queue-changed -> `rescan`), so a full walk
                # of the library is only a slow safety net; at 1M one walk takes ~28 s.
                self._wake.wait(timeout=IDLE_RESCAN_S)
                self._wake.clear()

    def rescan(self) -> None:
        """Photos appeared or vanished: rebuild the work list and wake up."""
        self._rescan_needed.set()
        self._wake.set()

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """For tests and the CLI: block until indexing has nothing left to do."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.state.status == "unavailable":
                return False
            if self.state.status == "ready" and not len(self._scan()[1]):
                return True
            time.sleep(0.05)
        return False

    def stop(self, timeout: float = 1.0) -> bool:
        """Stop indexing (between batches); False when it is still running after `timeout`
        (loading a model cannot be cut short: the daemon thread then ends with the process)."""
        self._stop.set()
        self._wake.set()
        if self._thread and self._thread.is_alive():
            self._thread.join(timeout=timeout)
            return not self._thread.is_alive()
        return True

    # ---------------------------------------------------------------- the work
    def _scan(self) -> tuple[IndexingOrder, IndexingOrder]:
        """The full plan in `indexing.order`'s order (a few members of every cluster, the queue
        from the reviewer's position, then the rest of the members), and what of it still
        needs work: the same order, filtered by one batched check per phase. Queued items
        stay names here (no key, no path per photo: at 1M those alone took seconds)."""
        s = self.session
        queue = s.queue_items()
        members: Mapping[str, Iterable[str]] = s.members_snapshot()
        failed = self.vectors.undecodable("d")
        if failed:
            # A member that failed to decode is no seed: the next one stands in for it.
            members = {c: [m for m in ms if m not in failed] for c, ms in members.items()}
        plan = indexing_order(queue, members)
        pending = IndexingOrder(
            self.vectors.pending(plan.seeds),
            self.vectors.pending_items(plan.items),
            self.vectors.pending(plan.rest),
        )
        return plan, pending

    def _full_scan(self) -> Backlog:
        plan, pending = self._scan()
        self.phases.planned(plan, pending)
        return Backlog(pending)

    def _head(self) -> list[Key]:
        """The seeds of the last full scan and the reviewer's next photos that still need
        work: cheap (no walk of the library), so they are re-checked before every step. One
        seed per cluster and the photo on screen come first (`first_suggestion_first`)."""
        s = self.session
        members = s.members_snapshot()
        seeds = [k for k in self.phases.seeds() if k[1] in members.get(cluster_of(k), ())]
        head = self.vectors.pending_items(s.queue_items(0, HEAD_FIRST))
        return first_suggestion_first(self.vectors.pending(seeds), [("s", i) for i in head])

    def index_pending(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Embed what is missing in `indexing.order`'s order; returns how many were handled.
        `progress(done, total)` hears the total before the first photo is embedded, then once
        per photo.

        The full list of missing photos is built once (it walks the whole library) and then
        worked through in steps; before each step only the cluster seeds and the reviewer's
        next photos are re-checked, so they jump ahead without an O(library) walk per step
        hogging the GIL that the request threads need. A step is CHUNK photos while photos
        are being embedded; while every photo of a step was linked from the caches (a warm
        start) the next one doubles, up to BULK."""
        embedder = self.state.embedder
        if embedder is None:
            return 0
        self._early.wait()
        self._rescan_needed.clear()
        backlog = self._full_scan()
        handled = 0
        step = CHUNK
        if progress:
            progress(0, len(backlog))
        while backlog and not self._stop.is_set():
            if self._rescan_needed.is_set():
                self._rescan_needed.clear()
                backlog = self._full_scan()
            chunk = self._step_keys(backlog, step)
            if not chunk:
                self._backlog = len(backlog)
                continue
            started = time.monotonic()
            left = len(chunk)
            self._backlog = len(backlog) + left

            def landed(n: int, queued: Backlog = backlog) -> None:
                # Photos land a batch at a time; the count (and the UI's bar) moves per photo.
                nonlocal handled, left
                if progress:
                    for _ in range(n):
                        handled, left = handled + 1, left - 1
                        self._backlog = len(queued) + left
                        progress(handled, handled + self._backlog)
                else:
                    handled, left = handled + n, left - n
                    self._backlog = len(queued) + left
                self.session.events.publish({"type": "indexing", "progress": self.progress()})

            missing = self._link_chunk(embedder.id, chunk, landed)
            if len(missing) > CHUNK:
                # A bulk step met photos to embed: one chunk now, the rest back in front, so
                # the reviewer's next photos still jump ahead every CHUNK embeddings.
                backlog.put_back([j.key for j in missing[CHUNK:]])
                left -= len(missing) - CHUNK
                missing = missing[:CHUNK]
            self._embed(embedder, missing, landed)
            with self.vectors.lock:
                backlog.put_back(list(self.vectors.step.end()))
            self._backlog = len(backlog)
            step = next_step(step, embedded=bool(missing), took=time.monotonic() - started)
        self._backlog = 0
        return handled

    def _early_jobs(self) -> tuple[list[Job], list[str]]:
        """While the model loads: the first batch as the first step will have it (one seed
        per cluster and the photo on screen), fingerprinted, and the paths of the rest of
        that step. A photo some model has embedded already is left out: a restart with the
        same model links it from the cache, and never decodes it."""
        s = self.session
        plan = indexing_order(s.queue_items(0, CHUNK), s.members_snapshot())
        keys = first_suggestion_first(plan.seeds, plan.queue)
        first = len({cluster_of(k) for k in plan.seeds}) + 1
        cap = min(first, self._batch_size or default_batch_size("cpu"))
        paths = self._paths(keys)
        fps = self.fingerprints.of_many(paths[:cap])
        known = self.cache.embedded([fp for fp in fps if isinstance(fp, str)])
        jobs = [
            Job(k, Path(p), fp, renditions=k[0] == "s")
            for k, p, fp in zip(keys, paths, fps, strict=False)
            if isinstance(fp, str) and fp not in known
        ]
        return jobs, paths[cap:]

    def _paths(self, keys: list[Key]) -> list[str]:
        roots = {
            "s": os.path.join(os.fspath(self.session.source), ""),
            "d": os.path.join(os.fspath(self.session.dest), ""),
        }
        # Plain strings: a Path per photo cost more than its stat (PurePath parsing).
        return [roots[k[0]] + k[1] for k in keys]

    def _step_keys(self, backlog: Backlog, step: int) -> list[Key]:
        """The head (seeds, the reviewer's next photos), then the backlog up to `step` keys,
        each still needing work (what a step before linked or embedded is skipped).

        The step begins here: a reviewer may file or undo one of its photos while it is read
        (`StepMoves`); the step's end puts what moved back in the backlog."""
        self.vectors.step.begin()
        chunk = self._head()
        taken = set(chunk)
        while backlog and len(chunk) < step:
            wanted = self.vectors.pending(backlog.take(step - len(chunk)))
            chunk += [k for k in wanted if k not in taken]
        if not chunk:
            self.vectors.step.end()
        return chunk

    def _link_chunk(
        self, embedder_id: str, chunk: list[Key], landed: Callable[[int], None]
    ) -> list[Job]:
        """Fingerprint a step's photos and link those whose vector the matrix or the SQLite
        cache already has; returns the jobs left for the model, in order."""
        paths = self._paths(chunk)
        keys: list[Key] = []
        fps: list[str] = []
        found: list[str] = []
        for key, path, fp in zip(chunk, paths, self.fingerprints.of_many(paths), strict=True):
            if isinstance(fp, PhotosortError):
                self._failed(key, fp.message, path)
            else:
                keys.append(key)
                fps.append(fp)
                found.append(path)
        missing = self._from_caches(keys, fps, found, embedder_id)
        landed(len(chunk) - len(missing))
        return missing

    def _embed(self, embedder: Embedder, missing: list[Job], landed: Callable[[int], None]) -> None:
        for embedded, failed in embed_jobs(
            missing,
            embedder,
            batch_size=self._batch_size or default_batch_size(embedder.device),
            decode_workers=self._decode_workers,
            should_stop=self._stop.is_set,
            renditions=self.renditions,
            first_batch=self._first_batch(missing),
            decoded=self._early.take(embedder.input_edge),
        ):
            self.cache.put_many({e.job.fingerprint: e.vector for e in embedded}, embedder.id)
            labels_id = getattr(embedder, "labels_id", None)
            labeled = {e.job.fingerprint: e.labels for e in embedded if e.labels is not None}
            if labeled and isinstance(labels_id, str):
                self.cache.put_many(labeled, labels_id)
            if embedded:
                self.vectors.landed_many(
                    [e.job.key for e in embedded],
                    [e.job.fingerprint for e in embedded],
                    np.stack([e.vector for e in embedded]),
                )
            self.phases.settled_many([e.job.key for e in embedded])
            for f in failed:
                self._failed(f.job.key, f.error, str(f.job.path))
            self._speed.add(len(embedded) + len(failed))
            landed(len(embedded) + len(failed))

    def _from_caches(
        self, keys: list[Key], fps: list[str], paths: list[str], embedder_id: str
    ) -> list[Job]:
        """Land what the matrix or the SQLite cache already has; returns the jobs left."""
        have = self.vectors.link_many(keys, fps)
        self.phases.settled_many([k for k, known in zip(keys, have, strict=True) if known])
        rest = [n for n, known in enumerate(have) if not known]
        cached = self.cache.get_many([fps[n] for n in rest], embedder_id) if rest else {}
        hits = [n for n in rest if fps[n] in cached]
        # A chunk at a time: the index's lock is held while rows are written to the matrix,
        # and a request waits for it (a bulk step at once held it ~80 ms).
        for a in range(0, len(hits), CHUNK):
            part = hits[a : a + CHUNK]
            self.vectors.landed_many(
                [keys[n] for n in part],
                [fps[n] for n in part],
                np.stack([cached[fps[n]] for n in part]),
            )
            self.phases.settled_many([keys[n] for n in part])
        return [
            Job(keys[n], Path(paths[n]), fps[n], renditions=keys[n][0] == "s")
            for n in rest
            if fps[n] not in cached
        ]

    def _first_batch(self, missing: list[Job]) -> int | None:
        """While the clusters' seeds are embedded, the first batch ends at the first queued
        photo: one seed per cluster and that photo are all its suggestion needs."""
        if not self.phases.seeding():
            return None
        first_queued = next((n for n, j in enumerate(missing) if j.key[0] == "s"), None)
        return None if first_queued is None else first_queued + 1

    def _failed(self, key: Key, message: str, path: str) -> None:
        self.vectors.failed(key, message, path)
        self.phases.settled(key)

    def forget(self, key: Key) -> None:
        """`key` left its folder (filed, trashed, undone): no phase waits for it any more."""
        self.phases.settled(key)

    def embed_rate(self) -> float:
        """Photos per second through the model lately (photos found in a cache not counted)."""
        return self._speed.per_second()

    def progress(self) -> Progress:
        total, failed = self.vectors.tally()
        # Every photo seen has a fingerprint; those still in the backlog are not embedded yet.
        total = max(total, self._backlog)
        done = max(0, total - self._backlog)
        speed = self._speed.per_second()
        remaining = total - done
        return {
            "done": done,
            "total": total,
            "failed": failed,
            "per_second": round(speed, 2),
            "eta_seconds": round(remaining / speed, 1) if speed > 0 and remaining else None,
            "running": self.state.status == "loading" or remaining > 0 or self._unfinished(),
            **self._phases(remaining),
        }

    def _unfinished(self) -> bool:
        """Work the counts above cannot see yet: before the first full scan nothing is known
        to be left, and between a scan and its first chunk the backlog is not counted yet.
        Progress must never read done before the suggestions it promises exist."""
        if self.state.status != "ready":
            return False
        unsettled = self.phases.unsettled()
        return unsettled is None or any(unsettled.values())

    def _phases(self, remaining: int) -> PhaseProgress:
        """Where indexing is in `indexing.order`'s phases: how many clusters have a vector (the
        first suggestions need all of them) and how much of the queue is embedded."""
        queue_total = self.session.queue_length()
        populated = [c for c, n in self.session.clusters() if n]
        counts = self.vectors.counts()
        unsettled = self.phases.unsettled()
        left = unsettled or {"clusters": 0, "queue": 0, "members": 0}
        phase: IndexingPhase
        if self.state.status == "loading":
            phase = "loading"
        elif self.state.status != "ready":
            phase = "off"
        elif left["clusters"]:
            phase = "clusters"
        elif left["queue"]:
            phase = "queue"
        elif left["members"] or remaining > 0:
            phase = "members"
        else:
            phase = "done"
        return {
            "phase": phase,
            "clusters_done": sum(1 for c in populated if counts.get(c, 0) > 0),
            "clusters_total": len(populated),
            "queue_done": max(0, queue_total - left["queue"]) if unsettled is not None else 0,
            "queue_total": queue_total,
        }


def _prepare_text_code(embedder: Embedder | None) -> None:
    """Caught up: an embedder with a text tower imports its code now (not its weights; a
    no-op once done). The cold start skipped it; the first text search should not wait."""
    prepare = getattr(embedder, "prepare_text_code", None)
    if callable(prepare):
        prepare()


def next_step(step: int, *, embedded: bool, took: float) -> int:
    """How many photos the next step takes: CHUNK once the model is needed, else twice the
    last (a warm start links a million photos in a few hundred steps, not four thousand)
    unless that one took long (a slow disk)."""
    if embedded:
        return CHUNK
    if took > STEP_S:
        return max(CHUNK, step // 2)
    return min(BULK, 2 * step)
