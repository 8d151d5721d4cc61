"""Indexing throughput: the embedder's forward pass alone vs the product's whole pipeline.

Generates `--count` 12 MP JPEGs (distinct bytes, real photo content) plus `--raw` copies of
the real CR2, then for each embedder measures in the same run:
- forward-only images/s: the model on already preprocessed tensors, nothing else;
- end-to-end images/s: `SuggestionService.index_pending` on a fresh session over the folder
  (fingerprint, decode with JPEG draft / RAW embedded preview, preprocess, forward, cache write);
- their ratio (SPEC target >= 90%: decoding must hide behind inference);
- RAW: ms per file via the embedded preview vs a full demosaic.

CLIP is timed at full ViT-B/32 size with random weights (no hub access here).

    python bench/index.py [--count 300] [--raw 20] [--json bench/out/index.json]
    python bench/index.py --embedders efficientnet-lite0,efficientnet-lite0:none   # zoom's cost
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast, get_args

import numpy as np
import torch
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))

from data import cr2, stamps6  # noqa: E402
from photosort.media import open_image  # noqa: E402
from photosort.media.raw import decode_raw  # noqa: E402
from photosort.ml import Embedder  # noqa: E402
from photosort.session import Session  # noqa: E402
from photosort.suggest import SuggestionService  # noqa: E402

SIZE_12MP = (4000, 3000)


def make_photos(folder: Path, count: int, raw: int) -> None:
    """12 MP JPEGs from real photos (upscaled, with grain so they compress like photos). A few
    bases are encoded; the rest are byte-distinct copies (a trailing comment after EOI), so
    every file has its own fingerprint and is embedded for real."""
    sources = sorted((stamps6() / "clutter").glob("*/*.jpg"))[::17][:6]
    rng = np.random.default_rng(0)
    bases: list[bytes] = []
    for src in sources:
        img = Image.open(src).convert("RGB").resize(SIZE_12MP, Image.Resampling.BICUBIC)
        arr = np.asarray(img, dtype=np.int16) + rng.integers(-12, 13, (*SIZE_12MP[::-1], 3))
        out = folder / "base.jpg"
        Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).save(out, quality=90)
        bases.append(out.read_bytes())
        out.unlink()
    for i in range(count):
        (folder / f"IMG_{i:04d}.jpg").write_bytes(bases[i % len(bases)] + f"{i:08d}".encode())
    for i in range(raw):
        (folder / f"RAW_{i:03d}.CR2").write_bytes(cr2().read_bytes() + f"{i:08d}".encode())


def forward_rate(embedder: Any, images: list[Image.Image], repeats: int) -> float:
    """Images/s of the model alone on preprocessed batches (best of `repeats`)."""
    batch = getattr(embedder, "batch_size", 16)
    tensors = [embedder.preprocess(images[i : i + batch]) for i in range(0, len(images), batch)]
    forward: Callable[[torch.Tensor], Any]
    if hasattr(embedder, "embed_tensor"):
        forward = embedder.embed_tensor
    else:
        forward = embedder._image_features  # CLIP: the towers + projection, nothing else
    best = 0.0
    with torch.inference_mode():
        forward(tensors[0])  # warm-up
        for _ in range(repeats):
            t0 = time.perf_counter()
            for t in tensors:
                forward(t)
            best = max(best, len(images) / (time.perf_counter() - t0))
    return best


def end_to_end_rate(embedder: Embedder, photos: Path) -> tuple[float, int, int]:
    lib = Path(tempfile.mkdtemp(prefix="photosort-index-"))
    try:
        for p in photos.iterdir():
            os.link(p, lib / p.name)
        session = Session(lib)
        service = SuggestionService(session, lambda: (embedder, "bench"))
        service.load_embedder()
        t0 = time.perf_counter()
        done = service.index_pending()
        seconds = time.perf_counter() - t0
        failed = service.progress()["failed"]
        service.close()
        session.close()
        return done / seconds, done, failed
    finally:
        shutil.rmtree(lib)


def raw_times(repeats: int) -> dict[str, float]:
    embedded = [timed(lambda: decode_raw(cr2(), min_edge=336)) for _ in range(repeats)]
    demosaic = [
        timed(lambda: decode_raw(cr2(), min_edge=4000)) for _ in range(max(2, repeats // 3))
    ]
    assert decode_raw(cr2(), min_edge=336)[1] == "embedded"
    return {
        "embedded_preview_ms": statistics.median(embedded) * 1000,
        "demosaic_ms": statistics.median(demosaic) * 1000,
        "speedup": statistics.median(demosaic) / statistics.median(embedded),
    }


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def clip_random_full_size(folder: Path) -> Embedder:
    from transformers import CLIPConfig, CLIPImageProcessor, CLIPModel

    from photosort.ml import ClipEmbedder

    torch.manual_seed(0)
    CLIPModel(CLIPConfig()).save_pretrained(folder)  # ViT-B/32 sizes, random weights
    CLIPImageProcessor(
        size={"shortest_edge": 224}, crop_size={"height": 224, "width": 224}
    ).save_pretrained(folder)
    return ClipEmbedder(folder, "cpu")


def lite0_with(product: Any, tta: str) -> Embedder:
    """The product's Lite0 embedder (its threads) with another second view (`Tta`)."""
    from photosort.ml import EfficientNetLite0Embedder
    from photosort.ml.efficientnet import Tta

    if tta not in get_args(Tta):
        sys.exit(f"error: unknown Lite0 view {tta!r}: one of {', '.join(get_args(Tta))}")
    return EfficientNetLite0Embedder("cpu", tta=cast(Tta, tta), threads=product.threads)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--raw", type=int, default=20)
    ap.add_argument(
        "--embedders",
        default="efficientnet-lite0,clip",
        help="comma-separated; efficientnet-lite0:none (or :flip) is Lite0 with that second view",
    )
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "out" / "index.json")
    args = ap.parse_args()
    from photosort.ml import load_embedder

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="photosort-bench-") as tmp:
        photos = Path(tmp) / "photos"
        photos.mkdir()
        t0 = time.perf_counter()
        make_photos(photos, args.count, args.raw)
        print(
            f"generated {args.count} 12 MP JPEGs + {args.raw} CR2 in "
            f"{time.perf_counter() - t0:.1f}s"
        )
        sample = [open_image(p, min_edge=336) for p in sorted(photos.glob("*.jpg"))[:64]]
        for name in args.embedders.split(","):
            if name == "clip":
                embedder = clip_random_full_size(Path(tmp) / "clip")
            else:
                model, _, tta = name.partition(":")
                embedder = load_embedder(model, "cpu").embedder  # the product's own defaults
                if tta:  # Lite0 with another second view, to compare in the same run
                    embedder = lite0_with(embedder, tta)
            fwd = forward_rate(embedder, sample, repeats=2)
            configured = getattr(embedder, "threads", None)
            embedder.threads = None  # type: ignore[attr-defined]  # the model on every core
            fwd_all = forward_rate(embedder, sample, repeats=2)
            embedder.threads = configured  # type: ignore[attr-defined]
            e2e, done, failed = end_to_end_rate(embedder, photos)
            rows.append(
                {
                    "embedder": embedder.id,
                    "torch_threads": configured,
                    "forward_only_per_s": round(fwd, 1),
                    "forward_all_cores_per_s": round(fwd_all, 1),
                    "end_to_end_per_s": round(e2e, 1),
                    "ratio": round(e2e / fwd, 3),
                    "ratio_vs_all_cores": round(e2e / fwd_all, 3),
                    "photos": done,
                    "failed": failed,
                }
            )
    raw = raw_times(repeats=9)

    print(
        f"machine: {os.cpu_count()} cores, torch {torch.__version__}, "
        f"{torch.get_num_threads()} torch threads"
    )
    print("forward/s: the model alone with the torch threads indexing gives it; fwd all: the")
    print("model alone on every core. ratio = e2e / forward/s, all = e2e / fwd all")
    print(
        f"{'embedder':<44}{'threads':>8}{'forward/s':>10}{'fwd all':>8}{'e2e/s':>7}"
        f"{'ratio':>7}{'all':>6}{'photos':>7}"
    )
    for r in rows:
        threads = r["torch_threads"] or "all"
        print(
            f"{r['embedder']:<44}{threads:>8}{r['forward_only_per_s']:>10}"
            f"{r['forward_all_cores_per_s']:>8}{r['end_to_end_per_s']:>7}{r['ratio']:>7.0%}"
            f"{r['ratio_vs_all_cores']:>6.0%}{r['photos']:>7}"
        )
    print(
        f"RAW (CR2): embedded preview {raw['embedded_preview_ms']:.1f} ms, full demosaic "
        f"{raw['demosaic_ms']:.0f} ms per file: {raw['speedup']:.0f}x faster"
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "rows": rows,
                "raw": raw,
                "count": args.count,
                "raw_files": args.raw,
                "cores": os.cpu_count(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
