"""`photosort index SOURCE --ray auto|local|ADDRESS`: embed an archive on a Ray cluster.

The driver (the machine running the command) lists the session's photos, takes their content
fingerprints (remembered in the embedding cache, so a warm run reads no file contents) and
skips every fingerprint the cache already holds for the embedder. The rest goes through Ray
Data: ``from_items`` over (path, fingerprint) rows, ``map_batches`` over an actor pool where
each actor loads the model once (``ml/select.py``, as the local path does) and runs the local
decode + batched inference pipeline (``ml/index.py``) over its batch, on a GPU when the
cluster has them. Vectors stream back to the driver (``iter_batches``) and go into the
session's own cache under the same (fingerprint, embedder id) keys, so ``serve`` afterwards
starts warm. A photo that cannot be decoded comes back with the same message the local path
gives and never stops the run.

Every worker reads the photos by the driver's absolute paths: the archive must be mounted at
the same path on every node (a NAS share). Ray is an optional extra: ``photosort[ray]``.
"""

from __future__ import annotations

import importlib
import logging
import math
import os
import socket
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Final
from urllib.parse import urlsplit

import numpy as np
from numpy.typing import NDArray

from photosort.errors import PhotosortError
from photosort.media import fingerprint
from photosort.ml import Embedder, EmbedderUnavailable, EmbeddingCache, cache_path
from photosort.session import CLUSTERING_DIR, Session
from photosort.suggest import Job, default_batch_size, embed_jobs

__all__ = [
    "RAY_EXTRA_HINT",
    "EmbedActor",
    "Placement",
    "Plan",
    "RayIndexResult",
    "RayUnavailable",
    "check_address",
    "connect",
    "import_ray",
    "index_on_ray",
    "session_photos",
    "shutdown",
]

RAY_EXTRA_HINT: Final = "pip install 'photosort[ray]'"
#: Rows per ``map_batches`` call: enough to keep an actor's decode threads and its model busy
#: (several inference batches), few enough that progress moves and work spreads over actors.
CPU_ROWS: Final = 64
GPU_ROWS: Final = 256
#: CPUs one CPU actor asks for: half decode, half inference, as ``index`` splits a machine.
CPUS_PER_ACTOR: Final = 4
#: CPUs a GPU actor asks for: its decode threads must keep the GPU fed.
CPUS_PER_GPU_ACTOR: Final = 4
_FINGERPRINT_THREADS: Final = 8
_PRESENCE_CHUNK: Final = 5000

log = logging.getLogger("photosort.ray")


class RayUnavailable(PhotosortError):
    """Ray is not installed, or the cluster cannot be reached."""

    code = "ray_unavailable"
    status = 400


def import_ray() -> ModuleType:
    """The ``ray`` module (with Ray Data), or one clear error naming the extra to install."""
    try:
        ray = importlib.import_module("ray")
        importlib.import_module("ray.data")  # ray without its [data] extra lacks pyarrow
    except ImportError as exc:
        raise RayUnavailable(
            f"--ray needs the optional Ray extra ({exc.name or 'ray'} is missing): {RAY_EXTRA_HINT}"
        ) from exc
    return ray


def connect(address: str) -> ModuleType:
    """Join (or start) the Ray runtime ``address`` names, with nothing phoning home.

    ``auto``: the cluster in ``RAY_ADDRESS`` or the one last started on this machine, else a
    new local runtime; ``local``: always a new local runtime of this process's own; anything
    else: a cluster address (``HOST:6379``, ``ray://HOST:10001``).
    """
    # Ray reports usage statistics unless told not to; set before ray starts or joins.
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray = import_ray()
    if ray.is_initialized():
        return ray
    local = address in ("auto", "local")
    check_address(address)
    # Warnings (token auth set-up, deprecations) are Ray's business, not the user's.
    kwargs: dict[str, Any] = {"logging_level": logging.ERROR, "log_to_driver": False}
    if local:
        kwargs["include_dashboard"] = False
    try:
        ray.init(address=None if address == "auto" else address, **kwargs)
    except (ConnectionError, RuntimeError, ValueError, TimeoutError) as exc:
        raise RayUnavailable(
            f"cannot reach the Ray cluster at {address}: {_one_line(exc)}"
        ) from exc
    return ray


