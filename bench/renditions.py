"""Benchmark: rendition cost (cold / cached) and reduced decoding (JPEG draft, RAW previews).

Run from the repository root:  python bench/renditions.py [--json PATH] [--quick]

"Cold" means the rendition cache is empty (a fresh cache folder each repetition); the source file
itself is in the OS page cache, as it is in a session that just scanned it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
try:
    import photosort  # noqa: F401
except ImportError:  # not installed yet: run from the source tree
    sys.path.insert(0, str(REPO / "backend"))

from data import cr2, stamps6  # noqa: E402
from photosort.media import Renditions, RenditionSize, fingerprint, open_image  # noqa: E402
from photosort.media.raw import decode_raw  # noqa: E402

STAMPS = stamps6() / "clutter"
CR2 = cr2()
BIG = (6000, 4000)


@dataclass
class Row:
    name: str
    n: int
    median_ms: float
    mean_ms: float
    min_ms: float
    max_ms: float
    output: str = ""


def measure(
    name: str, fn: Callable[[int], object], n: int, *, describe: Callable[[object], str] = str
) -> Row:
    times, result = [], None
    for i in range(n):
        t0 = time.perf_counter()
        result = fn(i)
        times.append((time.perf_counter() - t0) * 1000)
    return Row(
        name,
        n,
        round(statistics.median(times), 2),
        round(statistics.fmean(times), 2),
        round(min(times), 2),
        round(max(times), 2),
        describe(result),
    )


def ignore_index(fn: Callable[[], object]) -> Callable[[int], object]:
    return lambda _i: fn()


def make_24mp_jpeg(folder: Path) -> tuple[Path, str]:
    """A 6000x4000 JPEG that compresses like a photo: a real photo upscaled, plus sensor grain."""
    sources = sorted(STAMPS.glob("*/*.jpg")) if STAMPS.is_dir() else []
    if sources:
        with Image.open(sources[len(sources) // 2]) as im:
            base = im.convert("RGB")
        w, h = base.size
        base = base.crop((0, (h - w * 2 // 3) // 2, w, (h - w * 2 // 3) // 2 + w * 2 // 3))
        origin = f"upscaled {sources[len(sources) // 2].relative_to(STAMPS.parent.parent)} + noise"
    else:
        y, x = np.mgrid[0:400, 0:600]
        base = Image.fromarray(
            np.stack([x % 256, y % 256, (x + y) % 256], -1).astype(np.uint8), "RGB"
        )
        origin = "synthetic gradient + noise (shared datasets absent)"
    big = np.asarray(base.resize(BIG, Image.Resampling.BICUBIC), dtype=np.int16)
    rng = np.random.default_rng(0)
    for top in range(0, BIG[1], 500):  # in bands, to keep peak memory modest
        band = big[top : top + 500]
        band += rng.normal(0, 7, band.shape).astype(np.int16)
    path = folder / "24mp.jpg"
    Image.fromarray(np.clip(big, 0, 255).astype(np.uint8), "RGB").save(path, quality=90)
    return path, origin


def size_of(result: object) -> str:
    if isinstance(result, Image.Image):
        return f"{result.width}x{result.height}"
    if isinstance(result, tuple) and isinstance(result[0], Image.Image):
        return f"{result[0].width}x{result[0].height} {result[1]}"
    if isinstance(result, Path):
        with Image.open(result) as im:
            return f"{im.width}x{im.height} JPEG, {result.stat().st_size // 1024} KiB"
    return ""


def rendition_rows(label: str, src: Path, work: Path, cold_n: int, cached_n: int) -> list[Row]:
    fp = fingerprint(src)
    sizes: tuple[RenditionSize, ...] = ("preview", "thumb")
    rows = []
    for size in sizes:

        def cold(i: int, size: RenditionSize = size) -> Path:
            return Renditions(work / f"{label}-{size}-cold-{i}").path_for(src, fp, size)

        warm = Renditions(work / f"{label}-{size}-warm")
        warm.path_for(src, fp, size)

        def cached(_i: int, warm: Renditions = warm, size: RenditionSize = size) -> Path:
            return warm.path_for(src, fp, size)

        rows.append(measure(f"{label} {size} cold", cold, cold_n, describe=size_of))
        rows.append(measure(f"{label} {size} cached", cached, cached_n, describe=size_of))
    return rows


def decode_rows(jpeg: Path, cold_n: int) -> list[Row]:
    cases: list[tuple[str, Callable[[], object]]] = [
        ("24MP open_image full", lambda: open_image(jpeg))
    ]
    cases += [
        (f"24MP open_image min_edge={edge}", partial(open_image, jpeg, min_edge=edge))
        for edge in (224, 256, 1600)
    ]
    if CR2.is_file():
        cases += [
            (name, partial(decode_raw, CR2, min_edge=edge))
            for name, edge in [
                ("CR2 embedded min_edge=224", 224),
                ("CR2 embedded (preview)", None),
                ("CR2 demosaic half-size", 1750),
                ("CR2 demosaic full-size", 3000),
            ]
        ]
    return [measure(name, ignore_index(fn), cold_n, describe=size_of) for name, fn in cases]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=REPO / "bench" / "out" / "renditions.json")
    parser.add_argument("--cold", type=int, default=5, help="repetitions for uncached work")
    parser.add_argument("--cached", type=int, default=50, help="repetitions for cache hits")
    parser.add_argument("--quick", action="store_true", help="2 cold / 10 cached repetitions")
    args = parser.parse_args()
    cold_n, cached_n = (2, 10) if args.quick else (args.cold, args.cached)

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="photosort-bench-") as tmp:
        work = Path(tmp)
        jpeg, origin = make_24mp_jpeg(work)
        print(f"24 MP test JPEG: {origin}, {jpeg.stat().st_size / 1e6:.1f} MB", file=sys.stderr)

        rows.append(measure("24MP fingerprint", lambda _i: fingerprint(jpeg), cached_n))
        rows += rendition_rows("24MP JPEG", jpeg, work, cold_n, cached_n)
        if CR2.is_file():
            rows += rendition_rows("CR2", CR2, work, cold_n, cached_n)
        else:
            print(f"skipping RAW rows: {CR2} not found", file=sys.stderr)
        rows += decode_rows(jpeg, cold_n)

    by_name = {r.name: r.median_ms for r in rows}

    def ratio(slow: str, fast: str) -> float | None:
        if slow in by_name and fast in by_name and by_name[fast] > 0:
            return round(by_name[slow] / by_name[fast], 1)
        return None

    ratios = {
        "jpeg_full_vs_draft224": ratio("24MP open_image full", "24MP open_image min_edge=224"),
        "preview_cold_vs_cached": ratio("24MP JPEG preview cold", "24MP JPEG preview cached"),
        "raw_full_demosaic_vs_embedded224": ratio(
            "CR2 demosaic full-size", "CR2 embedded min_edge=224"
        ),
        "raw_full_demosaic_vs_embedded_preview": ratio(
            "CR2 demosaic full-size", "CR2 embedded (preview)"
        ),
        "raw_half_demosaic_vs_embedded_preview": ratio(
            "CR2 demosaic half-size", "CR2 embedded (preview)"
        ),
    }
    print_table(rows, ratios)

    report = {
        "benchmark": "renditions",
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        },
        "repetitions": {"cold": cold_n, "cached": cached_n},
        "rows": [asdict(r) for r in rows],
        "ratios": ratios,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.json}", file=sys.stderr)


def print_table(rows: list[Row], ratios: dict[str, float | None]) -> None:
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        for r in rows:
            print(f"{r.name:34} n={r.n:3} median {r.median_ms:9.2f} ms  {r.output}")
        for k, v in ratios.items():
            print(f"{k:40} {v}x")
        return
    table = Table(title="photosort media benchmark (ms)")
    for col in ("case", "n", "median", "mean", "min", "max", "output"):
        table.add_column(col, justify="left" if col in ("case", "output") else "right")
    for r in rows:
        table.add_row(
            r.name,
            str(r.n),
            f"{r.median_ms:.2f}",
            f"{r.mean_ms:.2f}",
            f"{r.min_ms:.2f}",
            f"{r.max_ms:.2f}",
            r.output,
        )
    console = Console(width=120)
    console.print(table)
    for k, v in ratios.items():
        console.print(f"{k}: {v}x" if v is not None else f"{k}: n/a")


if __name__ == "__main__":
    main()
