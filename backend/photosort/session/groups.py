"""A photo is a group of files: the same stem in the same folder.

A RAW and its JPEG/HEIC twin, edit sidecars (`IMG_1.xmp` and `IMG_1.CR2.xmp`, `.aae`, `.thm`)
and a Live Photo's `.mov` belong to one shot and always travel together. One file of the group
is its *face* (what is queued, shown and embedded); the others are its companions. A group
without a face (a lone sidecar) is never queued: it stays where it is.
"""

from __future__ import annotations

import os
import stat
from collections import Counter
from collections.abc import Callable, Iterable
from itertools import compress, repeat
from operator import and_, itemgetter, not_
from pathlib import Path
from typing import NamedTuple

from photosort.formats import (
    HEIF_EXTENSIONS,
    RASTER_EXTENSIONS,
    RAW_EXTENSIONS,
    SIDECAR_EXTENSIONS,
    VIDEO_EXTENSIONS,
    is_media,
    suffix,
)
from photosort.fsinfo import folds_case

# A video beside a photo of its stem is that photo's Live half (Apple writes .MOV; a ProRAW
# Live Photo pairs it with a .DNG). Other video kinds are shots of their own.
LIVE_EXTENSIONS = frozenset({".mov"})
_MEDIA_EXTENSIONS = RASTER_EXTENSIONS | HEIF_EXTENSIONS | RAW_EXTENSIONS | VIDEO_EXTENSIONS
_MEMBER_EXTENSIONS = _MEDIA_EXTENSIONS | SIDECAR_EXTENSIONS
# Lower is a better face: JPEG, HEIC, other rasters, RAW (then a queueable video: 4).
_FACE_RANK = {
    **dict.fromkeys(RASTER_EXTENSIONS, 2),
    **dict.fromkeys(RAW_EXTENSIONS, 3),
    **dict.fromkeys(HEIF_EXTENSIONS, 1),
    ".jpg": 0,
    ".jpeg": 0,
}


_BARE_MEMBERS = frozenset(e[1:] for e in _MEMBER_EXTENSIONS)
_BARE_MEDIA = frozenset(e[1:] for e in _MEDIA_EXTENSIONS)
_BARE_SIDECARS = frozenset(e[1:] for e in SIDECAR_EXTENSIONS)
_BARE_RANK = {e[1:]: r for e, r in _FACE_RANK.items()}
_BARE_VIDEOS = frozenset(e[1:] for e in VIDEO_EXTENSIONS)


def _ext(name: str) -> str:
    # formats.suffix's rule for a bare file name (the scan calls this once per file)
    i = name.rfind(".")
    return name[i:].lower() if 0 < i < len(name) - 1 else ""


def is_member(name: str) -> bool:
    """Files a group is made of: photos, videos and sidecars (a bare file name)."""
    stem, _, ext = name.rpartition(".")
    return bool(stem) and ext.lower() in _BARE_MEMBERS


def _stem(name: str) -> str:
    base = os.path.basename(name)
    ext = _ext(base)
    stem = base[: -len(ext)] if ext else base
    if ext in SIDECAR_EXTENSIONS and _ext(stem) in _MEDIA_EXTENSIONS:
        stem = stem[: -len(_ext(stem))]  # the `IMG_1.CR2.xmp` naming style
    return stem


def stem_key(name: str) -> str:
    """The stem a file groups by, case-folded: `IMG_1.CR2.xmp` and `img_1.jpg` give `img_1`."""
    return _stem(name).casefold()


def _face_rank(name: str) -> int | None:
    ext = _ext(name)
    rank = _FACE_RANK.get(ext)
    if rank is None and ext in VIDEO_EXTENSIONS and is_media(name):
        return 4  # a video is a face where the session queues videos at all
    return rank


class Group(NamedTuple):
    """One shot: its face (None for a lone sidecar) and the other files, as given."""

    face: str | None
    companions: tuple[str, ...]

    @property
    def files(self) -> tuple[str, ...]:
        return (self.face, *self.companions) if self.face else self.companions


def _split(names: list[str]) -> Group:
    ranked = sorted((rank, n.casefold(), n) for n in names if (rank := _face_rank(n)) is not None)
    face = ranked[0][2] if ranked else None
    has_photo = any(_ext(n) not in VIDEO_EXTENSIONS for _r, _k, n in ranked)
    companions = [
        n
        for n in names
        if n != face
        and (_ext(n) not in VIDEO_EXTENSIONS or (_ext(n) in LIVE_EXTENSIONS and has_photo))
    ]
    return Group(face, tuple(sorted(companions, key=str.casefold)))


