"""Offline text search: how well EfficientNet-Lite0's own class probabilities find each class.

For each class of a stamps6 set (birds, mammals, fruit, flowers, vegetables; coins has no
ImageNet word) the photos are ranked as `t WORD` ranks them (ml/labels.py: the probabilities
of every ImageNet class the word or a WordNet ancestor names, summed) and scored by precision
of the first 10 and R-precision (of the first N, N the class's size). The probabilities are
the embedder's own (`embed_images_labeled`): with `--tta zoom` the mean of the whole photo's
and the zoomed subject's, with `--tta none` the whole photo's at 224 px.

    python bench/offline_search.py [--tta zoom,none] [--datasets clutter,white]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import cast, get_args

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))

from common import OUT_DIR, print_table, write_json
from data import stamps6
from photosort.ml import EfficientNetLite0Embedder, imagenet_labels
from photosort.ml.efficientnet import Tta

WORDS = {
    "birds": "bird",
    "mammals": "mammal",
    "fruit": "fruit",
    "flowers": "flower",
    "vegetables": "vegetable",
}


def class_probabilities(folder: Path, tta: Tta) -> tuple[np.ndarray, list[str]]:
    """Every photo's ImageNet probabilities (rows) and its class, in class order."""
    embedder = EfficientNetLite0Embedder("cpu", tta=tta)
    files = [(c.name, f) for c in sorted(folder.iterdir()) for f in sorted(c.glob("*.jpg"))]
    images = []
    for _, f in files:
        with Image.open(f) as im:
            images.append(im.convert("RGB"))
    return embedder.embed_images_labeled(images)[1], [c for c, _ in files]


def scores(probs: np.ndarray, classes: list[str]) -> dict[str, tuple[float, float]]:
    """Per class word: precision of the first 10, R-precision."""
    labels = imagenet_labels()
    truth = np.array(classes)
    out = {}
    for cls, word in WORDS.items():
        score = probs[:, labels.matches(word)].sum(axis=1)
        order = np.argsort(-score, kind="stable")
        n = int((truth == cls).sum())
        out[word] = (
            float((truth[order[:10]] == cls).mean()),
            float((truth[order[:n]] == cls).mean()),
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--tta", default="zoom,none", help="Lite0's second views to compare")
    ap.add_argument("--datasets", default="clutter,white")
    ap.add_argument("--json", type=Path, default=OUT_DIR / "offline_search.json")
    args = ap.parse_args()
    rows, results = [], []
    for name in args.datasets.split(","):
        for tta in args.tta.split(","):
            if tta not in get_args(Tta):
                sys.exit(f"error: unknown view {tta!r}: one of {', '.join(get_args(Tta))}")
            probs, classes = class_probabilities(stamps6() / name, cast(Tta, tta))
            got = scores(probs, classes)
            mean_r = float(np.mean([r for _, r in got.values()]))
            rows.append([name, tta, *(f"{p:.1f} / {r:.2f}" for p, r in got.values()), mean_r])
            results.append({"dataset": name, "tta": tta, "scores": got, "mean_r_precision": mean_r})
    print_table(
        ["set", "view", *WORDS.values(), "mean R-prec"],
        rows,
        "offline text search: precision of the first 10 / R-precision",
    )
    write_json(args.json, "offline_search", {"results": results})


if __name__ == "__main__":
    main()
