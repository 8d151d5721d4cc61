"""Scale: an N-photo session with N distinct vectors, served for real, measured warm and cold.

Builds the library cheaply: N small real JPEGs (the stamps6 photos, else sample/, shrunk to
thumbnails and written once each, every copy byte-distinct through a trailer after the JPEG
end so each file has its own content fingerprint), six started cluster folders, and N + members
distinct synthetic unit vectors (1280 dims, as the offline embedder) put into the session's
`.clustering/embeddings.sqlite` through `EmbeddingCache.put_many` under a test embedder id,
with the fingerprint memo filled the way `photosort index` leaves it. Each item is its
cluster's direction times a random strength in [0.2, 0.95] plus noise, so top scores spread.

The server is this script in `--serve` mode: the real app (`create_app`) over the real
`Session` and `SuggestionService`, whose embedder is a stand-in with the test id (every vector
is cached, so it never embeds). Measured over HTTP on loopback, cold (first start: no journal
yet) and warm (restart): process start to first queue page and to every vector loaded,
`GET /api/queue` p95, assign/undo p95, `/api/auto-move/estimate` (histogram included), a dry
run over the whole queue; then a real auto-move of min(N, 100k) photos (files/s, each journal
line fsync'ed), `photosort verify`, and the server's peak RSS. More-like-this
(`GET /api/grid/similar`) is timed once the nearest-neighbour index answers (the time it took
to get there is reported beside it).

    python bench/scale.py                       # 100k items, bench/out/scale.json
    python bench/scale.py --items 1000000 --json bench/out/scale-1m.json
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    OUT_DIR,
    PHOTOSORT,
    Server,
    filesystem_of,
    loadavg,
    print_table,
    real_photos,
    summarize_ms,
    timed_calls,
    write_json,
)

DIM = 1280
EMBEDDER_ID = f"bench-synthetic-{DIM}@scale:v1"
CLASSES = ("birds", "coins", "flowers", "fruit", "mammals", "vegetables")
MEMBERS = 20
AUTO_MOVE_CAP = 100_000
FIRST_PAGE = "/api/queue?limit=50"
CHUNK = 20_000
TARGETS = {  # stated for 1M photos
    "first_page_warm_s": 3.0,
    "first_page_cold_s": 3.0,
    "assign_undo_p95_ms": 30.0,
    "estimate_ms": 300.0,
    "dry_run_s": 5.0,
    "more_like_this_ms": 100.0,
    "peak_rss_mb": 2048.0,
}


# ----------------------------------------------------------------------------- the library
def thumbnails(limit: int = 300) -> list[bytes]:
    """A few hundred distinct real photos as small JPEGs (long edge 96 px)."""
    from PIL import Image

    pool = [p for paths in real_photos(per_class=1000).values() for p in paths][:limit]
    out = []
    for p in pool:
        with Image.open(p) as im:
            im = im.convert("RGB")
            im.thumbnail((96, 96))
            buf = io.BytesIO()
            im.save(buf, "JPEG", quality=80)
            out.append(buf.getvalue())
    return out


def synthetic_vectors(
    rng: np.random.Generator, centers: NDArray[np.float32], labels: NDArray[np.int64], lo: float
) -> NDArray[np.float32]:
    """Unit vectors at a random strength in [lo, 0.95] along their class direction."""
    strength = rng.uniform(lo, 0.95, size=(len(labels), 1)).astype(np.float32)
    noise = rng.standard_normal((len(labels), centers.shape[1]), dtype=np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    vecs = centers[labels] * strength + noise * np.sqrt(1.0 - strength**2)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs


def build(lib: Path, n: int, seed: int = 0) -> dict[str, Any]:
    from photosort.media import fingerprint
    from photosort.ml import EmbeddingCache

    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    thumbs = thumbnails()
    lib.mkdir(parents=True)
    centers = rng.standard_normal((len(CLASSES), DIM), dtype=np.float32)
    centers /= np.linalg.norm(centers, axis=1, keepdims=True)
    timings: dict[str, float] = {}
    cache = EmbeddingCache(lib / ".clustering" / "embeddings.sqlite")
    try:
        files: list[tuple[Path, int]] = []
        for k, name in enumerate(CLASSES):
            (lib / name).mkdir()
            for j in range(MEMBERS):
                files.append((lib / name / f"{name}_{j:03d}.jpg", k))
        files += [(lib / f"IMG_{i:07d}.jpg", i % len(CLASSES)) for i in range(n)]
        written = 0
        for start in range(0, len(files), CHUNK):
            part = files[start : start + CHUNK]
            t = time.perf_counter()
            stats, fps = [], []
            for idx, (path, _) in enumerate(part, start):
                data = thumbs[idx % len(thumbs)] + f"photosort-scale-{idx:09d}".encode()
                path.write_bytes(data)
                written += len(data)
                stats.append(os.stat(path))
                fps.append(fingerprint(path))
            timings["write_files_s"] = timings.get("write_files_s", 0.0) + time.perf_counter() - t
            t = time.perf_counter()
            cache.remember_fingerprints(zip(stats, fps, strict=True))
            labels = np.array([k for _, k in part], dtype=np.int64)
            members = np.array([p.parent != lib for p, _ in part])
            vecs = synthetic_vectors(rng, centers, labels, 0.2)
            # Members sit close to their class direction, so centroids are clean.
            if members.any():
                vecs[members] = synthetic_vectors(rng, centers, labels[members], 0.9)
            cache.put_many(dict(zip(fps, vecs, strict=True)), EMBEDDER_ID)
            timings["cache_put_s"] = timings.get("cache_put_s", 0.0) + time.perf_counter() - t
        count = cache.count(EMBEDDER_ID)
    finally:
        cache.close()
    db = lib / ".clustering" / "embeddings.sqlite"
    return {
        "loose": n,
        "clusters": len(CLASSES),
        "members_per_cluster": MEMBERS,
        "distinct_images": len(thumbs),
        "distinct_vectors": count,
        "file_bytes": written,
        "embeddings_db_mb": round(db.stat().st_size / 2**20, 1),
        **{k: round(v, 1) for k, v in timings.items()},
        "build_s": round(time.perf_counter() - t0, 1),
    }


# ----------------------------------------------------------------------------- the server
class StandInEmbedder:
    """The test embedder: its id keys the synthetic vectors. Every photo is cached, so it is
    never asked to embed; if it is (a photo added while the bench runs), it hashes."""

    id = EMBEDDER_ID
    kind = "synthetic"
    dim = DIM
    device = "cpu"
    input_edge = 64

    def embed_images(self, images: Sequence[Any]) -> NDArray[np.float32]:
        out = np.empty((len(images), DIM), dtype=np.float32)
        for i, im in enumerate(images):
            seed = int.from_bytes(hashlib.blake2b(im.tobytes(), digest_size=8).digest(), "big")
            v = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
            out[i] = v / np.linalg.norm(v)
        return out


def serve(lib: Path, port: int) -> None:
    """`--serve` mode: what `photosort serve` does, with the stand-in embedder."""
    import uvicorn

    from photosort.api.app import create_app
    from photosort.api.context import AppContext
    from photosort.session import Session
    from photosort.suggest import SuggestionService

    t0 = time.perf_counter()
    session = Session(lib, scan_cache=True)  # as `photosort serve` opens it
    opened = time.perf_counter() - t0
    print(f"photosort: {session.stats()['queued']} photos queued", flush=True)
    print(f"session open: {opened:.2f} s", flush=True)
    service = SuggestionService(session, lambda: (StandInEmbedder(), "bench/scale.py vectors"))
    service.run_in_background()
    print("open http", flush=True)
    uvicorn.run(
        create_app(AppContext(session, service)),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=2,
    )


class ScaleServer(Server):
    def start(self) -> float:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        cmd = [sys.executable, __file__, "--serve", self.args[0], "--port", str(self.port)]
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        import threading

        threading.Thread(target=self._read, daemon=True).start()
        return self.started

    def rss_mb(self) -> dict[str, float | None]:
        """Peak and current resident memory of the server process."""
        out: dict[str, float | None] = {"peak_rss_mb": None, "rss_mb": None}
        if not self.proc:
            return out
        try:
            with open(f"/proc/{self.proc.pid}/status", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("VmHWM:"):
                        out["peak_rss_mb"] = round(int(line.split()[1]) / 1024, 1)
                    elif line.startswith("VmRSS:"):
                        out["rss_mb"] = round(int(line.split()[1]) / 1024, 1)
        except OSError:
            pass
        return out


# ----------------------------------------------------------------------------- measuring
def timed(n: int, call: Callable[[int], httpx.Response], warmup: int = 2) -> dict[str, Any]:
    durations, errors = timed_calls(n, warmup, call)
    return {**summarize_ms(durations), "errors": errors}


def wait_indexed(c: httpx.Client, server: ScaleServer, want: int, timeout: float) -> float:
    """Seconds from process start until every vector is loaded (suggestions everywhere)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        p = c.get("/api/session").json()["indexing"]
        if p["total"] >= want and p["done"] >= want and not p["running"]:
            return time.perf_counter() - server.started
        if server.proc and server.proc.poll() is not None:
            raise RuntimeError(f"server exited:\n{server.log()}")
        time.sleep(0.1)
    raise TimeoutError(f"indexing did not finish in {timeout} s:\n{server.log()}")


