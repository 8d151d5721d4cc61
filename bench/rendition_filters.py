"""Where a 12 MP photo's renditions cost their CPU in indexing, and what the preview's resize
filter does to quality.

Run from the repository root:  python bench/rendition_filters.py [--photos N] [--json PATH]

Two tables, on `bench/startup.py`'s folder (sample photos at 12 MP):
- thread CPU time per step (median over the photos): the model-only decode (DCT-scaled to
  1/8) against the one decode indexing does with renditions (1/2, for the 1600 px preview),
  the resize to 1600 px per filter, the JPEG encodes, the thumb and the model input;
- each filter's 1600 px preview against a reference made from the full 4000 px decode with
  LANCZOS: PSNR before and after the q85 JPEG encode the cache stores, and sharpness (mean
  gradient magnitude as a share of the reference's: below 1 is softer, above 1 aliased).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))
sys.path.insert(0, str(ROOT / "bench"))

from common import OUT_DIR, loadavg, print_table, write_json  # noqa: E402
from photosort.media import open_image  # noqa: E402
from photosort.media.renditions import JPEG_QUALITY, RENDITION_EDGES  # noqa: E402
from photosort.suggest.indexing.pipeline import box_reduced  # noqa: E402
from startup import build_folder  # noqa: E402

R = Image.Resampling
FILTERS = {"BICUBIC": R.BICUBIC, "HAMMING": R.HAMMING, "BILINEAR": R.BILINEAR, "BOX": R.BOX}
MODEL_EDGE = 336  # both embedders: a 224 px input, 1.5x for the centre crop of a 3:2 photo
PREVIEW = RENDITION_EDGES["preview"]


def _cpu_ms(fn: Callable[[], Any]) -> tuple[Any, float]:
    t = time.thread_time()
    out = fn()
    return out, (time.thread_time() - t) * 1000


def _jpeg(im: Image.Image, quality: int) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def _shrunk(im: Image.Image, edge: int, resample: R) -> Image.Image:
    scale = edge / max(im.size)
    size = (round(im.width * scale), round(im.height * scale))
    return im.resize(size, resample, reducing_gap=2.0)


def _photo_steps(p: Path) -> dict[str, float]:
    """CPU ms of each step for one photo."""
    out: dict[str, float] = {}
    _, ms = _cpu_ms(lambda: box_reduced(open_image(p, min_edge=MODEL_EDGE), MODEL_EDGE))
    out["model only: decode at 1/8 + model input"] = ms
    half, out["with renditions: decode at 1/2"] = _cpu_ms(lambda: open_image(p, min_edge=PREVIEW))
    for name, f in FILTERS.items():
        out[f"resize to 1600 px, {name}"] = _cpu_ms(partial(_shrunk, half, PREVIEW, f))[1]
    preview = _shrunk(half, PREVIEW, R.HAMMING)
    out["encode preview (q85)"] = _cpu_ms(lambda: _jpeg(preview, JPEG_QUALITY["preview"]))[1]
    model_input, ms = _cpu_ms(lambda: box_reduced(preview, MODEL_EDGE))
    out["model input from the preview (reduce)"] = ms
    thumb_edge = RENDITION_EDGES["thumb"]
    _, out["thumb from the preview"] = _cpu_ms(lambda: _shrunk(preview, thumb_edge, R.HAMMING))
    thumb, ms = _cpu_ms(lambda: _shrunk(model_input, thumb_edge, R.HAMMING))
    out["thumb from the model input"] = ms
    out["encode thumb (q80)"] = _cpu_ms(lambda: _jpeg(thumb, JPEG_QUALITY["thumb"]))[1]
    return out


def step_costs(photos: list[Path]) -> dict[str, float]:
    steps: dict[str, list[float]] = {}
    for p in photos:
        for name, ms in _photo_steps(p).items():
            steps.setdefault(name, []).append(ms)
    return {k: round(statistics.median(v), 2) for k, v in steps.items()}


def _psnr(a: Image.Image, b: Image.Image) -> float:
    d = np.asarray(a, np.float64) - np.asarray(b, np.float64)
    return float(10 * np.log10(255**2 / np.mean(d * d)))


def _gradient(im: Image.Image) -> float:
    g = np.asarray(im.convert("L"), np.float64)
    return float(np.abs(np.diff(g, axis=1)).mean() + np.abs(np.diff(g, axis=0)).mean())


def filter_quality(photos: list[Path]) -> dict[str, dict[str, float]]:
    rows: dict[str, list[tuple[float, float, float]]] = {}
    for p in photos:
        with Image.open(p) as im:
            full = im.convert("RGB")
        ref = _shrunk(full, PREVIEW, R.LANCZOS)
        half = open_image(p, min_edge=PREVIEW)
        for name, f in FILTERS.items():
            out = _shrunk(half, PREVIEW, f)
            stored = Image.open(io.BytesIO(_jpeg(out, JPEG_QUALITY["preview"])))
            rows.setdefault(name, []).append(
                (_psnr(out, ref), _psnr(stored, ref), _gradient(out) / _gradient(ref))
            )
        stored_ref = Image.open(io.BytesIO(_jpeg(ref, JPEG_QUALITY["preview"])))
        rows.setdefault("reference, encoded", []).append((99.0, _psnr(stored_ref, ref), 1.0))
    return {
        k: {
            "psnr_db": round(float(np.mean([r[0] for r in v])), 2),
            "psnr_after_q85_db": round(float(np.mean([r[1] for r in v])), 2),
            "sharpness": round(float(np.mean([r[2] for r in v])), 3),
        }
        for k, v in rows.items()
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--photos", type=int, default=16)
    ap.add_argument("--json", type=Path, default=OUT_DIR / "rendition_filters.json")
    args = ap.parse_args()
    folder = build_folder(5, 200)
    distinct: dict[str, Path] = {}
    for p in sorted(folder.glob("IMG_*.jpg")):  # the folder repeats each sample photo
        distinct.setdefault(p.stem.split("_", 2)[2], p)
    photos = list(distinct.values())[: args.photos]
    load_before = loadavg()
    costs = step_costs(photos)
    quality = filter_quality(photos)
    print_table(
        ["step", "CPU ms"], [[k, f"{v:.1f}"] for k, v in costs.items()], title="one 12 MP photo"
    )
    print()
    print_table(
        ["1600 px preview", "PSNR dB", "after q85", "sharpness"],
        [
            [k, f"{v['psnr_db']:.1f}", f"{v['psnr_after_q85_db']:.1f}", f"{v['sharpness']:.3f}"]
            for k, v in quality.items()
        ],
        title="against LANCZOS from the full decode (decode at 1/2, then the filter)",
    )
    print(f"load average: {load_before} before, {loadavg()} after; {len(photos)} photos")
    payload = {"photos": len(photos), "steps_ms": costs, "quality": quality}
    path = write_json(args.json, "rendition_filters", payload)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
