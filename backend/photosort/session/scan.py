"""Walking the folders: which photos are queued, which clusters exist and what they hold."""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from photosort.formats import is_media
from photosort.fsinfo import trusted_fs
from photosort.session.groups import folder_faces, is_member


@dataclass
class ScanResult:
    queued: set[str] = field(default_factory=set)
    # queued face -> the other files of its group (RAW twin, sidecars, Live half), as items
    companions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # cluster name -> member items relative to dest ("birds/x.jpg")
    members: dict[str, set[str]] = field(default_factory=dict)
    # every folder walked -> its st_mtime_ns taken before listing it (-1: too recent to trust)
    stamps: dict[str, int] = field(default_factory=dict)


# A folder changed this recently may change again within the file system's timestamp
# granularity without its mtime moving; such a stamp is not trusted.
_STAMP_SETTLE_NS = 2_000_000_000


def folder_mtime(folder: str) -> int:
    """A folder's mtime as a stamp that proves "no entry added, removed or renamed since", or
    -1 (never matches) where it proves nothing: unreadable, or on a file system that leaves
    folder mtimes alone (FAT keeps none for its root; the FUSE drivers for exFAT and FAT do
    not touch a folder's mtime when a file is renamed out of it)."""
    try:
        st = os.stat(folder)
    except OSError:
        return -1
    return st.st_mtime_ns if trusted_fs(st.st_dev) else -1


def _stamp(folder: str, stamps: dict[str, int] | None) -> None:
    if stamps is None:
        return
    mtime = folder_mtime(folder)
    stamps[folder] = -1 if time.time_ns() - mtime < _STAMP_SETTLE_NS else mtime


def unchanged(stamps: dict[str, int]) -> bool:
    """True when no folder of an earlier scan gained, lost or renamed an entry since."""
    if not stamps:
        return False
    return all(mtime >= 0 and folder_mtime(folder) == mtime for folder, mtime in stamps.items())


def _walk_photos(
    root: Path,
    prefix: str,
    skip_dirs: set[str],
    stamps: dict[str, int] | None = None,
    companions: dict[str, tuple[str, ...]] | None = None,
) -> list[str]:
    """Photo groups under `root` (recursively): their faces as `/`-joined paths prefixed by
    `prefix`, their companions into `companions`.

    Dot-files and dot-folders are ignored (our own `.clustering/`, `.DS_Store`, AppleDouble
    `._x.jpg` files); symlinked folders are not followed so a scan cannot leave the session.
    """
    found: list[str] = []
    stack: list[tuple[str, str]] = [(str(root), prefix)]
    while stack:
        folder, rel = stack.pop()
        _stamp(folder, stamps)
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError:
            continue
        names: list[str] = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not rel and name in skip_dirs:
                        continue
                    stack.append((entry.path, f"{rel}{name}/"))
                elif entry.is_file(follow_symlinks=False):
                    names.append(name)  # folder_faces keeps the photos, videos, sidecars
            except OSError:
                continue
        found += folder_faces(names, rel, companions)
    return found


def list_clusters(dest: Path) -> list[str]:
    try:
        with os.scandir(dest) as it:
            return sorted(
                e.name for e in it if not e.name.startswith(".") and e.is_dir(follow_symlinks=False)
            )
    except OSError:
        return []


def _scan_root(
    root: Path, stamps: dict[str, int], companions: dict[str, tuple[str, ...]]
) -> tuple[list[str], list[str]]:
    """Loose photos and non-dot folders of `root`, in one pass (dest == source: every such
    folder is a cluster, so nothing below them is queued)."""
    photos: list[str] = []
    folders: list[str] = []
    _stamp(str(root), stamps)
    try:
        with os.scandir(root) as it:
            for entry in it:
                name = entry.name
                if name.startswith("."):
                    continue
                try:
                    if is_member(name) and entry.is_file(follow_symlinks=False):
                        photos.append(name)
                    elif entry.is_dir(follow_symlinks=False):
                        folders.append(name)
                except OSError:
                    continue
    except OSError:
        pass
    return folder_faces(photos, "", companions), sorted(folders)


def scan(source: Path, dest: Path) -> ScanResult:
    result = ScanResult()
    same = os.path.realpath(source) == os.path.realpath(dest)
    if same:
        photos, clusters = _scan_root(dest, result.stamps, result.companions)
        result.queued = set(photos)
    else:
        _stamp(str(dest), result.stamps)
        clusters = list_clusters(dest)
    for name in clusters:
        result.members[name] = set(_walk_photos(dest / name, f"{name}/", set(), result.stamps))
    # Cluster folders of dest are never queued, also when dest lies inside source.
    if not same:
        photos = _walk_photos(source, "", set(), result.stamps, result.companions)
        dest_real = os.path.realpath(dest)
        source_real = os.path.realpath(source)
        inside = dest_real.startswith(source_real.rstrip(os.sep) + os.sep)
        if inside:
            dest_rel = os.path.relpath(dest_real, source_real).replace(os.sep, "/") + "/"
            prefixes = tuple(f"{dest_rel}{c}/" for c in clusters)
            photos = [p for p in photos if not p.startswith(prefixes)]
            for face in [f for f in result.companions if f.startswith(prefixes)]:
                del result.companions[face]
        result.queued = set(photos)
    return result


_NUM = re.compile(r"\d+")


def _number(m: re.Match[str]) -> str:
    digits = str(int(m.group()))
    return f"\x00{len(digits):04d}{digits}"


def natural_key(item: str) -> str:
    """Sort `IMG_2.jpg` before `IMG_10.jpg`, case-insensitively.

    One string per item (3x faster to sort than a tuple of parts at 100k photos): each run of
    digits becomes NUL + its length + the digits, so numbers compare by value and before text.
    """
    return _NUM.sub(_number, item.casefold())


def queueable(source: Path, dest: Path, item: str) -> bool:
    """Whether `scan` would queue this item (a path relative to source) if it were a file:
    a photo, no dot-segment, outside the cluster folders. Used for single files a watcher
    reports, so it mirrors `scan`'s rules without a walk."""
    parts = item.split("/")
    if not item or any(not p or p.startswith(".") for p in parts) or not is_media(parts[-1]):
        return False
    source_real, dest_real = os.path.realpath(source), os.path.realpath(dest)
    if source_real == dest_real:
        return len(parts) == 1  # dest == source: every folder is a cluster
    if not dest_real.startswith(source_real.rstrip(os.sep) + os.sep):
        return True
    dest_rel = os.path.relpath(dest_real, source_real).replace(os.sep, "/") + "/"
    # Loose photos of dest itself are queued; anything below them is in a cluster.
    return not (item.startswith(dest_rel) and "/" in item[len(dest_rel) :])


def photos_below(root: Path, folder: str, walked: dict[str, int] | None = None) -> list[str]:
    """Photos under `folder` (relative to root), as items relative to root: a folder moved in
    whole is reported as one name, never as its files. `walked` gets every folder looked
    into (as a scan's stamps)."""
    return _walk_photos(root / folder, f"{folder}/", set(), walked)