def check_address(address: str, timeout: float = 5.0) -> None:
    """``auto`` and ``local`` pass; a head address must parse and take one TCP connect: Ray
    itself retries an unreachable address for minutes before it gives up, this says so in
    seconds."""
    if address in ("auto", "local"):
        return
    parts = urlsplit(address if "://" in address else f"ray://{address}")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:  # a port that is not a number
        host, port = None, None
    if not host or port is None:
        raise RayUnavailable(f"--ray {address}: give auto, local, HOST:PORT or ray://HOST:PORT")
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise RayUnavailable(f"cannot reach the Ray cluster at {address}: {why}") from exc


def _one_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[-1] if lines else type(exc).__name__


@dataclass(frozen=True)
class Placement:
    """How the actor pool is laid out on the cluster."""

    actors: int
    cpus: float
    gpus: float
    device: str
    rows: int

    def describe(self) -> str:
        per = f"{self.cpus:g} CPU" + (f" + {self.gpus:g} GPU" if self.gpus else "")
        return f"{self.actors} actor(s) x ({per}) on {self.device}, {self.rows} photos per batch"


@dataclass(frozen=True)
class Plan:
    """What a run sends to Ray: how many photos (copies counted) and how it is laid out."""

    to_embed: int
    cached: int
    placement: Placement

    def describe(self) -> str:
        return (
            f"{self.to_embed} photo(s) to embed, {self.cached} cached; {self.placement.describe()}"
        )


