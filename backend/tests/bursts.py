"""Bursts made from real photos, as a camera would write them: every frame a slightly shifted,
cropped, re-exposed copy of one shot, saved as a JPEG with EXIF DateTimeOriginal and
SubSecTimeOriginal a fraction of a second apart. Used by the stack tests and bench/stacks.py."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image, ImageEnhance

EXIF_IFD = 0x8769
DATETIME_ORIGINAL = 0x9003
SUBSEC_ORIGINAL = 0x9291
T0 = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


def exif_for(when: datetime) -> Image.Exif:
    """An EXIF block with DateTimeOriginal and its milliseconds."""
    exif = Image.Exif()
    ifd = exif.get_ifd(EXIF_IFD)
    ifd[DATETIME_ORIGINAL] = when.strftime("%Y:%m:%d %H:%M:%S")
    ifd[SUBSEC_ORIGINAL] = f"{when.microsecond // 1000:03d}"
    return exif


def frame(im: Image.Image, rng: random.Random, strength: float = 1.0) -> Image.Image:
    """One burst frame: a shift of up to ~3% and a crop of up to ~4% (the camera moved a
    little), and an exposure change of up to ~12%."""
    w, h = im.size
    dx = int(rng.uniform(-0.03, 0.03) * w * strength)
    dy = int(rng.uniform(-0.03, 0.03) * h * strength)
    crop = rng.uniform(0.0, 0.04) * strength
    cw, ch = int(w * (1 - crop)), int(h * (1 - crop))
    left = min(max(0, (w - cw) // 2 + dx), w - cw)
    top = min(max(0, (h - ch) // 2 + dy), h - ch)
    out = im.crop((left, top, left + cw, top + ch)).resize((w, h), Image.Resampling.BILINEAR)
    return ImageEnhance.Brightness(out).enhance(1 + rng.uniform(-0.12, 0.12) * strength)


def write_photo(im: Image.Image, path: Path, when: datetime) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    im.save(path, "JPEG", quality=90, exif=exif_for(when))
    return path


def make_burst(
    photo: Path,
    folder: Path,
    stem: str,
    frames: int,
    *,
    start: datetime = T0,
    step_s: float = 0.3,
    seed: int = 0,
    strength: float = 1.0,
) -> list[Path]:
    """Write `frames` frames of `photo` as `{stem}_01.jpg`, ... `step_s` seconds apart (the
    first frame is the photo itself, re-encoded)."""
    rng = random.Random(seed)
    with Image.open(photo) as src:
        base = src.convert("RGB")
    out = []
    for i in range(frames):
        im = base if i == 0 else frame(base, rng, strength)
        when = start + timedelta(seconds=i * step_s)
        out.append(write_photo(im, folder / f"{stem}_{i + 1:02d}.jpg", when))
    return out


def write_single(photo: Path, path: Path, when: datetime) -> Path:
    """A photo re-saved with this capture time (a shot of its own, not a burst)."""
    with Image.open(photo) as src:
        return write_photo(src.convert("RGB"), path, when)
