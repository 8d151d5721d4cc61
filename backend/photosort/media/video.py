"""Videos through PyAV (FFmpeg's decoders ship in its wheel): one cheap header probe (duration,
frame size, container creation time) and a poster frame, the decoded frame at about 10% of the
duration, that stands in for the video wherever a photo's pixels are used (thumbnail, preview,
embedding input).

Work and memory are bounded whatever the file claims: the poster seeks to the keyframe before
its target and decodes forward at most `MAX_POSTER_FRAMES` frames (or `MAX_POSTER_PACKETS`
packets), keeping only the newest frame. Every failure on bad input (truncated, empty, not a
video, no video stream) surfaces as `DecodeFailed`, the same error a corrupt JPEG gives.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from photosort.errors import DecodeFailed
from photosort.formats import suffix
from photosort.fsinfo import stat_key

if TYPE_CHECKING:
    from av.container import InputContainer
    from av.video.frame import VideoFrame
    from av.video.stream import VideoStream

# Where the poster is taken, as a share of the duration: past a fade-in or a title card, and
# early enough that the first keyframe before it is usually close.
POSTER_AT = 0.10
# A stream with keyframes far apart (or none after the first) must not cost a decode of the
# whole file: after the seek, at most this many frames are decoded and the newest one is kept.
MAX_POSTER_FRAMES = 240
MAX_POSTER_PACKETS = 4_000
# As for photos (raster.MAX_FULL_DECODE_PIXELS): a frame above this is refused, not decoded.
MAX_FRAME_PIXELS = 50_000_000

# FFmpeg picks a demuxer by content, not by name: a playlist or concat list saved as `.mp4`
# (HLS, ffconcat) would make it open other files or URLs. Only the containers of
# formats.VIDEO_EXTENSIONS (and raw MPEG-4, what an `.m4v` may hold), only local files.
_OPEN_OPTIONS = {
    "format_whitelist": "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,m4v",
    "protocol_whitelist": "file",
}

# What FFmpeg and PyAV raise on bad input besides their own error type.
_AV_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    OverflowError,
    ZeroDivisionError,
    UnicodeDecodeError,
)


@dataclass(frozen=True, slots=True)
class VideoInfo:
    """What the container's headers say, without decoding a frame. `width`/`height` are the
    coded frame size (a display rotation is only known once a frame is decoded: the poster is
    upright); `duration_s` and `created` are None when the file does not say."""

    width: int
    height: int
    duration_s: float | None
    created: datetime | None
    format: str
    codec: str


def probe_video(path: Path) -> VideoInfo:
    """Duration, frame size, codec and creation time from the headers; `DecodeFailed` when
    the file is not a video PyAV can open or has no video stream."""
    with _av_errors(path), _open(path) as container:
        stream = _video_stream(container)
        ctx = stream.codec_context
        duration = _duration_s(container, stream)
        return VideoInfo(
            width=int(ctx.width or 0),
            height=int(ctx.height or 0),
            duration_s=float(duration) if duration is not None else None,
            created=_creation_time(container, stream),
            format=suffix(path).lstrip(".").upper() or "VIDEO",
            codec=str(ctx.name or "unknown"),
        )


def poster_frame(path: Path, *, min_edge: int | None = None) -> Image.Image:
    """The upright RGB frame at about `POSTER_AT` of the duration (the first frame when the
    duration is unknown). `min_edge`, as for photos, is the long edge the caller needs: a
    larger frame is scaled down while converting, never below it."""
    with _av_errors(path), _open(path) as container:
        stream = _video_stream(container)
        _check_frame_size(stream.codec_context.width or 0, stream.codec_context.height or 0)
        # The headers can lie: the decoder itself refuses a larger frame before allocating it.
        stream.codec_context.options = {"max_pixels": str(MAX_FRAME_PIXELS)}
        frame = _frame_near(container, stream, _poster_target(container, stream))
        return _to_image(frame, stream, min_edge)


def _frame_near(container: InputContainer, stream: VideoStream, target: int | None) -> VideoFrame:
    """The first frame at or past `target` (in the stream's time base), or the newest frame
    decoded within the bounds. Seeks to the keyframe before the target first."""
    if target is not None:
        # Not seekable (a damaged index, a raw stream): decode on from the start instead.
        with contextlib.suppress(*_bad_input()):
            container.seek(target, stream=stream, backward=True, any_frame=False)
    newest: VideoFrame | None = None
    frames = 0
    for packets, packet in enumerate(container.demux(stream)):
        if packets >= MAX_POSTER_PACKETS:
            break
        try:
            decoded = packet.decode()
        except _bad_input():
            # A damaged packet: as a player would, show what decoded before it, or go on to
            # the next keyframe (bounded by the packet count).
            if newest is not None:
                return newest
            continue
        for frame in decoded:
            newest = frame
            frames += 1
            if target is None or frame.pts is None or frame.pts >= target:
                return frame
            if frames >= MAX_POSTER_FRAMES:
                return frame
    if newest is None:
        raise DecodeFailed("not a decodable video: no frame could be decoded (truncated file?)")
    return newest


def _poster_target(container: InputContainer, stream: VideoStream) -> int | None:
    """The poster's presentation time in the stream's time base, or None (the first frame)."""
    duration = _duration_s(container, stream)
    if duration is None or duration <= 0 or not stream.time_base:
        return None
    start = stream.start_time or 0
    return start + int(duration * POSTER_AT / stream.time_base)


def _duration_s(container: InputContainer, stream: VideoStream) -> Fraction | None:
    """The stream's own duration, else the container's, else frames / frame rate."""
    if stream.duration and stream.time_base:
        return Fraction(stream.duration) * stream.time_base
    if container.duration and container.duration > 0:
        return Fraction(container.duration, 1_000_000)  # AV_TIME_BASE: microseconds
    rate = stream.average_rate or stream.guessed_rate
    if stream.frames and rate:
        return Fraction(stream.frames) / Fraction(rate)
    return None


def _creation_time(container: InputContainer, stream: VideoStream) -> datetime | None:
    """QuickTime/MP4 `creation_time` (Matroska writes it too), as an aware UTC datetime."""
    for meta in (container.metadata, stream.metadata):
        text = meta.get("creation_time") or meta.get("com.apple.quicktime.creationdate")
        if not text:
            continue
        try:
            when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            continue
        # QuickTime's epoch is 1904: a zero timestamp means "not set", not a real date.
        if when.year > 1970:
            return when if when.tzinfo else when.replace(tzinfo=UTC)
    return None


def _to_image(frame: VideoFrame, stream: VideoStream, min_edge: int | None) -> Image.Image:
    width, height = frame.width, frame.height
    _check_frame_size(width, height)
    # Anamorphic video (DV, some broadcast): pixels are not square; show it as displayed.
    sar = stream.codec_context.sample_aspect_ratio
    out_w = max(1, round(width * sar)) if sar and sar > 0 and sar != 1 else width
    out_h = height
    long_edge = max(out_w, out_h)
    if min_edge is not None and 0 < min_edge < long_edge:
        scale = min_edge / long_edge
        out_w, out_h = max(1, round(out_w * scale)), max(1, round(out_h * scale))
    rgb = frame.reformat(width=out_w, height=out_h, format="rgb24", interpolation="AREA")
    image = Image.fromarray(rgb.to_ndarray())
    return _upright(image, frame.rotation)


def _check_frame_size(width: int, height: int) -> None:
    if width * height > MAX_FRAME_PIXELS:
        raise DecodeFailed(
            f"video frame too large to decode within the memory bound: {width}x{height} "
            f"(photosort decodes at most {MAX_FRAME_PIXELS / 1e6:.0f} MP)"
        )


def _upright(image: Image.Image, rotation: int) -> Image.Image:
    """Apply the display matrix's rotation (degrees counter-clockwise, as FFmpeg reads it)."""
    turns = {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180}
    turns[-90] = turns[270] = Image.Transpose.ROTATE_270
    turns[-180] = Image.Transpose.ROTATE_180
    step = turns.get(round(rotation / 90) * 90) if rotation else None
    return image.transpose(step) if step is not None else image


def _video_stream(container: InputContainer) -> VideoStream:
    if not container.streams.video:
        raise DecodeFailed("not a decodable video: the file has no video stream")
    return container.streams.video[0]


def _bad_input() -> tuple[type[BaseException], ...]:
    import av

    return (*_AV_ERRORS, av.FFmpegError)


@contextmanager
def _open(path: Path) -> Iterator[InputContainer]:
    import av  # PyAV loads FFmpeg's libraries: only when a video shows up

    container = av.open(
        os.fspath(path), mode="r", metadata_errors="replace", container_options=_OPEN_OPTIONS
    )
    try:
        yield container
    finally:
        container.close()


@contextmanager
def _av_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except DecodeFailed:
        raise
    except FileNotFoundError as exc:
        raise DecodeFailed("file not found") from exc
    except PermissionError as exc:
        raise DecodeFailed("cannot read file: permission denied") from exc
    except MemoryError as exc:
        raise DecodeFailed("video too large to decode: out of memory") from exc
    except _bad_input() as exc:
        # FFmpeg's own words without its errno and the file's absolute path.
        strerror = getattr(exc, "strerror", None)
        text = strerror if isinstance(strerror, str) and strerror else str(exc)
        text = (text or type(exc).__name__).rstrip(".").lower()
        kind = suffix(path).lstrip(".").upper() or "video"
        raise DecodeFailed(f"not a decodable {kind} video: {text}") from exc


class VideoProbes:
    """`probe_video`, memoised by (device, inode, size, mtime): the queue lists durations on
    every page and must not reopen each video. A failed probe is remembered too (None)."""

    def __init__(self, capacity: int = 4096) -> None:
        self.capacity = capacity
        self._memo: OrderedDict[tuple[int, int, int, int], VideoInfo | None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, path: Path) -> VideoInfo | None:
        try:
            st = path.stat()
        except OSError:
            return None
        key = stat_key(path, st)
        with self._lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
        try:
            info: VideoInfo | None = probe_video(path)
        except DecodeFailed:
            info = None
        with self._lock:
            self._memo[key] = info
            while len(self._memo) > self.capacity:
                self._memo.popitem(last=False)
        return info
