"""Ranking variants learned from the reviewer's own decisions, measured on labeled photos.

A simulated reviewer files a shuffled queue one by one into the true class (`--seeds` seed
photos per class to start). Before each filing every variant ranks the clusters for the photo;
its top-1 is right when the first cluster is the true class. Variants:

- centroid: cosine to each cluster's mean vector (what photosort ships);
- probe: a ridge-regularised linear probe (one-vs-rest least squares) over every filed photo's
  vector, refit every `--refit` filings (as a background refit would);
- blend: the mean of the centroid score and the probe score;
- prototypes: per cluster up to 3 k-means prototypes (clusters whose members spread), the
  best cosine to any of them.

With `--features` (EfficientNet-Lite0) the nearest-centroid top-1 is measured instead for
several ways to make the vector, from one pass per photo and one over its mirror image:
max (what ships), avg, median-subtracted max, horizontal-flip averaging of max, and max
concatenated with the classifier's own ImageNet probabilities (square-rooted, weight 0.5).
Seedings 0-9 and 10-19 are reported apart (choose on one half, confirm on the other).

    python bench/ranking_variants.py --dataset ../shared/datasets/stamps6/clutter --trials 20
    python bench/ranking_variants.py --features --dataset ../shared/datasets/stamps6/white
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))

from photosort.ml import load_embedder

Matrix = NDArray[np.float32]
LAMBDA = 1.0  # ridge strength (unit vectors: features of order 1)
MAX_PROTOTYPES = 3
PER_PROTOTYPE = 6  # a cluster gets one more prototype per this many members


def embed(dataset: Path, model: str) -> tuple[Matrix, list[str]]:
    embedder = load_embedder(model, "cpu").embedder
    paths = sorted(p for d in dataset.iterdir() if d.is_dir() for p in d.iterdir() if p.is_file())
    vecs = [embedder.embed_images([Image.open(p).convert("RGB")])[0] for p in paths]
    mat = np.stack(vecs).astype(np.float32)
    mat /= np.linalg.norm(mat, axis=1, keepdims=True)
    return mat, [p.parent.name for p in paths]


def feature_sets(dataset: Path) -> tuple[dict[str, Matrix], list[str]]:
    """Every variant's vectors (rows L2-normalised) for the photos of `dataset`."""
    import torch

    from photosort.ml import EfficientNetLite0Embedder

    emb = EfficientNetLite0Embedder("cpu")
    net = emb.load()
    paths = sorted(p for d in dataset.iterdir() if d.is_dir() for p in d.iterdir() if p.is_file())
    rows: dict[str, list[NDArray[np.float32]]] = {}
    with torch.inference_mode():
        for p in paths:
            x = emb.preprocess([Image.open(p).convert("RGB")])
            fmap = net.features(x)
            flip = net.features(torch.flip(x, dims=[3]))
            med = fmap.flatten(2).median(dim=2).values[:, :, None, None]
            probs = torch.softmax(net._fc(fmap.mean(dim=(2, 3))), dim=1)
            mx = _unit(fmap.amax(dim=(2, 3)).numpy())
            out = {
                "max": mx,
                "avg": _unit(fmap.mean(dim=(2, 3)).numpy()),
                "median-sub max": _unit((fmap - med).amax(dim=(2, 3)).numpy()),
                "flip-avg max": _unit(mx + _unit(flip.amax(dim=(2, 3)).numpy())),
                "max + classes": _unit(np.hstack([mx, 0.5 * np.sqrt(probs.numpy())])),
            }
            for k, v in out.items():
                rows.setdefault(k, []).append(v[0])
    return {k: np.stack(v).astype(np.float32) for k, v in rows.items()}, [
        p.parent.name for p in paths
    ]


def _unit(x: NDArray[np.floating]) -> Matrix:
    out: Matrix = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    return out


def centroid_top1(vecs: Matrix, labels: list[str], seed: int, seeds: int) -> float:
    """Nearest-centroid top-1 over a shuffled queue filed one by one (centroids grow)."""
    rng = random.Random(seed)
    by_class: dict[str, list[int]] = {}
    for i, c in enumerate(labels):
        by_class.setdefault(c, []).append(i)
    members: dict[str, list[int]] = {}
    queue: list[int] = []
    for c, idx in by_class.items():
        idx = idx[:]
        rng.shuffle(idx)
        members[c] = idx[:seeds]
        queue += idx[seeds:]
    rng.shuffle(queue)
    right = 0
    for i in queue:
        cent = centroid_scores(vecs[i], members, vecs)
        right += max(cent, key=cent.__getitem__) == labels[i]
        members[labels[i]].append(i)
    return right / len(queue)


