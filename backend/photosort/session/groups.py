"""A photo is a group of files: the same stem in the same folder (SPEC §11).

A RAW and its JPEG/HEIC twin, edit sidecars (`IMG_1.xmp` and `IMG_1.CR2.xmp`, `.aae`, `.thm`)
and a Live Photo's `.mov` belong to one shot and always travel together. One file of the group
is its *face* (what is queued, shown and embedded); the others are its companions. A group
without a face (a lone sidecar) is never queued: it stays where it is.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from photosort.formats import (
    HEIF_EXTENSIONS,
    RASTER_EXTENSIONS,
    RAW_EXTENSIONS,
    SIDECAR_EXTENSIONS,
    VIDEO_EXTENSIONS,
    is_photo,
    suffix,
)

# A video beside a photo of its stem is that photo's Live half (Apple writes .MOV; a ProRAW
# Live Photo pairs it with a .DNG). Other video kinds are shots of their own.
LIVE_EXTENSIONS = frozenset({".mov"})
_MEDIA_EXTENSIONS = RASTER_EXTENSIONS | HEIF_EXTENSIONS | RAW_EXTENSIONS | VIDEO_EXTENSIONS
_FACE_RANK = {".jpg": 0, ".jpeg": 0, **dict.fromkeys(HEIF_EXTENSIONS, 1)}


def is_member(name: str) -> bool:
    """Files a group is made of: photos, videos and sidecars."""
    ext = suffix(name)
    return ext in _MEDIA_EXTENSIONS or ext in SIDECAR_EXTENSIONS


def _stem(name: str) -> str:
    base = os.path.basename(name)
    ext = suffix(base)
    stem = base[: -len(ext)] if ext else base
    if ext in SIDECAR_EXTENSIONS and suffix(stem) in _MEDIA_EXTENSIONS:
        stem = stem[: -len(suffix(stem))]  # the `IMG_1.CR2.xmp` naming style
    return stem


def stem_key(name: str) -> str:
    """The stem a file groups by, case-folded: `IMG_1.CR2.xmp` and `img_1.jpg` give `img_1`."""
    return _stem(name).casefold()


def _face_rank(name: str) -> int | None:
    """Lower is a better face: JPEG, HEIC, other rasters, RAW, then a queueable video."""
    ext = suffix(name)
    if ext in _FACE_RANK:
        return _FACE_RANK[ext]
    if ext in RASTER_EXTENSIONS:
        return 2
    if ext in RAW_EXTENSIONS:
        return 3
    if ext in VIDEO_EXTENSIONS and is_photo(name):
        return 4  # a video is a face where the session queues videos at all
    return None


@dataclass(frozen=True)
class Group:
    """One shot: its face (None for a lone sidecar) and the other files, as given."""

    face: str | None
    companions: tuple[str, ...]

    @property
    def files(self) -> tuple[str, ...]:
        return (self.face, *self.companions) if self.face else self.companions


def _split(names: list[str]) -> Group:
    ranked = sorted((rank, n.casefold(), n) for n in names if (rank := _face_rank(n)) is not None)
    face = ranked[0][2] if ranked else None
    has_photo = any(suffix(n) not in VIDEO_EXTENSIONS for _r, _k, n in ranked)
    companions = [
        n
        for n in names
        if n != face
        and (suffix(n) not in VIDEO_EXTENSIONS or (suffix(n) in LIVE_EXTENSIONS and has_photo))
    ]
    return Group(face, tuple(sorted(companions, key=str.casefold)))


def group_names(names: Iterable[str]) -> list[Group]:
    """Group the member files of ONE folder by stem. A video that is no Live half is a group
    of its own (with its `.thm` when it is the face)."""
    by_stem: dict[str, list[str]] = {}
    for name in names:
        if is_member(name):
            by_stem.setdefault(stem_key(name), []).append(name)
    groups: list[Group] = []
    for files in by_stem.values():
        group = _split(files)
        groups.append(group)
        loose = [n for n in files if n != group.face and n not in group.companions]
        groups += [Group(n if _face_rank(n) is not None else None, ()) for n in loose]
    return groups


def group_of(item: str, names: Iterable[str]) -> Group:
    """The group `item` (a path) belongs to among `names` (the file names of its folder),
    with paths prefixed like `item`. A face of its own when nothing else shares its stem."""
    folder, _, base = item.rpartition("/")
    prefix = f"{folder}/" if folder else ""
    key = stem_key(base)
    for group in group_names(n for n in names if stem_key(n) == key):
        if base in group.files:
            companions = tuple(f"{prefix}{n}" for n in group.files if n != base)
            return Group(item, companions)
    return Group(item, ())


def badge(face: str, companions: Iterable[str]) -> str | None:
    """What the UI shows on a group: `RAW+JPEG · XMP`, `Live`, `Live · AAE`; None alone."""
    files = [face, *companions]
    if len(files) == 1:
        return None
    kinds = [_kind(f) for f in files]
    photos = [k for k in dict.fromkeys(kinds) if k not in ("Live", "sidecar")]
    parts: list[str] = []
    if len(photos) > 1:
        parts.append("+".join(sorted(photos, key=lambda k: (k != "RAW", k))))
    if "Live" in kinds:
        parts.append("Live")
    sidecars = {suffix(f)[1:].upper() for f, k in zip(files, kinds, strict=True) if k == "sidecar"}
    parts += sorted(sidecars)
    return " · ".join(parts) if parts else None


def _kind(name: str) -> str:
    ext = suffix(name)
    if ext in SIDECAR_EXTENSIONS:
        return "sidecar"
    if ext in RAW_EXTENSIONS:
        return "RAW"
    if ext in LIVE_EXTENSIONS and _face_rank(name) is None:
        return "Live"
    if ext in (".jpg", ".jpeg"):
        return "JPEG"
    return ext[1:].upper()


def stem_part(name: str) -> int:
    """How many leading characters of `name` are its group stem (where ` (n)` goes)."""
    return len(_stem(name))


def renamed(name: str, n: int) -> str:
    """`name` with the group's ` (n)` collision suffix after its stem (n=1: unchanged)."""
    if n == 1:
        return name
    cut = stem_part(name)
    return f"{name[:cut]} ({n}){name[cut:]}"


class FolderIndex:
    """Each folder's group members by stem, listed once (per action, or per batch): what a
    move carries along is read from the disk when it is planned, not from an older scan, so a
    sidecar written since is not left behind."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._by_folder: dict[str, dict[str, list[str]]] = {}

    def _index(self, folder: str) -> dict[str, list[str]]:
        if folder not in self._by_folder:
            index: dict[str, list[str]] = {}
            try:
                with os.scandir(self.root / folder if folder else self.root) as it:
                    for entry in it:
                        name = entry.name
                        if name.startswith(".") or not is_member(name):
                            continue
                        if entry.is_file(follow_symlinks=False):
                            index.setdefault(stem_key(name), []).append(name)
            except OSError:
                pass  # a folder that vanished holds no companions; the move itself will say
            self._by_folder[folder] = index
        return self._by_folder[folder]

    def companions(self, item: str) -> tuple[str, ...]:
        """The other files of `item`'s group now (items relative to the root)."""
        folder, _, base = item.rpartition("/")
        return group_of(item, self._index(folder).get(stem_key(base), [])).companions
