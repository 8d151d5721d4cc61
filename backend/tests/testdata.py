"""Where the tests' real photos live: all inside the repository, so a bare clone runs every test.

`data/stamps6/{clutter,white}/CLASS/*.jpg` is the labeled set (see data/README.md). The RAW file
is `sample/IMG_5952.CR2`; a `make run` session may have filed or trashed it inside sample/, so
it is found by the SHA-256 the sample's manifest records, wherever it went.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
STAMPS6 = DATA / "stamps6"
STAMPS = STAMPS6 / "clutter"
REFERENCE = DATA / "reference"
SAMPLE = REPO / "sample"


@functools.cache
def cr2_path() -> Path:
    """The real Canon CR2 of sample/ (fails, never skips, when it is gone)."""
    manifest = json.loads((SAMPLE / ".manifest.json").read_text(encoding="utf-8"))
    entry = next(f for f in manifest["files"] if f["path"].lower().endswith(".cr2"))
    candidates = [SAMPLE / entry["path"]]
    candidates += [p for p in SAMPLE.rglob("*") if p.suffix.lower() == ".cr2"]
    for path in candidates:
        if (
            path.is_file()
            and path.stat().st_size == entry["size"]
            and hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
        ):
            return path
    raise FileNotFoundError(
        f"sample/{entry['path']} is missing (sha256 {entry['sha256'][:12]}…): "
        "run `make sample-reset` or `python scripts/make_sample.py --reset`"
    )
