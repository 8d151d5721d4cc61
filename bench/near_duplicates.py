"""Near duplicates: which vector cosine confirms a difference-hash match, measured on real photos.

A near duplicate is flagged when two photos' difference hashes are within 4 bits and, where both
have a vector, their cosine is at least `NEAR_CUT` (suggest/review/duplicates.py). The cosine is
the guard against two different photos whose hashes happen to match, so it must keep the copies
a library really holds and stay above what different photos reach. For every other photo of
each stamps6 set (../shared/datasets when present, else the repository's test set): copies
re-encoded at JPEG quality 85 and 70, halved, and shrunk to 3/4 and re-encoded at 80, each
against its original; and every pair of different photos of the set. Vectors come from the
offline embedder (`--tta` picks Lite0's second view).

    python bench/near_duplicates.py [--tta zoom] [--datasets clutter,white]
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import cast, get_args

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))

from common import OUT_DIR, print_table, write_json
from data import stamps6
from photosort.ml import EfficientNetLite0Embedder
from photosort.ml.efficientnet import DEFAULT_TTA, Tta
from photosort.suggest.review.duplicates import NEAR_CUT

CUTS = (0.95, 0.90, 0.85, 0.80, 0.75)


def _jpeg(im: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def _half(im: Image.Image) -> Image.Image:
    return im.resize((im.width // 2, im.height // 2))


def _three_quarters(im: Image.Image) -> Image.Image:
    return _jpeg(im.resize((im.width * 3 // 4, im.height * 3 // 4)), 80)


COPIES: dict[str, Callable[[Image.Image], Image.Image]] = {
    "JPEG 85": lambda im: _jpeg(im, 85),
    "JPEG 70": lambda im: _jpeg(im, 70),
    "half size": _half,
    "3/4, JPEG 80": _three_quarters,
}


def cosines(folder: Path, tta: Tta) -> tuple[np.ndarray, np.ndarray]:
    """(photos, copies) cosines of each copy to its original, and every different pair's."""
    embedder = EfficientNetLite0Embedder("cpu", tta=tta)
    originals, copies = [], []
    for f in sorted(folder.glob("*/*.jpg"))[::2]:
        with Image.open(f) as src:
            im = src.convert("RGB")
        vecs = embedder.embed_images([im, *(make(im) for make in COPIES.values())])
        originals.append(vecs[0])
        copies.append(vecs[1:] @ vecs[0])
    mat = np.array(originals)
    return np.array(copies), (mat @ mat.T)[np.triu_indices(len(mat), 1)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--tta", choices=get_args(Tta), default=DEFAULT_TTA)
    ap.add_argument("--datasets", default="clutter,white")
    ap.add_argument("--json", type=Path, default=OUT_DIR / "near_duplicates.json")
    args = ap.parse_args()
    rows, results = [], []
    for name in args.datasets.split(","):
        copies, different = cosines(stamps6() / name, cast(Tta, args.tta))
        for cut in CUTS:
            kept = (copies >= cut).mean(axis=0)
            above = float((different >= cut).mean())
            rows.append([name, f"{cut:.2f}", *(f"{k:.2f}" for k in kept), f"{above:.4f}"])
            results.append(
                {
                    "dataset": name,
                    "cut": cut,
                    "copies_kept": dict(zip(COPIES, kept.tolist(), strict=True)),
                    "different_pairs_above": above,
                    "different_max": float(different.max()),
                }
            )
        print(f"{name}: {len(copies)} photos, the most alike different pair {different.max():.3f}")
    print_table(
        ["set", "cut", *COPIES, "different pairs above"],
        rows,
        f"copies kept, different pairs let through (tta {args.tta}; the product's cut {NEAR_CUT})",
    )
    write_json(args.json, "near_duplicates", {"tta": args.tta, "results": results})


if __name__ == "__main__":
    main()