def _by_stem(names: Iterable[str]) -> dict[str, list[str]]:
    """Member files by case-folded stem (`stem_key`, inlined with C-level string calls: it
    runs once per scanned file, and the scan is most of a session's start)."""
    by_stem: dict[str, list[str]] = {}
    for name in names:
        stem, _, ext = name.rpartition(".")
        ext = ext.lower()
        if not stem or ext not in _BARE_MEMBERS:
            continue  # no extension (or a dot-file), or not a photo, video or sidecar
        if ext in _BARE_SIDECARS:
            inner_stem, _, inner = stem.rpartition(".")
            if inner_stem and inner.lower() in _BARE_MEDIA:
                stem = inner_stem
        key = stem.casefold()
        files = by_stem.get(key)
        if files is None:
            by_stem[key] = [name]
        else:
            files.append(name)
    return by_stem


def group_pairs(names: Iterable[str]) -> list[tuple[str | None, tuple[str, ...]]]:
    """`group_names` as plain (face, companions) pairs: what the scan needs, built cheaply."""
    out: list[tuple[str | None, tuple[str, ...]]] = []
    for files in _by_stem(names).values():
        if len(files) == 1:  # most files: a photo on its own
            name = files[0]
            face = name.rpartition(".")[2].lower() in _BARE_RANK or _face_rank(name) is not None
            out.append((name if face else None, ()))
            continue
        group = _split(files)
        out.append((group.face, group.companions))
        loose = [n for n in files if n != group.face and n not in group.companions]
        out += [(n if _face_rank(n) is not None else None, ()) for n in loose]
    return out


def folder_faces(
    names: Iterable[str], rel: str, companions: dict[str, tuple[str, ...]] | None
) -> list[str]:
    """The scan's hot path, for ONE folder: the faces of its groups as items (`rel` + name);
    their companions go into `companions`. Same rules as `group_pairs`, but the common case, a
    photo whose stem no other file shares, is settled in bulk by C-level `map`s (no Python
    step per file): grouping must not slow down opening a 100k session much."""
    names = list(names)
    parts = list(map(str.rpartition, names, repeat(".")))
    exts = list(map(str.lower, map(itemgetter(2), parts)))
    keys = list(map(str.casefold, map(itemgetter(0), parts)))
    named = list(map(bool, map(itemgetter(0), parts)))  # "JPG" alone is no photo
    for i in compress(range(len(names)), map(_BARE_SIDECARS.__contains__, exts)):
        inner_stem, _, inner = parts[i][0].rpartition(".")
        if inner_stem and inner.lower() in _BARE_MEDIA:
            keys[i] = inner_stem.casefold()  # `IMG_1.CR2.xmp` groups with `IMG_1`
    counts = Counter(keys)
    single = map((1).__eq__, map(counts.__getitem__, keys))
    alone = list(map(and_, map(and_, single, named), map(_BARE_RANK.__contains__, exts)))
    faces = list(map(rel.__add__, compress(names, alone)))
    rest = map(and_, map(and_, map(_BARE_MEMBERS.__contains__, exts), named), map(not_, alone))
    groups: dict[str, list[int]] = {}
    for i in compress(range(len(names)), rest):
        groups.setdefault(keys[i], []).append(i)
    for idx in groups.values():
        for face, others in _group_at(idx, names, exts):
            if face is not None:
                faces.append(rel + face)
                if others and companions is not None:
                    companions[rel + face] = tuple(rel + n for n in others)
    return faces


def _group_at(
    idx: list[int], names: list[str], exts: list[str]
) -> list[tuple[str | None, tuple[str, ...]]]:
    """One stem's files (by index) as `group_pairs` would split them; a group of photos and
    sidecars only (a RAW+JPEG pair and its XMPs: the common case) without re-parsing names."""
    if any(exts[i] in _BARE_VIDEOS for i in idx):
        return group_pairs([names[i] for i in idx])  # Live halves and videos: the full rules
    rank = _BARE_RANK
    ranked = [(rank[exts[i]], names[i].casefold(), names[i], i) for i in idx if exts[i] in rank]
    if not ranked:
        return [(None, tuple(names[i] for i in idx))]  # sidecars without their photo
    face = min(ranked)[3]
    others = sorted((names[i] for i in idx if i != face), key=str.casefold)
    return [(names[face], tuple(others))]


def face_of(names: Iterable[str]) -> str | None:
    """Which of one group's file names is its face (None: sidecars only)."""
    return _split(list(names)).face