def plan_placement(resources: dict[str, float], largest_node_cpus: float, device: str) -> Placement:
    """One model per actor: one actor per GPU when the cluster has GPUs (and the device allows),
    else CPU actors of up to ``CPUS_PER_ACTOR`` cores each, as many as the cluster holds."""
    gpus = int(resources.get("GPU", 0))
    cpus = float(resources.get("CPU", 0))
    wants_gpu = device == "auto" or device.startswith("cuda")
    if gpus >= 1 and wants_gpu:
        per_cpu = max(1.0, min(float(CPUS_PER_GPU_ACTOR), math.floor(cpus / gpus)))
        # Ray gives each actor its own GPU as its only visible device: always plain "cuda".
        return Placement(gpus, per_cpu, 1.0, "cuda", GPU_ROWS)
    if device.startswith("cuda"):
        raise RayUnavailable(f"--device {device}: the Ray cluster has no GPU")
    per_cpu = max(1.0, min(float(CPUS_PER_ACTOR), largest_node_cpus))
    actors = max(1, int(cpus // per_cpu))
    return Placement(actors, per_cpu, 0.0, "cpu" if device == "auto" else device, CPU_ROWS)


class EmbedActor:
    """A Ray Data callable class: one model per actor, loaded once in ``__init__``.

    Each call embeds one batch of ``{"path", "fingerprint"}`` rows with the local pipeline
    (decode threads ahead of batched inference) and returns the rows with ``vector`` (zeros
    where it failed), ``error`` ("" where it worked) and, from an embedder with a classifier
    head, ``labels``: the class probabilities the local indexer caches beside the vector
    (offline names and text search need them), with ``labeled`` saying which rows have them.
    """

    def __init__(self, model: str, device: str, cpus: float, expected_id: str) -> None:
        from photosort.ml import load_embedder

        self.embedder: Embedder = load_embedder(model, device).embedder
        if self.embedder.id != expected_id:
            raise EmbedderUnavailable(
                f"a Ray worker loaded {self.embedder.id} but the driver uses {expected_id}: "
                f"make the same model available on every node, or name it with --model"
            )
        cores = max(1, int(cpus))
        # The actor owns `cores` CPUs of its node, not the whole node: half decode, half infer.
        if isinstance(getattr(self.embedder, "threads", None), int) and device == "cpu":
            self.embedder.threads = max(1, cores // 2)  # type: ignore[attr-defined]
        self.decode_workers = max(2, cores - cores // 2)
        self.batch_size = default_batch_size(self.embedder.device)

    def __call__(self, batch: dict[str, NDArray[Any]]) -> dict[str, NDArray[Any]]:
        paths = [str(p) for p in batch["path"]]
        fps = [str(f) for f in batch["fingerprint"]]
        row = {fp: i for i, fp in enumerate(fps)}
        vectors = np.zeros((len(fps), self.embedder.dim), dtype=np.float32)
        labels: NDArray[np.float32] | None = None
        labeled = np.zeros(len(fps), dtype=bool)
        errors = [""] * len(fps)
        jobs = [Job(("s", p), Path(p), fp) for p, fp in zip(paths, fps, strict=True)]
        for embedded, failed in embed_jobs(
            jobs, self.embedder, batch_size=self.batch_size, decode_workers=self.decode_workers
        ):
            for e in embedded:
                vectors[row[e.job.fingerprint]] = e.vector
                if e.labels is not None:
                    if labels is None:
                        labels = np.zeros((len(fps), e.labels.shape[-1]), dtype=np.float32)
                    labels[row[e.job.fingerprint]] = e.labels
                    labeled[row[e.job.fingerprint]] = True
            for f in failed:
                errors[row[f.job.fingerprint]] = f.error
        return {
            "path": np.asarray(paths, dtype=object),
            "fingerprint": np.asarray(fps, dtype=object),
            "vector": vectors,
            "error": np.asarray(errors, dtype=object),
            # Ray Data wants every batch to carry the same columns: one zero column without a head.
            "labels": labels if labels is not None else np.zeros((len(fps), 1), dtype=np.float32),
            "labeled": labeled,
        }


@dataclass
class RayIndexResult:
    """What a Ray indexing run did, counted in photos (copies share one embedding)."""

    total: int = 0
    cached: int = 0
    embedded: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # path -> why
    placement: Placement | None = None

    @property
    def done(self) -> int:
        return self.cached + self.embedded


def session_photos(session: Session) -> list[Path]:
    """Every photo the session indexes: the queue (in order), then the cluster members."""
    queue, members = session.queue_and_members()
    filed = [m for ms in members.values() for m in sorted(ms)]
    return [session.source / i for i in queue] + [session.dest / m for m in filed]


def _fingerprints(
    paths: Sequence[Path], cache: EmbeddingCache, failed: dict[str, str]
) -> dict[Path, str]:
    """Content fingerprints from the cache's stat memo; the rest read (in threads: a NAS
    answers many small reads at once far faster than one after another) and remembered."""
    stats: list[tuple[Path, os.stat_result]] = []
    for p in paths:
        try:
            stats.append((p, os.stat(p)))
        except OSError as exc:
            failed[str(p)] = f"cannot read {p.name}: {exc.strerror}"
    known = cache.lookup_fingerprints([st for _, st in stats])
    out = {p: fp for (p, _), fp in zip(stats, known, strict=True) if fp is not None}
    todo = [(p, st) for (p, st), fp in zip(stats, known, strict=True) if fp is None]

    def take(item: tuple[Path, os.stat_result]) -> tuple[Path, os.stat_result, str | None]:
        p, st = item
        try:
            return p, st, fingerprint(p)
        except OSError as exc:
            failed[str(p)] = f"cannot read {p.name}: {exc.strerror}"
            return p, st, None

    with ThreadPoolExecutor(_FINGERPRINT_THREADS, thread_name_prefix="photosort-fp") as pool:
        taken = list(pool.map(take, todo))
    cache.remember_fingerprints((st, fp) for _, st, fp in taken if fp is not None)
    out.update({p: fp for p, _, fp in taken if fp is not None})
    return out


def _cached(cache: EmbeddingCache, fps: list[str], embedder_id: str) -> set[str]:
    """Which fingerprints the cache holds a vector for, a bounded chunk at a time (a warm
    archive of a million photos must not pull 5 GB of vectors just to learn they are there)."""
    have: set[str] = set()
    for i in range(0, len(fps), _PRESENCE_CHUNK):
        have.update(cache.get_many(fps[i : i + _PRESENCE_CHUNK], embedder_id))
    return have


def _largest_node_cpus(ray: ModuleType) -> float:
    nodes = [n for n in ray.nodes() if n.get("Alive")]
    return max((float(n.get("Resources", {}).get("CPU", 0)) for n in nodes), default=1.0)


def index_on_ray(
    session: Session,
    embedder: Embedder,
    *,
    model: str,
    device: str,
    address: str,
    progress: Callable[[int, int], None] | None = None,
    on_plan: Callable[[Plan], None] | None = None,
) -> RayIndexResult:
    """Embed every photo of ``session`` the cache lacks for ``embedder`` on a Ray cluster.

    ``embedder`` is the driver's own load of ``model``: its id keys the cache, and every actor
    must load a model with the same id (``auto`` could resolve differently on another node).
    """
    ray = import_ray()
    result = RayIndexResult()
    paths = session_photos(session)
    result.total = len(paths)
    cache = EmbeddingCache(cache_path(session.dest / CLUSTERING_DIR))
    try:
        fps = _fingerprints(paths, cache, result.failed)
        by_fp: dict[str, list[Path]] = {}
        for p, fp in fps.items():
            by_fp.setdefault(fp, []).append(p)
        have = _cached(cache, list(by_fp), embedder.id)
        result.cached = sum(len(by_fp[fp]) for fp in have)
        todo = [(str(ps[0]), fp) for fp, ps in by_fp.items() if fp not in have]
        report = progress or (lambda done, total: None)
        report(result.done + len(result.failed), result.total)
        if not todo:
            return result
        connect(address)
        placement = plan_placement(ray.cluster_resources(), _largest_node_cpus(ray), device)
        result.placement = placement
        if on_plan is not None:
            to_embed = sum(len(by_fp[fp]) for _, fp in todo)
            on_plan(Plan(to_embed, result.cached, placement))
        labels_id = getattr(embedder, "labels_id", None)
        for batch in _run(ray, todo, placement, model, embedder.id):
            landed, labeled = _landed(batch, by_fp, result)
            cache.put_many(landed, embedder.id)
            if labeled and isinstance(labels_id, str):
                cache.put_many(labeled, labels_id)
            report(result.done + len(result.failed), result.total)
    finally:
        cache.close()
    return result


def _landed(
    batch: dict[str, NDArray[Any]], by_fp: dict[str, list[Path]], result: RayIndexResult
) -> tuple[dict[str, NDArray[np.float32]], dict[str, NDArray[np.float32]]]:
    """One batch back from the actors: vectors and class probabilities by fingerprint; its
    failures and counts go into `result`."""
    vectors: dict[str, NDArray[np.float32]] = {}
    labels: dict[str, NDArray[np.float32]] = {}
    for i, (fp, error) in enumerate(zip(batch["fingerprint"], batch["error"], strict=True)):
        fp = str(fp)
        if error:
            result.failed.update({str(p): str(error) for p in by_fp[fp]})
            continue
        vectors[fp] = np.asarray(batch["vector"][i], dtype=np.float32)
        if "labeled" in batch and bool(batch["labeled"][i]):
            labels[fp] = np.asarray(batch["labels"][i], dtype=np.float32)
        result.embedded += len(by_fp[fp])
    return vectors, labels


def _run(
    ray: ModuleType, todo: list[tuple[str, str]], placement: Placement, model: str, id_: str
) -> Iterator[dict[str, NDArray[Any]]]:
    """The Ray Data pipeline; batches as they come back, in whatever order they finish."""
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False  # the CLI draws its own bar
    ctx.print_on_execution_start = False
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    rows = [{"path": p, "fingerprint": fp} for p, fp in todo]
    blocks = max(1, min(len(rows) // placement.rows, 1000))
    ds = ray.data.from_items(rows, override_num_blocks=blocks).map_batches(
        EmbedActor,
        fn_constructor_kwargs={
            "model": model,
            "device": placement.device,
            "cpus": placement.cpus,
            "expected_id": id_,
        },
        batch_size=placement.rows,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=placement.actors),
        num_cpus=placement.cpus,
        num_gpus=placement.gpus or None,
    )
    try:
        yield from ds.iter_batches(batch_size=None, batch_format="numpy")
    except PhotosortError:
        raise
    except Exception as exc:  # a worker's error arrives wrapped in Ray's own exceptions
        cause: BaseException = exc
        while cause.__cause__ is not None:
            cause = cause.__cause__
        message = cause.message if isinstance(cause, PhotosortError) else _one_line(cause)
        raise PhotosortError(f"indexing on Ray failed: {message}") from exc


def shutdown() -> None:
    """Leave the Ray runtime (and stop it, when this process started it); safe to call twice."""
    try:
        import ray
    except ImportError:
        return
    if ray.is_initialized():
        ray.shutdown()
