#!/usr/bin/env python3
"""Build (or restore) `sample/`: the small real photo set that `make run` serves.

    python scripts/make_sample.py            # regenerate sample/ from ../shared/datasets
    python scripts/make_sample.py --check    # exit 1 if sample/ is not exactly what it would build
    python scripts/make_sample.py --reset    # undo a `make run` session: put every photo back

The selection is deterministic (sorted names, evenly spaced picks; no randomness), so running
the generator twice gives byte-identical files. `sample/` itself is committed, so nothing at run
time needs the datasets folder.

`--reset` needs neither git nor the datasets: `make run` files photos for real inside sample/
(into cluster folders, renamed with a ` (2)` suffix on collisions, or into
`.clustering/trash/`), so the reset finds every photo of `.manifest.json` by its SHA-256
wherever it went, moves it back to its pristine path, and removes `.clustering/`, extra files
and folders the session created. Only when a photo is gone altogether does it copy it again
from the datasets (when they are there). `make sample-reset` does the same with git.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATASETS = ROOT.parent / "shared" / "datasets"
DEFAULT_SAMPLE = ROOT / "sample"
MANIFEST = ".manifest.json"
DOC_FILES = ("README.md", "LICENSE.md", MANIFEST)

STAMPS_LICENSE = "GPL-2.0 (object); background: scikit-image sample data"
RAW_LICENSE = "GPL-3.0-or-later"


@dataclass(frozen=True)
class Group:
    cls: str  # stamps6 class folder
    total: int  # photos taken from the class
    seeded: int  # of those, already filed in sample/<cls>/ (a started cluster)


# Four visually distinct stamps6 classes. Three are started clusters; the coins have none on
# purpose: their best suggestion is weak, the UI says so and offers a new cluster, and the
# first coin is where a new user learns to make one (`/`, a new name, Enter).
GROUPS = (
    Group("birds", 15, 4),
    Group("flowers", 14, 4),
    Group("fruit", 14, 4),
    Group("coins", 13, 0),
)
RAW_FILE = "raw/IMG_5952.CR2"  # queued too: a landscape that fits no group


@dataclass(frozen=True)
class Entry:
    path: str  # inside sample/, "/"-separated
    source: str  # inside the datasets folder
    group: str  # "birds", ... or "raw"
    seeded: bool
    license: str


def evenly_spaced(names: list[str], k: int) -> list[str]:
    """k names spread evenly over a sorted list (deterministic, no RNG)."""
    n = len(names)
    if k > n:
        raise SystemExit(f"asked for {k} photos but only {n} exist")
    return [names[(2 * i + 1) * n // (2 * k)] for i in range(k)]


def plan(datasets: Path) -> list[Entry]:
    clutter = datasets / "stamps6" / "clutter"
    entries: list[Entry] = []
    for g in GROUPS:
        folder = clutter / g.cls
        if not folder.is_dir():
            raise SystemExit(f"missing dataset folder: {folder}")
        names = sorted(p.name for p in folder.iterdir() if p.suffix.lower() == ".jpg")
        picked = evenly_spaced(names, g.total)
        seeded = set(evenly_spaced(picked, g.seeded)) if g.seeded else set()
        for name in picked:
            path = f"{g.cls}/{name}" if name in seeded else name
            src = f"stamps6/clutter/{g.cls}/{name}"
            entries.append(Entry(path, src, g.cls, name in seeded, STAMPS_LICENSE))
    raw = datasets / RAW_FILE
    if not raw.is_file():
        raise SystemExit(f"missing dataset file: {raw}")
    entries.append(Entry(Path(RAW_FILE).name, RAW_FILE, "raw", False, RAW_LICENSE))
    loose = [e.path for e in entries if "/" not in e.path]
    if len(loose) != len({p.casefold() for p in loose}):
        raise SystemExit("two loose photos would share a name")
    return sorted(entries, key=lambda e: e.path)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# ----------------------------------------------------------------------------- documents
def license_md(entries: list[Entry], hashes: dict[str, str]) -> str:
    rows = "\n".join(
        f"| `{e.path}` | `{e.source}` | {e.license} |" for e in entries if e.group != "raw"
    )
    raw = next(e for e in entries if e.group == "raw")
    return f"""# sample/ — sources and licenses

Every file in this folder is a real photograph (or built from real photographs); none is
synthetic. They come from the project's shared datasets (`../shared/datasets/`, see its
README) and are copied byte for byte by `scripts/make_sample.py`.

## stamps6 photos ({len(entries) - 1} JPEGs, 384x384)

From the `stamps6/clutter/` set. Each photo is a real photo cut-out of an object placed on a
real photographic background:

