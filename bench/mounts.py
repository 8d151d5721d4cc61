"""Real file systems for tests: exFAT, FAT32 and NTFS images in a temporary folder, mounted
the way a Linux desktop mounts a memory card or a Windows drive (through FUSE), and always
unmounted and detached afterwards, whatever the test did.

Needs root, `/dev/fuse`, loop devices and Debian's `exfatprogs exfat-fuse dosfstools fusefat
ntfs-3g` (the Makefile installs them with apt-get when missing); elsewhere `mounted` raises
`Unavailable` with a one-line reason (the tests skip with it, the benchmark says it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

# kind -> (tools it needs, the Debian packages that bring them)
TOOLS = {
    "exfat": (("mkfs.exfat", "mount.exfat-fuse", "losetup"), "exfatprogs exfat-fuse"),
    "fat32": (("mkfs.vfat", "fusefat"), "dosfstools fusefat"),
    "ntfs": (("mkntfs", "ntfs-3g"), "ntfs-3g"),
}
KINDS = tuple(TOOLS)


class Unavailable(Exception):
    """This kind of file system cannot be mounted here; the message says why, in one line."""


_SEARCH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin", "/usr/bin"])


def _tool(name: str) -> str | None:
    return shutil.which(name, path=_SEARCH)


def unavailable(kind: str) -> str | None:
    """Why `kind` cannot be mounted here (one line), or None when it can."""
    if os.name != "posix" or os.geteuid() != 0:
        return f"{kind}: mounting a file system image needs root"
    if not os.path.exists("/dev/fuse"):
        return f"{kind}: no /dev/fuse on this machine"
    tools, packages = TOOLS[kind]
    missing = [t for t in tools if _tool(t) is None]
    if missing:
        return f"{kind}: {', '.join(missing)} missing (apt-get install {packages})"
    return None


def _run(name: str, *args: str) -> str:
    cmd = [_tool(name) or name, *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout.strip()


def _wait_mounted(mnt: Path) -> None:
    deadline = time.monotonic() + 10
    while not os.path.ismount(mnt):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{mnt} did not appear as a mount point")
        time.sleep(0.05)


def _unmount(mnt: Path) -> None:
    """Unmount, waiting out a FUSE daemon that is still busy; lazily as the last resort."""
    for _ in range(50):
        if not os.path.ismount(mnt):
            return
        for cmd in (["fusermount", "-u", str(mnt)], ["umount", str(mnt)]):
            cmd[0] = _tool(cmd[0]) or cmd[0]
            if subprocess.run(cmd, capture_output=True, timeout=30).returncode == 0:
                break
        else:
            time.sleep(0.2)
    if os.path.ismount(mnt):
        subprocess.run(
            [_tool("umount") or "umount", "-l", str(mnt)], capture_output=True, timeout=30
        )


@contextlib.contextmanager
def mounted(kind: str, root: Path, size_mb: int = 160) -> Iterator[Path]:
    """A fresh, empty `kind` file system mounted read-write at `root/kind`; `Unavailable` when
    that cannot be done here."""
    reason = unavailable(kind)
    if reason:
        raise Unavailable(reason)
    image, mnt = root / f"{kind}.img", root / kind
    mnt.mkdir(parents=True)
    with open(image, "wb") as fh:
        fh.truncate(size_mb << 20)
    loop: str | None = None
    try:
        if kind == "exfat":
            _run("mkfs.exfat", "-L", "CARD", str(image))
            # exfat-fuse wants a block device, as a card reader gives it
            loop = _run("losetup", "--find", "--show", str(image))
            _run("mount.exfat-fuse", loop, str(mnt))
        elif kind == "fat32":
            _run("mkfs.vfat", "-F", "32", "-n", "CARD", str(image))
            _run("fusefat", "-o", "rw+", str(image), str(mnt))
        else:
            _run("mkntfs", "--quiet", "--fast", "--force", str(image))
            _run("ntfs-3g", str(image), str(mnt))
        _wait_mounted(mnt)
        yield mnt
    finally:
        _unmount(mnt)
        if loop is not None:
            subprocess.run(
                [_tool("losetup") or "losetup", "--detach", loop], capture_output=True, timeout=30
            )


def private_mounts() -> None:
    """Move this process (and the processes it starts) into a mount namespace of its own, so
    what it mounts is seen by nobody else and goes away with it (`unshare -m`)."""
    import ctypes

    clone_newns = 0x00020000
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(clone_newns) != 0:
        raise Unavailable(f"tmpfs: unshare: {os.strerror(ctypes.get_errno())}")
    _run("mount", "--make-rprivate", "/")


def tmpfs_unavailable() -> str | None:
    """Why a small tmpfs cannot be mounted here (one line), or None when it can."""
    if os.name != "posix" or os.geteuid() != 0:
        return "tmpfs: mounting a small file system needs root"
    if _tool("mount") is None:
        return "tmpfs: no mount command"
    return None


@contextlib.contextmanager
def tmpfs(mnt: Path, size: str = "2m") -> Iterator[Path]:
    """A small, empty tmpfs of `size` at `mnt` (made if missing): a disk that really fills
    up. Unmounted afterwards whatever happened; `Unavailable` when it cannot be mounted."""
    reason = tmpfs_unavailable()
    if reason:
        raise Unavailable(reason)
    mnt.mkdir(parents=True, exist_ok=True)
    try:
        _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(mnt))
    except RuntimeError as exc:
        raise Unavailable(f"tmpfs: {exc}") from exc
    try:
        yield mnt
    finally:
        umount = _tool("umount") or "umount"
        if subprocess.run([umount, str(mnt)], capture_output=True, timeout=30).returncode:
            subprocess.run([umount, "-l", str(mnt)], capture_output=True, timeout=30)


def fill(folder: Path, leave: int = 0) -> Path:
    """Fill the file system holding `folder` up, then give `leave` bytes back: the file that
    holds the space (remove it to free the disk again)."""
    filler = folder / "filler.bin"
    with open(filler, "wb", buffering=0) as fh:
        for block in (1 << 16, 512, 1):
            with contextlib.suppress(OSError):
                while True:
                    fh.write(b"\0" * block)
    os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler
