"""An N-photo labeled folder drawn from a small one, for `quality.py --scale N`.

Photos are drawn with replacement; each draw gets a light, realistic change so that no two
files share bytes: a crop of up to 5% off the edges, a horizontal flip half the time, exposure
scaled by up to ±10%, and a JPEG re-encode at a random quality from 75 to 95. Draws of one
photo are far easier to sort than new photos (their vectors nearly coincide), so figures on
such a folder are an upper bound for the gain on a real library of that size.
"""

from __future__ import annotations

import hashlib
import io
import random
from pathlib import Path

from PIL import Image, ImageEnhance, ImageOps

MAX_CROP = 0.05
EXPOSURE = 0.10
QUALITY = (75, 95)


def vary(photo: Path, rng: random.Random) -> bytes:
    """One changed copy of `photo`, as JPEG bytes."""
    with Image.open(photo) as im:
        image = ImageOps.exif_transpose(im).convert("RGB")
    return vary_image(image, rng)


def vary_image(image: Image.Image, rng: random.Random) -> bytes:
    """One changed copy of an already decoded RGB `image`, as JPEG bytes (for callers that
    draw many copies of one photo and need not decode it each time)."""
    w, h = image.size
    cut = rng.uniform(0.0, MAX_CROP)  # the share of each dimension taken off, split per edge
    left, top = rng.uniform(0, cut) * w, rng.uniform(0, cut) * h
    right, bottom = w - (cut * w - left), h - (cut * h - top)
    image = image.crop((round(left), round(top), round(right), round(bottom)))
    if rng.random() < 0.5:
        image = ImageOps.mirror(image)
    image = ImageEnhance.Brightness(image).enhance(rng.uniform(1 - EXPOSURE, 1 + EXPOSURE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=rng.randint(*QUALITY))
    return out.getvalue()


def build(dataset: Path, n: int, dest: Path, seed: int = 0) -> Path:
    """`dest` holding `n` changed draws from `dataset` (CLASS/*.jpg), made once and reused."""
    done = dest / ".complete"
    if done.exists():
        return dest
    rng = random.Random(seed)
    photos = sorted(p for p in dataset.glob("*/*") if p.is_file())
    seen: set[str] = set()
    made = 0
    while made < n:
        photo = rng.choice(photos)
        data = vary(photo, rng)
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:
            continue  # the same bytes twice: draw again
        seen.add(digest)
        target = dest / photo.parent.name / f"{photo.stem}-d{made:05d}.jpg"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        made += 1
    done.write_text(f"{n} draws from {dataset}, seed {seed}\n")
    return dest
