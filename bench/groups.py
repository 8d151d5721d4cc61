"""Groups at scale: what grouping files by stem adds to opening a session.

Builds a camera-like source of N queued photos (empty files are enough: opening a session
walks and groups names, it decodes nothing): 70% lone JPEGs, 20% RAW+JPEG+XMP(+CR2.xmp)
groups, 10% HEIC+MOV+AAE Live Photos, in folders of 1,000 like a card's DCIM. Then times,
best of `--repeat`:

- `open`: `Session(source, dest)` from nothing (journal empty), the whole start-up;
- `scan`: `session/scan.py:scan` alone (walk + group);
- `walk before groups`: the scan's walk as it was before groups (scandir, photos by
  extension, one item per photo), on the same tree;
- `group`: `groups.folder_faces` (the scan's grouping) over the same folder listings alone.

"Grouping adds" is `scan - walk before groups`, as a share of what opening took without it.
Stacking is timed beside it: `find_stacks` over N queued items with 1280-d vectors (the
offline embedder's size), shots 1 s apart (every photo within the 2 s gap of the next: the
worst case) and 30 s apart (a trip's pace). Stacks are not computed at open (the first
`/api/stacks` computes them), so their share says what they would add if they were.

Prints a table and writes bench/out/groups.json. Figures are noisy on a shared machine.

    python bench/groups.py                 # 100k photos
    python bench/groups.py --items 10000   # quick
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import OUT_DIR, print_table, write_json
from photosort.formats import is_photo
from photosort.session import Session
from photosort.session.groups import folder_faces, is_member
from photosort.session.scan import scan
from photosort.suggest.review.stacks import find_stacks

PER_FOLDER = 1000


def build(root: Path, items: int) -> Path:
    """N queued photos (faces) and their companions, empty files, folders of 1,000."""
    source = root / "card"
    for i in range(items):
        folder = source / "DCIM" / f"{100 + i // PER_FOLDER}CANON"
        if i % PER_FOLDER == 0:
            folder.mkdir(parents=True)
        stem = folder / f"IMG_{i:06d}"
        kind = i % 10
        if kind < 7:
            names = [".JPG"]
        elif kind < 9:
            names = [".JPG", ".CR2", ".xmp", ".CR2.xmp"]
        else:
            names = [".HEIC", ".MOV", ".AAE"]
        for tail in names:
            with open(f"{stem}{tail}", "wb"):
                pass
    return source


def best_of(steps: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Each step's best time over `repeat` rounds, the steps interleaved so that a burst of
    load on a shared machine hits all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(repeat):
        for name, fn in steps.items():
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    return {name: min(ts) for name, ts in times.items()}


def listings(source: Path) -> list[list[str]]:
    out = []
    for dirpath, _dirs, files in os.walk(source):
        if ".clustering" not in dirpath:
            out.append([f for f in files if is_member(f)])
    return out


def walk_before_groups(source: Path) -> list[str]:
    """`scan._walk_photos` as it was before groups (commit 60b80a7): every photo its own item."""
    found: list[str] = []
    stack: list[tuple[str, str]] = [(str(source), "")]
    while stack:
        folder, rel = stack.pop()
        with os.scandir(folder) as it:
            entries = list(it)
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            item = f"{rel}{name}"
            if entry.is_dir(follow_symlinks=False):
                stack.append((entry.path, f"{item}/"))
            elif entry.is_file(follow_symlinks=False) and is_photo(name):
                found.append(item)
    return found


def open_session(source: Path, dest: Path) -> None:
    shutil.rmtree(dest / ".clustering", ignore_errors=True)
    Session(source, dest).close()


def stacking_times(n: int, repeat: int) -> dict[str, float]:
    """Best-of seconds of `find_stacks` over `n` items, shots 1 s and 30 s apart."""
    import numpy as np

    rng = np.random.default_rng(9)
    vecs = rng.standard_normal((n, 1280)).astype(np.float16)
    out: dict[str, float] = {}
    for spacing in (1.0, 30.0):
        times = np.cumsum(rng.exponential(spacing, n))
        best = float("inf")
        for _ in range(repeat):
            t = time.perf_counter()
            find_stacks(times, vecs)
            best = min(best, time.perf_counter() - t)
        out[f"stacking, a shot every {spacing:.0f} s"] = best
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--json", type=Path, default=OUT_DIR / "groups.json")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="photosort-groups-") as tmp:
        t = time.perf_counter()
        source = build(Path(tmp), args.items)
        built = time.perf_counter() - t
        dest = Path(tmp) / "sorted"
        dest.mkdir()
        queued = len(scan(source, dest).queued)
        names = listings(source)
        files = sum(len(n) for n in names)
        timings = best_of(
            {
                "open": lambda: open_session(source, dest),
                "scan": lambda: scan(source, dest),
                "walk before groups": lambda: walk_before_groups(source),
                "group": lambda: [folder_faces(n, "", {}) for n in names],
            },
            args.repeat,
        )
    added = max(0.0, timings["scan"] - timings["walk before groups"])
    share = added / (timings["open"] - added)
    stacking = stacking_times(queued, min(args.repeat, 3))
    rows = [[k, f"{v * 1000:.0f}"] for k, v in timings.items()]
    rows.append(["grouping adds", f"{added * 1000:.0f} ms = {share:.1%} of open"])
    for name, secs in stacking.items():
        rows.append([name, f"{secs * 1000:.0f} ms = {secs / timings['open']:.0%} of open"])
    print_table(
        ["step", "ms"],
        rows,
        title=f"groups: {queued} queued photos, {files} files (built in {built:.0f} s)",
    )
    path = write_json(
        args.json,
        "groups",
        {
            "params": {"items": args.items, "repeat": args.repeat, "per_folder": PER_FOLDER},
            "queued": queued,
            "files": files,
            "seconds": timings,
            "grouping_adds_seconds": added,
            "grouping_adds_share_of_open": share,
            "stacking_seconds": stacking,
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
