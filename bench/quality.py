"""Suggestion quality: a simulated reviewer sorts a labeled dataset with the product's engine.

For each trial a fresh copy of the dataset is made: `--seeds` photos per class go into their
cluster folders, the rest are queued (shuffled with the trial's seed). The reviewer takes the
queue in order and files each photo into its true class through the real `Session` (recording
the suggestions it was shown, exactly as the API does); every `--every` decisions it runs an
auto-move at the threshold the tool itself recommends for the target precision.

Effort model: accepting the top suggestion 0.3, choosing another cluster 1.0, a
correct auto-move 0, a wrong auto-move 2.0; a grid 0.3 to open and confirm, 0.1 per photo shown,
0.5 more per photo unticked; sorting by hand costs 1.0 per photo.

The `grid` method is the one fixed reviewer policy, the same for every dataset, and every
choice in it is the product's own:
- Open the grid the product says saves the most (`Grids.best_grid`: of the clusters' grids,
  each holding only the photos whose calibrated probability of being right is above the
  effort model's break-even, most confident first, up to `--grid-size`), when its expected
  saving is positive. Untick every photo not of that cluster and file the rest (`Grids.file`,
  one batch). Then review the photo at the head of the queue one by one (when no grid was
  worth opening, or the grid left it queued).
- Every `--every` photos filed by the reviewer, run the product's auto-move at its own
  recommended (guaranteed) rule.

    python bench/quality.py --trials 20   # --dataset DIR: a bigger labeled set
    python bench/quality.py --scale 2000 --trials 3   # 2,000 changed draws (bench/draws.py)
    python bench/quality.py --crop-fraction 0.7   # Lite0 seeing only the photos' centre
    python bench/quality.py --new-classes 2   # two classes per seeding start with no cluster
    python bench/quality.py --pooling max --tta none   # Lite0 max-pooled (shipped before CAM)
    python bench/quality.py --tta none   # CAM without the zoomed view (shipped before zoom)

Effort and top-1 are also printed for seedings 0-9 and 10-19 apart (choose a variant on one
half, confirm on the other).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, get_args

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))

import draws
from data import stamps6
from photosort.errors import Conflict
from photosort.ml import Embedder, load_embedder
from photosort.ml.efficientnet import DEFAULT_POOLING, DEFAULT_TTA, Pooling, Tta
from photosort.session import CLUSTERING_DIR, MovePlan, Session, new_batch_id
from photosort.suggest import SuggestionService, shown_suggestions

if TYPE_CHECKING:
    import torch
    from PIL import Image

ACCEPT, CHOOSE, WRONG_AUTO = 0.3, 1.0, 2.0
GRID_OPEN, GRID_SHOWN, GRID_UNTICK = 0.3, 0.1, 0.5
TARGET = 0.97  # the session's default target precision
CACHE_NAME = "embeddings.sqlite"


@dataclass
class Trial:
    method: str
    seed: int
    queued: int
    effort: float
    manual: int
    top1_right: int
    auto_moved: int
    auto_right: int
    grid_filed: int = 0
    manual_right: int = 0  # one-by-one decisions whose first suggestion was right
    grids: int = 0
    grid_shown: int = 0
    grid_expected: float = 0.0  # sum of the shown photos' calibrated probabilities
    decisions: int = 0  # reviewer decisions so far: one-by-one filings and grid photos shown
    unlock: int | None = None  # decisions made before the first auto-move moved anything

    def add_auto(self, moved: int, right: int) -> None:
        """Count one auto-move run; a wrong move costs the reviewer a correction."""
        if moved and self.unlock is None:
            self.unlock = self.decisions
        self.auto_moved += moved
        self.auto_right += right
        self.effort += WRONG_AUTO * (moved - right)

    @property
    def effort_ratio(self) -> float:
        return self.effort / self.queued

    @property
    def auto_share(self) -> float:
        return self.auto_moved / self.queued

    @property
    def auto_precision(self) -> float | None:
        return self.auto_right / self.auto_moved if self.auto_moved else None

    @property
    def top1(self) -> float:
        return (self.top1_right + self.auto_right) / self.queued


def centre_cropped(fraction: float, pooling: Pooling, tta: Tta) -> Embedder:
    """The EfficientNet-Lite0 embedder seeing only the centre `fraction` of each photo's
    shorter side (a bench-only variant: the product crops the whole shorter side)."""
    import numpy as np

    from photosort.ml import EfficientNetLite0Embedder
    from photosort.ml.efficientnet import to_input
    from photosort.ml.embedder import center_crop_resize

    class Cropped(EfficientNetLite0Embedder):
        def preprocess(self, images: Sequence[Image.Image]) -> torch.Tensor:
            crops = [
                center_crop_resize(im, self.input_edge, crop_fraction=fraction) for im in images
            ]
            return to_input(np.stack(crops))

    out = Cropped("cpu", pooling=pooling, tta=tta)
    out.id += f":centre{fraction:g}"
    out.labels_id = f"{out.id}:imagenet-probs"
    return out


def add_lite0_options(ap: argparse.ArgumentParser) -> None:
    """`--pooling` and `--tta`: how a bench's Lite0 embedder makes its vector."""
    ap.add_argument(
        "--pooling",
        choices=get_args(Pooling),
        default=DEFAULT_POOLING,
        help=f"how Lite0 pools its feature map (shipped: {DEFAULT_POOLING})",
    )
    ap.add_argument(
        "--tta",
        choices=get_args(Tta),
        default=DEFAULT_TTA,
        help=f"Lite0's second view: none, the mirror or the object zoomed (now {DEFAULT_TTA})",
    )


