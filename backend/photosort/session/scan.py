"""Walking the folders: which photos are queued, which clusters exist and what they hold."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from photosort.formats import is_photo


@dataclass
class ScanResult:
    queued: set[str] = field(default_factory=set)
    # cluster name -> member items relative to dest ("birds/x.jpg")
    members: dict[str, set[str]] = field(default_factory=dict)


def _walk_photos(root: Path, prefix: str, skip_dirs: set[str]) -> list[str]:
    """Photos under `root` (recursively), as `/`-joined paths prefixed by `prefix`.

    Dot-files and dot-folders are ignored (our own `.clustering/`, `.DS_Store`, AppleDouble
    `._x.jpg` files); symlinked folders are not followed so a scan cannot leave the session.
    """
    found: list[str] = []
    stack: list[tuple[str, str]] = [(str(root), prefix)]
    while stack:
        folder, rel = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            item = f"{rel}{name}"
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not rel and name in skip_dirs:
                        continue
                    stack.append((entry.path, f"{item}/"))
                elif entry.is_file(follow_symlinks=False) and is_photo(name):
                    found.append(item)
            except OSError:
                continue
    return found


def list_clusters(dest: Path) -> list[str]:
    try:
        with os.scandir(dest) as it:
            return sorted(
                e.name for e in it if not e.name.startswith(".") and e.is_dir(follow_symlinks=False)
            )
    except OSError:
        return []


def scan(source: Path, dest: Path) -> ScanResult:
    result = ScanResult()
    clusters = list_clusters(dest)
    for name in clusters:
        result.members[name] = set(_walk_photos(dest / name, f"{name}/", set()))
    # Cluster folders of dest are never queued, also when dest lies inside source.
    same = os.path.realpath(source) == os.path.realpath(dest)
    if same:
        result.queued = set(_walk_photos(source, "", set(clusters)))
    else:
        photos = _walk_photos(source, "", set())
        dest_real = os.path.realpath(dest)
        source_real = os.path.realpath(source)
        inside = dest_real.startswith(source_real.rstrip(os.sep) + os.sep)
        if inside:
            dest_rel = os.path.relpath(dest_real, source_real).replace(os.sep, "/") + "/"
            prefixes = tuple(f"{dest_rel}{c}/" for c in clusters)
            photos = [p for p in photos if not p.startswith(prefixes)]
        result.queued = set(photos)
    return result


_NUM = re.compile(r"(\d+)")


def natural_key(item: str) -> tuple[tuple[int, int | str], ...]:
    """Sort `IMG_2.jpg` before `IMG_10.jpg`, case-insensitively."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.casefold())
        for part in _NUM.split(item)
        if part
    )
