"""Fixtures for media tests: real files written into tmp_path, plus the repository's real photos."""

from __future__ import annotations

from pathlib import Path

import pytest
from media_helpers import DngFactory, write_bayer_dng
from PIL import Image
from testdata import STAMPS, cr2_path


@pytest.fixture
def cr2() -> Path:
    return cr2_path()


@pytest.fixture
def stamp() -> Path:
    return sorted(STAMPS.glob("*/*.jpg"))[0]


@pytest.fixture
def bayer_dng(tmp_path: Path, stamp: Path) -> DngFactory:
    """Make a preview-less DNG from a real stamps6 photo, resized non-square to expose rotations."""

    def make(name: str = "synthetic.dng", *, orientation: int = 1) -> Path:
        with Image.open(stamp) as im:
            photo = im.convert("RGB").resize((640, 384), Image.Resampling.BICUBIC)
        return write_bayer_dng(tmp_path / name, photo, orientation=orientation)

    return make