def bench_embedder(
    model: str, pooling: Pooling, tta: Tta = DEFAULT_TTA, crop_fraction: float = 1.0
) -> Embedder:
    """The model's embedder; for Lite0, pooled and viewed as asked, optionally centre-cropped."""
    from photosort.ml import EfficientNetLite0Embedder

    if crop_fraction != 1.0:
        return centre_cropped(crop_fraction, pooling, tta)
    embedder = load_embedder(model, "cpu").embedder
    if isinstance(embedder, EfficientNetLite0Embedder) and (
        embedder.pooling != pooling or embedder.tta != tta
    ):
        return EfficientNetLite0Embedder("cpu", pooling=pooling, tta=tta)
    return embedder


def warm_cache(folder: Path, dataset: Path, embedder: Embedder) -> Path:
    """Where the dataset's embeddings by this embedder are kept between runs (named by its id,
    so a changed embedder never reads another's vectors)."""
    tag = re.sub(r"[^\w.-]+", "_", embedder.id)
    return folder / f"{dataset.parent.name}-{dataset.name}-{tag}.sqlite"


def build_library(
    dataset: Path, root: Path, seeds: int, rng: random.Random, new: frozenset[str] = frozenset()
) -> dict[str, str]:
    """Copy the dataset: `seeds` photos per class as cluster members (none for the classes in
    `new`, which have no cluster yet), the rest loose. Returns the true class of every loose
    photo."""
    truth: dict[str, str] = {}
    for class_dir in sorted(p for p in dataset.iterdir() if p.is_dir()):
        photos = sorted(p for p in class_dir.iterdir() if p.is_file())
        rng.shuffle(photos)
        n = 0 if class_dir.name in new else seeds
        if n:
            (root / class_dir.name).mkdir()
        for p in photos[:n]:
            shutil.copy2(p, root / class_dir.name / p.name)
        for p in photos[n:]:
            name = p.name if p.name not in truth else f"{class_dir.name}-{p.name}"
            shutil.copy2(p, root / name)
            truth[name] = class_dir.name
    return truth


def new_classes(dataset: Path, seed: int, args: argparse.Namespace) -> frozenset[str]:
    """The classes of this seeding that get no cluster (`--new-classes`): drawn apart from the
    seeding's own shuffle, so the other classes keep the same seed photos."""
    if not args.new_classes:
        return frozenset()
    names = sorted(p.name for p in dataset.iterdir() if p.is_dir())
    return frozenset(random.Random(1000 + seed).sample(names, args.new_classes))


def open_service(root: Path, embedder: Embedder, warm_cache: Path | None) -> SuggestionService:
    if warm_cache and warm_cache.exists():
        (root / CLUSTERING_DIR).mkdir(exist_ok=True)
        shutil.copy2(warm_cache, root / CLUSTERING_DIR / CACHE_NAME)
    session = Session(root)
    service = SuggestionService(session, lambda: (embedder, "benchmark"))
    service.load_embedder()
    service.index_pending()
    return service


