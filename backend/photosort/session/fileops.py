"""Moving photos without ever overwriting or losing one."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
from pathlib import Path

from photosort.fsinfo import hard_links_refused, note_hard_links_refused, same_inode
from photosort.fsutil import fsync_dir, rename_no_replace
from photosort.session.groups import renamed

_HASH_CHUNK = 1 << 20


def free_group(folder: Path, names: list[str], taken: set[str] | None = None) -> list[Path]:
    """Names in `folder` for every file of one group: the names themselves when all are free,
    else the first ` (n)` suffix free for ALL of them (`IMG_1 (2).CR2` with `IMG_1 (2).JPG`
    and `IMG_1 (2).xmp`), so a collision never splits a group's names.

    `taken` holds the names already promised to earlier moves of the same batch (not on disk
    yet), so two photos of one name going to one folder get two names; the names chosen are
    added to it. Names that differ only in case count as one there (the disk's own lookup
    folds case where the disk does): one folder must hold both on every disk a session may
    be copied to."""
    n = 1
    while True:
        out = [folder / renamed(name, n) for name in names]
        keys = [os.fspath(p).casefold() for p in out]
        promised = taken is not None and any(k in taken for k in keys)
        if not promised and not any(os.path.lexists(p) for p in out):
            if taken is not None:
                taken.update(keys)
            return out
        n += 1


def _file_hash(path: Path) -> str:
    h = hashlib.blake2b(digest_size=20)
    with open(path, "rb") as fh:
        while chunk := fh.read(_HASH_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def same_file(a: Path, b: Path) -> bool:
    """True when `a` and `b` are provably one file (a crash between link and unlink, on a
    disk with real inode numbers) or hold equal bytes."""
    try:
        sa, sb = a.stat(), b.stat()
    except FileNotFoundError:
        return False
    if same_inode(sa, sb):
        return True
    return sa.st_size == sb.st_size and _file_hash(a) == _file_hash(b)


_LINK_REFUSED = frozenset(
    {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS}
)


def _link(src: Path, dst: Path) -> bool:
    """Give `src` the second name `dst` (FileExistsError when taken); False where the disk
    has no hard links (exFAT, FAT, some network shares), remembered for the device."""
    dev = os.lstat(src).st_dev
    if hard_links_refused(dev):
        return False
    try:
        os.link(src, dst, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in _LINK_REFUSED:
            raise
        note_hard_links_refused(dev)
        return False
    return True


def move_no_replace(src: Path, dst: Path) -> None:
    """Move `src` to `dst`; fail with FileExistsError rather than replace anything at `dst`.

    Same file system: hard link then unlink (atomic, and refuses to overwrite); where the disk
    has no hard links, a rename that never replaces (`fsutil.rename_no_replace`). Across file
    systems: copy to a temp name, fsync, verify size and hash, rename into place, then remove
    the original. The caller has fsync'ed the journal line first, so recovery can finish or
    take back each of these from whatever a crash left.
    """
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        linked = _link(src, dst)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        _copy_verify_move(src, dst)
        return
    if not linked:
        _rename_across(src, dst)
        return
    fsync_dir(dst.parent)
    os.unlink(src)
    fsync_dir(src.parent)


def _rename_across(src: Path, dst: Path) -> None:
    try:
        rename_no_replace(src, dst)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        _copy_verify_move(src, dst)
        return
    fsync_dir(dst.parent)
    if src.parent != dst.parent:
        fsync_dir(src.parent)


class BatchMover:
    """`move_no_replace` for many files with the directory fsyncs grouped: every new name is
    linked, then each destination folder is fsync'ed once, then the old names are removed and
    each source folder is fsync'ed once. The order that makes a single move crash-safe (the new
    name is durable before the old one goes) holds for the whole batch, with 2 fsyncs per
    folder instead of 2 per file. Call `finish()` before reporting any of the moves done."""

    def __init__(self, *, copy: bool = False) -> None:
        # copy: copy mode (a read-only source): every "move" is a verified copy, the source
        # is never changed.
        self.copy = copy
        self._made: set[Path] = set()
        self._linked: list[tuple[Path, Path]] = []
        self._copied: list[Path] = []

    def move(self, src: Path, dst: Path) -> None:
        if dst.parent not in self._made:
            dst.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(dst.parent)
        if self.copy:
            copy_verified(src, dst)
            self._copied.append(dst)
            return
        try:
            linked = _link(src, dst)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            linked = False
        if not linked:
            move_no_replace(src, dst)  # other file system, or no hard links: the careful path
            return
        self._linked.append((src, dst))

    def move_group(self, pairs: list[tuple[Path, Path]]) -> None:
        """Move every file of one group, or none: when one move fails, the files already
        moved go back before the error is raised, so a group is never left split."""
        done: list[tuple[Path, Path]] = []
        try:
            for src, dst in pairs:
                self.move(src, dst)
                done.append((src, dst))
        except OSError:
            for src, dst in reversed(done):
                self._take_back(src, dst)
            raise

    def _take_back(self, src: Path, dst: Path) -> None:
        if self.copy:
            self._copied.remove(dst)
            os.unlink(dst)  # a copy this batch made: the original never left
            return
        if (src, dst) in self._linked:
            self._linked.remove((src, dst))
            os.unlink(dst)  # only a second name: the original is still at `src`
            return
        move_no_replace(dst, src)  # moved the careful way: the original is gone, bring it back

    def finish(self) -> None:
        copied, self._copied = self._copied, []
        for folder in dict.fromkeys(dst.parent for dst in copied):
            fsync_dir(folder)
        linked, self._linked = self._linked, []
        for folder in dict.fromkeys(dst.parent for _, dst in linked):
            fsync_dir(folder)
        for src, _ in linked:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(src)
        for folder in dict.fromkeys(src.parent for src, _ in linked):
            fsync_dir(folder)


def partial_copy_name(dst: Path) -> Path:
    """The hidden temp name a cross-disk copy is written under before its rename."""
    return dst.with_name(f".{dst.name}.photosort-copy")


def copy_verified(src: Path, dst: Path) -> None:
    """Copy `src` to `dst` without touching `src`: a hidden temp name, fsync, size and hash
    checked against `src`, then linked into place (FileExistsError rather than replace).
    The caller fsyncs `dst`'s folder."""
    tmp = partial_copy_name(dst)
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    try:
        shutil.copyfile(src, tmp)
        # Times and mode as far as the disk keeps them (FAT through FUSE has no chmod): the
        # capture time falls back to the mtime, the mode is a nicety.
        with contextlib.suppress(OSError):
            shutil.copystat(src, tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        if tmp.stat().st_size != src.stat().st_size or _file_hash(tmp) != _file_hash(src):
            raise OSError(errno.EIO, "copy verification failed", str(src))
        if not _link(tmp, dst):  # either refuses to replace an existing file
            rename_no_replace(tmp, dst)
    finally:
        # A full disk (or any failure) must not leave half a photo behind to fill it further.
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _copy_verify_move(src: Path, dst: Path) -> None:
    copy_verified(src, dst)
    fsync_dir(dst.parent)
    os.unlink(src)
    fsync_dir(src.parent)


def remove_copy(copy: Path, original: Path) -> bool:
    """Remove `copy` when it still holds `original`'s bytes (copy mode's undo); False, and the
    file kept, when it changed since (an edit in the cluster is never thrown away)."""
    if not os.path.lexists(copy):
        return True
    if not same_file(copy, original):
        return False
    os.unlink(copy)
    fsync_dir(copy.parent)
    return True


def finish_interrupted_copy(src: Path, dst: Path) -> str:
    """Bring a copy that a crash interrupted to its end (the source is never touched)."""
    if os.path.lexists(dst):
        return "ok"
    if not os.path.lexists(src):
        return "missing"
    copy_verified(src, dst)
    fsync_dir(dst.parent)
    return "completed"


def finish_interrupted_move(src: Path, dst: Path) -> str:
    """Bring a move that a crash interrupted to its end. Returns what was done, for the log."""
    src_exists, dst_exists = os.path.lexists(src), os.path.lexists(dst)
    if dst_exists and not src_exists:
        return "ok"
    if src_exists and not dst_exists:
        move_no_replace(src, dst)
        return "completed"
    if src_exists and dst_exists:
        if same_file(src, dst):
            src.unlink()
            fsync_dir(src.parent)
            return "completed"
        return "conflict"
    return "missing"