- **Objects**: photo cut-outs from Debian's `tuxpaint-stamps-default` package (Tux Paint
  stamps, <https://tuxpaint.org/>), licensed **GPL-2.0** (GNU General Public License,
  version 2). Source code and originals: the Debian source package `tuxpaint-stamps`.
- **Backgrounds**: the sample photographs bundled with scikit-image (`skimage.data`,
  <https://scikit-image.org/>, BSD-3-Clause). scikit-image documents the source and terms
  of each of its sample images in the `skimage.data` docstrings (for example the Hubble
  eXtreme Deep Field: NASA, public domain; the coffee cup: CC0).

## RAW photo

- `{raw.path}` — a Canon CR2 (3596x2360 sensor, embedded 1728x1152 JPEG preview), from
  Debian's `rawtran-doc` package, licensed **GPL-3.0-or-later**.
  SHA-256 `{hashes[raw.path]}`.

## Per-file sources

| file in sample/ | source in ../shared/datasets/ | license |
|---|---|---|
{rows}
| `{raw.path}` | `{raw.source}` | {raw.license} |
"""


def readme_md(entries: list[Entry], sizes: dict[str, int]) -> str:
    lines = []
    for g in GROUPS:
        members = [e for e in entries if e.group == g.cls]
        seeded = sum(e.seeded for e in members)
        where = f"{seeded} already in `{g.cls}/`, " if seeded else ""
        lines.append(f"| {g.cls} | {len(members)} | {where}{len(members) - seeded} loose |")
    total_mb = sum(sizes.values()) / 1e6
    loose = sum(1 for e in entries if not e.seeded)
    names = [f"`{g.cls}/`" for g in GROUPS if g.seeded]
    started = f"Started clusters: {', '.join(names[:-1])} and {names[-1]}"
    return f"""# sample/ — the photo set `make run` serves

{len(entries) - 1} real photos in four visually distinct groups plus one camera RAW file,
{total_mb:.1f} MB. {started} (a few members each, so suggestions work at
once); everything else ({loose} photos) lies loose in this folder and is the queue. The coins
have no cluster on purpose: the UI calls their best suggestion weak and offers "new cluster…"
(`/`) right there, so the first coin is where you make one. Sources and licenses:
[LICENSE.md](LICENSE.md).

| group | photos | state |
|---|---|---|
{chr(10).join(lines)}
| RAW (`IMG_5952.CR2`, a landscape) | 1 | loose; fits no group (make a new cluster) |

## `make run` changes this folder

`make run` serves `sample/` in place: filing a photo really moves it into a cluster folder,
"delete" moves it into `.clustering/trash/`, and the journal is written to `.clustering/`
(ignored by git). To get the pristine set back, stop the server and run either

    make sample-reset                  # git checkout -- sample && git clean -fdxq sample
    python scripts/make_sample.py --reset

`--reset` needs neither git nor the datasets: it finds each photo by its SHA-256
(`.manifest.json`) wherever the session put it and moves it back. To rebuild the folder from
`../shared/datasets/` run `python scripts/make_sample.py`; `--check` verifies it is
unchanged.
"""


def manifest_json(entries: list[Entry], hashes: dict[str, str], sizes: dict[str, int]) -> str:
    files = [
        {
            "path": e.path,
            "sha256": hashes[e.path],
            "size": sizes[e.path],
            "source": e.source,
            "group": e.group,
            "seeded": e.seeded,
            "license": e.license,
        }
        for e in entries
    ]
    return json.dumps({"version": 1, "files": files}, indent=1, ensure_ascii=False) + "\n"


# ----------------------------------------------------------------------------- build
def build(datasets: Path, out: Path) -> dict[str, str]:
    """Write the whole sample into the empty folder `out`; returns {relative path: sha256}."""
    entries = plan(datasets)
    hashes: dict[str, str] = {}
    sizes: dict[str, int] = {}
    for e in entries:
        dst = out / e.path
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(datasets / e.source, dst)
        hashes[e.path] = sha256(dst)
        sizes[e.path] = dst.stat().st_size
    if len(set(hashes.values())) != len(hashes):
        raise SystemExit("two selected photos have identical bytes; --reset needs them distinct")
    docs = {
        "LICENSE.md": license_md(entries, hashes),
        "README.md": readme_md(entries, sizes),
        MANIFEST: manifest_json(entries, hashes, sizes),
    }
    for name, text in docs.items():
        (out / name).write_text(text, encoding="utf-8", newline="\n")
        hashes[name] = sha256(out / name)
    return hashes


def tree_hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): sha256(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.relative_to(folder).as_posix().startswith(".clustering/")
    }


def generate(datasets: Path, sample: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="sample-", dir=sample.parent) as tmp:
        fresh = Path(tmp) / "sample"
        fresh.mkdir()
        build(datasets, fresh)
        if sample.exists():
            shutil.rmtree(sample)
        fresh.rename(sample)
    report(sample)


def check(datasets: Path, sample: Path) -> int:
    with tempfile.TemporaryDirectory(prefix="sample-check-") as tmp:
        expected = build(datasets, Path(tmp))
    actual = tree_hashes(sample) if sample.is_dir() else {}
    bad = sorted(
        {p for p in expected if actual.get(p) != expected[p]} | (actual.keys() - expected.keys())
    )
    for p in bad:
        state = "missing" if p not in actual else "extra" if p not in expected else "differs"
        print(f"{state}: sample/{p}")
    if (sample / ".clustering").exists():
        print("note: sample/.clustering/ exists (a session ran here; --reset clears it)")
    print("ok: sample/ is pristine" if not bad else f"{len(bad)} difference(s)")
    return 1 if bad else 0


# ----------------------------------------------------------------------------- reset
def reset(sample: Path, datasets: Path) -> int:
    manifest_path = sample / MANIFEST
    if not manifest_path.is_file():
        print(f"error: {manifest_path} is missing; use `make sample-reset` (git)", file=sys.stderr)
        return 2
    files = json.loads(manifest_path.read_text(encoding="utf-8"))["files"]
    by_hash = {f["sha256"]: f for f in files}
    sizes = {f["size"] for f in files}
    keep = set(DOC_FILES)
    # Where is every photo now? (cluster folders, renamed copies, the trash, anywhere below)
    found: dict[str, list[Path]] = {}
    strays: list[Path] = []
    for p in sorted(sample.rglob("*")):
        rel = p.relative_to(sample).as_posix()
        if not p.is_file() or p.is_symlink() or rel in keep:
            continue
        digest = sha256(p) if p.stat().st_size in sizes else ""
        if digest in by_hash:
            found.setdefault(digest, []).append(p)
        elif not rel.startswith(".clustering/"):  # the session's own files go with the folder
            strays.append(p)
    # Two phases, so that no photo can be in the way of another: first every misplaced photo
    # goes to a staging folder, then each is put back where it belongs.
    staging = sample / ".reset-staging"
    staging.mkdir(exist_ok=True)
    moved = copied = 0
    missing: list[str] = []
    for f in files:
        target = sample / f["path"]
        places = found.get(f["sha256"], [])
        if target in places:
            places.remove(target)
        elif places:
            places.pop(0).rename(staging / f["sha256"])
        strays += places  # copies of a photo that already has its pristine copy
    for p in strays:
        if p.exists():
            print(f"removing extra file: {p.relative_to(sample).as_posix()}")
            p.unlink()
    for f in files:
        target = sample / f["path"]
        staged = staging / f["sha256"]
        target.parent.mkdir(parents=True, exist_ok=True)
        if staged.exists():
            staged.rename(target)
            moved += 1
        elif not target.is_file():
            if (datasets / f["source"]).is_file():
                shutil.copyfile(datasets / f["source"], target)
                copied += 1
            else:
                missing.append(f["path"])
    staging.rmdir()
    shutil.rmtree(sample / ".clustering", ignore_errors=True)
    wanted_dirs = {str(Path(f["path"]).parent) for f in files} - {"."}
    for folder in sorted((p for p in sample.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        if folder.relative_to(sample).as_posix() not in wanted_dirs and not any(folder.iterdir()):
            folder.rmdir()
    for name in wanted_dirs:
        (sample / name).mkdir(exist_ok=True)
    print(f"reset sample/: {moved} photo(s) moved back, {copied} copied again from the datasets")
    if missing:
        for rel in missing:
            print(f"error: cannot restore {rel}: not found here or in {datasets}", file=sys.stderr)
        return 1
    return 0


def report(sample: Path) -> None:
    files = json.loads((sample / MANIFEST).read_text(encoding="utf-8"))["files"]
    total = sum(p.stat().st_size for p in sample.rglob("*") if p.is_file())
    loose = sum(1 for f in files if not f["seeded"])
    print(f"sample/: {len(files)} photos ({loose} loose/queued), {total / 1e6:.2f} MB")
    for g in [*(g.cls for g in GROUPS), "raw"]:
        members = [f for f in files if f["group"] == g]
        seeded = sum(f["seeded"] for f in members)
        print(f"  {g:8s} {len(members):3d} photos, {seeded} seeded in a cluster folder")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    ap.add_argument("--out", type=Path, default=DEFAULT_SAMPLE, help="the sample folder")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--reset", action="store_true", help="restore sample/ after `make run`")
    mode.add_argument("--check", action="store_true", help="verify sample/ is pristine")
    args = ap.parse_args(argv)
    sample = args.out.resolve()
    if args.reset:
        return reset(sample, args.datasets)
    if args.check:
        return check(args.datasets, sample)
    generate(args.datasets, sample)
    return 0


if __name__ == "__main__":
    sys.exit(main())