@contextmanager
def trial_library(
    dataset: Path, seed: int, args: argparse.Namespace, embedder: Embedder, warm_cache: Path
) -> Iterator[tuple[SuggestionService, dict[str, str]]]:
    """A fresh seeded copy of the dataset, indexed and its queue shuffled; the service and the
    true class of every photo. The first trial's embeddings warm every later one."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="photosort-quality-") as tmp:
        root = Path(tmp)
        truth = build_library(dataset, root, args.seeds, rng, new_classes(dataset, seed, args))
        service = open_service(root, embedder, warm_cache)
        if not warm_cache.exists():
            # Through SQLite's backup: a file copy can miss what is still in the WAL (it did:
            # every later trial re-embedded the whole set).
            with (
                sqlite3.connect(root / CLUSTERING_DIR / CACHE_NAME) as src,
                sqlite3.connect(warm_cache) as dst,
            ):
                src.backup(dst)
        service.session.shuffle(seed)
        try:
            yield service, truth
        finally:
            service.close()
            service.session.close()


AutoStep = Callable[[SuggestionService, dict[str, str]], tuple[int, int]]


def product_auto(service: SuggestionService, truth: dict[str, str]) -> tuple[int, int]:
    """The product's own auto-move at its own recommended threshold."""
    try:
        result = service.auto_move(dry_run=False)
    except Conflict:
        return 0, 0  # not enough evidence yet: the tool recommends nothing
    right = sum(1 for it in result["items"] if truth[it["item"]] == it["cluster"])
    return result["count"], right


def naive_auto(service: SuggestionService, truth: dict[str, str]) -> tuple[int, int]:
    """Baseline: cosine >= 0.9 to the best centroid, stopping at the first photo that fails."""
    s = service.session
    items = s.queue_items()
    sugg = service.suggestions(items)
    plans: list[MovePlan] = []
    for item in items:
        top = (sugg.get(item) or {}).get("top") or []
        if not top or top[0]["score"] < 0.9:
            break
        plans.append(MovePlan(item, "", top[0]["cluster"]))
    moved = s.move_batch(plans, batch=new_batch_id())
    right = sum(1 for r in moved if truth[r["item"]] == r["cluster"])
    return len(moved), right


def run_trial(
    method: str,
    auto: AutoStep | None,
    dataset: Path,
    seed: int,
    args: argparse.Namespace,
    embedder: Embedder,
    warm_cache: Path,
) -> Trial:
    with trial_library(dataset, seed, args, embedder, warm_cache) as (service, truth):
        s = service.session
        trial = Trial(method, seed, len(truth), 0.0, 0, 0, 0, 0)
        while s.queue_length():
            item = s.queue_items(0, 1)[0]
            label = truth[item]
            if auto is None:
                trial.effort += CHOOSE
                s.assign(item, label, create=True)
            else:
                suggested, confidence = shown_suggestions(service, item)
                right = bool(suggested) and suggested[0]["cluster"] == label
                trial.effort += ACCEPT if right else CHOOSE
                trial.top1_right += right
                trial.manual_right += right
                s.assign(item, label, create=True, suggested=suggested, confidence=confidence)
            trial.manual += 1
            trial.decisions += 1
            if auto is not None and trial.manual % args.every == 0 and s.queue_length():
                moved, right_moves = auto(service, truth)
                trial.add_auto(moved, right_moves)
        return trial


def grid_trial(
    dataset: Path, seed: int, args: argparse.Namespace, embedder: Embedder, warm_cache: Path
) -> Trial:
    """The grid policy (module docstring) on one seeding."""
    with trial_library(dataset, seed, args, embedder, warm_cache) as (service, truth):
        s = service.session
        trial = Trial("grid", seed, len(truth), 0.0, 0, 0, 0, 0)
        since_auto = 0
        while s.queue_length():
            filed = _grid_step(service, truth, trial, args)
            if s.queue_length():
                filed += _one_by_one(service, truth, s.queue_items(0, 1)[0], trial)
            since_auto += filed
            if since_auto >= args.every and s.queue_length():
                since_auto = 0
                moved, right_moves = product_auto(service, truth)
                trial.add_auto(moved, right_moves)
        return trial


def _grid_step(
    service: SuggestionService, truth: dict[str, str], trial: Trial, args: argparse.Namespace
) -> int:
    """Open the grid the product says saves the most, when it saves anything; photos filed.
    The grid holds only the photos the product puts above the break-even."""
    grids = service.grids()
    page = grids.best_grid(args.grid_size)
    if page is None or not page["items"] or page.get("saving", 0.0) <= 0.0:
        return 0
    cluster = page["cluster"]
    assert cluster is not None
    items = [i["item"] for i in page["items"]]
    ticked = [i for i in items if truth[i] == cluster]
    unticked = [i for i in items if truth[i] != cluster]
    trial.effort += GRID_OPEN + GRID_SHOWN * len(items) + GRID_UNTICK * len(unticked)
    trial.grids += 1
    trial.decisions += len(items)
    trial.grid_shown += len(items)
    trial.grid_expected += sum(i.get("confidence", 0.0) for i in page["items"])
    grids.file("grid", cluster, ticked, unticked, create=False, reviewer="bench")
    trial.grid_filed += len(ticked)
    trial.top1_right += len(ticked)
    return len(ticked)


