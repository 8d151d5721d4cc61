"""How alike two photos are and which of them is better, from pixels and bytes alone:
a whole-file content hash (exact duplicates), a 64-bit difference hash (near duplicates that
survive re-encoding and resizing), and a sharpness score (variance of the Laplacian)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from PIL import Image

HASH_BLOCK = 1 << 20


def content_hash(path: Path) -> str:
    """blake2b-128 of every byte: the fingerprint (media/fingerprint.py) reads only the ends
    of a file, so two files are called the same content only when this agrees too."""
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        while block := fh.read(HASH_BLOCK):
            h.update(block)
    return h.hexdigest()


def dhash(im: Image.Image) -> int:
    """The 64-bit difference hash: each bit says whether a pixel of a 9x8 grey shrink is
    brighter than its right neighbour. Robust to scaling, re-encoding and small exposure
    changes; a few bits differ for a small crop or shift."""
    grey = np.asarray(im.convert("L").resize((9, 8), Image.Resampling.LANCZOS), dtype=np.int16)
    bits = (grey[:, 1:] > grey[:, :-1]).flatten()
    return int(sum(1 << i for i, b in enumerate(bits) if b))


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def sharpness(im: Image.Image) -> float:
    """Variance of the 4-neighbour Laplacian of the grey image: higher is sharper. Compare it
    only between renditions of the same size (the thumbnails)."""
    g = np.asarray(im.convert("L"), dtype=np.float32)
    if g.shape[0] < 3 or g.shape[1] < 3:
        return 0.0
    lap = g[1:-1, :-2] + g[1:-1, 2:] + g[:-2, 1:-1] + g[2:, 1:-1] - 4 * g[1:-1, 1:-1]
    return float(lap.var())
