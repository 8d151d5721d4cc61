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

import hashlib
import os
import sys
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
