"""Proposed groups cut at the break-even, or shown whole: which costs the reviewer less.

A proposed group (the `n` key, `GET /api/discover`) is a set of queued photos that match no
cluster well, offered to be named as a new cluster. This bench sorts a labeled dataset's
grouped photos both ways with the product's engine, on the same seedings:

- `whole`: every group shown with all its members (`everything=true`);
- `cut`: only the members whose calibrated probability of belonging is above the break-even
  (the product's default); a group with fewer than two such members is not offered;
- `one by one`: no group at all, for reference.

Two situations per seeding: `cold start` (no cluster, no decision: the whole dataset queued)
and `two new classes` (`--seeds` photos per class filed for all classes but two, then
`--warmup` photos of those classes reviewed one by one, so the calibration has evidence; the
two held-back classes have no cluster). The simulated reviewer opens each offered group in
turn (biggest first), names it after its most common true class (filing into that cluster if
it exists), unticks the photos of other classes and files the rest (`Grids.file`, mode
`discover`). Then every photo that was in a group and is still queued is reviewed one by one
(accepting the first suggestion when right, else choosing).

Effort model (as bench/quality.py): accepting the first suggestion 0.3, choosing a cluster
1.0; a group 0.3 to open and confirm plus 1.0 to name, 0.1 per photo shown, 0.5 more per
photo unticked. Effort is per photo of the groups (those `everything=true` lists).

    python bench/proposed_groups.py --trials 5
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import OUT_DIR, print_table, write_json
from data import stamps6
from photosort.suggest import SuggestionService, shown_suggestions
from quality import add_lite0_options, bench_embedder, build_library, open_service, warm_cache

ACCEPT, CHOOSE = 0.3, 1.0
GROUP_OPEN, GROUP_NAME, SHOWN, UNTICK = 0.3, 1.0, 0.1, 0.5
VARIANTS = ("whole", "cut", "one by one")


@dataclass
class Run:
    dataset: str
    situation: str
    variant: str
    seed: int
    photos: int = 0  # photos in the groups (everything=true)
    groups: int = 0  # groups opened
    shown: int = 0
    ticked: int = 0
    left: int = 0  # left out of groups by the cut (one by one instead)
    effort: float = 0.0
    break_even: float = 0.0

    @property
    def purity(self) -> float:
        return self.ticked / self.shown if self.shown else float("nan")


def one_by_one(service: SuggestionService, truth: dict[str, str], item: str) -> float:
    label = truth[item]
    suggested, confidence = shown_suggestions(service, item)
    right = bool(suggested) and suggested[0]["cluster"] == label
    exists = label in {c for c, _ in service.session.clusters()}
    service.session.assign(
        item, label, create=not exists, suggested=suggested, confidence=confidence
    )
    return ACCEPT if right else CHOOSE


def open_groups(service: SuggestionService, truth: dict[str, str], run: Run, page: Any) -> None:
    """The reviewer names each offered group after its most common class, unticks the rest."""
    grids = service.grids()
    for group in page["groups"]:
        shown = [i["item"] for i in group["items"] if service.session.is_queued(i["item"])]
        if not shown:
            continue
        label = Counter(truth[i] for i in shown).most_common(1)[0][0]
        ticked = [i for i in shown if truth[i] == label]
        run.groups += 1
        run.shown += len(shown)
        run.ticked += len(ticked)
        run.effort += GROUP_OPEN + GROUP_NAME + SHOWN * len(shown)
        run.effort += UNTICK * (len(shown) - len(ticked))
        exists = label in {c for c, _ in service.session.clusters()}
        grids.file("discover", label, ticked, [], create=not exists, reviewer="bench")


def run_once(
    args: argparse.Namespace, dataset: Path, situation: str, variant: str, seed: int, embedder
) -> Run:
    rng = random.Random(seed)
    classes = sorted(p.name for p in dataset.iterdir() if p.is_dir())
    new = set(classes) if situation == "cold start" else set(rng.sample(classes, 2))
    run = Run(dataset.name, situation, variant, seed)
    warm = warm_cache(args.cache, dataset, embedder)
    with tempfile.TemporaryDirectory(prefix="photosort-pgroups-") as tmp:
        truth = build_library(dataset, Path(tmp), args.seeds, rng, frozenset(new))
        service = open_service(Path(tmp), embedder, warm)
        try:
            _save_cache(Path(tmp), warm)
            s = service.session
            s.shuffle(seed)
            known = [i for i in s.queue_items() if truth[i] not in new][: args.warmup]
            for item in known:
                one_by_one(service, truth, item)
            every = service.grids().discover(everything=True)
            members = [i["item"] for g in every["groups"] for i in g["items"]]
            run.photos = len(members)
            if variant != "one by one":
                page = service.grids().discover(everything=variant == "whole")
                run.break_even = page["break_even"]
                run.left = page["left"] if variant == "cut" else 0
                open_groups(service, truth, run, page)
            for item in members:
                if s.is_queued(item):
                    run.effort += one_by_one(service, truth, item)
        finally:
            service.close()
            service.session.close()
    return run


def _save_cache(root: Path, warm: Path) -> None:
    import sqlite3

    if warm.exists():
        return
    warm.parent.mkdir(parents=True, exist_ok=True)
    with (
        sqlite3.connect(root / ".clustering" / "embeddings.sqlite") as src,
        sqlite3.connect(warm) as dst,
    ):
        src.backup(dst)


def summary(runs: list[Run]) -> dict[str, float]:
    photos = sum(r.photos for r in runs)
    shown = sum(r.shown for r in runs)
    return {
        "runs": len(runs),
        "photos": photos / len(runs),
        "groups": statistics.fmean(r.groups for r in runs),
        "shown": shown / len(runs),
        "left": statistics.fmean(r.left for r in runs),
        "purity": sum(r.ticked for r in runs) / shown if shown else float("nan"),
        "effort_per_photo": sum(r.effort for r in runs) / photos if photos else float("nan"),
        "break_even": statistics.fmean(r.break_even for r in runs),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trials", type=int, default=5)
    ap.add_argument("--seeds", type=int, default=5, help="seed photos per known class")
    ap.add_argument("--warmup", type=int, default=20, help="one-by-one decisions before")
    ap.add_argument("--model", default="efficientnet-lite0")
    ap.add_argument("--datasets", default="clutter,white")
    ap.add_argument("--cache", type=Path, default=OUT_DIR / "cache")
    ap.add_argument("--json", type=Path, default=OUT_DIR / "proposed_groups.json")
    add_lite0_options(ap)
    args = ap.parse_args()
    embedder = bench_embedder(args.model, args.pooling, args.tta)
    runs: list[Run] = []
    for name in args.datasets.split(","):
        dataset = stamps6() / name
        for situation in ("cold start", "two new classes"):
            for seed in range(args.trials):
                for variant in VARIANTS:
                    runs.append(run_once(args, dataset, situation, variant, seed, embedder))
    rows, table = [], {}
    for name in args.datasets.split(","):
        for situation in ("cold start", "two new classes"):
            for variant in VARIANTS:
                picked = [
                    r
                    for r in runs
                    if (r.dataset, r.situation, r.variant) == (name, situation, variant)
                ]
                s = summary(picked)
                table[f"{name} / {situation} / {variant}"] = s
                rows.append(
                    [
                        name,
                        situation,
                        variant,
                        f"{s['photos']:.0f}",
                        f"{s['groups']:.1f}",
                        f"{s['shown']:.0f}",
                        f"{s['left']:.0f}",
                        f"{s['purity']:.1%}",
                        f"{s['effort_per_photo']:.3f}",
                    ]
                )
    print_table(
        ["set", "situation", "groups", "photos", "opened", "shown", "left", "purity", "effort"],
        rows,
        title=f"proposed groups, {args.trials} seedings each, effort per grouped photo",
    )
    path = write_json(
        args.json,
        "proposed_groups",
        {
            "params": vars(args) | {"cache": str(args.cache), "json": str(args.json)},
            "results": table,
            "runs": [asdict(r) for r in runs],
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
