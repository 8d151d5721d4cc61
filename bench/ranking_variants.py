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
several ways to make the vector: max (what ships), avg, median-subtracted max,
horizontal-flip averaging of max, max concatenated with the classifier's own ImageNet
probabilities (square-rooted, weight 0.5), object-centred poolings of the same map (its
centre, a centre-weighted map), multi-crop (a zoomed centre crop; the full photo and five
crops), MobileNetV2 (bench/mobilenetv2.py) alone and concatenated with Lite0. The vectors are
kept in bench/out/cache. `--cost N` times each network pass over N photos.

With `--propagation` the top-1 of rankings that read the queue's nearest-neighbour graph is
measured on the shipped vectors: a vote of the nearest filed photos, label spreading (Zhou et
al.) alone and blended with the centroid, and the neighbour vote over filed and queued photos.
Seedings 0-9 and 10-19 are reported apart (choose on one half, confirm on the other).

    python bench/ranking_variants.py --dataset ../shared/datasets/stamps6/clutter --trials 20
    python bench/ranking_variants.py --features --dataset ../shared/datasets/stamps6/white
    python bench/ranking_variants.py --propagation --dataset ../shared/datasets/stamps6/white
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from collections.abc import Callable
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


def feature_sets(dataset: Path, cache: Path) -> tuple[dict[str, Matrix], list[str]]:
    """Every variant's vectors (rows L2-normalised) for the photos of `dataset`, kept in an
    .npz under `cache` between runs (the passes are the slow part)."""
    paths = _photos(dataset)
    labels = [p.parent.name for p in paths]
    file = cache / f"ranking-variants-{dataset.parent.name}-{dataset.name}.npz"
    if file.exists():
        with np.load(file) as z:
            sets = {str(k): z[k] for k in z.files}
        if "zoomed centre alone" not in sets:  # added later: one Lite0 pass per photo
            sets["zoomed centre alone"] = _zoomed(paths)
            np.savez(file, **sets)  # type: ignore[arg-type]
        return sets, labels
    rows: dict[str, list[NDArray[np.float32]]] = {}
    passes = _Passes()
    for p in paths:
        for k, v in passes.variants(Image.open(p).convert("RGB")).items():
            rows.setdefault(k, []).append(v[0])
    sets = {k: np.stack(v).astype(np.float32) for k, v in rows.items()}
    cache.mkdir(parents=True, exist_ok=True)
    np.savez(file, **sets)  # type: ignore[arg-type]
    return sets, labels


def _zoomed(paths: list[Path]) -> Matrix:
    """Max-pooled Lite0 vectors of each photo's centre crop (0.7 of the shorter side)."""
    import torch

    from photosort.ml import EfficientNetLite0Embedder
    from photosort.ml.efficientnet import to_input
    from photosort.ml.embedder import center_crop_resize

    net = EfficientNetLite0Embedder("cpu").load()
    rows = []
    with torch.inference_mode():
        for p in paths:
            im = Image.open(p).convert("RGB")
            x = to_input(center_crop_resize(im, 224, crop_fraction=0.7)[None])
            rows.append(_unit(net.features(x).amax(dim=(2, 3)).numpy())[0])
    return np.stack(rows).astype(np.float32)


def _photos(dataset: Path) -> list[Path]:
    return sorted(p for d in dataset.iterdir() if d.is_dir() for p in d.iterdir() if p.is_file())


