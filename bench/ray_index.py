"""Indexing rate on Ray (one machine) vs the local `index`, on the same real photos.

Builds `--count` byte-distinct real JPEGs (the stamps6 photos, else sample/, each copy with a
few trailing bytes after the JPEG end so every file has its own fingerprint and is embedded
for real), then in this process, with the offline EfficientNet-Lite0 embedder:

- local: `SuggestionService.index_pending` on a fresh session (what `photosort index` runs);
- Ray: `ray.init` of a local runtime (timed on its own), then `index_on_ray` on a second fresh
  session over a copy of the same files (actor start and the actor's model load included).

Rates are photos/s over the embedding itself; the Ray runtime start is reported apart, since a
cluster is started once and used for many runs. Target: Ray >= 80% of local.

    python bench/ray_index.py [--count 400] [--json bench/out/ray_index.json]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import OUT_DIR, loadavg, print_table, real_photos, write_json

MODEL = "efficientnet-lite0"
TARGET_RATIO = 0.80


def make_photos(folder: Path, count: int) -> None:
    pool = [p for paths in real_photos(per_class=1000).values() for p in paths]
    folder.mkdir(parents=True)
    for i in range(count):
        data = pool[i % len(pool)].read_bytes()
        (folder / f"IMG_{i:05d}.jpg").write_bytes(data + f"photosort-bench-{i:08d}".encode())


def run_local(lib: Path) -> dict[str, Any]:
    from photosort.session import Session
    from photosort.suggest import SuggestionService

    session = Session(lib)
    service = SuggestionService.start(session, model=MODEL, device="cpu", background=False)
    try:
        t0 = time.perf_counter()
        service.load_embedder()
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        service.index_pending()
        embed_s = time.perf_counter() - t0
        p = service.progress()
    finally:
        service.close()
        session.close()
    return {"model_load_s": round(load_s, 2), "embed_s": round(embed_s, 2), "photos": p["total"]}


def run_ray(lib: Path) -> dict[str, Any]:
    from photosort.distributed.ray_index import connect, index_on_ray, shutdown
    from photosort.ml import load_embedder
    from photosort.session import Session

    t0 = time.perf_counter()
    connect("local")
    init_s = time.perf_counter() - t0
    session = Session(lib)
    first: list[float] = []
    try:
        embedder = load_embedder(MODEL, "cpu").embedder
        t0 = time.perf_counter()

        def progress(done: int, total: int) -> None:
            if done and not first:
                first.append(time.perf_counter() - t0)

        result = index_on_ray(
            session, embedder, model=MODEL, device="auto", address="local", progress=progress
        )
        embed_s = time.perf_counter() - t0
    finally:
        session.close()
        t1 = time.perf_counter()
        shutdown()
        shutdown_s = time.perf_counter() - t1
    assert result.placement is not None
    return {
        "ray_init_s": round(init_s, 2),
        "embed_s": round(embed_s, 2),
        "first_batch_s": round(first[0], 2) if first else None,
        "shutdown_s": round(shutdown_s, 2),
        "photos": result.embedded,
        "failed": len(result.failed),
        "placement": result.placement.describe(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=400, help="photos to embed")
    parser.add_argument("--json", type=Path, default=OUT_DIR / "ray_index.json")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    tmp = Path(tempfile.mkdtemp(prefix="photosort-ray-bench-"))
    try:
        make_photos(tmp / "local", args.count)
        shutil.copytree(tmp / "local", tmp / "ray")
        load = loadavg()
        local = run_local(tmp / "local")
        ray = run_ray(tmp / "ray")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    local_rate = local["photos"] / local["embed_s"]
    ray_rate = ray["photos"] / ray["embed_s"]
    ray_rate_with_init = ray["photos"] / (ray["embed_s"] + ray["ray_init_s"])
    ratio = ray_rate / local_rate
    print_table(
        ["path", "photos", "seconds", "photos/s", "vs local"],
        [
            ["local index", local["photos"], local["embed_s"], round(local_rate, 1), "1.00"],
            ["Ray (runtime up)", ray["photos"], ray["embed_s"], round(ray_rate, 1), f"{ratio:.2f}"],
            [
                "Ray (+ ray.init)",
                ray["photos"],
                round(ray["embed_s"] + ray["ray_init_s"], 2),
                round(ray_rate_with_init, 1),
                f"{ray_rate_with_init / local_rate:.2f}",
            ],
        ],
        title=f"indexing {args.count} photos, {MODEL}, {os.cpu_count()} CPUs (loadavg {load})",
    )
    print(
        f"ray.init {ray['ray_init_s']} s, first batch back after {ray['first_batch_s']} s, "
        f"shutdown {ray['shutdown_s']} s; {ray['placement']}"
    )
    verdict = "meets" if ratio >= TARGET_RATIO else "misses"
    print(f"Ray reaches {ratio:.0%} of the local rate ({verdict} the {TARGET_RATIO:.0%} target)")
    path = write_json(
        args.json,
        "ray_index",
        {
            "count": args.count,
            "model": MODEL,
            "loadavg_before": load,
            "local": {**local, "photos_per_s": round(local_rate, 2)},
            "ray": {
                **ray,
                "photos_per_s": round(ray_rate, 2),
                "photos_per_s_with_init": round(ray_rate_with_init, 2),
            },
            "ratio": round(ratio, 3),
            "ratio_with_init": round(ray_rate_with_init / local_rate, 3),
            "target_ratio": TARGET_RATIO,
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