def features_main(args: argparse.Namespace) -> None:
    sets, labels = feature_sets(args.dataset)
    print(f"dataset {args.dataset} · nearest centroid · {args.seeds} seeds/cluster")
    print(f"{'vector':<16}{'top-1 seedings 0-9':>20}{'10-19':>8}")
    table = {}
    for name, vecs in sets.items():
        halves = [
            statistics.fmean(centroid_top1(vecs, labels, s, args.seeds) for s in rng)
            for rng in (range(10), range(10, 20))
        ]
        table[name] = halves
        print(f"{name:<16}{halves[0]:>20.1%}{halves[1]:>8.1%}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"dataset": str(args.dataset), "top1": table}, indent=2))


def centroid_scores(x: Matrix, members: dict[str, list[int]], vecs: Matrix) -> dict[str, float]:
    out = {}
    for c, idx in members.items():
        m = vecs[idx].mean(axis=0)
        out[c] = float(x @ (m / np.linalg.norm(m)))
    return out


def fit_probe(members: dict[str, list[int]], vecs: Matrix) -> tuple[list[str], Matrix]:
    names = sorted(members)
    rows = [i for c in names for i in members[c]]
    x = vecs[rows]
    y = np.zeros((len(rows), len(names)), dtype=np.float32)
    k = 0
    for j, c in enumerate(names):
        y[k : k + len(members[c]), j] = 1.0
        k += len(members[c])
    xb = np.hstack([x, np.ones((len(x), 1), dtype=np.float32)])
    w = np.linalg.solve(xb.T @ xb + LAMBDA * np.eye(xb.shape[1]), xb.T @ y)
    return names, w.astype(np.float32)


def probe_scores(x: Matrix, probe: tuple[list[str], Matrix]) -> dict[str, float]:
    names, w = probe
    s = np.append(x, 1.0) @ w
    return {c: float(v) for c, v in zip(names, s, strict=True)}


def prototypes(
    members: dict[str, list[int]], vecs: Matrix, rng: random.Random
) -> dict[str, Matrix]:
    out = {}
    for c, idx in members.items():
        x = vecs[idx]
        k = max(1, min(MAX_PROTOTYPES, len(idx) // PER_PROTOTYPE))
        centres = x[rng.sample(range(len(x)), k)]
        for _ in range(10):  # spherical k-means
            assign = np.argmax(x @ centres.T, axis=1)
            for j in range(k):
                if (assign == j).any():
                    m = x[assign == j].mean(axis=0)
                    centres[j] = m / np.linalg.norm(m)
        out[c] = centres
    return out


def run(vecs: Matrix, labels: list[str], seed: int, args: argparse.Namespace) -> dict[str, float]:
    rng = random.Random(seed)
    by_class: dict[str, list[int]] = {}
    for i, c in enumerate(labels):
        by_class.setdefault(c, []).append(i)
    members: dict[str, list[int]] = {}
    queue: list[int] = []
    for c, idx in by_class.items():
        idx = idx[:]
        rng.shuffle(idx)
        members[c] = idx[: args.seeds]
        queue += idx[args.seeds :]
    rng.shuffle(queue)
    right = dict.fromkeys(("centroid", "probe", "blend", "prototypes"), 0)
    probe = fit_probe(members, vecs)
    protos = prototypes(members, vecs, rng)
    for n, i in enumerate(queue):
        x, truth = vecs[i], labels[i]
        cent = centroid_scores(x, members, vecs)
        prob = probe_scores(x, probe)
        blend = {c: (cent[c] + prob[c]) / 2 for c in cent}
        proto = {c: float((p @ x).max()) for c, p in protos.items()}
        for name, scores in (
            ("centroid", cent),
            ("probe", prob),
            ("blend", blend),
            ("prototypes", proto),
        ):
            right[name] += max(scores, key=scores.__getitem__) == truth
        members[truth].append(i)
        if (n + 1) % args.refit == 0:
            probe = fit_probe(members, vecs)
            protos = prototypes(members, vecs, rng)
    return {k: v / len(queue) for k, v in right.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "--dataset",
        type=Path,
        default=Path(__file__).resolve().parents[1] / "../shared/datasets/stamps6/clutter",
    )
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--refit", type=int, default=10)
    ap.add_argument("--model", default="efficientnet-lite0")
    ap.add_argument("--json", type=Path, default=Path("bench/out/ranking_variants.json"))
    ap.add_argument("--features", action="store_true", help="compare ways to make the vector")
    args = ap.parse_args()
    if not args.dataset.is_dir():
        sys.exit(f"error: dataset folder not found: {args.dataset}")
    if args.features:
        features_main(args)
        return
    vecs, labels = embed(args.dataset, args.model)
    trials = [run(vecs, labels, seed, args) for seed in range(args.trials)]
    summary = {k: statistics.fmean(t[k] for t in trials) for k in trials[0]}
    print(
        f"dataset {args.dataset} · {args.trials} trials · {args.seeds} seeds/cluster · "
        f"refit every {args.refit}"
    )
    print(f"{'variant':<12}{'top-1':>8}")
    for k, v in summary.items():
        print(f"{k:<12}{v:>8.1%}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps({"dataset": str(args.dataset), "trials": args.trials, "top1": summary}, indent=2)
    )


if __name__ == "__main__":
    main()