class _Passes:
    """The networks' passes over one photo, and each way of turning them into a vector."""

    def __init__(self) -> None:
        import mobilenetv2
        from photosort.ml import EfficientNetLite0Embedder

        self.emb = EfficientNetLite0Embedder("cpu")
        self.net = self.emb.load()
        self.mnet = mobilenetv2.load()
        self.mnet_input = mobilenetv2.to_input

    def variants(self, im: Image.Image) -> dict[str, Matrix]:
        import torch

        from photosort.ml.efficientnet import to_input
        from photosort.ml.embedder import center_crop_resize

        net = self.net
        with torch.inference_mode():
            pixels = center_crop_resize(im, 224)
            x = to_input(pixels[None])
            fmap = net.features(x)
            flip = net.features(torch.flip(x, dims=[3]))
            med = fmap.flatten(2).median(dim=2).values[:, :, None, None]
            probs = torch.softmax(net._fc(fmap.mean(dim=(2, 3))), dim=1)
            mx = _unit(fmap.amax(dim=(2, 3)).numpy())
            # Object-centred, same pass: the centre 5x5 of the 7x7 map, and a centre-weighted map
            centre = _unit(fmap[:, :, 1:-1, 1:-1].amax(dim=(2, 3)).numpy())
            g = torch.exp(-((torch.arange(7.0) - 3.0) ** 2) / (2 * 2.0**2))
            weighted = _unit((fmap * (g[:, None] * g[None, :])).amax(dim=(2, 3)).numpy())
            # Multi-crop: the centre square at 320 px, its centre and 4 corners at 224
            big = torch.from_numpy(center_crop_resize(im, 320)).permute(2, 0, 1).float()
            offs = [(48, 48), (0, 0), (0, 96), (96, 0), (96, 96)]
            crops = torch.stack([big[:, a : a + 224, b : b + 224] for a, b in offs])
            cmax = net.features(crops.sub(127.0).div(128.0)).amax(dim=(2, 3))
            zoom = _unit(cmax[:1].numpy())
            five = _unit(torch.cat([fmap.amax(dim=(2, 3)), cmax]).amax(dim=0, keepdim=True).numpy())
            m = self.mnet(self.mnet_input(torch.from_numpy(pixels).permute(2, 0, 1)[None].float()))
            mobile = _unit(m.amax(dim=(2, 3)).numpy())
        return {
            "max": mx,
            "avg": _unit(fmap.mean(dim=(2, 3)).numpy()),
            "median-sub max": _unit((fmap - med).amax(dim=(2, 3)).numpy()),
            "flip-avg max": _unit(mx + _unit(flip.amax(dim=(2, 3)).numpy())),
            "max + classes": _unit(np.hstack([mx, 0.5 * np.sqrt(probs.numpy())])),
            "max + centre max": _unit(mx + centre),
            "centre-weighted max": weighted,
            "max + zoomed centre": _unit(mx + zoom),
            "zoomed centre alone": zoom,
            "max over full + 5 crops": five,
            "mobilenetv2 max": mobile,
            "lite0 + mobilenetv2": _unit(np.hstack([mx, mobile])),
        }


def _unit(x: NDArray[np.floating]) -> Matrix:
    out: Matrix = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    return out


def seeded_queue(
    labels: list[str], rng: random.Random, seeds: int
) -> tuple[dict[str, list[int]], list[int]]:
    """The trial's start: `seeds` rows per class as its cluster's members, the other rows the
    queue, both shuffled by the seeding's `rng`."""
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
    return members, queue


def centroid_top1(vecs: Matrix, labels: list[str], seed: int, seeds: int) -> float:
    """Nearest-centroid top-1 over a shuffled queue filed one by one (centroids grow)."""
    members, queue = seeded_queue(labels, random.Random(seed), seeds)
    right = 0
    for i in queue:
        cent = centroid_scores(vecs[i], members, vecs)
        right += max(cent, key=cent.__getitem__) == labels[i]
        members[labels[i]].append(i)
    return right / len(queue)


