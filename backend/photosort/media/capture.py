"""When a photo was taken: EXIF DateTimeOriginal (+ SubSecTimeOriginal) for stills and RAW
files Pillow can read the EXIF of, the container's `creation_time` for videos (PyAV), else the
file's mtime. Bursts are told apart by this time
(suggest/review/stacks.py), so sub-seconds count.

`CaptureTimes` memoises the answer by (device, inode, size, mtime) like `Fingerprints`: a
request never reads EXIF again for a file it has seen, and a move (same inode) costs nothing.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from PIL import Image

from photosort.formats import is_video
from photosort.fsinfo import stat_key
from photosort.media.raster import PIL_DECODE_ERRORS

EXIF_IFD = 0x8769
DATETIME_ORIGINAL = 0x9003
SUBSEC_ORIGINAL = 0x9291
DATETIME = 0x0132  # IFD0 DateTime: the camera's last-change time, a fallback

Source = Literal["exif", "video", "mtime"]


@dataclass(frozen=True, slots=True)
class Capture:
    """Seconds since the epoch (camera-local time read as UTC: only differences matter) and
    where the time came from."""

    time: float
    source: Source


def _exif_datetime(text: object, subsec: object = None) -> float | None:
    """An EXIF `YYYY:MM:DD HH:MM:SS` string (+ sub-second digits) as seconds, None if absent
    or malformed (cameras write blanks and zeros when the clock was never set)."""
    if not isinstance(text, str):
        return None
    try:
        dt = datetime.strptime(text.strip().rstrip("\x00")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    frac = 0.0
    digits = str(subsec).strip().rstrip("\x00") if subsec is not None else ""
    if digits.isdigit():
        frac = int(digits) / 10 ** len(digits)
    return dt.replace(tzinfo=UTC).timestamp() + frac


def exif_time(path: Path) -> float | None:
    """DateTimeOriginal with its sub-seconds, else IFD0 DateTime; None when there is none.
    Reads headers only (Pillow opens lazily)."""
    try:
        with Image.open(path) as im:
            exif = im.getexif()
            sub = exif.get_ifd(EXIF_IFD)
            found = _exif_datetime(sub.get(DATETIME_ORIGINAL), sub.get(SUBSEC_ORIGINAL))
            return found if found is not None else _exif_datetime(exif.get(DATETIME))
    except PIL_DECODE_ERRORS:
        return None
    except Image.DecompressionBombError:
        return None


def video_time(path: Path) -> float | None:
    """The container's `creation_time` (QuickTime / Matroska metadata); None without one."""
    try:
        import av  # lazily: only videos need it

        with av.open(str(path)) as container:
            text = container.metadata.get("creation_time")
    except Exception:
        return None
    if not text:
        return None
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).timestamp()


def capture_time(path: Path, st: os.stat_result | None = None) -> Capture:
    """When this file was taken. Raises OSError only when the file cannot be stat'ed."""
    st = st or os.stat(path)
    found = video_time(path) if is_video(path.name) else exif_time(path)
    if found is not None:
        return Capture(found, "video" if is_video(path.name) else "exif")
    return Capture(st.st_mtime, "mtime")


StatKey = tuple[int, int, int, int]


class CaptureTimes:
    """`capture_time` with a memo by stat key; None for a file that cannot be read."""

    def __init__(self) -> None:
        self._memo: dict[StatKey, Capture] = {}
        self._lock = threading.Lock()

    def of(self, path: Path) -> Capture | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        key = stat_key(path, st)
        with self._lock:
            known = self._memo.get(key)
        if known is None:
            known = capture_time(path, st)
            with self._lock:
                self._memo[key] = known
        return known

    def known(self, path: Path) -> Capture | None:
        """The memoised answer only (never reads the file's contents)."""
        try:
            st = os.stat(path)
        except OSError:
            return None
        with self._lock:
            return self._memo.get(stat_key(path, st))
