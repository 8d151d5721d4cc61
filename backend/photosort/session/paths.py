"""Turning untrusted item strings into paths that are guaranteed to stay inside a root."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from photosort.errors import BadClusterName, BadPath

_FORBIDDEN_CHARS = ("\x00", "\\")


def normalise_item(item: str) -> str:
    """Validate an item string (relative, `/`-separated) and return its canonical form.

    Rejects absolute paths, drive letters, `..`, `.` segments, backslashes and NUL, so an
    item can never name anything outside the root it is resolved against.
    """
    if not item or any(c in item for c in _FORBIDDEN_CHARS):
        raise BadPath(f"invalid item path: {item!r}")
    if item.startswith("/") or (len(item) > 1 and item[1] == ":"):
        raise BadPath(f"item paths are relative to the session, not absolute: {item!r}")
    parts = PurePosixPath(item).parts
    # Check the raw segments: PurePosixPath silently drops "." ones ("./a.jpg" -> "a.jpg").
    segments = item.split("/")
    if not parts or any(p in ("..", ".", "") for p in segments):
        raise BadPath(f"item path must not contain '.', '..' or empty segments: {item!r}")
    return "/".join(parts)


def resolve_inside(root: Path, item: str) -> Path:
    """Resolve `item` under `root`, refusing anything (symlinks included) that leaves it."""
    rel = normalise_item(item)
    candidate = root / rel
    real_root = os.path.realpath(root)
    real = os.path.realpath(candidate)
    if real != real_root and not real.startswith(real_root.rstrip(os.sep) + os.sep):
        raise BadPath(f"item path leaves the session: {item!r}")
    return candidate


def validate_cluster_name(name: str) -> str:
    """A cluster is one immediate folder of dest: one non-hidden path segment."""
    cleaned = name.strip()
    if (
        not cleaned
        or cleaned.startswith(".")
        or "/" in cleaned
        or any(c in cleaned for c in _FORBIDDEN_CHARS)
        or len(cleaned.encode("utf-8")) > 200
    ):
        raise BadClusterName(
            f"invalid cluster name {name!r}: use one folder name, not starting with '.'"
        )
    return cleaned