def group_names(names: Iterable[str]) -> list[Group]:
    """Group the member files of ONE folder by stem. A video that is no Live half is a group
    of its own (with its `.thm` when it is the face)."""
    return [Group(face, companions) for face, companions in group_pairs(names)]


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
    kinds = [_kind(f, i == 0) for i, f in enumerate(files)]
    photos = [k for k in dict.fromkeys(kinds) if k not in ("Live", "sidecar")]
    parts: list[str] = []
    if len(photos) > 1:
        parts.append("+".join(sorted(photos, key=lambda k: (k != "RAW", k))))
    if "Live" in kinds:
        parts.append("Live")
    sidecars = {suffix(f)[1:].upper() for f, k in zip(files, kinds, strict=True) if k == "sidecar"}
    parts += sorted(sidecars)
    return " · ".join(parts) if parts else None


def _kind(name: str, is_face: bool) -> str:
    ext = suffix(name)
    if ext in SIDECAR_EXTENSIONS:
        return "sidecar"
    if ext in RAW_EXTENSIONS:
        return "RAW"
    if ext in LIVE_EXTENSIONS and not is_face:
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

    def __init__(self, root: Path, items: Iterable[str] | None = None) -> None:
        """`items`: the items that will be asked about (a batch's), when known. Only their
        stems are kept from each listing: a batch of 95k out of a flat folder of 1M photos
        would otherwise hold every name of the folder (~240 MB) while it runs."""
        self.root = root
        self._by_folder: dict[str, dict[str, list[str]]] = {}
        self._wanted: dict[str, set[str]] | None = None
        if items is not None:
            self._wanted = {}
            for item in items:
                folder, _, base = item.rpartition("/")
                self._wanted.setdefault(folder, set()).add(stem_key(base))

    def _index(self, folder: str) -> dict[str, list[str]]:
        if folder not in self._by_folder:
            wanted = self._wanted.get(folder, set()) if self._wanted is not None else None
            index: dict[str, list[str]] = {}
            try:
                with os.scandir(self.root / folder if folder else self.root) as it:
                    for entry in it:
                        name = entry.name
                        if name.startswith(".") or not is_member(name):
                            continue
                        key = stem_key(name)
                        if wanted is not None and key not in wanted:
                            continue
                        if entry.is_file(follow_symlinks=False):
                            index.setdefault(key, []).append(name)
            except OSError:
                pass  # a folder that vanished holds no companions; the move itself will say
            self._by_folder[folder] = index
        return self._by_folder[folder]

    def companions(self, item: str) -> tuple[str, ...]:
        """The other files of `item`'s group now (items relative to the root)."""
        folder, _, base = item.rpartition("/")
        key = stem_key(base)
        if self._wanted is not None and key not in self._wanted.setdefault(folder, set()):
            # Not announced: its stem was not kept, so that folder is listed again with it.
            self._wanted[folder].add(key)
            self._by_folder.pop(folder, None)
        names = self._index(folder).get(key, ())
        if len(names) < 2:
            return ()  # a photo on its own (most of a batch): nothing to group
        return group_of(item, names).companions


# Looked up where a folder is not listed: upper case first (cameras write `IMG_1.CR2`).
_PROBE_EXTENSIONS = tuple(
    e for ext in sorted(_MEMBER_EXTENSIONS) for e in dict.fromkeys((ext.upper(), ext))
)
_TWIN_SIDECARS = (".xmp", ".XMP")


def _is_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


class GroupProbe:
    """`FolderIndex` for a few items in folders that may hold 100k files: listing such a
    folder costs hundreds of ms, once per keypress.

    On a folder that compares names exactly (ext4, most Linux disks) a name looked up is a
    name the folder holds, so it looks up the names a group's files can have: the companions
    the last scan found, the item's stem with every member extension (upper and lower case),
    then `<twin>.xmp` for each file found. On a folder that folds case (exFAT, FAT, default
    APFS, NTFS on Windows) every spelling of a name opens the same file, so there a group is
    taken from the folder's listing (such folders are memory cards and drives whose camera
    folders hold at most 9,999 files). A companion that arrived since the last scan is
    recorded by the next scan (the watcher's within a second, the rescan's within 2 s)."""

    def __init__(self, root: Path, known: Callable[[str], tuple[str, ...]]) -> None:
        self.root = root
        self.known = known

    def companions(self, item: str) -> tuple[str, ...]:
        folder, _, base = item.rpartition("/")
        where = self.root / folder if folder else self.root
        if folds_case(where, base):
            return FolderIndex(self.root, [item]).companions(item)
        names = [base]

        def add(name: str) -> None:
            if name not in names and _is_file(where / name):
                names.append(name)

        for companion in self.known(item):
            add(companion.rpartition("/")[2])
        stem = _stem(base)
        for ext in _PROBE_EXTENSIONS:
            add(stem + ext)
        for name in list(names):
            if _ext(name) not in SIDECAR_EXTENSIONS:
                for sidecar in _TWIN_SIDECARS:
                    add(name + sidecar)
        return group_of(item, names).companions
