"""Short real videos for the tests, encoded here with PyAV (its wheel ships the encoders).

Frame `i` is one flat colour, `frame_colour(i)`, so a decoded poster says which frame it is.
"""

from __future__ import annotations

import random
from pathlib import Path

import av
import numpy as np

# Encoders in the PyAV wheel, per container: what cameras and phones write (h264 in MP4/MOV),
# MPEG-4 Part 2 (older cameras, AVI, 3GP), VP8 in Matroska (which Chromium plays without
# proprietary codecs).
CODECS = {
    ".mp4": "libx264",
    ".m4v": "libx264",
    ".mov": "mpeg4",
    ".avi": "mpeg4",
    ".3gp": "mpeg4",
    ".mkv": "libvpx",
}


def frame_colour(i: int) -> tuple[int, int, int]:
    return (min(255, i * 5), max(0, 255 - i * 5), 128)


def frame_index(rgb: tuple[int, ...]) -> int:
    """Which frame a decoded colour came from (lossy coding moves a channel a few levels)."""
    return round(rgb[0] / 5)


def make_video(
    path: Path,
    *,
    frames: int = 50,
    fps: int = 25,
    size: tuple[int, int] = (64, 48),
    gop: int = 10,
    codec: str | None = None,
    fmt: str | None = None,
    rotation: int | None = None,
    created: str | None = "2026-11-30T10:11:12.000000Z",
    damaged: int | None = None,
) -> Path:
    """`frames` flat-colour frames at `fps` (2 s by default), a keyframe every `gop` frames;
    packet number `damaged`, if given, holds noise instead of its coded frame."""
    path.parent.mkdir(parents=True, exist_ok=True)
    codec = codec or CODECS[path.suffix.lower()]
    with av.open(str(path), "w", format=fmt) as out:
        if created and fmt is None:
            out.metadata["creation_time"] = created
        stream = out.add_stream(codec, rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.codec_context.gop_size = gop
        if codec == "libx264":
            stream.options = {"keyint_min": str(gop), "sc_threshold": "0"}
        if rotation is not None:
            stream.set_display_rotation(rotation)
        muxed = 0
        for i in range(frames):
            pixels = np.empty((size[1], size[0], 3), np.uint8)
            pixels[:] = frame_colour(i)
            if rotation is not None:
                pixels[:, : size[0] // 2] = (255, 0, 0)  # the left half red: shows the turn
            for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                out.mux(_noise(packet) if damaged == muxed else packet)
                muxed += 1
        out.mux(stream.encode(None))
    return path


def _noise(packet: av.Packet) -> av.Packet:
    noise = av.Packet(random.Random(packet.pts).randbytes(max(64, packet.size)))
    noise.pts, noise.dts, noise.time_base = packet.pts, packet.dts, packet.time_base
    noise.stream = packet.stream
    return noise
