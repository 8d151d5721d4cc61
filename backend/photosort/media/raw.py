"""Camera RAW via rawpy (LibRaw): the embedded JPEG preview when it is big enough, else demosaic.

LibRaw's `sizes.flip` is not an EXIF orientation. For display it means: 0 upright, 3 rotate 180°,
5 rotate 90° counter-clockwise, 6 rotate 90° clockwise (and 1, 2, 4, 7 the mirrored variants).
LibRaw derives it from the TIFF orientation tag, EXIF 1..8 -> flip 0, 1, 3, 2, 4, 6, 7, 5.
`backend/tests/media/test_media_raw.py` checks `apply_flip` against `postprocess()` for all eight.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Literal

import numpy as np
import rawpy
from PIL import Image

import photosort.media.raster as raster
from photosort.errors import DecodeFailed
from photosort.formats import suffix

# "raster": a RAW extension on a file that is really a JPEG/PNG/... (mislabelled, decoded anyway)
RawPath = Literal["embedded", "demosaic", "raster"]

# A preview is 1600 px on its long edge; with no min_edge the embedded JPEG must reach that.
DEFAULT_NEED = 1600

_PREVIEW_ERRORS: tuple[type[BaseException], ...] = (
    *raster.PIL_DECODE_ERRORS,
    Image.DecompressionBombError,
)

_FLIP_TRANSPOSE: dict[int, Image.Transpose] = {
    1: Image.Transpose.FLIP_LEFT_RIGHT,
    2: Image.Transpose.FLIP_TOP_BOTTOM,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.TRANSPOSE,
    5: Image.Transpose.ROTATE_90,  # counter-clockwise
    6: Image.Transpose.ROTATE_270,  # clockwise
    7: Image.Transpose.TRANSVERSE,
}


def decode_raw(path: Path, *, min_edge: int | None = None) -> tuple[Image.Image, RawPath]:
    """Decode a RAW file to upright RGB; also says which path was taken."""
    need = DEFAULT_NEED if min_edge is None else min_edge
    raster.check_nonempty(path)
    try:
        with rawpy.imread(str(path)) as raw:
            flip = int(raw.sizes.flip)
            embedded = _embedded_preview(raw, need, flip)
            if embedded is not None:
                return embedded, "embedded"
            return _demosaic(raw, need), "demosaic"
    except rawpy.LibRawFileUnsupportedError as exc:
        return _not_really_raw(path, min_edge, exc), "raster"
    except rawpy.LibRawError as exc:
        raise DecodeFailed(_describe(path, exc)) from exc
    except MemoryError as exc:
        raise DecodeFailed(_describe(path, exc)) from exc


def probe_raw(path: Path) -> raster.ImageInfo:
    """Oriented output size from the RAW header (no unpacking)."""
    raster.check_nonempty(path)
    fmt = suffix(path).lstrip(".").upper()
    try:
        with rawpy.imread(str(path)) as raw:
            sizes = raw.sizes
            width, height = int(sizes.width), int(sizes.height)
            if int(sizes.flip) & 4:
                width, height = height, width
            return raster.ImageInfo(width, height, fmt, True)
    except rawpy.LibRawFileUnsupportedError as exc:
        try:
            return raster.probe_raster(path)
        except DecodeFailed:
            raise DecodeFailed(_describe(path, exc)) from exc
    except rawpy.LibRawError as exc:
        raise DecodeFailed(_describe(path, exc)) from exc


def apply_flip(im: Image.Image, flip: int) -> Image.Image:
    method = _FLIP_TRANSPOSE.get(flip & 7)
    return im if method is None else im.transpose(method)


def _embedded_preview(raw: Any, need: int, flip: int) -> Image.Image | None:
    try:
        thumb = raw.extract_thumb()
    except rawpy.LibRawError:  # no thumbnail, or one LibRaw can't unpack
        return None
    try:
        if thumb.format == rawpy.ThumbFormat.JPEG:
            sensor = (int(raw.sizes.width), int(raw.sizes.height))
            return embedded_jpeg(bytes(thumb.data), need=need, flip=flip, sensor=sensor)
        if thumb.format == rawpy.ThumbFormat.BITMAP:
            im = raster.to_upright_rgb(Image.fromarray(np.squeeze(thumb.data)))
            return apply_flip(im, flip) if max(im.size) >= need else None
    except _PREVIEW_ERRORS:
        return None  # a corrupt or absurd preview: the sensor data may still be fine
    return None


def embedded_jpeg(
    data: bytes, *, need: int, flip: int, sensor: tuple[int, int]
) -> Image.Image | None:
    """Decode a RAW's embedded JPEG upright, or None if its long edge is below `need`."""
    im = Image.open(io.BytesIO(data))
    if max(im.size) < need:
        return None
    raster.draft_for(im, need)
    im.load()
    own = raster.exif_orientation(im)
    if own != 1:
        # The preview describes its own pixels; applying the RAW flip too would rotate twice.
        return raster.to_upright_rgb(im)
    sensor_landscape = sensor[0] >= sensor[1]
    if flip & 4 and (im.width >= im.height) != sensor_landscape:
        # Some cameras store the preview already upright (portrait pixels from a landscape sensor).
        return raster.to_upright_rgb(im)
    return apply_flip(raster.to_upright_rgb(im), flip)


def _demosaic(raw: Any, need: int) -> Image.Image:
    # Half-size skips interpolation (each 2x2 Bayer cell becomes a pixel): ~4x faster, and still
    # big enough unless the caller needs more than half the sensor.
    half = max(int(raw.sizes.width), int(raw.sizes.height)) // 2 >= need
    rgb = raw.postprocess(
        half_size=half, use_camera_wb=True, no_auto_bright=False, output_bps=8
    )  # applies sizes.flip itself
    return Image.fromarray(rgb)


def _not_really_raw(path: Path, min_edge: int | None, exc: Exception) -> Image.Image:
    """A RAW extension on a file LibRaw doesn't know: a mislabelled JPEG decodes, else an error."""
    try:
        return raster.open_raster(path, min_edge=min_edge)
    except DecodeFailed:
        raise DecodeFailed(_describe(path, exc)) from exc


def _describe(path: Path, exc: BaseException) -> str:
    reasons: dict[type[BaseException], str] = {
        rawpy.LibRawFileUnsupportedError: "unsupported or unrecognised format",
        rawpy.LibRawIOError: "could not be read (truncated, or not a RAW file)",
        rawpy.LibRawDataError: "corrupt RAW data",
        rawpy.LibRawTooBigError: "image too large to decode",
        rawpy.LibRawUnsufficientMemoryError: "image too large to decode: out of memory",
        MemoryError: "image too large to decode: out of memory",
    }
    reason = next((text for kind, text in reasons.items() if isinstance(exc, kind)), None)
    if reason is None:
        detail = exc.args[0] if exc.args else type(exc).__name__
        reason = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
    return f"not a decodable {suffix(path).lstrip('.').upper()} RAW file: {reason}"
