"""Embedder benchmark: which EfficientNet-Lite0 pooling / cheap trick sorts stamps6 best, and
how fast the embedders run on this machine.

Quality: nearest-centroid top-1 on ../shared/datasets/stamps6/{white,clutter}: per seeding,
5 random photos per class are the class's seeds, the class centroid is the normalised mean of
their vectors, every other photo goes to the class whose centroid has the highest cosine.
20 seedings (the same ones for every variant, so differences are paired). Each variant's
vectors are computed once; only the seed draw changes between seedings.

Speed: forward-pass-only images/s of EfficientNet-Lite0 (batch 4 and 32), end-to-end
``embed_images`` on decoded 384 px photos, and a full-size random-weight CLIP ViT-B/32 image
tower (batch 32), all fp32 on CPU.

Run from the repository root: ``python bench/embedders.py`` (``--quick`` for a smoke run).
Prints a table and writes bench/out/embedders.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
try:
    import photosort  # noqa: F401
except ImportError:  # running from a checkout without an install
    sys.path.insert(0, str(ROOT / "backend"))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from numpy.typing import NDArray  # noqa: E402
from PIL import Image  # noqa: E402

from data import stamps6  # noqa: E402
from photosort.ml.efficientnet import (  # noqa: E402
    DEFAULT_POOLING,
    DEFAULT_TTA,
    INPUT_SIZE,
    EfficientNetLite0Embedder,
    pool_features,
    to_input,
)
from photosort.ml.embedder import center_crop_resize, l2_normalise  # noqa: E402

DATA = stamps6()
SEEDS_PER_CLASS = 5


def load_set(folder: Path) -> tuple[list[Image.Image], NDArray[np.int64], list[str]]:
    classes = sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    images: list[Image.Image] = []
    labels: list[int] = []
    for ci, cls in enumerate(classes):
        for f in sorted((folder / cls).iterdir()):
            if f.suffix.lower() in (".jpg", ".jpeg", ".png"):
                with Image.open(f) as im:
                    images.append(im.convert("RGB"))
                labels.append(ci)
    return images, np.asarray(labels, dtype=np.int64), classes


def nearest_centroid_top1(
    vecs: NDArray[np.float32], labels: NDArray[np.int64], seeding: int
) -> float:
    rng = np.random.default_rng(seeding)
    n_cls = int(labels.max()) + 1
    is_seed = np.zeros(len(labels), dtype=bool)
    centroids = np.zeros((n_cls, vecs.shape[1]), dtype=np.float64)
    for c in range(n_cls):
        idx = np.flatnonzero(labels == c)
        pick = rng.choice(idx, size=SEEDS_PER_CLASS, replace=False)
        is_seed[pick] = True
        centroids[c] = vecs[pick].mean(axis=0)
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    rest = ~is_seed
    pred = np.argmax(vecs[rest] @ centroids.T, axis=1)
    return float(np.mean(pred == labels[rest]))


def evaluate(
    vecs: NDArray[np.float32], labels: NDArray[np.int64], seedings: int
) -> tuple[float, float]:
    accs = [nearest_centroid_top1(vecs, labels, s) for s in range(seedings)]
    return statistics.fmean(accs), statistics.pstdev(accs)


def rate(fn: Callable[[], object], n_images: int, repeats: int) -> float:
    """Best-of-``repeats`` images/s (the machine is shared; best is the least noisy)."""
    fn()  # warm-up
    best = 0.0
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = max(best, n_images / (time.perf_counter() - t0))
    return best


def pooled_variants(
    emb: EfficientNetLite0Embedder, images: list[Image.Image], *, crop: float, flip: bool, size: int
) -> dict[str, torch.Tensor]:
    """Pooled head features (not normalised) for every pooling, plus logits, per image."""
    net = emb.load()
    out: dict[str, list[torch.Tensor]] = {"avg": [], "max": [], "gem": [], "logits": []}
    with torch.inference_mode():
        for start in range(0, len(images), 8):
            pix = np.stack(
                [
                    center_crop_resize(im, size, crop_fraction=crop)
                    for im in images[start : start + 8]
                ]
            )
            x = to_input(pix).contiguous(memory_format=torch.channels_last)
            if flip:
                x = torch.flip(x, dims=[3])
            fmap = net.features(x)
            for p in ("avg", "max", "gem"):
                out[p].append(pool_features(fmap, p))
            out["logits"].append(net._fc(fmap.mean(dim=(2, 3))))
    return {k: torch.cat(v) for k, v in out.items()}


def unit(t: torch.Tensor) -> torch.Tensor:
    return F.normalize(t.float(), dim=1)


def quality(seedings: int, quick: bool) -> tuple[list[dict[str, Any]], dict[str, int]]:
    emb = EfficientNetLite0Embedder("cpu", pooling="avg", tta="none")
    rows: list[dict[str, Any]] = []
    sizes: dict[str, int] = {}
    results: dict[str, dict[str, tuple[float, float]]] = {}
    for subset in ("white", "clutter"):
        images, labels, _classes = load_set(DATA / subset)
        if quick:
            keep = np.concatenate(
                [np.flatnonzero(labels == c)[:12] for c in range(labels.max() + 1)]
            )
            images = [images[i] for i in keep]
            labels = labels[keep]
        sizes[subset] = len(images)
        base = pooled_variants(emb, images, crop=1.0, flip=False, size=INPUT_SIZE)
        flip = pooled_variants(emb, images, crop=1.0, flip=True, size=INPUT_SIZE)
        crop875 = pooled_variants(emb, images, crop=0.875, flip=False, size=INPUT_SIZE)
        big = pooled_variants(emb, images, crop=1.0, flip=False, size=288)
        variants: dict[str, tuple[torch.Tensor, float]] = {}
        for p in ("avg", "max", "gem"):
            variants[f"{p}"] = (unit(base[p]), 1.0)
            variants[f"{p} +flip TTA"] = (unit(unit(base[p]) + unit(flip[p])), 2.0)
            variants[f"{p} crop 0.875"] = (unit(crop875[p]), 1.0)
            variants[f"{p} +2-crop (1.0, 0.875)"] = (unit(unit(base[p]) + unit(crop875[p])), 2.0)
            variants[f"{p} @288px"] = (unit(big[p]), (288 / 224) ** 2)
            variants[f"{p} sqrt-power"] = (unit(base[p].clamp(min=0).sqrt()), 1.0)
        variants["avg||max concat (2560-d)"] = (
            torch.cat([unit(base["avg"]), unit(base["max"])], dim=1) / np.sqrt(2.0),
            1.0,
        )
        variants["ImageNet logits (1000-d, info)"] = (unit(base["logits"]), 1.0)
        variants["ImageNet softmax (1000-d, info)"] = (unit(base["logits"].softmax(dim=1)), 1.0)
        for name, (vecs, cost) in variants.items():
            mean, std = evaluate(l2_normalise(vecs), labels, seedings)
            results.setdefault(name, {})[subset] = (mean, std)
            results[name]["_cost"] = (cost, 0.0)
    for name, res in results.items():
        rows.append(
            {
                "variant": name,
                "white_top1": res["white"][0],
                "white_std": res["white"][1],
                "clutter_top1": res["clutter"][0],
                "clutter_std": res["clutter"][1],
                "mean_top1": (res["white"][0] + res["clutter"][0]) / 2,
                "relative_cost": res["_cost"][0],
            }
        )
    return rows, sizes


def speed(quick: bool) -> dict[str, float]:
    reps = 2 if quick else 5
    out: dict[str, float] = {}
    emb = EfficientNetLite0Embedder("cpu")
    net = emb.load()
    with torch.inference_mode():
        for bs in (4, 32):
            x = torch.randn(bs, 3, INPUT_SIZE, INPUT_SIZE).contiguous(
                memory_format=torch.channels_last
            )
            n_batches = max(1, 64 // bs)

            def fwd(x: torch.Tensor = x, n_batches: int = n_batches) -> None:
                for _ in range(n_batches):
                    net.features(x)

            out[f"effnet_lite0_forward_b{bs}"] = rate(fwd, bs * n_batches, reps)
    images, _, _ = load_set(DATA / "white")
    images = images[:64]
    out["effnet_lite0_embed_images_384px"] = rate(lambda: emb.embed_images(images), 64, reps)

    from transformers import CLIPConfig, CLIPModel

    torch.manual_seed(0)
    clip: Any = CLIPModel(CLIPConfig())  # ViT-B/32 shapes, random weights
    clip.eval()
    with torch.inference_mode():
        px = torch.randn(32, 3, 224, 224)

        def clip_fwd() -> None:
            clip.visual_projection(clip.vision_model(pixel_values=px).pooler_output)

        out["clip_vit_b32_random_forward_b32"] = rate(clip_fwd, 32, max(1, reps - 2))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--seedings", type=int, default=20)
    ap.add_argument("--quick", action="store_true", help="small subset, fewer repeats")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "embedders.json")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

    t0 = time.perf_counter()
    rows, sizes = quality(args.seedings, args.quick)
    rows.sort(key=lambda r: -float(r["mean_top1"]))
    rates = speed(args.quick)

    print(
        f"\nNearest-centroid top-1, stamps6, {SEEDS_PER_CLASS} seeds/class, "
        f"{args.seedings} seedings (white n={sizes['white']}, clutter n={sizes['clutter']})"
    )
    print(f"{'variant':38s} {'white':>14s} {'clutter':>14s} {'mean':>7s} {'cost':>5s}")
    for r in rows:
        print(
            f"{r['variant']:38s} {100 * r['white_top1']:6.1f} ±{100 * r['white_std']:4.1f}  "
            f" {100 * r['clutter_top1']:6.1f} ±{100 * r['clutter_std']:4.1f}  "
            f"{100 * r['mean_top1']:6.1f} {r['relative_cost']:4.1f}x"
        )
    print(f"\nDefault: pooling={DEFAULT_POOLING}, tta={DEFAULT_TTA}")
    print("\nThroughput (fp32, CPU, best of repeats, images/s)")
    for k, v in rates.items():
        print(f"  {k:40s} {v:8.1f}")

    result = {
        "bench": "embedders",
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor(),
            "cpus": os.cpu_count(),
            "torch": torch.__version__,
            "torch_threads": torch.get_num_threads(),
        },
        "protocol": {
            "datasets": {k: str(DATA / k) for k in sizes},
            "n_images": sizes,
            "seeds_per_class": SEEDS_PER_CLASS,
            "seedings": args.seedings,
            "metric": "nearest-centroid top-1 on non-seed photos, mean ± std over seedings",
        },
        "default": {"pooling": DEFAULT_POOLING, "tta": DEFAULT_TTA},
        "quality": rows,
        "images_per_second": rates,
        "quick": args.quick,
        "wall_s": time.perf_counter() - t0,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(f"\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
