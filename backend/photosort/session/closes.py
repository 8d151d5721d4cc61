"""Close-after-write events: the moment a program that wrote a file closed it (Linux inotify
`IN_CLOSE_WRITE`, or `IN_MOVED_TO` for a file or folder renamed into place whole, as rsync
and browsers finish a download).

watchfiles reports that a file changed, never that its writer is done: a copy that stalls (a
card reader, a network share) looks exactly like a finished one. Where these events exist, a
newcomer seen being written waits for its close (`arrivals.py`); elsewhere, and for files
that arrived without an event of their own, a longer size+mtime stillness stands in.

Read without blocking, by the watcher's own thread, after each batch of watchfiles changes:
a close is then never handed over before the changes that preceded it.
"""

from __future__ import annotations

import ctypes
import logging
import os
import struct
import sys
from collections.abc import Iterable

log = logging.getLogger("photosort.session")

IN_CLOSE_WRITE = 0x00000008
IN_MOVED_TO = 0x00000080
IN_Q_OVERFLOW = 0x00004000
IN_IGNORED = 0x00008000
IN_ISDIR = 0x40000000
IN_ONLYDIR = 0x01000000
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = os.O_CLOEXEC
_EVENT = struct.Struct("iIII")  # wd, mask, cookie, len; then `len` bytes of name
_READ_SIZE = 64 * 1024


class CloseEvents:
    """One inotify instance watching folders (not recursively) for closes after writing."""

    def __init__(self) -> None:
        # The process's own symbols: libc's inotify calls, without `find_library`'s subprocess.
        libc = ctypes.CDLL(None, use_errno=True)
        self._add = libc.inotify_add_watch
        self._add.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
        self._rm = libc.inotify_rm_watch
        self._rm.argtypes = [ctypes.c_int, ctypes.c_int]
        fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if fd < 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err))
        self._fd: int | None = fd
        self._folders: dict[int, str] = {}  # watch descriptor -> folder
        self.overflowed = False  # the kernel dropped events: closes were missed

    def watch(self, folders: Iterable[str]) -> set[str]:
        """Watch exactly these folders (adding and dropping watches); returns those watched
        (a folder gone or past the watch limit is left out: its files go by stillness)."""
        assert self._fd is not None
        wanted = set(folders)
        for wd, folder in list(self._folders.items()):
            if folder not in wanted:
                self._rm(self._fd, wd)
                del self._folders[wd]
        have = set(self._folders.values())
        for folder in wanted - have:
            wd = self._add(self._fd, os.fsencode(folder), IN_CLOSE_WRITE | IN_MOVED_TO | IN_ONLYDIR)
            if wd >= 0:
                self._folders[wd] = folder
        return set(self._folders.values())

    def read(self) -> list[str]:
        """The files closed after writing (or renamed in) since the last read, as paths."""
        if self._fd is None:
            return []
        closed: list[str] = []
        while True:
            try:
                data = os.read(self._fd, _READ_SIZE)
            except BlockingIOError:
                return closed
            if not data:
                return closed
            closed += self._parse(data)

    def _parse(self, data: bytes) -> list[str]:
        out: list[str] = []
        at = 0
        while at + _EVENT.size <= len(data):
            wd, mask, _cookie, size = _EVENT.unpack_from(data, at)
            raw = data[at + _EVENT.size : at + _EVENT.size + size].rstrip(b"\0")
            at += _EVENT.size + size
            if mask & IN_Q_OVERFLOW:
                self.overflowed = True
            elif mask & IN_IGNORED:  # the folder went away: so did its watch
                self._folders.pop(wd, None)
            elif raw and wd in self._folders and (mask & IN_MOVED_TO or not mask & IN_ISDIR):
                # A folder renamed in is reported too: what it holds arrived whole with it.
                # Names that are not UTF-8 travel as surrogate escapes, as the scan has them.
                out.append(os.path.join(self._folders[wd], os.fsdecode(raw)))
        return out

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
            self._folders = {}


def open_close_events() -> CloseEvents | None:
    """Close events where the platform has them (Linux), else None: stillness decides."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return CloseEvents()
    except (OSError, AttributeError) as exc:  # no inotify in this libc, or the instance limit
        log.info("no close-after-write events (%s): newcomers wait for stillness", exc)
        return None