def run_open(lib: Path, n: int, samples: int, label: str) -> tuple[ScaleServer, dict[str, Any]]:
    load = loadavg()
    server = ScaleServer([str(lib)])
    server.start()
    first_page = server.wait_for(FIRST_PAGE, timeout=1800)
    print(f"   {label}: first queue page after {first_page:.2f} s")
    res: dict[str, Any] = {"loadavg_before": load, "first_page_s": round(first_page, 3)}
    opened = next((line for _, line in server.lines if line.startswith("session open:")), "")
    res["session_open_s"] = float(opened.split()[2]) if opened else None
    res["session_opened_after_s"] = server.since_start("session open:")
    c = httpx.Client(base_url=server.url, timeout=600.0)
    try:
        res.update(counted(c, server, n))
        print(f"   {label}: queue counted ({n} photos) after {res['queue_counted_s']} s")
        res["all_vectors_loaded_s"] = round(
            wait_indexed(c, server, n + MEMBERS * len(CLASSES), 1800), 2
        )
        print(f"   {label}: every vector loaded after {res['all_vectors_loaded_s']} s")
        res["rss_after_load"] = server.rss_mb()
        page = c.get(FIRST_PAGE).json()
        res["first_page_has_suggestions"] = all(it["suggestions"] for it in page["items"])
        res["loadavg_during"] = loadavg()
        res["GET queue"] = timed(samples, lambda i: c.get("/api/queue", params={"limit": 50}))
        res["GET queue@tail"] = timed(
            samples, lambda i: c.get("/api/queue", params={"offset": n - 60, "limit": 50})
        )
        heads = [
            it["item"] for it in c.get("/api/queue", params={"limit": samples + 2}).json()["items"]
        ]
        res["assign"] = timed(
            samples,
            lambda i: c.post(
                "/api/assign", json={"item": heads[i], "cluster": CLASSES[i % len(CLASSES)]}
            ),
            warmup=0,
        )
        res["undo"] = timed(samples, lambda i: c.post("/api/undo", json={}), warmup=0)
        res["estimate"] = timed(
            max(3, samples // 20),
            lambda i: c.get("/api/auto-move/estimate", params={"threshold": 0.6}),
            warmup=1,
        )
        res.update(estimate_after_filing(c, heads[samples]))
        est = c.get("/api/auto-move/estimate", params={"threshold": 0.6}).json()
        res["estimate_count_at_0.6"] = est["count"]
        res["histogram_bins"] = len(est["histogram"]["counts"])
        res["histogram_total"] = sum(est["histogram"]["counts"])
        dry = {"threshold": 0.6, "min_samples": 1, "min_margin": 0.0, "dry_run": True}
        res["dry_run"] = timed(3, lambda i: c.post("/api/auto-move", json=dry), warmup=0)
        res["dry_run_count"] = c.post("/api/auto-move", json=dry).json()["count"]
        res.update(more_like_this(c, heads, samples))
        res["rss_after_requests"] = server.rss_mb()
    except Exception:
        print(server.log(), file=sys.stderr)
        c.close()
        server.stop()
        raise
    c.close()
    return server, res


def counted(c: httpx.Client, server: ScaleServer, n: int) -> dict[str, Any]:
    """Whether the first page came while the first walk still went on (a cold start shows
    the first photos found), and seconds from process start until the queue is counted."""
    first = c.get(FIRST_PAGE).json()
    while True:
        page = c.get(FIRST_PAGE).json()
        if not page.get("counting"):
            break
        time.sleep(0.05)
    if page["total"] != n:
        raise RuntimeError(f"queue counted {page['total']} photos, built {n}")
    return {
        "first_page_while_counting": bool(first.get("counting")),
        "first_page_total": first["total"],
        "queue_counted_s": round(time.perf_counter() - server.started, 2),
    }


def estimate_after_filing(c: httpx.Client, item: str, times: int = 5) -> dict[str, Any]:
    """The estimate right after a filing moved a centroid (its column is rescored on the
    spot), and after a filing followed by a 2 s pause (the server rescores in the pause);
    median of `times` filings each (every one undone after)."""
    out: dict[str, Any] = {}
    for label, pause in (("estimate_right_after_filing_ms", 0.0), ("estimate_after_pause_ms", 2.0)):
        took = []
        for k in range(times):
            cluster = CLASSES[k % len(CLASSES)]
            c.post("/api/assign", json={"item": item, "cluster": cluster}).raise_for_status()
            time.sleep(pause)
            t = time.perf_counter()
            c.get("/api/auto-move/estimate", params={"threshold": 0.6}).raise_for_status()
            took.append(round((time.perf_counter() - t) * 1000, 1))
            c.post("/api/undo", json={}).raise_for_status()
            time.sleep(0.2)
        out[label] = float(np.median(took))
        out[label.replace("_ms", "_all_ms")] = took
    return out


def more_like_this(c: httpx.Client, heads: list[str], samples: int) -> dict[str, Any]:
    """`GET /api/grid/similar` p95, after waiting (at most 10 minutes) for a call under the
    target: a large library's index is built in the background once loading is done."""

    def similar(i: int) -> httpx.Response:
        r = c.get("/api/grid/similar", params={"item": heads[i % len(heads)], "limit": 30})
        r.raise_for_status()
        return r

    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 600:
        t = time.perf_counter()
        similar(0)
        if time.perf_counter() - t < TARGETS["more_like_this_ms"] / 1000:
            break
        time.sleep(1.0)
    settle = round(time.perf_counter() - t0, 1)
    return {"more_like_this_settle_s": settle, "more_like_this": timed(samples, similar)}


def auto_move(server: ScaleServer, n: int) -> dict[str, Any]:
    """A real auto-move of min(n, 100k) photos: the lowest threshold that moves no more."""
    with httpx.Client(base_url=server.url, timeout=3600.0) as c:
        threshold = -1.0
        if n > AUTO_MOVE_CAP:
            hist = c.get("/api/auto-move/estimate", params={"threshold": 0.0}).json()["histogram"]
            above = 0
            for edge, count in zip(
                reversed(hist["edges"][:-1]), reversed(hist["counts"]), strict=True
            ):
                if above + count > AUTO_MOVE_CAP:
                    break
                above += count
                threshold = edge
        body = {"threshold": threshold, "min_samples": 1, "min_margin": 0.0, "dry_run": False}
        t0 = time.perf_counter()
        r = c.post("/api/auto-move", json=body)
        seconds = time.perf_counter() - t0
        r.raise_for_status()
        moved = r.json()["count"]
        stats = c.get("/api/session").json()["stats"]
    return {
        "threshold": threshold,
        "moved": moved,
        "seconds": round(seconds, 2),
        "files_per_s": round(moved / seconds, 1) if seconds else None,
        "queued_after": stats["queued"],
        "rss": server.rss_mb(),
    }


def verify(lib: Path) -> dict[str, Any]:
    t0 = time.perf_counter()
    proc = subprocess.run([str(PHOTOSORT), "verify", str(lib)], capture_output=True, text=True)
    return {
        "ok": proc.returncode == 0,
        "seconds": round(time.perf_counter() - t0, 1),
        "output": (proc.stdout + proc.stderr).strip()[-500:],
    }


def report(n: int, runs: dict[str, dict[str, Any]], moved: dict[str, Any]) -> None:
    rows: list[list[Any]] = []
    t = TARGETS
    for label, r in runs.items():
        rows += [
            [
                label,
                "first queue page after process start",
                f"{r['first_page_s']:.2f} s"
                + (
                    f" ({r['first_page_total']} shown, counting)"
                    if r["first_page_while_counting"]
                    else ""
                ),
                f"<= {t['first_page_warm_s']:g} s",
            ],
            [
                label,
                "queue counted (order and total final) after process start",
                f"{r['queue_counted_s']} s",
                "",
            ],
            [
                label,
                "every vector loaded after process start",
                f"{r['all_vectors_loaded_s']} s",
                "",
            ],
            [label, "GET /api/queue (head) p95", f"{r['GET queue']['p95_ms']} ms", ""],
            [label, "GET /api/queue (tail) p95", f"{r['GET queue@tail']['p95_ms']} ms", ""],
            [
                label,
                "assign p95",
                f"{r['assign']['p95_ms']} ms",
                f"<= {t['assign_undo_p95_ms']:g} ms",
            ],
            [label, "undo p95", f"{r['undo']['p95_ms']} ms", f"<= {t['assign_undo_p95_ms']:g} ms"],
            [
                label,
                "estimate + histogram p50 / max",
                f"{r['estimate']['p50_ms']} / {r['estimate']['max_ms']} ms",
                f"<= {t['estimate_ms']:g} ms",
            ],
            [
                label,
                "estimate right after a filing / after a filing and a 2 s pause",
                f"{r['estimate_right_after_filing_ms']} / {r['estimate_after_pause_ms']} ms",
                f"<= {t['estimate_ms']:g} ms",
            ],
            [
                label,
                f"dry-run auto-move over the queue ({r['dry_run_count']} chosen) p50",
                f"{r['dry_run']['p50_ms'] / 1000:.2f} s",
                f"<= {t['dry_run_s']:g} s",
            ],
            [
                label,
                f"more-like-this p95 (index ready after {r['more_like_this_settle_s']} s)",
                f"{r['more_like_this']['p95_ms']} ms",
                f"<= {t['more_like_this_ms']:g} ms",
            ],
            [
                label,
                "server RSS after load / after requests",
                f"{r['rss_after_load']['rss_mb']} / {r['rss_after_requests']['rss_mb']} MB",
                "",
            ],
        ]
    rows.append(
        [
            "warm",
            f"real auto-move of {moved['moved']} photos",
            f"{moved['files_per_s']} files/s ({moved['seconds']} s)",
            "",
        ]
    )
    peak = max(r["rss_after_requests"]["peak_rss_mb"] or 0 for r in runs.values())
    peak = max(peak, moved["rss"]["peak_rss_mb"] or 0)
    rows.append(["all", "server peak RSS", f"{peak} MB", f"<= {t['peak_rss_mb']:g} MB"])
    print()
    print_table(
        ["open", "what", "measured", "target (1M)"],
        rows,
        f"bench/scale.py: {n} queued photos, {n + MEMBERS * len(CLASSES)} distinct "
        f"vectors ({DIM} dims), loadavg {loadavg()}",
    )


def self_rss_mb() -> dict[str, int]:
    out = {}
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1]) // 1024
    return out


