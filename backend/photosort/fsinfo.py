"""What the file system under a path can be trusted with.

Photographers keep photos on ext4 and APFS system disks, but also on exFAT and FAT32 memory
cards, NTFS drives and network shares. Those differ in ways that decide whether a move, a
cache or a group is right:

- **inode numbers**: exFAT and FAT have none on disk; their drivers (FUSE ones above all)
  invent numbers per lookup, a different one for each spelling of one name, and may hand one
  out again after a remount. Anything remembered "by inode" must be remembered by path there.
- **folder mtimes**: FAT keeps none for the root, and the FUSE drivers leave a folder's
  mtime alone when a file is renamed out of it. A "no folder changed since" shortcut must
  not be taken there.
- **case folding**: exFAT, FAT, default APFS and NTFS on Windows compare names without case:
  `IMG_1.JPG` and `img_1.jpg` are one file, and any spelling opens it.

Answers are per device (the first two) or per folder (case folding, which Linux can set per
folder) and cached: they are asked on every scan and every filing.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import mmap
import os
import sys
import tempfile
import threading
from pathlib import Path

# File systems whose inode numbers are stored on disk and whose folders' mtimes change with
# every entry added, removed or renamed. Anything else (FUSE drivers, FAT, exFAT, network
# shares, an unknown platform) is treated as promising neither.
_TRUSTED_FS = frozenset(
    {"ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "zfs", "f2fs", "overlay", "bcachefs"}
)

_lock = threading.Lock()
_trusted_by_dev: dict[int, bool] = {}
_folds_by_folder: dict[str, bool] = {}
_no_links_by_dev: set[int] = set()
_rewrites_by_dev: dict[int, bool] = {}


def _linux_fs_types() -> dict[int, str]:
    """st_dev -> file system type of every mount, from /proc/self/mountinfo."""
    out: dict[int, str] = {}
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return out
    for line in lines:
        fields = line.split()
        try:
            major, minor = (int(x) for x in fields[2].split(":"))
            fstype = fields[fields.index("-") + 1]
        except (IndexError, ValueError):
            continue
        out[os.makedev(major, minor)] = fstype
    return out


def trusted_fs(dev: int) -> bool:
    """True when the file system of device `dev` keeps real inode numbers and honest folder
    mtimes. Only known Linux file systems are; elsewhere the careful answer is no."""
    known = _trusted_by_dev.get(dev)  # a plain dict read: this runs once per photo
    if known is not None:
        return known
    trusted = sys.platform.startswith("linux") and _linux_fs_types().get(dev) in _TRUSTED_FS
    with _lock:
        _trusted_by_dev[dev] = trusted
    return trusted


def path_identity(path: str | os.PathLike[str], st: os.stat_result) -> int:
    """What stands for a file's inode in memo keys: the inode itself where the file system
    keeps real ones, else a 63-bit hash of the absolute path (a rename then reads the file
    again, which is a cost, while a recycled inode number would be a wrong answer)."""
    if st.st_ino and trusted_fs(st.st_dev):
        return st.st_ino
    raw = os.fsencode(os.path.abspath(path))
    return int.from_bytes(hashlib.blake2b(raw, digest_size=8).digest(), "little") >> 1 or 1


def stat_key(path: str | os.PathLike[str], st: os.stat_result) -> tuple[int, int, int, int]:
    """(device, identity, size, mtime): what a memo of a file's contents is keyed by."""
    return (st.st_dev, path_identity(path, st), st.st_size, st.st_mtime_ns)


def same_inode(a: os.stat_result, b: os.stat_result) -> bool:
    """True only when the two stats are provably one file (never on invented inode numbers)."""
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino) and bool(a.st_ino) and trusted_fs(a.st_dev)


def hard_links_refused(dev: int) -> bool:
    return dev in _no_links_by_dev


def note_hard_links_refused(dev: int) -> None:
    """Remember that `link` failed on this device, so a batch stops asking for every file."""
    with _lock:
        _no_links_by_dev.add(dev)


def _case_variant(name: str) -> str | None:
    flipped = name.swapcase()
    return flipped if flipped != name and flipped.casefold() == name.casefold() else None


def folds_case(folder: Path, listed_name: str) -> bool:
    """Whether `folder` compares names without case. `listed_name` is a file the folder lists
    (its real spelling). Asked once per folder: a lookup of the same name in other case finds
    nothing on a case-sensitive folder; when it finds something, the folder's listing says
    whether that spelling is a file of its own or the same name folded."""
    key = os.fspath(folder)
    with _lock:
        known = _folds_by_folder.get(key)
    if known is not None:
        return known
    variant = _case_variant(listed_name)
    if variant is None:
        return True  # no letter to flip: cannot tell yet, so take the careful answer
    try:
        os.lstat(folder / variant)
    except FileNotFoundError:
        folds = False
    except OSError:
        return True
    else:
        try:
            folds = variant not in os.listdir(folder)
        except OSError:
            return True
    with _lock:
        _folds_by_folder[key] = folds
    return folds


_PROBE = 8192


def rewrites_in_place(folder: Path) -> bool:
    """Whether files in `folder` can be reopened for writing, written in the middle, cut short
    and memory-mapped: what SQLite, a memory-mapped matrix and an append to an existing file
    need. The FUSE driver for FAT does none of it reliably (it refuses to reopen a file for
    writing and loses or keeps bytes it was told to write or cut); such a disk gets new
    files written whole and renamed into place, and its caches are kept elsewhere.
    Asked once per device, by writing a small probe file there."""
    try:
        dev = os.stat(folder).st_dev
    except OSError:
        return True  # nothing will be written there; the write itself will say why
    known = _rewrites_by_dev.get(dev)
    if known is None:
        known = _probe_rewrite(folder)
        if known is not None:
            with _lock:
                _rewrites_by_dev[dev] = known
    return True if known is None else known


def _probe_rewrite(folder: Path) -> bool | None:
    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=".photosort-probe-")
    except OSError:
        return None  # a folder we cannot write to: no answer
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(b"a" * _PROBE)
        with open(name, "r+b") as rw:
            rw.seek(_PROBE // 2)
            rw.write(b"b" * 16)
            rw.truncate(_PROBE * 3 // 4)
        with open(name, "ab") as more:  # from a sector boundary, where FUSE FAT writes 512
            more.write(b"z")
        with open(name, "rb") as back:
            data = back.read()
        whole = data == b"a" * (_PROBE // 2) + b"b" * 16 + b"a" * (_PROBE // 4 - 16) + b"z"
        with open(name, "r+b") as mapped, mmap.mmap(mapped.fileno(), mmap.PAGESIZE) as shared:
            shared[0] = ord("c")
        return whole
    except OSError as exc:
        # A full disk says nothing about the file system: ask again once there is room (taken
        # for "cannot rewrite", it sent every later journal repair down the rewrite path,
        # which needs room for a whole copy of the journal).
        return None if exc.errno in (errno.ENOSPC, errno.EDQUOT) else False
    except ValueError:
        return False
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)
