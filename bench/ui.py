"""Next photo paints how soon after the keypress? Real UI, real backend, 24 MP JPEGs.

For each mode (prefetching on, then off via the app's `?prefetch=0` flag) it:

1. hard-links ~110 generated 24 MP JPEGs (6000x4000, made once from real photos of the
   stamps6 set, upscaled, with per-file noise so every file has its own content and
   fingerprint; cached under bench/out/ui-photos/) into a fresh library with two cluster
   folders, so neither mode finds the other's rendition cache;
2. starts `photosort serve LIB --model none` (the paint path does not involve the embedder);
3. runs bench/ui_bench.mjs: headless Chromium (system /usr/bin/chromium) opens the UI and
   files 100 photos with the `1`/`2` keys, pausing `--think` ms before each key as a reviewer
   looks at the photo; the app records, per decision, the time from the key event to just
   after the frame that first shows the next photo's decoded preview (client/src/perf/paint.ts);
4. prints p50/p95 per mode and writes bench/out/ui.json.

SPEC section 10 target: the next photo paints <= 50 ms after the keypress (prefetched).

    python bench/ui.py                      # 100 decisions per mode, 300 ms think time
    python bench/ui.py --decisions 40 --think 150
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    OUT_DIR,
    REPO,
    Server,
    loadavg,
    print_table,
    real_photos,
    summarize_ms,
    write_json,
)

PHOTOS_DIR = OUT_DIR / "ui-photos"
PHOTO_VERSION = "v1-6000x4000-q90"
SIZE = (6000, 4000)


def make_photos(count: int) -> list[Path]:
    """`count` distinct 24 MP JPEGs, generated once and reused (a stamp names the recipe)."""
    import numpy as np
    from PIL import Image

    stamp = PHOTOS_DIR / "VERSION"
    existing = sorted(PHOTOS_DIR.glob("photo-*.jpg"))
    if stamp.is_file() and stamp.read_text().strip() == PHOTO_VERSION and len(existing) >= count:
        return existing[:count]
    shutil.rmtree(PHOTOS_DIR, ignore_errors=True)
    PHOTOS_DIR.mkdir(parents=True)
    pool = [p for paths in real_photos(per_class=2).values() for p in paths]
    rng = np.random.default_rng(2026)
    # One noise field, shifted per file: every file differs everywhere (own fingerprint, own
    # JPEG entropy) without paying for fresh random numbers per photo.
    noise = rng.integers(-5, 6, size=(SIZE[1] + 64, SIZE[0] + 64, 1), dtype=np.int16)
    bases = []
    for src in pool[:6]:
        with Image.open(src) as im:
            bases.append(np.asarray(im.convert("RGB").resize(SIZE, Image.BICUBIC), dtype=np.int16))
    out = []
    for i in range(count):
        dy, dx = (int(v) for v in rng.integers(0, 64, size=2))
        pixels = bases[i % len(bases)] + noise[dy : dy + SIZE[1], dx : dx + SIZE[0]]
        path = PHOTOS_DIR / f"photo-{i:04d}.jpg"
        Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(path, quality=90)
        out.append(path)
        if (i + 1) % 20 == 0:
            print(f"  generated {i + 1}/{count} 24 MP JPEGs", flush=True)
    stamp.write_text(PHOTO_VERSION + "\n")
    return out


def build_library(photos: list[Path], root: Path) -> Path:
    lib = root / "lib"
    for cluster, seed in (("keep", photos[0]), ("other", photos[1])):
        (lib / cluster).mkdir(parents=True)
        os.link(seed, lib / cluster / seed.name)
    for p in photos[2:]:
        os.link(p, lib / p.name)
    return lib


def run_mode(photos: list[Path], prefetch: bool, decisions: int, think: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="photosort-uibench-", dir=OUT_DIR) as tmp:
        lib = build_library(photos, Path(tmp))
        server = Server([str(lib), "--model", "none"])
        server.start()
        try:
            server.wait_for("/api/health")
            cmd = [
                "node",
                str(REPO / "bench" / "ui_bench.mjs"),
                "--url",
                server.url,
                "--prefetch",
                "1" if prefetch else "0",
                "--decisions",
                str(decisions),
                "--think",
                str(think),
            ]
            res = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=1800)
            if res.returncode != 0:
                raise SystemExit(f"ui_bench.mjs failed:\n{res.stderr}\n{res.stdout}")
            return dict(json.loads(res.stdout.strip().splitlines()[-1]))
        finally:
            server.stop(timeout=3)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--decisions", type=int, default=100)
    ap.add_argument("--think", type=int, default=300, help="ms a reviewer looks before a key")
    args = ap.parse_args()
    if not (REPO / "backend" / "photosort" / "static" / "index.html").is_file():
        raise SystemExit("the UI is not built: run `npm --prefix client run build` first")

    photos = make_photos(args.decisions + 10)
    rows, modes = [], {}
    for prefetch in (True, False):
        run = run_mode(photos, prefetch, args.decisions, args.think)
        samples = run["samples"]
        stats = summarize_ms([s["ms"] / 1000.0 for s in samples])
        predecoded = sum(1 for s in samples if s["prefetched"]) / len(samples) if samples else 0.0
        name = "prefetch on" if prefetch else "prefetch off"
        modes[name] = {
            **stats,
            "painted_from_predecoded": round(predecoded, 3),
            "timeouts": run["timeouts"],
            "samples_ms": [round(s["ms"], 2) for s in samples],
        }
        rows.append(
            [
                name,
                stats["n"],
                stats["p50_ms"],
                stats["p95_ms"],
                stats["p99_ms"],
                stats["max_ms"],
                f"{predecoded:.0%}",
            ]
        )
    print_table(
        ["mode", "n", "p50 ms", "p95 ms", "p99 ms", "max ms", "pre-decoded"],
        rows,
        title=f"keypress -> next photo painted, 24 MP JPEGs, {args.think} ms think time "
        f"(target p95 <= 50 ms with prefetch)",
    )
    on = modes["prefetch on"]["p95_ms"]
    print(f"target p95 <= 50 ms with prefetching: {'met' if on <= 50 else 'MISSED'} ({on} ms)")
    path = write_json(
        OUT_DIR / "ui.json",
        "ui",
        {
            "photo": {
                "width": SIZE[0],
                "height": SIZE[1],
                "format": "JPEG q90",
                "recipe": PHOTO_VERSION,
            },
            "decisions": args.decisions,
            "think_ms": args.think,
            "browser": "/usr/bin/chromium (headless)",
            "loadavg_1m": loadavg(),
            "target": {"p95_ms_with_prefetch": 50},
            "modes": modes,
        },
    )
    print(f"wrote {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
