#!/usr/bin/env python3
"""Build `backend/tests/data/`: the small labeled photo set the tests run on.

    python scripts/make_testdata.py            # rebuild it from ../shared/datasets
    python scripts/make_testdata.py --check    # exit 1 if it is not exactly what it would build

Tests must run from a bare clone, so they read only what is committed. The set is 12 photos
per stamps6 class, in both the `clutter` and the `white` variant (same file names). For the
four classes `sample/` already holds, the 12 are picked among the sample's own photos, so git
stores those bytes once. The RAW file is not copied: the tests find `sample/IMG_5952.CR2` by its
SHA-256 (see backend/tests/testdata.py). The selection is deterministic (sorted names, evenly
spaced picks), so rebuilding gives byte-identical files.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_sample import DEFAULT_DATASETS, ROOT, evenly_spaced, plan, sha256

OUT = ROOT / "backend" / "tests" / "data"
PER_CLASS = 12
VARIANTS = ("clutter", "white")
# Single photos tests name on purpose (outside the labeled set, so its balance stays).
REFERENCE = ("stamps6/clutter/birds/blackbird.jpg",)  # resize geometry vs CLIP's processor

README = """# backend/tests/data — the photos the tests run on

Real photos only, so tests see what users see; small, so a clone stays light. Rebuilt by
`python scripts/make_testdata.py` from the project's shared datasets (`--check` verifies it).

## stamps6/{clutter,white}/CLASS/*.jpg — a labeled set, 12 photos per class

- 6 classes (birds, coins, flowers, fruit, mammals, vegetables), 384x384 JPEGs; the folder name
  is the label. `white/` shows the object on a white background, `clutter/` the same object,
  scaled, mirrored and placed at a random spot on a real photographic background.
- **Objects**: real photo cut-outs from Debian's `tuxpaint-stamps-default` package (Tux Paint
  stamps, <https://tuxpaint.org/>), licensed **GPL-2.0**. Source and originals: the Debian
  source package `tuxpaint-stamps`.
- **Backgrounds** (`clutter/` only): scikit-image's bundled sample photos (`skimage.data`,
  <https://scikit-image.org/>, BSD-3-Clause; each image's source and terms are in the
  `skimage.data` docstrings).

## reference/ — single photos a test names

`blackbird.jpg` (from `stamps6/clutter/birds/`, same sources and licenses as above): the photo
whose resize and crop are compared with CLIP's own image processor.

## The RAW file

Not copied here: tests use `sample/IMG_5952.CR2` (a Canon CR2, 3596x2360 sensor with an
embedded 1728x1152 JPEG preview, from Debian's `rawtran-doc` package, **GPL-3.0-or-later**;
see `sample/LICENSE.md`), found by its SHA-256 wherever a `make run` session filed it.
"""


def picks(datasets: Path) -> dict[str, list[str]]:
    """Class -> the file names to copy (the sample's own photos where it has the class)."""
    in_sample: dict[str, list[str]] = {}
    for e in plan(datasets):
        if e.group != "raw":
            in_sample.setdefault(e.group, []).append(Path(e.source).name)
    clutter = datasets / "stamps6" / "clutter"
    chosen: dict[str, list[str]] = {}
    for folder in sorted(p for p in clutter.iterdir() if p.is_dir()):
        names = sorted(in_sample.get(folder.name) or (p.name for p in folder.glob("*.jpg")))
        chosen[folder.name] = evenly_spaced(names, PER_CLASS)
    return chosen


def build(datasets: Path, out: Path) -> None:
    for cls, names in picks(datasets).items():
        for variant in VARIANTS:
            (out / "stamps6" / variant / cls).mkdir(parents=True, exist_ok=True)
            for name in names:
                src = datasets / "stamps6" / variant / cls / name
                shutil.copyfile(src, out / "stamps6" / variant / cls / name)
    (out / "reference").mkdir(exist_ok=True)
    for rel in REFERENCE:
        shutil.copyfile(datasets / rel, out / "reference" / Path(rel).name)
    (out / "README.md").write_text(README, encoding="utf-8", newline="\n")


def hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): sha256(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="testdata-") as tmp:
        build(args.datasets, Path(tmp))
        expected = hashes(Path(tmp))
        if not args.check:
            if OUT.exists():
                shutil.rmtree(OUT)
            shutil.copytree(tmp, OUT)
    actual = hashes(OUT) if OUT.is_dir() else {}
    bad = sorted(p for p in expected.keys() | actual.keys() if expected.get(p) != actual.get(p))
    for p in bad:
        print(f"differs: backend/tests/data/{p}")
    size = sum(f.stat().st_size for f in OUT.rglob("*") if f.is_file()) / 1e6
    print(f"{len(actual)} files, {size:.1f} MB" if not bad else f"{len(bad)} difference(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
