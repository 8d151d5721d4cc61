"""Suggestions for a session: wires indexing, the vectors and centroids, the decisions and
auto-move to one session, and keeps them in step with its events.

Lock order: the session publishes events while holding its lock and the parts here take their
own locks inside; nothing here calls into the session while holding one of its own locks, so
the two can never deadlock.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from photosort.errors import Conflict
from photosort.media import Fingerprints, Renditions
from photosort.ml import EmbeddingCache, cache_path
from photosort.session import CLUSTERING_DIR, Event, Session
from photosort.suggest.automove.batch import AutoMover
from photosort.suggest.indexing.centroids import Centroids
from photosort.suggest.indexing.indexer import EmbedderState, Indexer
from photosort.suggest.indexing.vectors import QueueTop, Ranking, Vector, VectorIndex
from photosort.suggest.indexing.warm import ScoreWarmer
from photosort.suggest.ranking.decisions import DecisionLog
from photosort.suggest.ranking.suggestions import suggestion_sets
from photosort.suggest.results import (
    AutoMoveResult,
    EmbedderInfo,
    Estimate,
    Progress,
    SuggestionSet,
)
from photosort.suggest.review.duplicates import Duplicates
from photosort.suggest.review.facts import QueueFacts
from photosort.suggest.review.grid import Grids
from photosort.suggest.review.gridlog import GridLog, demote, demote_top
from photosort.suggest.review.labelsearch import OfflineLabels
from photosort.suggest.review.naming import GroupNamer
from photosort.suggest.review.stacks import Stacks

if TYPE_CHECKING:
    # Type only: importing the embedders pulls in torch, which `serve` must not wait for
    # before it answers the first request (the model loads in the background).
    from photosort.ml import Embedder, ModelProcess

log = logging.getLogger("photosort.suggest")

# Test hook (the e2e suite sets it): seconds to wait before loading the model, so a test can
# see what the UI does while the embedder is not ready. Read only on the model-loading path.
LOAD_DELAY_ENV = "PHOTOSORT_TEST_LOAD_DELAY_S"


class SuggestionService:
    """The `SuggestionEngine` (suggest/protocol.py) of a session with an embedder."""

    def __init__(
        self,
        session: Session,
        load: Callable[[], tuple[Embedder, str]],
        *,
        batch_size: int | None = None,
        decode_workers: int | None = None,
        renditions: bool = True,
    ) -> None:
        self.session = session
        self.cache = EmbeddingCache(cache_path(session.dest / CLUSTERING_DIR))
        # Queued photos leave their thumb and preview here as they are embedded (one decode),
        # so the reviewer's previews are cache reads; the image routes read the same folder.
        self.renditions = (
            Renditions(session.dest / CLUSTERING_DIR / "cache") if renditions else None
        )
        self.fingerprints = Fingerprints(self.cache)
        self.vectors = VectorIndex()
        self.decisions = DecisionLog(session)
        self.indexer = Indexer(
            session,
            self.vectors,
            self.cache,
            self.fingerprints,
            load,
            on_ready=self._resync_members,
            batch_size=batch_size,
            decode_workers=decode_workers,
            renditions=self.renditions,
        )
        self.gridlog = GridLog(session)
        self.automover = AutoMover(session, self.vectors, self.decisions, self.queue_top)
        self._grids = Grids(
            session,
            self.vectors,
            self.ranked,
            self.queue_top,
            self.gridlog.demoted,
            self._embed_text,
            self._name_group,
            lambda: self.decisions.model().calibration,
            self._offline_labels,
        )
        self._namer: GroupNamer | None = None
        self.facts = QueueFacts(session.source, self.vectors.fingerprints, self.renditions)
        self._stacks = Stacks(session, self.vectors, self.facts)
        self._duplicates = Duplicates(
            session, self.vectors, self.facts, self.fingerprints, self.renditions
        )
        # The whole-queue scores, brought up to date while the reviewer pauses (indexing/warm.py).
        self._warmer = ScoreWarmer(self._warm_scores, self._matrix_rows)
        self._unsubscribe = session.events.subscribe(self._on_event)
        self._model_process: ModelProcess | None = None

    # ---------------------------------------------------------------- lifecycle
    @classmethod
    def start(
        cls,
        session: Session,
        *,
        model: str = "auto",
        device: str = "auto",
        background: bool = True,
        process: ModelProcess | None = None,
    ) -> SuggestionService:
        """With `process` (already loading `model` in its own process), the embedder is that
        process's; without, the model loads in this one, on the indexing thread."""

        def load() -> tuple[Embedder, str]:
            delay = os.environ.get(LOAD_DELAY_ENV)
            if delay:
                time.sleep(float(delay))
            if process is not None:
                remote = process.embedder()
                return remote, remote.reason
            # Imported here, on the loading thread: it pulls in torch (seconds), which the
            # first request must not wait for.
            from photosort.ml import load_embedder

            choice = load_embedder(model, device)
            return choice.embedder, choice.reason

        service = cls(session, load)
        service._model_process = process
        if background:
            service.run_in_background()
        return service

    @property
    def state(self) -> EmbedderState:
        return self.indexer.state

    @property
    def centroids(self) -> Centroids | None:
        return self.vectors.centroids

    def run_in_background(self) -> None:
        self.indexer.run_in_background()
        self._warmer.start()

    def load_embedder(self) -> Embedder:
        return self.indexer.load_embedder()

    def index_pending(self, progress: Callable[[int, int], None] | None = None) -> int:
        return self.indexer.index_pending(progress)

    def wait_idle(self, timeout: float = 60.0) -> bool:
        return self.indexer.wait_idle(timeout)

    def close(self, timeout: float = 1.0) -> None:
        self._unsubscribe()
        self._warmer.stop()
        if not self.indexer.stop(timeout):
            # The cache's writes are single transactions: it stays open for the indexing
            # thread, which ends with the process.
            log.info("indexing is still stopping; it ends with the process")
            if self._model_process is not None:
                # Perhaps still loading, when it reads no request: it would outlive us.
                self._model_process.discard()
            return
        if self._model_process is not None:
            self._model_process.close()
        self.vectors.close()
        self.cache.close()

    # ---------------------------------------------------------------- session events
    def _resync_members(self) -> None:
        """Rebuild centroids from the members on disk (start, or files changed behind us).
        Under the session's lock: an assign or undo applied while this rebuild ran would
        otherwise be overwritten by an older copy of the members."""
        self.session.with_members(self.vectors.rebuild)

    def _on_event(self, event: Event) -> None:
        kind = event.get("type")
        if kind == "queue-changed":
            for item in event.get("rewritten", ()):
                # Written again in place: a fresh fingerprint, and with it a fresh embedding
                # and renditions (both are keyed by the fingerprint).
                self.vectors.reread(("s", item))
            threading.Thread(target=self._resync_members, daemon=True).start()
            self.indexer.rescan()
        elif kind == "action":
            self._on_record(event["record"])
            self._warmer.poke()

    def _on_record(self, rec: Event) -> None:
        kind = rec["type"]
        if kind in ("assign", "delete"):
            cluster = rec.get("cluster") if kind == "assign" else None
            self.vectors.moved(("s", rec["src"]), _filed_key(rec), cluster, add=True)
            self.indexer.forget(("s", rec["src"]))
        elif kind == "undo" and rec.get("restore_from"):
            self.vectors.moved(
                ("d", rec["restore_from"]), ("s", rec["restore_to"]), rec.get("cluster"), add=False
            )
            self.indexer.forget(("d", rec["restore_from"]))
        elif kind == "undo" and rec.get("copy"):
            # Copy mode: the photo never left the source; it is queued again as it was.
            target = self.session.record(rec["undoes"])
            old = _filed_key(target)
            self.vectors.moved(old, ("s", target["item"]), target.get("cluster"), add=False)
            self.indexer.forget(old)
        elif kind == "cluster-create":
            self.vectors.ensure_cluster(rec["cluster"])
        elif kind == "abort":
            threading.Thread(target=self._resync_members, daemon=True).start()

    def _warm_scores(self) -> None:
        if self.state.status == "ready" and not self.session.settings.manual_only:
            self.queue_top(self.session.queue_items())  # what an estimate or dry run reads

    def _matrix_rows(self) -> int:
        matrix = self.vectors.matrix
        return len(matrix) if matrix is not None else 0

    # ---------------------------------------------------------------- what the API asks
    def embedder_info(self) -> EmbedderInfo:
        e = self.state.embedder
        return {
            "id": e.id if e else None,
            "kind": e.kind if e else "none",
            "device": e.device if e else None,
            "status": self.state.status,
            "reason": self.state.reason,
        }

    def progress(self) -> Progress:
        return self.indexer.progress()

    def embed_rate(self) -> float:
        return self.indexer.embed_rate()

    def decode_error(self, item: str) -> str | None:
        return self.vectors.decode_error(item)

    def ranked(self, items: list[str]) -> dict[str, Ranking]:
        """Clusters by similarity per item, those a reviewer rejected for it in a grid last."""
        return demote(self.vectors.ranked(items), self.gridlog.demoted())

    def queue_top(self, items: Sequence[str]) -> QueueTop:
        """First suggestions of these queued items as arrays, those a reviewer rejected for
        an item in a grid demoted (as `ranked` has them)."""
        top = self.vectors.queue_top(items)
        demoted = self.gridlog.demoted()
        if not demoted or not len(top):
            return top
        where = self.vectors.locate(top, items, demoted)
        return demote_top(top, where, self.ranked(list(where)))

    def _embed_text(self, text: str) -> Vector:
        embedder = self.state.embedder
        from photosort.ml import supports_text  # the model is loaded: torch is too

        if embedder is None or not supports_text(embedder):
            name = embedder.id if embedder else "none"
            raise Conflict(
                f"text search needs CLIP's text tower; the active embedder ({name}) has none"
            )
        vec: Vector = embedder.embed_texts([text])[0]
        return vec

    def _name_group(self, centre: Vector, items: list[str]) -> str | None:
        """A name for a discovered group: CLIP zero-shot, else what the offline classifier
        sees its photos share; None when neither is there."""
        embedder = self.state.embedder
        from photosort.ml import supports_text  # the model is loaded: torch is too

        if embedder is None:
            return None
        if not supports_text(embedder):
            offline = self._offline_labels()
            return offline.name(items) if offline is not None else None
        if self._namer is None:
            self._namer = GroupNamer(lambda texts: embedder.embed_texts(texts))
        return self._namer(centre)

    def _offline_labels(self) -> OfflineLabels | None:
        """Class probabilities of the active embedder's classifier head, if it has one."""
        labels_id = getattr(self.state.embedder, "labels_id", None)
        if not isinstance(labels_id, str):
            return None
        return OfflineLabels(lambda items: self._label_rows(items, labels_id))

    def _label_rows(self, items: list[str], labels_id: str) -> tuple[list[str], np.ndarray]:
        """The items with cached class probabilities, and those (rows sum to 1)."""
        fps = self.vectors.fingerprints(items)
        got = self.cache.get_many(sorted(set(fps.values())), labels_id)
        have = [i for i in items if fps.get(i) in got]
        if not have:
            return [], np.zeros((0, 0), dtype=np.float32)
        rows = np.stack([got[fps[i]] for i in have]).astype(np.float32)
        return have, rows / np.maximum(rows.sum(axis=1, keepdims=True), 1e-12)

    def grids(self) -> Grids:
        if self.session.settings.manual_only:
            raise Conflict("manual-only mode is on: grids need suggestions")
        if self.state.status != "ready":
            raise Conflict(f"suggestions are not ready: {self.state.reason}")
        return self._grids

    def stacks(self) -> Stacks:
        return self._stacks

    def duplicates(self) -> Duplicates:
        return self._duplicates

    def suggestions(self, items: list[str]) -> dict[str, SuggestionSet | None]:
        settings = self.session.settings
        if settings.manual_only:
            return dict.fromkeys(items)
        ranked = self.ranked(items)
        if not ranked:
            return dict.fromkeys(items)
        return suggestion_sets(
            items, ranked, self.decisions.model(), self.vectors.counts(), settings
        )

    def estimate(
        self, threshold: float | None, min_samples: int | None, min_margin: float | None
    ) -> Estimate:
        return self.automover.estimate(threshold, min_samples, min_margin)

    def auto_move(
        self,
        threshold: float | None = None,
        min_samples: int | None = None,
        min_margin: float | None = None,
        *,
        dry_run: bool = True,
        reviewer: str = "auto",
    ) -> AutoMoveResult:
        if self.session.settings.manual_only:
            raise Conflict("manual-only mode is on: auto-move is off")
        if self.state.status != "ready":
            raise Conflict(f"suggestions are not ready: {self.state.reason}")
        return self.automover.run(
            threshold, min_samples, min_margin, dry_run=dry_run, reviewer=reviewer
        )


def _filed_key(rec: Event) -> tuple[str, str]:
    """Where a filing line put its photo: the dest member, or (copy mode's trash, which only
    hides a photo) a key of its own per hidden item."""
    return ("d", rec["dst"]) if rec.get("dst") is not None else ("h", rec["src"])
