"""Cold start: how soon the reviewer gets a first suggestion, and what indexing's renditions cost.

The folder of the side-by-side comparison with cluster-forge: photos from `sample/` upscaled to
12 MP (4000x3000, with grain so they compress like photos), 3 clusters x 5 members and 200
queued photos (built once, cached under /tmp). For each embedder (the offline
EfficientNet-Lite0, and a random-weight CLIP of the real ViT-B/32 size loaded from a local
folder with HF_HUB_OFFLINE=1):

- `photosort serve` as a real process, polled over HTTP: seconds from process start to the
  first preview, to the embedder being ready, to the first suggestion for the photo on screen,
  and to everything indexed; the first suggestion's share of indexing counted from embedder
  ready (target <= 0.30); after indexing, how many queued photos have their thumb and preview
  cached, and the p95 of preview requests for 30 photos never requested before, made at a
  reviewer's pace (one photo skipped per second; <= 20 ms);
- the model's load time in a fresh process (imports included);
- indexing throughput in-process with renditions vs without (target >= 85%).

With `--cold-only`, only the first suggestion: `--repeats` serve runs per embedder, each
stopped once the photo on screen has a suggestion, beside as many fresh-process model loads,
and with `--baseline BACKEND` (another checkout's `backend/` folder) the same runs of that
code interleaved run by run, so both see the same load on a shared machine.

    python bench/startup.py [--queued 200] [--repeats 2] [--json bench/out/startup.json]
    python bench/startup.py --cold-only --embedders clip --repeats 5 --baseline ../main/backend
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))
sys.path.insert(0, str(ROOT / "bench"))

from common import (  # noqa: E402
    OUT_DIR,
    Server,
    loadavg,
    print_table,
    summarize_ms,
    write_json,
)

SIZE_12MP = (4000, 3000)
CACHE = Path(tempfile.gettempdir()) / "photosort-bench-startup-v1"
CLUSTERS = ("birds", "coins", "flowers")
CLUSTER_FORGE_S = (10.8, 13.3)  # its first suggestion on the same folder


# ----------------------------------------------------------------------------- the folder
def build_folder(members: int, queued: int) -> Path:
    """The photos (cached): `<cluster>/...` members and loose queued photos, all 12 MP."""
    folder = CACHE / f"folder-{len(CLUSTERS)}x{members}-{queued}"
    done = folder / ".complete"
    if done.is_file():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    manifest = json.loads((ROOT / "sample" / ".manifest.json").read_text(encoding="utf-8"))
    photos = [
        (f["group"], ROOT / "sample" / f["path"]) for f in manifest["files"] if f["group"] != "raw"
    ]
    rng = np.random.default_rng(0)
    encoded: dict[Path, bytes] = {}

    def twelve_mp(src: Path) -> bytes:
        if src not in encoded:
            img = Image.open(src).convert("RGB").resize(SIZE_12MP, Image.Resampling.BICUBIC)
            arr = np.asarray(img, dtype=np.int16) + rng.integers(-12, 13, (*SIZE_12MP[::-1], 3))
            tmp = folder / ".encode.jpg"
            Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).save(tmp, quality=90)
            encoded[src] = tmp.read_bytes()
            tmp.unlink()
        return encoded[src]

    used: set[Path] = set()
    for cluster in CLUSTERS:
        (folder / cluster).mkdir()
        own = [p for g, p in photos if g == cluster][:members]
        for p in own:
            (folder / cluster / p.name).write_bytes(twelve_mp(p))
            used.add(p)
    loose = [p for _, p in photos if p not in used]
    for i in range(queued):
        src = loose[i % len(loose)]
        # Byte-distinct copies (a trailer after EOI): every file has its own fingerprint.
        data = twelve_mp(src) + f"photosort-bench-{i:06d}".encode()
        (folder / f"IMG_{i:04d}_{src.stem}.jpg").write_bytes(data)
    done.touch()
    return folder


def fresh_library(folder: Path, into: Path) -> Path:
    """Hard links of the cached photos in a new folder: no .clustering, no caches."""
    lib = into / "lib"
    for src in folder.rglob("*.jpg"):
        dst = lib / src.relative_to(folder)
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.link(src, dst)
    return lib


def random_clip(folder: Path) -> Path:
    """A random-weight CLIP of the real ViT-B/32 size (CLIPConfig defaults), saved once."""
    if (folder / "config.json").is_file():
        return folder
    import torch
    from transformers import CLIPConfig, CLIPImageProcessor, CLIPModel

    torch.manual_seed(0)
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    CLIPModel(CLIPConfig()).save_pretrained(tmp)
    CLIPImageProcessor(
        size={"shortest_edge": 224}, crop_size={"height": 224, "width": 224}
    ).save_pretrained(tmp)
    tmp.rename(folder)
    return folder


# ----------------------------------------------------------------------------- measurements
def serve_run(
    folder: Path, model: str, previews: int, pace: float, *, first_only: bool = False
) -> dict[str, Any]:
    """Time a real `photosort serve` from process start; see the module docstring. With
    `first_only`, stop at the first suggestion (nothing after it is measured)."""
    with tempfile.TemporaryDirectory(prefix="photosort-startup-") as tmp:
        lib = fresh_library(folder, Path(tmp))
        server = Server([str(lib), "--model", model, "--device", "cpu"])
        server.start()
        try:
            return _observe(server, lib, previews, pace, first_only=first_only)
        finally:
            server.stop()


def _observe(
    server: Server, lib: Path, previews: int, pace: float, *, first_only: bool = False
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    out["http_s"] = server.wait_for("/api/health")
    with httpx.Client(base_url=server.url, timeout=60.0) as client:
        head = client.get("/api/queue", params={"limit": 1}).json()["items"][0]["item"]
        t0 = time.perf_counter()
        r = client.get(f"/api/image/{head}", params={"size": "preview"})
        r.raise_for_status()
        out["first_preview_s"] = time.perf_counter() - server.started
        out["first_preview_request_ms"] = (time.perf_counter() - t0) * 1000
        session = client.get("/api/session").json()
        out["first_preview_before_model"] = session["embedder"]["status"] == "loading"
        ready = first = None
        phases: list[tuple[float, str, int, int, int, int]] = []
        deadline = time.perf_counter() + 900
        while time.perf_counter() < deadline:
            now = time.perf_counter() - server.started
            s = client.get("/api/session").json()
            if s["embedder"]["status"] == "unavailable":
                raise RuntimeError(f"embedder unavailable: {s['embedder']['reason']}")
            p = s["indexing"]
            if not phases or phases[-1][1] != p["phase"]:
                phases.append(
                    (
                        round(now, 2),
                        p["phase"],
                        p["clusters_done"],
                        p["clusters_total"],
                        p["queue_done"],
                        p["queue_total"],
                    )
                )
            if ready is None and s["embedder"]["status"] == "ready":
                ready = now
            if ready is not None and first is None:
                item = client.get("/api/queue", params={"limit": 1}).json()["items"][0]
                if item["suggestions"]:
                    first = time.perf_counter() - server.started
                    if first_only:
                        out.update(_first_only(server, ready, first, phases))
                        return out
            if first is not None and p["phase"] == "done" and not p["running"]:
                break
            time.sleep(0.05)
        else:
            raise TimeoutError(f"indexing did not finish:\n{server.log()}")
        everything = time.perf_counter() - server.started
        assert ready is not None and first is not None
        out.update(
            ready_s=ready,
            first_suggestion_s=first,
            all_indexed_s=everything,
            first_after_ready_s=first - ready,
            all_after_ready_s=everything - ready,
            ratio=(first - ready) / (everything - ready),
            phases=phases,
        )
        queue = [
            i["item"] for i in client.get("/api/queue", params={"limit": 1000}).json()["items"]
        ]
        cache = lib / ".clustering" / "cache"
        fps = _fingerprints(lib, queue)
        out["queued"] = len(queue)
        out["thumbs_cached"] = sum((cache / "thumb" / f[:2] / f"{f}.jpg").is_file() for f in fps)
        out["previews_cached"] = sum(
            (cache / "preview" / f[:2] / f"{f}.jpg").is_file() for f in fps
        )
        out["preview"] = _at_reviewer_pace(client, head, previews, pace)
    return out


def _first_only(server: Server, ready: float, first: float, phases: list[Any]) -> dict[str, Any]:
    """The figures of a run stopped at its first suggestion, with the server's own log
    lines (time-stamped as they arrived) up to then."""
    return {
        "ready_s": ready,
        "first_suggestion_s": first,
        "first_after_ready_s": first - ready,
        "phases": phases,
        "log": [(round(t, 2), line) for t, line in server.lines if t <= first + 0.5][-60:],
    }


def _at_reviewer_pace(client: httpx.Client, head: str, n: int, pace: float) -> dict[str, Any]:
    """Preview requests for `n` photos never requested before, as a reviewer makes them: the
    photo on screen is skipped, and the next one is asked for `pace` seconds later (the UI's
    own prefetch never runs: no browser). What the server keeps ready ahead is what counts."""
    times = []
    item = head
    for _ in range(n):
        client.post("/api/skip", json={"item": item}).raise_for_status()
        time.sleep(pace)
        item = client.get("/api/queue", params={"limit": 1}).json()["items"][0]["item"]
        t0 = time.perf_counter()
        r = client.get(f"/api/image/{item}", params={"size": "preview"})
        r.raise_for_status()
        times.append(time.perf_counter() - t0)
    return {**summarize_ms(times), "pace_s": pace}


def _fingerprints(lib: Path, items: list[str]) -> list[str]:
    from photosort.media import fingerprint

    return [fingerprint(lib / i) for i in items]


def model_load_s(model: str) -> float:
    """Seconds a fresh process needs to import the code and load the model, as `serve` does."""
    code = (
        "import time; t = time.perf_counter(); "
        "from photosort.ml.select import load_embedder; "
        f"load_embedder({model!r}, 'cpu'); print(time.perf_counter() - t)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def cold_only(args: argparse.Namespace) -> None:
    """Process start to the first suggestion, and the model's load in a fresh process, per
    embedder; `--baseline` code and ours alternate run by run (the same load for both)."""
    folder = build_folder(args.members, args.queued)
    models = {
        "efficientnet-lite0": "efficientnet-lite0",
        "clip": str(random_clip(CACHE / "clip-vit-b32-random")),
    }
    ours = os.environ.get("PYTHONPATH", str(ROOT / "backend"))
    codes = {"ours": ours, **({"baseline": str(args.baseline.resolve())} if args.baseline else {})}
    load_before = loadavg()
    runs: list[dict[str, Any]] = []
    for n in range(args.repeats):
        for name in args.embedders.split(","):
            # Alternate which code goes first: the later run of a pair meets a warmer disk.
            order = list(codes) if n % 2 == 0 else list(codes)[::-1]
            for code in order:
                os.environ["PYTHONPATH"] = codes[code]
                run = serve_run(folder, models[name], 0, 0.0, first_only=True)
                run.update(code=code, embedder=name, repeat=n, load=loadavg())
                run["model_load_s"] = model_load_s(models[name])
                run["extra_s"] = run["first_suggestion_s"] - run["model_load_s"]
                runs.append(run)
                print(
                    f"{code} {name} #{n}: first suggestion {run['first_suggestion_s']:.2f}s, "
                    f"ready {run['ready_s']:.2f}s, model load {run['model_load_s']:.2f}s, "
                    f"extra {run['extra_s']:+.2f}s (load {run['load']})",
                    flush=True,
                )
    os.environ["PYTHONPATH"] = ours
    _cold_table(runs)
    load_after = loadavg()
    print(f"load average: {load_before} before, {load_after} after ({os.cpu_count()} cores)")
    out = args.json.with_name(args.json.stem + "-cold.json")
    body = {"codes": codes, "loadavg": {"before": load_before, "after": load_after}, "runs": runs}
    print(f"wrote {write_json(out, 'startup-cold', body)}")


def _cold_table(runs: list[dict[str, Any]]) -> None:
    rows = []
    for code, name in dict.fromkeys((r["code"], r["embedder"]) for r in runs):
        mine = [r for r in runs if r["code"] == code and r["embedder"] == name]

        def med(key: str, rs: list[dict[str, Any]] = mine) -> str:
            return f"{float(np.median([r[key] for r in rs])):.2f}s"

        rows.append(
            [
                code,
                name,
                med("ready_s"),
                med("first_suggestion_s"),
                med("model_load_s"),
                med("first_after_ready_s"),
                med("extra_s"),
                " ".join(f"{r['extra_s']:+.1f}" for r in mine),
            ]
        )
    print_table(
        ["code", "embedder", "ready", "1st sugg", "load", "1st - ready", "1st - load", "each"],
        rows,
        title="medians from process start; 1st - load: first suggestion minus model load alone",
    )


def throughput(folder: Path, model: str, repeats: int) -> dict[str, float]:
    """Photos/s of `index_pending` over the whole folder, renditions off vs on, interleaved
    (best of `repeats` each: other work on the machine only ever slows a run down)."""
    from photosort.ml import load_embedder
    from photosort.session import Session
    from photosort.suggest import SuggestionService

    embedder = load_embedder(model, "cpu").embedder
    best = {"without": 0.0, "with": 0.0}
    # CPU time of this process per photo (every thread): what the renditions add, whatever
    # the rest of a shared machine does. On a machine whose cores indexing keeps busy, the
    # throughput ratio approaches the ratio of these.
    cpu_ms = {"without": float("inf"), "with": float("inf")}
    pairs: list[float] = []  # with / without of back-to-back runs: the load drifts less
    for _ in range(repeats):
        rates: dict[str, float] = {}
        for mode in ("without", "with"):
            with tempfile.TemporaryDirectory(prefix="photosort-startup-tp-") as tmp:
                lib = fresh_library(folder, Path(tmp))
                session = Session(lib)
                service = SuggestionService(
                    session, lambda: (embedder, "bench"), renditions=mode == "with"
                )
                service.load_embedder()
                t0, c0 = time.perf_counter(), _process_cpu_s()
                done = service.index_pending()
                rate = done / (time.perf_counter() - t0)
                cpu_ms[mode] = min(cpu_ms[mode], 1000 * (_process_cpu_s() - c0) / done)
                service.close()
                session.close()
                best[mode] = max(best[mode], rate)
                rates[mode] = rate
        pairs.append(rates["with"] / rates["without"])
    return {
        "without_per_s": round(best["without"], 2),
        "with_per_s": round(best["with"], 2),
        "ratio": round(best["with"] / best["without"], 3),
        "pair_ratios": [round(r, 3) for r in pairs],
        "cpu_ms_per_photo_without": round(cpu_ms["without"], 1),
        "cpu_ms_per_photo_with": round(cpu_ms["with"], 1),
        "cpu_ratio": round(cpu_ms["without"] / cpu_ms["with"], 3),
    }


def _process_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def throughput_only(args: argparse.Namespace) -> None:
    """The renditions' cost alone: photos/s without vs with them, per embedder, each mode run
    `--repeats` times interleaved (a shared machine slows both modes alike)."""
    folder = build_folder(args.members, args.queued)
    models = {
        "efficientnet-lite0": "efficientnet-lite0",
        "clip": str(random_clip(CACHE / "clip-vit-b32-random")),
    }
    load_before = loadavg()
    rows = []
    for name in args.embedders.split(","):
        rows.append({"embedder": name, **throughput(folder, models[name], args.repeats)})
    print_table(
        ["embedder", "idx w/o", "idx with", "ratio", "each pair", "CPU ms/photo w/o, with"],
        [
            [
                r["embedder"],
                f"{r['without_per_s']:.1f}/s",
                f"{r['with_per_s']:.1f}/s",
                f"{r['ratio']:.0%}",
                " ".join(f"{x:.0%}" for x in r["pair_ratios"]),
                f"{r['cpu_ms_per_photo_without']:.0f}, {r['cpu_ms_per_photo_with']:.0f} "
                f"({r['cpu_ratio']:.0%})",
            ]
            for r in rows
        ],
        title=f"indexing photos/s without vs with renditions (best of {args.repeats}; >= 85%)",
    )
    load_after = loadavg()
    print(f"load average: {load_before} before, {load_after} after ({os.cpu_count()} cores)")
    out = args.json.with_name(args.json.stem + "-throughput.json")
    print(f"wrote {write_json(out, 'startup-throughput', {'rows': rows})}")


# ----------------------------------------------------------------------------- main
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--members", type=int, default=5, help="members per cluster (3 clusters)")
    ap.add_argument("--queued", type=int, default=200)
    ap.add_argument("--previews", type=int, default=30, help="photos reviewed at --pace")
    ap.add_argument("--pace", type=float, default=1.0, help="seconds per photo reviewed")
    ap.add_argument(
        "--repeats", type=int, default=2, help="throughput runs per mode (--cold-only: serve runs)"
    )
    ap.add_argument("--embedders", default="efficientnet-lite0,clip")
    ap.add_argument("--json", type=Path, default=OUT_DIR / "startup.json")
    ap.add_argument(
        "--throughput-only",
        action="store_true",
        help="only indexing photos/s without vs with renditions (no serve runs)",
    )
    ap.add_argument(
        "--cold-only",
        action="store_true",
        help="only process start to the first suggestion, and the model's load alone",
    )
    ap.add_argument(
        "--baseline",
        type=Path,
        help="--cold-only: also run this backend folder's code, interleaved with ours",
    )
    args = ap.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"  # the models load from local folders, never the hub
    if args.throughput_only:
        throughput_only(args)
        return
    if args.cold_only:
        cold_only(args)
        return

    t0 = time.perf_counter()
    folder = build_folder(args.members, args.queued)
    print(f"folder: {folder} ({time.perf_counter() - t0:.1f}s to build or find)")
    models = {
        "efficientnet-lite0": "efficientnet-lite0",
        "clip": str(random_clip(CACHE / "clip-vit-b32-random")),
    }
    load_before = loadavg()
    rows: list[dict[str, Any]] = []
    for name in args.embedders.split(","):
        model = models[name]
        run = serve_run(folder, model, args.previews, args.pace)
        run["embedder"] = name
        run["model_load_s"] = model_load_s(model)
        run["throughput"] = throughput(folder, model, args.repeats)
        rows.append(run)
        print(f"{name}: done ({run['all_indexed_s']:.1f}s indexing run)", flush=True)

    print()
    print_table(
        ["embedder", "preview", "ready", "1st sugg", "all", "1st/all", "model load"],
        [
            [
                r["embedder"],
                f"{r['first_preview_s']:.2f}s",
                f"{r['ready_s']:.1f}s",
                f"{r['first_suggestion_s']:.1f}s",
                f"{r['all_indexed_s']:.1f}s",
                f"{r['ratio']:.2f}",
                f"{r['model_load_s']:.1f}s",
            ]
            for r in rows
        ],
        title="from process start (first/all counted from embedder ready; target <= 0.30)",
    )
    print(
        f"cluster-forge, same folder: first suggestion {CLUSTER_FORGE_S[0]}-{CLUSTER_FORGE_S[1]}s"
    )
    print()
    print_table(
        [
            "embedder",
            "thumbs",
            "previews",
            "preview p50",
            "p95",
            "idx w/o",
            "idx with",
            "ratio",
            "CPU ratio",
        ],
        [
            [
                r["embedder"],
                f"{r['thumbs_cached']}/{r['queued']}",
                f"{r['previews_cached']}/{r['queued']}",
                f"{r['preview']['p50_ms']:.1f}ms",
                f"{r['preview']['p95_ms']:.1f}ms",
                f"{r['throughput']['without_per_s']:.1f}/s",
                f"{r['throughput']['with_per_s']:.1f}/s",
                f"{r['throughput']['ratio']:.0%}",
                f"{r['throughput']['cpu_ratio']:.0%}",
            ]
            for r in rows
        ],
        title=(
            f"after indexing: renditions cached, preview of {args.previews} never-requested "
            f"photos, one each {args.pace:g} s (target p95 <= 20 ms); indexing photos/s "
            "without vs with renditions (target >= 85%), and CPU ms per photo without / with"
        ),
    )
    load_after = loadavg()
    print(f"load average: {load_before} before, {load_after} after ({os.cpu_count()} cores)")
    path = write_json(
        args.json,
        "startup",
        {
            "folder": {"clusters": len(CLUSTERS), "members": args.members, "queued": args.queued},
            "cluster_forge_first_suggestion_s": list(CLUSTER_FORGE_S),
            "loadavg": {"before": load_before, "after": load_after},
            "rows": rows,
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