def features_main(args: argparse.Namespace) -> None:
    sets, labels = feature_sets(args.dataset, args.cache)
    print(f"dataset {args.dataset} · nearest centroid · {args.seeds} seeds/cluster")
    print(f"{'vector':<26}{'top-1 seedings 0-9':>20}{'10-19':>8}")
    table = {}
    for name, vecs in sets.items():
        halves = [
            statistics.fmean(centroid_top1(vecs, labels, s, args.seeds) for s in rng)
            for rng in (range(10), range(10, 20))
        ]
        table[name] = halves
        print(f"{name:<26}{halves[0]:>20.1%}{halves[1]:>8.1%}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"dataset": str(args.dataset), "top1": table}, indent=2))


def cost_main(args: argparse.Namespace) -> None:
    """CPU seconds per photo (one thread, process time: steady on a shared machine) of each
    network pass the vector variants need, against the one pass that ships."""
    import time

    import torch

    from photosort.ml.efficientnet import to_input
    from photosort.ml.embedder import center_crop_resize

    torch.set_num_threads(1)
    passes = _Passes()
    ims = [Image.open(p).convert("RGB") for p in _photos(args.dataset)[: args.cost]]
    x = [to_input(center_crop_resize(im, 224)[None]) for im in ims]
    crops = [torch.randn(5, 3, 224, 224) for _ in ims]
    mx = [torch.randn(1, 3, 224, 224) for _ in ims]
    runs = {
        "EfficientNet-Lite0 pass": lambda i: passes.net.features(x[i]),
        "5 crops (Lite0)": lambda i: passes.net.features(crops[i]),
        "MobileNetV2 pass": lambda i: passes.mnet(passes.mnet_input(mx[i])),
    }
    out = {}
    with torch.inference_mode():
        for name, f in runs.items():
            f(0)
            t = time.process_time()
            for i in range(len(ims)):
                f(i)
            out[name] = (time.process_time() - t) / len(ims)
    base = out["EfficientNet-Lite0 pass"]
    for name, sec in out.items():
        print(f"{name:<26}{sec * 1000:>8.1f} ms{sec / base:>7.2f}x")


def knn_graph(vecs: Matrix, k: int) -> NDArray[np.float64]:
    """Symmetric kNN affinity over all rows (cosine of the k nearest, others 0), normalised
    as label spreading does: D^-1/2 W D^-1/2."""
    sims = vecs.astype(np.float64) @ vecs.T.astype(np.float64)
    np.fill_diagonal(sims, -np.inf)
    near = np.argsort(-sims, axis=1)[:, :k]
    w = np.zeros_like(sims)
    rows = np.arange(len(vecs))[:, None]
    w[rows, near] = np.clip(sims[rows, near], 0.0, None)
    w = np.maximum(w, w.T)
    d = 1.0 / np.sqrt(np.maximum(w.sum(axis=1), 1e-12))
    out: NDArray[np.float64] = w * d[:, None] * d[None, :]
    return out


def propagation_top1(
    vecs: Matrix, labels: list[str], seed: int, seeds: int, variants: dict[str, Variant]
) -> dict[str, float]:
    """Top-1 of each ranking over a shuffled queue filed one by one (as centroid_top1)."""
    members, queue = seeded_queue(labels, random.Random(seed), seeds)
    names = sorted(members)
    right = dict.fromkeys(variants, 0)
    filed = np.full(len(labels), -1, dtype=np.intp)
    for j, c in enumerate(names):
        filed[members[c]] = j
    for i in queue:
        means = np.stack([vecs[members[c]].mean(axis=0) for c in names]).astype(np.float64)
        cent = vecs @ (means / np.linalg.norm(means, axis=1, keepdims=True)).T
        for name, variant in variants.items():
            right[name] += names[int(np.argmax(variant(i, cent, filed)))] == labels[i]
        members[labels[i]].append(i)
        filed[i] = names.index(labels[i])
    return {k: v / len(queue) for k, v in right.items()}


# (queued row, every row's centroid scores, every row's filed class or -1) -> class scores
Variant = Callable[[int, NDArray[np.float64], NDArray[np.intp]], NDArray[np.float64]]


def propagation_variants(vecs: Matrix, n_classes: int) -> dict[str, Variant]:
    """The rankings compared by --propagation."""
    sims = vecs.astype(np.float64) @ vecs.T.astype(np.float64)
    np.fill_diagonal(sims, -np.inf)
    order = np.argsort(-sims, axis=1)

    def centroid(i: int, cent: NDArray[np.float64], filed: NDArray[np.intp]) -> NDArray[np.float64]:
        return cent[i]

    def onehot(filed: NDArray[np.intp]) -> NDArray[np.float64]:
        y = np.zeros((len(filed), n_classes))
        known = filed >= 0
        y[np.flatnonzero(known), filed[known]] = 1.0
        return y

    def vote(k: int, beta: float) -> Variant:
        """(1 - beta) x centroid + beta x the cosine-weighted vote of the k nearest filed photos."""

        def f(i: int, cent: NDArray[np.float64], filed: NDArray[np.intp]) -> NDArray[np.float64]:
            near = [j for j in order[i] if filed[j] >= 0][:k]
            v = np.zeros(n_classes)
            np.add.at(v, filed[near], np.clip(sims[i, near], 0.0, None))
            return (1 - beta) * cent[i] + beta * v / max(v.sum(), 1e-12)

        return f

    def spreading(k: int, alpha: float, beta: float | None, *, balanced: bool) -> Variant:
        """Label spreading over the kNN graph of every photo (filed and queued); alone
        (beta None) or (1 - beta) x centroid + beta x the spread class distribution.
        `balanced`: each class's filed photos carry a total label mass of 1, so a large
        class does not outvote a small one."""
        s = knn_graph(vecs, k)
        inv = np.linalg.inv(np.eye(len(vecs)) - alpha * s)

        def f(i: int, cent: NDArray[np.float64], filed: NDArray[np.intp]) -> NDArray[np.float64]:
            y = onehot(filed)
            if balanced:
                y /= np.maximum(y.sum(axis=0, keepdims=True), 1.0)
            row = inv[i] @ y
            if beta is None:
                return row
            return (1 - beta) * cent[i] + beta * row / max(row.sum(), 1e-12)

        return f

    def smoothing(k: int, beta: float) -> Variant:
        """(1 - beta) x centroid + beta x the vote of the k nearest photos (filed or queued)
        for their class: a filed photo's own, a queued one's first centroid suggestion (the
        neighbour vote measured for effort in the product at commit 333f404)."""

        def f(i: int, cent: NDArray[np.float64], filed: NDArray[np.intp]) -> NDArray[np.float64]:
            near = order[i][:k]
            v = np.zeros(n_classes)
            cls = np.where(filed[near] >= 0, filed[near], np.argmax(cent[near], axis=1))
            np.add.at(v, cls, np.clip(sims[i, near], 0.0, None))
            return (1 - beta) * cent[i] + beta * v / max(v.sum(), 1e-12)

        return f

    out: dict[str, Variant] = {"centroid": centroid}
    for beta in (0.02, 0.05, 0.1):
        out[f"vote k=10 b={beta}"] = vote(10, beta)
    for k in (5, 10):
        out[f"spread k={k} a=0.9"] = spreading(k, 0.9, None, balanced=False)
        out[f"spread k={k} a=0.9 balanced"] = spreading(k, 0.9, None, balanced=True)
        for beta in (0.02, 0.05, 0.1):
            out[f"spread k={k} a=0.9 b={beta}"] = spreading(k, 0.9, beta, balanced=False)
            out[f"spread k={k} a=0.9 balanced b={beta}"] = spreading(k, 0.9, beta, balanced=True)
    for beta in (0.02, 0.05, 0.1):
        out[f"smooth k=10 b={beta}"] = smoothing(10, beta)
    return out


def propagation_main(args: argparse.Namespace) -> None:
    file = args.cache / f"ranking-variants-{args.dataset.parent.name}-{args.dataset.name}.npz"
    if file.exists():
        with np.load(file) as z:
            vecs = z["max"]
        labels = [p.parent.name for p in _photos(args.dataset)]
    else:
        vecs, labels = embed(args.dataset, args.model)
    print(f"dataset {args.dataset} · {args.seeds} seeds/cluster · max-pooled vectors")
    print(f"{'ranking':<30}{'top-1 seedings 0-9':>20}{'10-19':>8}")
    table: dict[str, list[float]] = {}
    variants = propagation_variants(vecs, len(set(labels)))
    halves = [
        [propagation_top1(vecs, labels, s, args.seeds, variants) for s in rng]
        for rng in (range(10), range(10, 20))
    ]
    for name in halves[0][0]:
        table[name] = [statistics.fmean(t[name] for t in h) for h in halves]
        print(f"{name:<30}{table[name][0]:>20.1%}{table[name][1]:>8.1%}")
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
    members, queue = seeded_queue(labels, rng, args.seeds)
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
    ap.add_argument("--cache", type=Path, default=Path("bench/out/cache"))
    ap.add_argument(
        "--propagation", action="store_true", help="compare rankings over the kNN graph"
    )
    ap.add_argument("--cost", type=int, default=0, help="time the passes over N photos")
    args = ap.parse_args()
    if not args.dataset.is_dir():
        sys.exit(f"error: dataset folder not found: {args.dataset}")
    if args.features:
        features_main(args)
        return
    if args.propagation:
        propagation_main(args)
        return
    if args.cost:
        cost_main(args)
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