def _build_index(service: Any) -> Callable[[], bool]:
    def build() -> bool:
        service.vectors.prepare_search()
        ann = service.vectors.ann
        return bool(ann is not None and ann.wait())

    return build


def probe(lib: Path, n: int) -> dict[str, Any]:
    """`--probe`: the same session in this process, no HTTP: where the time and memory go."""
    from photosort.session import Session
    from photosort.suggest import SuggestionService

    steps: dict[str, Any] = {"baseline": {"s": 0.0, **self_rss_mb()}}

    def step(name: str, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        value = fn()
        steps[name] = {"s": round(time.perf_counter() - t0, 2), **self_rss_mb()}
        print(f"   {name}: {steps[name]}", flush=True)
        return value

    session = step("session open", lambda: Session(lib))
    service = SuggestionService(session, lambda: (StandInEmbedder(), "bench/scale.py vectors"))
    try:
        service.load_embedder()
        step("load every vector (index_pending)", service.index_pending)
        head = session.queue_items(0, 50)
        step("suggestions for the first page of 50", lambda: service.suggestions(head))
        # What the idle indexing loop does when told files changed: walk the whole library.
        step("one idle rescan (_full_scan)", service.indexer._full_scan)
        step("estimate + histogram (scores every row)", lambda: service.estimate(0.6, 1, 0.0))
        step("estimate + histogram again (cached)", lambda: service.estimate(0.6, 1, 0.0))
        step("dry-run auto-move", lambda: service.auto_move(0.6, 1, 0.0, dry_run=True))
        session.assign(head[0], CLASSES[0])
        step("estimate after a filing (one column)", lambda: service.estimate(0.6, 1, 0.0))
        session.undo()
        similar = service.grids().similar
        step("more-like-this (before the index)", lambda: similar(head[1], 30))
        step("nearest-neighbour index build", _build_index(service))
        for i in range(2, 5):
            step(f"more-like-this #{i - 1} (index)", lambda i=i: similar(head[i], 30))
    finally:
        service.close()
        session.close()
    print_table(
        ["step", "seconds", "RSS MB", "peak RSS MB"],
        [[k, v["s"], v.get("VmRSS"), v.get("VmHWM")] for k, v in steps.items()],
        f"in-process probe, {n} queued photos, {DIM}-dim vectors, loadavg {loadavg()}",
    )
    return steps


def filing_bench(n: int, filings: int, seed: int = 0) -> dict[str, Any]:
    """`--filing`: what a filing costs the next whole-queue read, in process, no files: N
    synthetic rows in the float16 matrix, six clusters, and `filings` filings (one member
    added to a cluster: its centroid moves) each followed by the best two of every row, read
    as the estimate reads them. Before (main until now: the column by torch's matrix-matrix
    kernel, every row's best two worked out again) and now (matrix-vector kernel, best two
    patched) alternate on the same matrix, so both see the same load."""
    from photosort.ml import matrix as matrix_module
    from photosort.ml.matrix import VectorMatrix
    from photosort.suggest.indexing import scores as scores_module

    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((len(CLASSES), DIM), dtype=np.float32)
    centers /= np.linalg.norm(centers, axis=1, keepdims=True)
    m = VectorMatrix(DIM)
    t0 = time.perf_counter()
    for a in range(0, n, CHUNK):
        labels = rng.integers(0, len(CLASSES), min(CHUNK, n - a))
        vecs = synthetic_vectors(rng, centers, labels, 0.2)
        m.put_many([f"fp{i}" for i in range(a, a + len(labels))], vecs)
    built = time.perf_counter() - t0
    sums = centers.astype(np.float64) * MEMBERS
    names = list(CLASSES)
    patch, mv = scores_module._patch_top, matrix_module._MV_COLUMNS
    modes = {
        "before": (lambda top, s, moved: scores_module.best_two(s), 0),
        "now": (patch, mv),
    }
    tables = {mode: scores_module.ScoreTable(m) for mode in modes}
    took: dict[str, list[float]] = {mode: [] for mode in modes}

    def centroids() -> NDArray[np.float32]:
        return (sums / np.linalg.norm(sums, axis=1, keepdims=True)).astype(np.float32)

    try:
        for mode, (p, k) in modes.items():
            scores_module._patch_top, matrix_module._MV_COLUMNS = p, k
            tables[mode].top(names, centroids())
        for i in range(filings):
            sums[i % len(CLASSES)] += m.take([int(rng.integers(n))])[0]
            cent = centroids()
            for mode, (p, k) in modes.items():
                scores_module._patch_top, matrix_module._MV_COLUMNS = p, k
                t = time.perf_counter()
                tables[mode].top(names, cent)
                took[mode].append(time.perf_counter() - t)
        # Patched as it went, the best two equal those worked out afresh from the same scores.
        now = tables["now"]
        kept = now.top(names, centroids())
        fresh = scores_module.best_two(now.refresh(names, centroids()))
        same = all(
            np.array_equal(getattr(kept, f), getattr(fresh, f))
            for f in ["first", "score", "second"]
        )
    finally:
        scores_module._patch_top, matrix_module._MV_COLUMNS = patch, mv
        m.close()
    out = {mode: summarize_ms(v) for mode, v in took.items()}
    print_table(
        ["rows", "before p50 / max", "now p50 / max", "same best two"],
        [
            [
                n,
                f"{out['before']['p50_ms']} / {out['before']['max_ms']} ms",
                f"{out['now']['p50_ms']} / {out['now']['max_ms']} ms",
                same,
            ]
        ],
        f"best two of every row right after a filing, {filings} filings, loadavg {loadavg()}",
    )
    return {
        "rows": n,
        "filings": filings,
        "matrix_built_s": round(built, 1),
        "same_best_two": same,
        **out,
        "loadavg": loadavg(),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--items", type=int, default=100_000, help="queued photos (N)")
    ap.add_argument("--samples", type=int, default=200, help="timed requests per kind")
    ap.add_argument("--workdir", type=Path, default=None, help="default: a fresh /tmp folder")
    ap.add_argument("--keep", action="store_true", help="keep the generated library")
    ap.add_argument("--json", type=Path, default=OUT_DIR / "scale.json")
    ap.add_argument(
        "--probe",
        action="store_true",
        help="no server: time loading, one idle rescan, estimate and dry run in process,\n"
        "with RSS after each (cheap enough to try 1M)",
    )
    ap.add_argument(
        "--filing",
        action="store_true",
        help="no server, no files: the best two of every row right after a filing,\n"
        "before (full recompute) and now (patched), interleaved, for each --items given",
    )
    ap.add_argument("--serve", type=Path, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.serve is not None:
        serve(args.serve, args.port)
        return 0

    if args.filing:
        res = filing_bench(args.items, max(5, args.samples // 10))
        path = write_json(
            args.json, "scale-filing", {**res, "dim": DIM, "note": "in process, no HTTP"}
        )
        print(f"\nwrote {path}")
        return 0 if res["same_best_two"] else 1
    n = args.items
    work = args.workdir or Path(tempfile.mkdtemp(prefix="photosort-bench-scale-"))
    lib = work / f"lib-{n}"
    try:
        if lib.exists():
            shutil.rmtree(lib)
        print(f"== {n} photos: building {lib}")
        built = build(lib, n)
        print(f"   built in {built['build_s']} s ({built['distinct_vectors']} vectors)")
        if args.probe:
            steps = probe(lib, n)
            path = write_json(
                args.json,
                "scale-probe",
                {
                    "items": n,
                    "dim": DIM,
                    "library": built,
                    "steps": steps,
                    "note": "in process, no HTTP; 2-core VM shared with other engineers",
                },
            )
            print(f"\nwrote {path}")
            return 0
        runs: dict[str, dict[str, Any]] = {}
        server, runs["cold"] = run_open(lib, n, args.samples, "cold")
        runs["cold"]["shutdown_s"] = round(server.stop(), 2)
        server, runs["warm"] = run_open(lib, n, args.samples, "warm")
        try:
            moved = auto_move(server, n)
            print(f"   auto-move: {moved['moved']} photos at {moved['files_per_s']} files/s")
        finally:
            server.stop()
        checked = verify(lib)
        print(f"   verify: {'ok' if checked['ok'] else 'MISMATCH'} ({checked['seconds']} s)")
    finally:
        fs = filesystem_of(work)
        if not args.keep:
            shutil.rmtree(lib if args.workdir else work, ignore_errors=True)
    report(n, runs, moved)
    path = write_json(
        args.json,
        "scale",
        {
            "items": n,
            "dim": DIM,
            "embedder_id": EMBEDDER_ID,
            "targets_1m": TARGETS,
            "filesystem": fs,
            "note": "measured on a 2-core VM shared with other engineers' test runs",
            "library": built,
            "runs": runs,
            "auto_move": moved,
            "verify": checked,
        },
    )
    print(f"\nwrote {path}")
    return 0 if checked["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
