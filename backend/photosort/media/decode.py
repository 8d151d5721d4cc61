"""Decode any supported photo into an upright RGB PIL image, as cheaply as the caller allows:
RAW files go to `raw.py`, videos to `video.py` (their poster frame), everything else to
`raster.py`.

Every failure on bad input surfaces as `DecodeFailed` with a message a person can act on.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from photosort.formats import is_raw, is_video
from photosort.media.raster import ImageInfo, check_nonempty, open_raster, probe_raster

__all__ = ["ImageInfo", "open_image", "probe"]


def open_image(path: Path, *, min_edge: int | None = None) -> Image.Image:
    """Decode `path` to an RGB image with EXIF orientation applied (a video: its poster frame).

    `min_edge` is a promise the caller makes: it needs a long edge of at least this many pixels, so
    JPEGs may be DCT-scaled (`draft`) and RAWs may use their embedded preview. `None` means full
    resolution for rasters and "good enough for a 1600 px preview" for RAW.
    """
    check_nonempty(path)
    if is_raw(path):
        from photosort.media.raw import decode_raw  # rawpy is only imported for a RAW

        return decode_raw(path, min_edge=min_edge)[0]
    if is_video(path):
        from photosort.media.video import poster_frame  # PyAV: only for a video

        return poster_frame(path, min_edge=min_edge)
    return open_raster(path, min_edge=min_edge)


def probe(path: Path) -> ImageInfo:
    """Oriented size and format from the file's headers, without decoding pixels."""
    check_nonempty(path)
    if is_raw(path):
        from photosort.media.raw import probe_raw

        return probe_raw(path)
    if is_video(path):
        from photosort.media.video import probe_video

        info = probe_video(path)
        return ImageInfo(info.width, info.height, info.format, False)
    return probe_raster(path)