def _one_by_one(service: SuggestionService, truth: dict[str, str], item: str, trial: Trial) -> int:
    label = truth[item]
    suggested, confidence = shown_suggestions(service, item)
    right = bool(suggested) and suggested[0]["cluster"] == label
    trial.effort += ACCEPT if right else CHOOSE
    trial.top1_right += right
    trial.manual_right += right
    # A photo of a class with no cluster yet (`--new-classes`) makes its cluster.
    service.session.assign(item, label, create=True, suggested=suggested, confidence=confidence)
    trial.manual += 1
    trial.decisions += 1
    return 1


def summarise(trials: list[Trial]) -> dict[str, float | None]:
    moved = sum(t.auto_moved for t in trials)
    with_moves = [t for t in trials if t.auto_moved]
    met = [t for t in with_moves if (t.auto_precision or 0.0) >= TARGET]
    unlocked = [t for t in trials if t.unlock is not None]
    return {
        "grid_share": statistics.fmean(t.grid_filed / t.queued for t in trials),
        "one_by_one_share": statistics.fmean(t.manual / t.queued for t in trials),
        "seedings_with_moves": len(with_moves),
        "seedings_meeting_target": (len(met) / len(with_moves)) if with_moves else None,
        "effort": statistics.fmean(t.effort_ratio for t in trials),
        "effort_sd": statistics.pstdev(t.effort_ratio for t in trials),
        # seedings 0-9 and 10-19 apart: choose a variant on one half, confirm on the other
        "effort_0_9": statistics.fmean(t.effort_ratio for t in trials if t.seed < 10),
        "effort_10_19": (
            statistics.fmean(t.effort_ratio for t in late)
            if (late := [t for t in trials if t.seed >= 10])
            else None
        ),
        "top1_0_9": statistics.fmean(t.top1 for t in trials if t.seed < 10),
        "top1_10_19": statistics.fmean(t.top1 for t in late) if late else None,
        "auto_share": statistics.fmean(t.auto_share for t in trials),
        "auto_precision": sum(t.auto_right for t in trials) / moved if moved else None,
        "top1": statistics.fmean(t.top1 for t in trials),
        # the first suggestion's hit rate on the photos left for one by one (grid ticks apart)
        "manual_top1": sum(t.manual_right for t in trials) / max(1, sum(t.manual for t in trials)),
        "queued": statistics.fmean(t.queued for t in trials),
        "effort_units": statistics.fmean(t.effort for t in trials),
        "decisions_before_auto": (
            statistics.fmean(t.unlock for t in unlocked) if unlocked else None
        ),
        "seedings_never_unlocked": len(trials) - len(unlocked),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "--dataset",
        type=Path,
        default=stamps6() / "clutter",
        help="labeled folder (CLASS/*.jpg); default: ../shared/datasets if present, else the "
        "repo's test set",
    )
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument(
        "--scale",
        type=int,
        default=0,
        help="sort an N-photo folder of changed draws from --dataset (bench/draws.py); "
        "draws are easier than new photos: an upper bound",
    )
    ap.add_argument(
        "--seconds-per-unit",
        type=float,
        default=3.0,
        help="reviewer seconds per effort unit (choosing a cluster by hand = 1 unit)",
    )
    ap.add_argument("--seeds", type=int, default=5, help="seed photos per cluster")
    ap.add_argument(
        "--new-classes",
        type=int,
        default=0,
        help="this many classes (drawn per seeding) get no cluster: the reviewer makes each "
        "when filing its first photo one by one",
    )
    ap.add_argument("--every", type=int, default=10, help="auto-move every N decisions")
    ap.add_argument("--model", default="efficientnet-lite0")
    ap.add_argument("--json", type=Path, default=Path("bench/out/quality.json"))
    ap.add_argument("--methods", default="grid,photosort,no-suggestions")
    ap.add_argument("--grid-size", type=int, default=60, help="photos shown in one grid")
    ap.add_argument(
        "--crop-fraction",
        type=float,
        default=1.0,
        help="embed only the centre of each photo's shorter side (Lite0; bench-only variant)",
    )
    ap.add_argument(
        "--cache",
        type=Path,
        default=Path("bench/out/cache"),
        help="folder of embedding caches kept between runs (one per dataset and embedder)",
    )
    add_lite0_options(ap)
    args = ap.parse_args()
    if not args.dataset.is_dir():
        sys.exit(f"error: dataset folder not found: {args.dataset}")
    if args.scale:
        name = f"{args.dataset.parent.name}-{args.dataset.name}-{args.scale}"
        args.dataset = draws.build(args.dataset, args.scale, Path("bench/out/scale") / name)

    embedder = bench_embedder(args.model, args.pooling, args.tta, args.crop_fraction)
    methods: dict[str, AutoStep | None] = {
        "grid": product_auto,
        "photosort": product_auto,
        "naive-0.9": naive_auto,
        "no-suggestions": None,
    }
    chosen = [m for m in args.methods.split(",") if m]
    started = time.perf_counter()
    results: dict[str, dict[str, float | None]] = {}
    all_trials: list[dict[str, object]] = []
    args.cache.mkdir(parents=True, exist_ok=True)
    warm = warm_cache(args.cache, args.dataset, embedder)
    for method in chosen:
        trials = [
            grid_trial(args.dataset, seed, args, embedder, warm)
            if method == "grid"
            else run_trial(method, methods[method], args.dataset, seed, args, embedder, warm)
            for seed in range(args.trials)
        ]
        results[method] = summarise(trials)
        all_trials += [{**asdict(t), "effort_ratio": t.effort_ratio} for t in trials]

    print(
        f"dataset {args.dataset} · {args.trials} trials · {args.seeds} seeds/cluster · "
        + (f"{args.new_classes} classes with no cluster · " if args.new_classes else "")
        + f"auto-move every {args.every} decisions · embedder {embedder.id}"
    )
    print(
        f"{'method':<16}{'effort':>8}{'±sd':>7}{'grid':>7}{'1-by-1':>8}{'auto':>7}"
        f"{'auto prec':>11}{'met':>6}{'top-1':>8}{'to unlock':>11}{'minutes':>9}"
    )
    for method, r in results.items():
        prec = "n/a" if r["auto_precision"] is None else f"{r['auto_precision']:.1%}"
        met = r["seedings_meeting_target"]
        print(
            f"{method:<16}{r['effort']:>8.3f}{r['effort_sd']:>7.3f}{r['grid_share']:>7.1%}"
            f"{r['one_by_one_share']:>8.1%}{r['auto_share']:>7.1%}{prec:>11}"
            f"{'n/a' if met is None else f'{met:.0%}':>6}{r['top1']:>8.1%}"
            f"{_unlock(r):>11}{_minutes(r, args.seconds_per_unit):>9.1f}"
        )
    print(f"minutes: the reviewer's, at {args.seconds_per_unit:g} s per effort unit")
    for method, r in results.items():
        late = "n/a" if r["effort_10_19"] is None else f"{r['effort_10_19']:.3f}"
        late1 = "n/a" if r["top1_10_19"] is None else f"{r['top1_10_19']:.1%}"
        print(
            f"{method}: effort seedings 0-9 {r['effort_0_9']:.3f}, 10-19 {late}; "
            f"top-1 {r['top1_0_9']:.1%}, {late1}"
        )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "dataset": str(args.dataset),
                "trials": args.trials,
                "seeds": args.seeds,
                "new_classes": args.new_classes,
                "every": args.every,
                "scale": args.scale,
                "seconds_per_unit": args.seconds_per_unit,
                "embedder": embedder.id,
                "results": results,
                "seconds": time.perf_counter() - started,
                "per_trial": all_trials,
            },
            indent=2,
        )
    )
    main_result = results.get("grid") or results.get("photosort") or next(iter(results.values()))
    prec = main_result["auto_precision"]
    print(
        f"effort={main_result['effort']:.3f} precision={'n/a' if prec is None else f'{prec:.3f}'}"
    )


def _unlock(r: dict[str, float | None]) -> str:
    """Mean decisions before auto-move first moved anything, and in how many seedings not."""
    got, never = r["decisions_before_auto"], r["seedings_never_unlocked"]
    if got is None:
        return "never"
    return f"{got:.0f}" + (f" ({never:.0f} never)" if never else "")


def _minutes(r: dict[str, float | None], seconds_per_unit: float) -> float:
    return (r["effort_units"] or 0.0) * seconds_per_unit / 60.0


if __name__ == "__main__":
    main()
