"""Stacks: which time gap and which vector cut tell bursts apart, measured on a labeled set.

The set is built from real photos (stamps6/clutter: ../shared/datasets when present, else the
repository's test set; bench/data.py): bursts of 2-8 frames of one photo with small shifts,
crops and exposure changes (backend/tests/bursts.py), written as JPEGs with EXIF
DateTimeOriginal + SubSecTimeOriginal 0.2-1.0 s apart; between them single shots of *other*
photos 0.5-4 s after a burst; the burst's scene reframed (a 35-55% zoom: a new shot, not a
frame) within seconds; and retakes: a second burst of the same
photo 20-60 s later (a different stack). Capture times are read back from the files
(media/capture.py), vectors come from the real offline embedder, stacks from the product's own
`find_stacks`. Pairwise precision/recall: a pair of photos is "together" when both are in one
stack. The chosen setting is the best F1 among those with precision >= 0.99 (ties: the larger
cut, the smaller gap), printed with
the table and written to bench/out/stacks.json. A last row times `find_stacks` on 100k
synthetic items.

    .venv/bin/python bench/stacks.py [--bursts 60] [--model auto]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from itertools import combinations
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend" / "tests"))

from bursts import T0, make_burst, write_photo, write_single

from common import print_table, write_json
from data import stamps6
from photosort.media.capture import capture_time
from photosort.ml import load_embedder
from photosort.suggest.review.stacks import find_stacks

GAPS = (0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
CUTS = (0.70, 0.75, 0.80, 0.85, 0.90, 0.93, 0.95, 0.97)
MIN_PRECISION = 0.99  # the chosen setting's pairwise precision, at least


def build(folder: Path, n_bursts: int, seed: int) -> tuple[list[Path], list[int]]:
    """The labeled set: files, and per file its stack label (-1: a shot of its own)."""
    rng = random.Random(seed)
    photos = sorted((stamps6() / "clutter").glob("*/*.jpg"))
    rng.shuffle(photos)
    if n_bursts > len(photos) // 3:  # singles must be other pictures than any burst's
        n_bursts = len(photos) // 3
        print(f"only {len(photos)} photos: {n_bursts} bursts")
    bases, others = photos[:n_bursts], photos[n_bursts:]
    files: list[Path] = []
    labels: list[int] = []
    t = T0
    label = 0
    for b, base in enumerate(bases):
        frames = rng.randint(2, 8)
        step = rng.uniform(0.2, 1.0)
        burst = make_burst(base, folder, f"b{b:03d}", frames, start=t, step_s=step, seed=b)
        files += burst
        labels += [label] * frames
        label += 1
        t += timedelta(seconds=frames * step + rng.uniform(0.5, 4.0))
        if rng.random() < 0.5:  # the same scene reframed (zoomed in): a new shot, not a frame
            files.append(reframe(base, folder / f"z{b:03d}.jpg", t, rng))
            labels.append(-1)
            t += timedelta(seconds=rng.uniform(0.5, 3.0))
        for s in range(rng.randint(0, 2)):  # shots of something else, close in time
            other = others.pop() if others else bases[(b + 1) % len(bases)]
            files.append(write_single(other, folder / f"s{b:03d}_{s}.jpg", t))
            labels.append(-1)
            t += timedelta(seconds=rng.uniform(0.5, 4.0))
        if rng.random() < 0.3:  # a retake of the same scene later: a stack of its own
            t += timedelta(seconds=rng.uniform(20, 60))
            again = make_burst(base, folder, f"r{b:03d}", 2, start=t, step_s=step, seed=1000 + b)
            files += again
            labels += [label] * 2
            label += 1
            t += timedelta(seconds=2 * step)
        t += timedelta(seconds=rng.uniform(0.5, 4.0))
    return files, labels


def reframe(photo: Path, path: Path, when: datetime, rng: random.Random) -> Path:
    """The same scene zoomed in on a part (35-55% of the frame kept)."""
    with Image.open(photo) as src:
        im = src.convert("RGB")
    w, h = im.size
    keep = rng.uniform(0.35, 0.55)
    cw, ch = int(w * keep), int(h * keep)
    left, top = rng.randint(0, w - cw), rng.randint(0, h - ch)
    zoomed = im.crop((left, top, left + cw, top + ch)).resize((w, h), Image.Resampling.BICUBIC)
    return write_photo(zoomed, path, when)


def pairs_of(groups: list[list[int]]) -> set[tuple[int, int]]:
    return {(a, b) if a < b else (b, a) for g in groups for a, b in combinations(g, 2)}


def score(pred: set[tuple[int, int]], true: set[tuple[int, int]]) -> tuple[float, float, float]:
    hit = len(pred & true)
    p = hit / len(pred) if pred else 1.0
    r = hit / len(true) if true else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def timing_100k(dim: int, spacing_s: float) -> tuple[float, float]:
    """Seconds `find_stacks` takes over 100k items (random vectors), shots `spacing_s` apart
    on average: 1 s is the worst case (every photo has a neighbour within the gap), 30 s a
    library of sessions; and the peak MB it allocates beyond the vectors (numpy's buffers are
    traced), which must not grow with the library."""
    rng = np.random.default_rng(0)
    vecs = rng.standard_normal((100_000, dim)).astype(np.float32)
    times = np.cumsum(rng.exponential(spacing_s, 100_000))
    tracemalloc.start()
    started = time.perf_counter()
    find_stacks(times, vecs)
    took = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return took, peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--bursts", type=int, default=60)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--model", default="auto")
    ap.add_argument("--json", type=Path, default=Path("bench/out/stacks.json"))
    args = ap.parse_args()
    choice = load_embedder(args.model, "cpu")

    with tempfile.TemporaryDirectory() as tmp:
        files, labels = build(Path(tmp), args.bursts, args.seed)
        times = np.array([capture_time(f).time for f in files], dtype=np.float64)
        images = [Image.open(f).convert("RGB") for f in files]
        vecs = np.asarray(choice.embedder.embed_images(images), dtype=np.float32)
    truth = pairs_of(
        [[i for i, lab in enumerate(labels) if lab == k] for k in set(labels) if k >= 0]
    )
    rows, grid = [], []
    for gap in GAPS:
        for cut in CUTS:
            p, r, f1 = score(pairs_of(find_stacks(times, vecs, gap, cut)), truth)
            grid.append({"gap_s": gap, "cut": cut, "precision": p, "recall": r, "f1": f1})
            rows.append([f"{gap:g}", f"{cut:.2f}", p, r, f1])
    # A stack that takes in another shot files it with the burst: precision comes first.
    precise = [g for g in grid if g["precision"] >= MIN_PRECISION] or grid
    best = max(precise, key=lambda g: (round(g["f1"], 3), g["cut"], -g["gap_s"]))
    print_table(["gap s", "cut", "precision", "recall", "F1"], rows, "stack pairs (pairwise)")
    (dense, dense_mb), (sparse, _) = (timing_100k(vecs.shape[1], s) for s in (1.0, 30.0))
    print(
        f"\n{len(files)} photos, {len(truth)} true pairs, embedder {choice.embedder.id}; "
        f"best: gap {best['gap_s']:g} s, cut {best['cut']:.2f} -> precision "
        f"{best['precision']:.3f}, recall {best['recall']:.3f}; find_stacks over 100k "
        f"(dim {vecs.shape[1]}): {dense:.2f} s (a shot a second; peak {dense_mb:.0f} MB "
        f"allocated), {sparse:.2f} s (every 30 s)"
    )
    write_json(
        args.json,
        "stacks",
        {
            "photos": len(files),
            "true_pairs": len(truth),
            "embedder": choice.embedder.id,
            "grid": grid,
            "best": best,
            "find_stacks_100k_s": {"every_1s": round(dense, 3), "every_30s": round(sparse, 3)},
            "find_stacks_100k_peak_mb": round(dense_mb, 1),
        },
    )


if __name__ == "__main__":
    main()
