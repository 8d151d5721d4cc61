"""A 12 MP photo's 1600 px preview with Pillow (the product) against other wheel-shipped
libjpeg-turbo front ends: what each costs in CPU and what it gives.

Run from the repository root:  python bench/jpeg_codecs.py [--photos N] [--repeat N]

The photos are `sample/`'s (not RAW) upscaled to 4000x3000 with grain and encoded q90, like
`bench/startup.py`'s folder, written to a temporary folder (read back from the page cache:
reading is in every way's figure). Each way makes the q85 1600 px preview from the file:

- `pillow`: the product's path: `media.open_image` (DCT-scaled decode at 1/2, upright RGB),
  `renditions.shrink` (HAMMING), `renditions.encode_jpeg`;
- `simplejpeg + pillow resize`: simplejpeg's decode at its smallest scale factor that keeps
  1600 px (1/2 here), Pillow's same HAMMING resize, simplejpeg's q85 encode (4:2:0 like
  Pillow's);
- the same with simplejpeg's `fastdct` and `fastupsample` (less exact decode);
- `pyvips` (pyvips-binary, libvips bundled): `thumbnail_buffer` (shrink-on-load, then its
  own resize) and a q85 save, one vips thread so that process CPU is comparable.

CPU is the process's (`time.process_time`, every thread), best of `--repeat` per photo, then
the median over the photos; `decode` and `encode` are timed apart too. Quality: PSNR of
each stored preview against a LANCZOS preview from the full 4000 px decode, and its bytes.
Only the ways whose modules are installed run (simplejpeg and pyvips are not dependencies).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

os.environ.setdefault("VIPS_CONCURRENCY", "1")

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))
sys.path.insert(0, str(ROOT / "bench"))

from common import OUT_DIR, loadavg, print_table, write_json  # noqa: E402
from photosort.media import open_image  # noqa: E402
from photosort.media.renditions import (  # noqa: E402
    JPEG_QUALITY,
    RENDITION_EDGES,
    encode_jpeg,
    shrink,
)

PREVIEW = RENDITION_EDGES["preview"]
Q = JPEG_QUALITY["preview"]
SIZE_12MP = (4000, 3000)


def twelve_mp(photos: int, folder: Path) -> list[Path]:
    """`photos` distinct sample photos at 12 MP with grain, q90 JPEGs in `folder`."""
    manifest = json.loads((ROOT / "sample" / ".manifest.json").read_text(encoding="utf-8"))
    paths = [ROOT / "sample" / f["path"] for f in manifest["files"] if f["group"] != "raw"]
    rng = np.random.default_rng(0)
    out: list[Path] = []
    for src in paths[:photos]:
        img = Image.open(src).convert("RGB").resize(SIZE_12MP, Image.Resampling.BICUBIC)
        arr = np.asarray(img, dtype=np.int16) + rng.integers(-12, 13, (*SIZE_12MP[::-1], 3))
        out.append(folder / f"{src.stem}.jpg")
        Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).save(out[-1], quality=90)
    return out


def _pillow(path: Path) -> dict[str, Callable[[], Any]]:
    def decode() -> Image.Image:
        return open_image(path, min_edge=PREVIEW)

    half = decode()
    small = shrink(half, PREVIEW)
    return {
        "all": lambda: encode_jpeg(shrink(decode(), PREVIEW), "preview"),
        "decode": decode,
        "encode": lambda: encode_jpeg(small, "preview"),
    }


def _simplejpeg(path: Path, fast: bool = False) -> dict[str, Callable[[], Any]] | None:
    try:
        import simplejpeg
    except ImportError:
        return None

    def decode() -> np.ndarray:
        data = path.read_bytes()
        # the smallest DCT scale whose long edge keeps PREVIEW (simplejpeg's minimums are
        # per side, so give the long side's)
        h, w, _, _ = simplejpeg.decode_jpeg_header(data)
        side = {"min_width": PREVIEW} if w >= h else {"min_height": PREVIEW}
        out: np.ndarray = simplejpeg.decode_jpeg(
            data, "RGB", fastdct=fast, fastupsample=fast, **side
        )
        return out

    def resize(arr: np.ndarray) -> np.ndarray:
        return np.asarray(shrink(Image.fromarray(arr), PREVIEW))

    def encode(arr: np.ndarray) -> bytes:
        return bytes(simplejpeg.encode_jpeg(arr, Q, "RGB", "420"))

    small = resize(decode())
    return {
        "all": lambda: encode(resize(decode())),
        "decode": decode,
        "encode": lambda: encode(small),
    }


def _pyvips(path: Path) -> dict[str, Callable[[], Any]] | None:
    try:
        import pyvips
    except (ImportError, OSError):
        return None
    pyvips.cache_set_max(0)  # else a repeat is served from vips's operation cache

    def make() -> bytes:
        im = pyvips.Image.thumbnail(str(path), PREVIEW)
        return bytes(im.write_to_buffer(".jpg", Q=Q, optimize_coding=False, strip=True))

    def decode() -> Any:
        im = pyvips.Image.jpegload(str(path), shrink=2)
        return im.write_to_memory()  # vips is lazy: make it decode

    return {"all": make, "decode": decode}


WAYS: dict[str, Callable[[Path], dict[str, Callable[[], Any]] | None]] = {
    "pillow (product)": _pillow,
    "simplejpeg + pillow resize": _simplejpeg,
    "same, fastdct + fastupsample": partial(_simplejpeg, fast=True),
    "pyvips": _pyvips,
}


def _cpu_ms(fn: Callable[[], Any], repeat: int) -> tuple[Any, float]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.process_time()
        out = fn()
        best = min(best, (time.process_time() - t) * 1000)
    return out, best


def _psnr(jpeg: bytes, ref: Image.Image) -> float:
    with Image.open(io.BytesIO(jpeg)) as im:
        got = im.convert("RGB")
    if got.size != ref.size:
        got = got.resize(ref.size, Image.Resampling.LANCZOS)
    d = np.asarray(got, np.float64) - np.asarray(ref, np.float64)
    return float(10 * np.log10(255**2 / np.mean(d * d)))


def measure(photos: list[Path], repeat: int) -> dict[str, dict[str, float]]:
    rows: dict[str, dict[str, list[float]]] = {}
    for data in photos:
        with Image.open(data) as im:
            full = im.convert("RGB")
        scale = PREVIEW / max(full.size)
        size = (round(full.width * scale), round(full.height * scale))
        ref = full.resize(size, Image.Resampling.LANCZOS)
        for way, make in WAYS.items():
            steps = make(data)
            if steps is None:
                continue
            got = rows.setdefault(way, {})
            for step, fn in steps.items():
                out, ms = _cpu_ms(fn, repeat)
                got.setdefault(f"{step} ms", []).append(ms)
                if step == "all":
                    got.setdefault("PSNR dB", []).append(_psnr(out, ref))
                    got.setdefault("kB", []).append(len(out) / 1000)
    return {
        way: {k: round(statistics.median(v), 2) for k, v in got.items()}
        for way, got in rows.items()
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--photos", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", type=Path, default=OUT_DIR / "jpeg_codecs.json")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="photosort-jpeg-") as tmp:
        photos = twelve_mp(args.photos, Path(tmp))
        load_before = loadavg()
        results = measure(photos, args.repeat)
    base = results["pillow (product)"]["all ms"]
    cols = ["all ms", "decode ms", "encode ms", "PSNR dB", "kB"]
    print_table(
        ["1600 px q85 preview of a 12 MP JPEG", *cols, "vs pillow"],
        [
            [way, *[f"{r[c]:.1f}" if c in r else "" for c in cols], f"{r['all ms'] / base:.0%}"]
            for way, r in results.items()
        ],
        title=f"process CPU, median over {len(photos)} photos of the best of {args.repeat}",
    )
    print(f"load average: {load_before} before, {loadavg()} after")
    versions = {"pillow": Image.__version__}
    for mod in ("simplejpeg", "pyvips"):
        with contextlib.suppress(ImportError, OSError):
            versions[mod] = __import__(mod).__version__
    path = write_json(
        args.json, "jpeg_codecs", {"photos": len(photos), "versions": versions, "ways": results}
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
