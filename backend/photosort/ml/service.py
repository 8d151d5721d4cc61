"""Suggestions for a session: background indexing, centroids, confidence and auto-move.

Lock order: this service never calls into the session while holding its own lock, and the
session calls back (events) while holding its lock, so the two can never deadlock.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from photosort.errors import Conflict, PhotosortError
from photosort.fingerprints import Fingerprints
from photosort.media.renditions import Renditions
from photosort.ml.cache import EmbeddingCache
from photosort.ml.centroids import Centroids
from photosort.ml.confidence import (
    MIN_DECISIONS,
    ConfidenceModel,
    Decision,
    decisions_with_seq,
)
from photosort.ml.index import (
    Job,
    Throughput,
    default_batch_size,
    default_decode_workers,
    embed_jobs,
)
from photosort.ml.order import IndexingOrder, Phase, indexing_order
from photosort.session import automove
from photosort.session.engine import MovePlan, Session, new_batch_id
from photosort.session.events import Event
from photosort.session.journal import CLUSTERING_DIR

if TYPE_CHECKING:
    # Type only: importing the embedders pulls in torch, which `serve` must not wait for
    # before it answers the first request (the model loads in the background).
    from photosort.ml.embedder import Embedder

log = logging.getLogger("photosort.ml")

Key = tuple[str, str]  # ("s", item relative to source) | ("d", path relative to dest)
HEAD_FIRST = 64  # the reviewer's next photos are re-checked before every chunk
# Test hook (the e2e suite sets it): seconds to wait before loading the model, so a test can
# see what the UI does while the embedder is not ready. Read only on the model-loading path.
LOAD_DELAY_ENV = "PHOTOSORT_TEST_LOAD_DELAY_S"
CHUNK = 256
HIST_BINS = 40


@dataclass
class EmbedderState:
    status: str = "loading"  # loading | ready | unavailable
    reason: str = "loading the embedding model"
    embedder: Embedder | None = None


class SuggestionService:
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
        self.cache = EmbeddingCache(session.dest / CLUSTERING_DIR / "embeddings.sqlite")
        # Queued photos leave their thumb and preview here as they are embedded (one decode),
        # so the reviewer's previews are cache reads; the image routes read the same folder.
        self.renditions = (
            Renditions(session.dest / CLUSTERING_DIR / "cache") if renditions else None
        )
        self.fingerprints = Fingerprints(self.cache)
        self._load = load
        self._batch_size = batch_size
        self._decode_workers = decode_workers or default_decode_workers()
        self._lock = threading.RLock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self.state = EmbedderState()
        self.centroids: Centroids | None = None
        self._fp: dict[Key, str] = {}
        self._vec: dict[str, NDArray[np.float32]] = {}
        self._errors: dict[Key, str] = {}
        self._speed = Throughput()
        self._backlog = 0
        self._in_flight = 0  # photos of the current chunk not embedded (or failed) yet
        self._awaiting_vector: dict[str, set[Key]] = {}
        self._seeds: list[Key] = []  # the members of phase `clusters`, from the last full scan
        self._scanned = False  # until the first full scan, nothing is known to be embedded
        # Per phase, what the last full scan found to embed and is not settled yet (progress).
        self._unsettled: dict[Phase, set[Key]] = {
            "clusters": set(),
            "queue": set(),
            "members": set(),
        }
        self._rescan_needed = threading.Event()
        self._decisions: list[tuple[int, Decision]] = []
        self._decisions_upto = 0  # journal records already read for decisions
        self._confidence: tuple[tuple[int, int, int], ConfidenceModel] | None = None
        self._thread: threading.Thread | None = None
        self._unsubscribe = session.events.subscribe(self._on_event)

    # ------------------------------------------------------------------ lifecycle
    @classmethod
    def start(
        cls, session: Session, *, model: str = "auto", device: str = "auto", background: bool = True
    ) -> SuggestionService:
        from photosort.ml.select import load_embedder

        def load() -> tuple[Embedder, str]:
            delay = os.environ.get(LOAD_DELAY_ENV)
            if delay:
                time.sleep(float(delay))
            choice = load_embedder(model, device)
            return choice.embedder, choice.reason

        service = cls(session, load)
        if background:
            service.run_in_background()
        return service

    def run_in_background(self) -> None:
        self._thread = threading.Thread(target=self._run, name="photosort-index", daemon=True)
        self._thread.start()

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
        with self._lock:
            self.centroids = Centroids(embedder.dim)
            self.state = EmbedderState("ready", reason, embedder)
        self._resync_members()
        return embedder

    def _run(self) -> None:
        try:
            self.load_embedder()
        except PhotosortError:
            log.warning("no suggestions: %s", self.state.reason)
            return
        while not self._stop.is_set():
            worked = self.index_pending()
            if not worked:
                self._idle.set()
                self._wake.wait(timeout=5.0)
                self._wake.clear()

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """For tests and the CLI: block until indexing has nothing left to do."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.state.status == "unavailable":
                return False
            if self.state.status == "ready" and not self._pending_keys():
                return True
            time.sleep(0.05)
        return False

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        self._unsubscribe()
        if self._thread and self._thread.is_alive():
            self._thread.join(timeout=10)
        self.cache.close()

    # ------------------------------------------------------------------ indexing
    def _needs_work(self, key: Key) -> bool:
        return key not in self._errors and self._fp.get(key) not in self._vec

    def _pending_keys(self, head_only: bool = False) -> list[tuple[Key, Path]]:
        """Photos still to embed, in `ml.order`'s order: a few members of every cluster, the
        queue from the reviewer's position, then the rest of the members.

        `head_only` re-checks just the seeds of the last full scan and the reviewer's next
        photos: cheap, no walk of the library."""
        s = self.session
        with s.lock:
            if head_only:
                head = s.queue_items(0, HEAD_FIRST)
                seeds = [k for k in self._seeds if k[1] in s.members.get(k[1].split("/")[0], ())]
            else:
                queue = s.queue_items()
                members = {c: list(ms) for c, ms in s.members.items()}
        with self._lock:
            if head_only:
                plan = IndexingOrder(seeds, [("s", i) for i in head], [])
            else:
                # A member that failed to decode is no seed: the next one stands in for it.
                plan = indexing_order(
                    queue,
                    {
                        c: [m for m in ms if ("d", m) not in self._errors]
                        for c, ms in members.items()
                    },
                )
                self._seeds = plan.seeds
                self._scanned = True
                self._unsettled = {
                    "clusters": {k for k in plan.seeds if self._needs_work(k)},
                    "queue": {k for k in plan.queue if self._needs_work(k)},
                    "members": {k for k in plan.rest if self._needs_work(k)},
                }
            return [
                (k, (s.source if k[0] == "s" else s.dest) / k[1])
                for k in plan.in_order()
                if self._needs_work(k)
            ]

    def index_pending(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Embed what is missing in `ml.order`'s order; returns how many were handled.

        The full list of missing photos is built once (it walks the whole library) and then
        worked through in chunks; before each chunk only the cluster seeds and the reviewer's
        next photos are re-checked, so they jump ahead without an O(library) walk per chunk
        hogging the GIL that the request threads need."""
        embedder = self.state.embedder
        if embedder is None:
            return 0
        self._rescan_needed.clear()
        backlog = deque(self._pending_keys())
        handled = 0
        while backlog and not self._stop.is_set():
            if self._rescan_needed.is_set():
                self._rescan_needed.clear()
                backlog = deque(self._pending_keys())
            chunk = self._pending_keys(head_only=True)
            taken = {k for k, _ in chunk}
            with self._lock:
                while backlog and len(chunk) < CHUNK:
                    key, path = backlog.popleft()
                    if key not in taken and self._needs_work(key):
                        chunk.append((key, path))
            self._backlog = len(backlog)
            if not chunk:
                continue
            handled += self._index_chunk(embedder, chunk)
            self._backlog = len(backlog)
            if progress:
                progress(handled, handled + len(backlog))
            self._publish_progress()
        self._backlog = 0
        return handled

    def _index_chunk(self, embedder: Embedder, chunk: list[tuple[Key, Path]]) -> int:
        jobs: list[Job] = []
        for key, path in chunk:
            try:
                jobs.append(Job(key, path, self.fingerprints.of(path), renditions=key[0] == "s"))
            except PhotosortError as exc:
                with self._lock:
                    self._errors[key] = exc.message
                    self._settled(key)
        known = self.cache.get_many([j.fingerprint for j in jobs], embedder.id)
        with self._lock:
            for job in jobs:
                self._fp[job.key] = job.fingerprint
                if job.fingerprint in known:
                    self._vector_landed(job.key, job.fingerprint, known[job.fingerprint])
        missing = [j for j in jobs if j.fingerprint not in known]
        self._in_flight = len(missing)
        batch = self._batch_size or default_batch_size(embedder.device)
        # While the clusters' seeds are embedded, the first batch ends at the first queued
        # photo: the seeds and that photo are all its suggestion needs.
        with self._lock:
            seeding = bool(self._unsettled["clusters"])
        first_queued = next((n for n, j in enumerate(missing) if j.key[0] == "s"), None)
        first = first_queued + 1 if seeding and first_queued is not None else None
        for embedded, failed in embed_jobs(
            missing,
            embedder,
            batch_size=batch,
            decode_workers=self._decode_workers,
            should_stop=self._stop.is_set,
            renditions=self.renditions,
            first_batch=first,
        ):
            self.cache.put_many({e.job.fingerprint: e.vector for e in embedded}, embedder.id)
            with self._lock:
                for e in embedded:
                    self._vector_landed(e.job.key, e.job.fingerprint, e.vector)
                for f in failed:
                    self._errors[f.job.key] = f.error
                    self._settled(f.job.key)
                self._in_flight -= len(embedded) + len(failed)
            self._speed.add(len(embedded) + len(failed))
        self._in_flight = 0
        return len(chunk)

    def _settled(self, key: Key) -> None:
        for keys in self._unsettled.values():
            keys.discard(key)

    def _vector_landed(self, key: Key, fp: str, vec: NDArray[np.float32]) -> None:
        self._vec[fp] = vec
        self._settled(key)
        self._member_embedded(key)
        # Photos filed while their vector was being computed join their centroid now.
        for member in self._awaiting_vector.pop(fp, set()):
            if self._fp.get(member) == fp:
                self._member_embedded(member)

    def _member_embedded(self, key: Key) -> None:
        if key[0] != "d" or self.centroids is None:
            return
        vec = self._vec.get(self._fp.get(key, ""))
        if vec is not None:
            self.centroids.add(key[1].split("/", 1)[0], key[1], vec)

    def _resync_members(self) -> None:
        """Rebuild centroids from the members on disk (start, or files changed behind us)."""
        s = self.session
        # Both locks, session first (the order events use): an assign or undo applied while
        # this rebuild ran would otherwise be overwritten by an older copy of the members.
        with s.lock, self._lock:
            members = {c: set(ms) for c, ms in s.members.items()}
            if self.centroids is None:
                return
            pairs: dict[str, list[tuple[str, NDArray[np.float32]]]] = {}
            for cluster, ms in members.items():
                pairs[cluster] = []
                for m in ms:
                    vec = self._vec.get(self._fp.get(("d", m), ""))
                    if vec is not None:
                        pairs[cluster].append((m, vec))
            self.centroids.rebuild(pairs)

    def _publish_progress(self) -> None:
        self.session.events.publish({"type": "indexing", "progress": self.progress()})

    # ------------------------------------------------------------------ session events
    def _on_event(self, event: Event) -> None:
        if event.get("type") == "queue-changed":
            threading.Thread(target=self._resync_members, daemon=True).start()
            self._rescan_needed.set()
            self._wake.set()
            return
        if event.get("type") != "action":
            return
        rec = event["record"]
        kind = rec["type"]
        with self._lock:
            if kind in ("assign", "delete"):
                self._moved(
                    ("s", rec["src"]),
                    ("d", rec["dst"]),
                    rec.get("cluster") if kind == "assign" else None,
                    add=True,
                )
            elif kind == "undo" and rec.get("restore_from"):
                self._moved(
                    ("d", rec["restore_from"]),
                    ("s", rec["restore_to"]),
                    rec.get("cluster"),
                    add=False,
                )
            elif kind == "cluster-create":
                if self.centroids is not None:
                    self.centroids.ensure_cluster(rec["cluster"])
            elif kind == "abort":
                threading.Thread(target=self._resync_members, daemon=True).start()

    def _moved(self, old: Key, new: Key, cluster: str | None, *, add: bool) -> None:
        fp = self._fp.pop(old, None)
        error = self._errors.pop(old, None)
        self._settled(old)
        if fp is not None:
            self._fp[new] = fp
        if error is not None:
            self._errors[new] = error
        if self.centroids is None or not cluster:
            return
        if add:
            vec = self._vec.get(fp or "")
            if vec is not None:
                self.centroids.add(cluster, new[1], vec)
            elif fp is not None:
                self._awaiting_vector.setdefault(fp, set()).add(new)
        else:
            # Undo takes out exactly the vector this photo contributed.
            self.centroids.remove(cluster, old[1])

    # ------------------------------------------------------------------ suggestions
    def embedder_info(self) -> dict[str, Any]:
        e = self.state.embedder
        return {
            "id": e.id if e else None,
            "kind": e.kind if e else "none",
            "device": e.device if e else None,
            "status": self.state.status,
            "reason": self.state.reason,
        }

    def progress(self) -> dict[str, Any]:
        with self._lock:
            failed = len(self._errors)
            total = len(self._fp) + failed
            waiting = self._backlog + self._in_flight
        # Every photo seen has a fingerprint; those still in the backlog are not embedded yet,
        # nor those of the chunk in flight (fingerprinted when the chunk started).
        total = max(total, waiting)
        done = max(0, total - waiting)
        speed = self._speed.per_second()
        remaining = total - done
        return {
            "done": done,
            "total": total,
            "failed": failed,
            "per_second": round(speed, 2),
            "eta_seconds": round(remaining / speed, 1) if speed > 0 and remaining else None,
            "running": self.state.status == "loading" or remaining > 0,
            **self._phases(remaining),
        }

    def _phases(self, remaining: int) -> dict[str, Any]:
        """Where indexing is in `ml.order`'s phases: how many clusters have a vector (the
        first suggestions need all of them) and how much of the queue is embedded."""
        s = self.session
        with s.lock:
            queue_total = len(s.state.order)
            populated = [c for c, ms in s.members.items() if ms]
        with self._lock:
            counts = self.centroids.counts() if self.centroids else {}
            unsettled = {p: len(keys) for p, keys in self._unsettled.items()}
            scanned = self._scanned
        phase: str
        if self.state.status == "loading":
            phase = "loading"
        elif self.state.status != "ready":
            phase = "off"
        elif unsettled["clusters"]:
            phase = "clusters"
        elif unsettled["queue"]:
            phase = "queue"
        elif unsettled["members"] or remaining > 0:
            phase = "members"
        else:
            phase = "done"
        return {
            "phase": phase,
            "clusters_done": sum(1 for c in populated if counts.get(c, 0) > 0),
            "clusters_total": len(populated),
            "queue_done": max(0, queue_total - unsettled["queue"]) if scanned else 0,
            "queue_total": queue_total,
        }

    def decode_error(self, item: str) -> str | None:
        with self._lock:
            return self._errors.get(("s", item))

    def _model(self) -> ConfidenceModel:
        """The confidence model over the manual decisions so far. New journal lines are read
        once (not the whole journal per action); the model is rebuilt only when a decision
        was added or an undo happened."""
        s = self.session
        with s.lock:
            records = s.journal.records
            self._decisions.extend(decisions_with_seq(records[self._decisions_upto :]))
            self._decisions_upto = len(records)
            undone = s.state.undone
            key = (len(self._decisions), len(undone), s.state.stats.undone)
            if self._confidence is None or self._confidence[0] != key:
                model = ConfidenceModel([d for seq, d in self._decisions if seq not in undone])
                self._confidence = (key, model)
            return self._confidence[1]

    def _ranked(self, items: list[str]) -> dict[str, tuple[list[str], list[float]]]:
        with self._lock:
            if self.centroids is None:
                return {}
            keyed = [(i, self._vec.get(self._fp.get(("s", i), ""))) for i in items]
            present = [(i, v) for i, v in keyed if v is not None]
            if not present:
                return {}
            ranked = self.centroids.rank(np.stack([v for _, v in present]))
        if not ranked.clusters:
            return {}  # no cluster has an embedded member yet: nothing to rank against
        out: dict[str, tuple[list[str], list[float]]] = {}
        for row, (item, _) in enumerate(present):
            names = [ranked.clusters[j] for j in ranked.order[row]]
            out[item] = (names, [float(x) for x in ranked.scores[row]])
        return out

    def suggestions(self, items: list[str]) -> dict[str, dict[str, Any] | None]:
        settings = self.session.settings
        if settings.get("manual_only"):
            return dict.fromkeys(items)
        ranked = self._ranked(items)
        if not ranked:
            return dict.fromkeys(items)
        model = self._model()
        top_k = int(settings.get("top_k") or 5)
        min_samples = int(settings.get("min_samples") or 1)
        counts = self.centroids.counts() if self.centroids else {}
        out: dict[str, dict[str, Any] | None] = {}
        for item in items:
            if item not in ranked:
                out[item] = None
                continue
            names, scores = ranked[item]
            margin = scores[0] - scores[1] if len(scores) > 1 else None
            out[item] = {
                "top": [
                    {
                        "cluster": n,
                        "score": round(sc, 4),
                        "few_samples": counts.get(n, 0) < min_samples,
                    }
                    for n, sc in zip(names[:top_k], scores[:top_k], strict=False)
                ],
                "margin": round(margin, 4) if margin is not None else None,
                "confidence": model.confidence(scores[0], margin if margin is not None else 1.0),
            }
        return out

    # ------------------------------------------------------------------ auto-move
    def _rule(
        self, threshold: float | None, min_samples: int | None, min_margin: float | None
    ) -> tuple[automove.Rule, ConfidenceModel]:
        settings = self.session.settings
        model = self._model()
        samples = int(min_samples if min_samples is not None else settings["min_samples"])
        margin = min_margin if min_margin is not None else float(settings["min_margin"])
        if threshold is None:
            threshold = settings.get("threshold")
        if threshold is None:
            rec = model.recommend(float(settings["target_precision"]), margin)
            if rec is None:
                raise Conflict(
                    f"not enough reviewed decisions to recommend a threshold yet "
                    f"({len(model.decisions)} so far): file a few more photos by hand, "
                    f"or give a threshold"
                )
            threshold = rec.threshold
            if min_margin is None:
                margin = max(margin, rec.min_margin)
        return automove.Rule(float(threshold), samples, float(margin)), model

    def _candidates(self) -> tuple[list[automove.Candidate], list[float]]:
        items = self.session.queue_items()
        ranked = self._ranked(items)
        cands: list[automove.Candidate] = []
        tops: list[float] = []
        for item in items:
            if item not in ranked:
                continue
            names, scores = ranked[item]
            margin = scores[0] - scores[1] if len(scores) > 1 else 2.0
            cands.append(automove.Candidate(item, names[0], scores[0], margin))
            tops.append(scores[0])
        return cands, tops

    def estimate(
        self, threshold: float | None, min_samples: int | None, min_margin: float | None
    ) -> dict[str, Any]:
        settings = self.session.settings
        model = self._model()
        target = float(settings["target_precision"])
        samples = int(min_samples if min_samples is not None else settings["min_samples"])
        floor = float(min_margin if min_margin is not None else settings["min_margin"])
        rec = model.recommend(target, floor)
        margin = floor if min_margin is not None or rec is None else max(floor, rec.min_margin)
        t = threshold if threshold is not None else settings.get("threshold")
        t = float(t if t is not None else (rec.threshold if rec is not None else 0.9))
        cands, tops = self._candidates() if not settings.get("manual_only") else ([], [])
        counts = self.centroids.counts() if self.centroids else {}
        chosen, held = automove.select(
            cands, automove.Rule(t, samples, margin), counts, self.session.viewed_items()
        )
        est = model.estimate(t, margin)
        if not model.enough:
            message = (
                f"{len(model.decisions)} reviewed decisions so far; an estimate needs "
                f"at least {MIN_DECISIONS} filed with suggestions on screen"
            )
        elif est.precision is None:
            message = "no reviewed decision scored this high yet: no estimate at this threshold"
        else:
            message = (
                f"at this threshold: {len(chosen)} photos would move, estimated precision "
                f"{est.precision:.0%} (from {est.support} of {est.decisions} reviewed "
                f"decisions)"
            )
        return {
            "threshold": t,
            "min_samples": samples,
            "min_margin": margin,
            "count": len(chosen),
            "estimated_precision": est.precision,
            "decisions": est.decisions,
            "recommended_threshold": rec.threshold if rec else None,
            "recommended_min_margin": rec.min_margin if rec else None,
            "target_precision": target,
            "enough_evidence": model.enough,
            "message": message,
            "histogram": histogram(tops),
            "skipped_viewing": held,
        }

    def auto_move(
        self,
        threshold: float | None = None,
        min_samples: int | None = None,
        min_margin: float | None = None,
        *,
        dry_run: bool = True,
        reviewer: str = "auto",
    ) -> dict[str, Any]:
        if self.session.settings.get("manual_only"):
            raise Conflict("manual-only mode is on: auto-move is off")
        if self.state.status != "ready":
            raise Conflict(f"suggestions are not ready: {self.state.reason}")
        rule, model = self._rule(threshold, min_samples, min_margin)
        cands, _ = self._candidates()
        counts = self.centroids.counts() if self.centroids else {}
        chosen, held = automove.select(cands, rule, counts, self.session.viewed_items())
        est = model.estimate(rule.threshold, rule.min_margin)
        result: dict[str, Any] = {
            "batch": None,
            "dry_run": dry_run,
            "count": len(chosen),
            "per_cluster": automove.per_cluster(chosen),
            "items": [c.__dict__ for c in chosen],
            "threshold": rule.threshold,
            "min_samples": rule.min_samples,
            "min_margin": rule.min_margin,
            "estimated_precision": est.precision,
            "decisions": est.decisions,
            "skipped_viewing": held,
        }
        if dry_run:
            return result
        batch = new_batch_id()
        self.session.journal_line(
            {
                "type": "auto-batch-start",
                "batch": batch,
                "threshold": rule.threshold,
                "min_samples": rule.min_samples,
                "min_margin": rule.min_margin,
                "count": len(chosen),
                "estimated_precision": est.precision,
                "reviewer": reviewer,
            }
        )
        plans = [
            MovePlan(
                c.item,
                "",
                c.cluster,
                {
                    "suggested": [{"cluster": c.cluster, "score": round(c.score, 4)}],
                    "margin": round(c.margin, 4),
                    "confidence": model.confidence(c.score, c.margin),
                },
            )
            for c in chosen
        ]

        def progress(done: int, total: int) -> None:
            self.session.events.publish(
                {"type": "batch-progress", "batch": batch, "done": done, "total": total}
            )

        moved = self.session.move_batch(plans, batch=batch, reviewer=reviewer, progress=progress)
        moved_items = {r["item"] for r in moved}
        self.session.journal_line(
            {
                "type": "auto-batch-end",
                "batch": batch,
                "moved": len(moved),
                "failed": len(plans) - len(moved),
            }
        )
        self.session.events.publish(
            {
                "type": "batch-done",
                "batch": batch,
                "count": len(moved),
                "stats": self.session.stats(),
            }
        )
        result.update(
            batch=batch,
            count=len(moved),
            items=[c.__dict__ for c in chosen if c.item in moved_items],
            per_cluster=automove.per_cluster(c for c in chosen if c.item in moved_items),
        )
        return result


def histogram(values: list[float], bins: int = HIST_BINS) -> dict[str, list[float] | list[int]]:
    lo = min([0.0, *values]) if values else 0.0
    edges = np.linspace(lo, 1.0, bins + 1)
    counts, _ = (
        np.histogram(np.clip(values, lo, 1.0), bins=edges)
        if values
        else (np.zeros(bins, dtype=int), edges)
    )
    return {"edges": [round(float(e), 4) for e in edges], "counts": [int(c) for c in counts]}
