"""Fixtures for media tests: real files written into tmp_path, plus the shared real datasets."""

from __future__ import annotations

from pathlib import Path

import pytest
from media_helpers import CR2, STAMPS, DngFactory, write_bayer_dng
from PIL import Image


@pytest.fixture
def cr2() -> Path:
    if not CR2.is_file():
        pytest.skip(f"real CR2 not found at {CR2} (shared datasets absent)")
    return CR2


@pytest.fixture
def stamp() -> Path:
    photos = sorted(STAMPS.glob("*/*.jpg")) if STAMPS.is_dir() else []
    if not photos:
        pytest.skip(f"stamps6 photos not found under {STAMPS} (shared datasets absent)")
    return photos[0]


@pytest.fixture
def bayer_dng(tmp_path: Path, stamp: Path) -> DngFactory:
    """Make a preview-less DNG from a real stamps6 photo, resized non-square to expose rotations."""

    def make(name: str = "synthetic.dng", *, orientation: int = 1) -> Path:
        with Image.open(stamp) as im:
            photo = im.convert("RGB").resize((640, 384), Image.Resampling.BICUBIC)
        return write_bayer_dng(tmp_path / name, photo, orientation=orientation)

    return make
