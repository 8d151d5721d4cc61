"""Content fingerprints: cheap enough to take on every photo, stable across moves and renames."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

CHUNK = 256 * 1024
_VERSION = b"photosort-fp1"  # bump if the recipe changes, so old cache keys never collide with new


def fingerprint(path: Path) -> str:
    """Hex blake2b-128 over the size, the first 256 KiB and the last 256 KiB of the file.

    Only content counts (never the name or the mtime), so a copy or a rename keeps it. Reads at
    most 512 KiB however large the file. Raises OSError (e.g. FileNotFoundError) if unreadable.
    """
    h = hashlib.blake2b(_VERSION, digest_size=16)
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        h.update(size.to_bytes(8, "little"))
        head = fh.read(CHUNK)
        h.update(head)
        tail_start = max(len(head), size - CHUNK)
        if tail_start < size:
            fh.seek(tail_start)
            h.update(fh.read(CHUNK))
    return h.hexdigest()
