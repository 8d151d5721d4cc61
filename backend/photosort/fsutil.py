"""Crash-safe file writes: nothing half-written is ever visible under the final name."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from photosort.fsinfo import rewrites_in_place


def fsync_dir(path: Path) -> None:
    """Persist a directory entry change (create, rename, unlink) on POSIX file systems."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write `data` via temp file + fsync + rename: readers see old or new bytes, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if durable:
        fsync_dir(path.parent)


_AT_FDCWD = -100
_RENAME_NOREPLACE = 1  # Linux renameat2
_RENAME_EXCL = 4  # macOS renamex_np


def _native_rename_excl() -> Callable[[bytes, bytes], int] | None:
    """The C call that renames without ever replacing, where the platform has one."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        fn = libc.renameat2
        return lambda a, b: int(fn(_AT_FDCWD, a, _AT_FDCWD, b, _RENAME_NOREPLACE))
    if sys.platform == "darwin" and hasattr(libc, "renamex_np"):
        fn = libc.renamex_np
        return lambda a, b: int(fn(a, b, _RENAME_EXCL))
    return None


_rename_excl = _native_rename_excl() if os.name == "posix" else None
# Errors that mean "this file system cannot do the atomic no-replace rename" (FUSE drivers
# answer EINVAL), not "the name is taken".
_NO_ATOMIC_RENAME = frozenset({errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP})


def rename_no_replace(src: Path, dst: Path) -> None:
    """Rename `src` to `dst` on one file system; FileExistsError rather than replace anything.

    Atomic where the platform can say "never replace" (Linux `renameat2(RENAME_NOREPLACE)`,
    macOS `renamex_np(RENAME_EXCL)`; Windows' rename never replaces). Where the file system
    refuses that flag (FUSE drivers for exFAT, FAT and NTFS), a checked rename: the caller
    holds the session's lock, so only another program could take the name in between, and
    the name is looked up the way the folder compares names (without case on exFAT/FAT).
    """
    if os.name == "nt":
        os.rename(src, dst)  # MoveFileEx without MOVEFILE_REPLACE_EXISTING
        return
    if _rename_excl is not None:
        if _rename_excl(os.fsencode(src), os.fsencode(dst)) == 0:
            return
        err = ctypes.get_errno()
        if err not in _NO_ATOMIC_RENAME:
            raise OSError(err, os.strerror(err), str(src), None, str(dst))
    if os.path.lexists(dst):
        raise FileExistsError(errno.EEXIST, "destination exists", str(dst))
    os.rename(src, dst)


def open_for_append(path: Path, keep: int | None = None) -> BinaryIO:
    """`open(path, "ab")`, after cutting the file back to its first `keep` bytes when given.

    Where the disk cannot reopen a file for writing or cut it (the FUSE driver for FAT), the
    same result by rewriting: the kept bytes go to a new file that is fsync'ed and renamed
    over the old one, and that new file stays open for the appends that follow."""
    if rewrites_in_place(path.parent):
        if keep is not None and path.exists() and path.stat().st_size > keep:
            os.truncate(path, keep)
        return open(path, "ab")
    data = path.read_bytes() if path.exists() else b""
    tmp = path.with_name(f".{path.name}.rewrite")
    fh = open(tmp, "wb")  # noqa: SIM115 - the caller holds it open
    try:
        fh.write(data if keep is None else data[:keep])
        fh.flush()
        os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        fh.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)
    return fh
