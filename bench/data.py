"""Where benchmarks find real photos: the bigger shared datasets when they sit beside the
repository (`../shared/datasets`), else what the repository itself holds (the tests' labeled
set in backend/tests/data and the RAW file of sample/), so every benchmark runs from a clone."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "datasets"


def stamps6() -> Path:
    """The stamps6 folder (with `clutter/` and `white/`): shared if present, else the repo's."""
    shared = SHARED / "stamps6"
    return (
        shared if (shared / "clutter").is_dir() else REPO / "backend" / "tests" / "data" / "stamps6"
    )


def cr2() -> Path:
    """A real Canon CR2: the shared one, else the sample's (found wherever a session put it)."""
    shared = SHARED / "raw" / "IMG_5952.CR2"
    if shared.is_file():
        return shared
    sys.path.insert(0, str(REPO / "backend" / "tests"))
    from testdata import cr2_path

    return cr2_path()
