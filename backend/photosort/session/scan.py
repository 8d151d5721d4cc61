"""Walking the folders: which photos are queued, which clusters exist and what they hold."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from photosort.formats import is_media
from photosort.fsinfo import trusted_fs
from photosort.session.groups import folder_faces
from photosort.session.ignore import IgnoreRules, Matcher


@dataclass
class ScanResult:
    queued: set[str] = field(default_factory=set)
    # queued face -> the other files of its group (RAW twin, sidecars, Live half), as items
    companions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # cluster path -> its own photos (not its subfolders'), relative to dest ("Trips/Rome/x.jpg")
    members: dict[str, set[str]] = field(default_factory=dict)
    # every folder walked -> its st_mtime_ns taken before listing it (-1: too recent to trust)
    stamps: dict[str, int] = field(default_factory=dict)


EARLY = 2_000  # photos found before a large walk's first pages are shown (`scan`'s `early`)
PEEK_EVERY = 8_192  # files of a folder being listed between looks at what it holds so far

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


def _walk(
    root: str,
    stamps: dict[str, int] | None,
    ignored: Matcher | None,
    prune: Callable[[str], bool] | None = None,
    peek: Callable[[str, list[str]], None] | None = None,
) -> Iterator[tuple[str, list[str], bool]]:
    """Every folder under `root` (itself first) as (its path relative to root with a trailing
    `/`, "" for root; the names of its files; whether it holds nothing but dot-entries).

    Dot-files and dot-folders are ignored (our own `.clustering/`, `.DS_Store`, AppleDouble
    `._x.jpg` files), as is whatever `ignored` matches and every folder `prune` refuses;
    symlinked folders are not followed so a scan cannot leave the session. `peek` is shown
    the files of a large folder so far while it is being listed (a flat folder of a million
    photos takes seconds to list).
    """
    stack: list[tuple[str, str]] = [(root, "")]
    while stack:
        folder, rel = stack.pop()
        _stamp(folder, stamps)
        try:
            names, subs, bare = _list(folder, rel, ignored, prune, peek)
        except OSError:
            continue
        stack += subs
        if ignored:
            names = [n for n in names if not ignored(rel + n, False)]
        yield rel, names, bare


def _list(
    folder: str,
    rel: str,
    ignored: Matcher | None,
    prune: Callable[[str], bool] | None,
    peek: Callable[[str, list[str]], None] | None,
) -> tuple[list[str], list[tuple[str, str]], bool]:
    """One folder's file names, the subfolders to walk, and whether it held only dot-entries."""
    names: list[str] = []
    subs: list[tuple[str, str]] = []
    bare = True
    with os.scandir(folder) as it:
        for entry in it:
            name = entry.name
            if name.startswith("."):
                continue
            bare = False
            try:
                if entry.is_dir(follow_symlinks=False):
                    sub = f"{rel}{name}/"
                    if not ((prune and prune(sub)) or (ignored and ignored(sub[:-1], True))):
                        subs.append((entry.path, sub))
                elif entry.is_file(follow_symlinks=False):
                    names.append(name)  # folder_faces keeps the photos, videos, sidecars
                    if peek is not None and len(names) % PEEK_EVERY == 0:
                        seen = (
                            [n for n in names if not ignored(rel + n, False)] if ignored else names
                        )
                        peek(rel, seen)
            except OSError:
                continue
    return names, subs, bare


class _Early:
    """The photos a walk has found so far, handed once to `fire` when there are `after` of
    them: what a large session shows while the walk goes on."""

    def __init__(self, fire: Callable[[ScanResult], None] | None, after: int) -> None:
        self.fire, self.after = fire, after
        self.found: list[str] = []
        self.companions: dict[str, tuple[str, ...]] = {}
        self.members: dict[str, set[str]] = {}

    def folder(self, faces: list[str]) -> None:
        """The faces of a folder listed whole."""
        if self.fire is not None:
            self.found += faces
            self._check(self.found, self.companions)

    def peek(self, prefix: str, names: list[str]) -> None:
        """The files so far of a folder still being listed (its groups may be incomplete:
        shown only, never acted on, while the session counts)."""
        if self.fire is not None and len(self.found) + len(names) >= self.after:
            companions = dict(self.companions)
            self._check(self.found + folder_faces(names, prefix, companions), companions)

    def _check(self, faces: list[str], companions: dict[str, tuple[str, ...]]) -> None:
        if self.fire is not None and len(faces) >= self.after:
            fire, self.fire = self.fire, None
            members = {k: set(v) for k, v in self.members.items()}
            fire(ScanResult(set(faces), dict(companions), members))


def _walk_photos(
    root: Path,
    prefix: str,
    stamps: dict[str, int] | None = None,
    companions: dict[str, tuple[str, ...]] | None = None,
    ignored: Matcher | None = None,
    prune: Callable[[str], bool] | None = None,
    early: _Early | None = None,
) -> list[str]:
    """Photo groups under `root` (recursively): their faces as `/`-joined paths prefixed by
    `prefix`, their companions into `companions`."""
    found: list[str] = []
    peek = (lambda rel, names: early.peek(f"{prefix}{rel}", names)) if early else None
    for rel, names, _bare in _walk(str(root), stamps, ignored, prune, peek):
        faces = folder_faces(names, f"{prefix}{rel}", companions)
        found += faces
        if early is not None:
            early.folder(faces)
    return found


def _inside(inner: str, outer: str) -> bool:
    return inner.startswith(outer.rstrip(os.sep) + os.sep)


def _dest_below_source(source: Path, dest: Path) -> str | None:
    """Where dest lies in source (`sorted/`), when it does."""
    source_real, dest_real = os.path.realpath(source), os.path.realpath(dest)
    if not _inside(dest_real, source_real):
        return None
    return os.path.relpath(dest_real, source_real).replace(os.sep, "/") + "/"


def scan(source: Path, dest: Path, early: Callable[[ScanResult], None] | None = None) -> ScanResult:
    """Clusters are the folders below dest that hold photos of their own, at any depth, and
    the empty ones (made to sort into: `mkdir birds`); a parent holding only folders is a
    heading, not a cluster. The queue is every photo of source outside them (with dest ==
    source: its loose photos). `early` is handed, once, the first `EARLY` photos found (and
    the clusters found by then) while the walk goes on; never when there are fewer."""
    result = ScanResult()
    first = _Early(early, EARLY)
    first.members = result.members
    rules = IgnoreRules.load((source, dest))
    for path in rules.files:
        _stamp(path, result.stamps)  # an edited ignore file changes what a scan finds
    same = os.path.realpath(source) == os.path.realpath(dest)

    def peek(rel: str, names: list[str]) -> None:
        if same and not rel:  # the loose photos of dest (== source); its folders are clusters
            first.peek("", names)

    for rel, names, bare in _walk(str(dest), result.stamps, rules.matcher(dest), None, peek):
        if not rel:
            if same:
                result.queued = set(folder_faces(names, "", result.companions))
                first.companions = result.companions
                first.folder(list(result.queued))
            continue
        faces = folder_faces(names, rel, None)
        if faces or bare:
            result.members[rel[:-1]] = set(faces)
    if not same:
        # With dest inside source, every folder below dest holds members (or nothing): dest's
        # own loose photos are queued, nothing under its folders is.
        dest_rel = _dest_below_source(source, dest)

        def below_dest(sub: str) -> bool:
            return dest_rel is not None and sub.startswith(dest_rel) and sub != dest_rel

        first.companions = result.companions
        photos = _walk_photos(
            source, "", result.stamps, result.companions, rules.matcher(source), below_dest, first
        )
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


def queueable(source: Path, dest: Path, item: str, rules: IgnoreRules | None = None) -> bool:
    """Whether `scan` would queue this item (a path relative to source) if it were a file:
    a photo, no dot-segment, outside the cluster folders, not ignored. Used for single files
    a watcher reports, so it mirrors `scan`'s rules without a walk."""
    parts = item.split("/")
    if not item or any(not p or p.startswith(".") for p in parts) or not is_media(parts[-1]):
        return False
    if rules and rules.excludes(source, item):
        return False
    if os.path.realpath(source) == os.path.realpath(dest):
        return len(parts) == 1  # dest == source: any folder holding a photo is a cluster
    dest_rel = _dest_below_source(source, dest)
    # Loose photos of dest itself are queued; anything below them is in a cluster.
    return dest_rel is None or not (item.startswith(dest_rel) and "/" in item[len(dest_rel) :])


def photos_below(
    root: Path, folder: str, walked: dict[str, int] | None = None, rules: IgnoreRules | None = None
) -> list[str]:
    """Photos under `folder` (relative to root), as items relative to root: a folder moved in
    whole is reported as one name, never as its files. `walked` gets every folder looked
    into (as a scan's stamps)."""
    if rules and rules.excludes(root, folder, is_dir=True):
        return []
    ignored = rules.matcher(root / folder) if rules else None
    return _walk_photos(root / folder, f"{folder}/", walked, None, ignored)
