"""Raster decoding with Pillow (JPEG, PNG, WebP, TIFF, BMP, GIF, HEIF), and the helpers RAW
decoding shares: orientation, RGB conversion, DCT draft scaling, Pillow's error messages.

Every failure on bad input surfaces as `DecodeFailed` with a message a person can act on.
"""

from __future__ import annotations

import contextlib
import math
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from photosort.errors import DecodeFailed
from photosort.formats import suffix

# Pillow must raise on truncated data instead of painting the missing rows grey.
ImageFile.LOAD_TRUNCATED_IMAGES = False

ORIENTATION_TAG = 0x0112
WHITE = (255, 255, 255)

# What Pillow's format plugins raise on corrupt data besides OSError (not exhaustive by design:
# anything else is a bug worth seeing).
PIL_DECODE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    struct.error,
    IndexError,
    KeyError,
    ZeroDivisionError,
)

_heif_lock = threading.Lock()
_heif_registered = False


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """What `probe` learns from headers alone. Width and height are as displayed (oriented)."""

    width: int
    height: int
    format: str
    is_raw: bool


# Decode memory is bounded: JPEG shrinks while decoding (`draft`); formats that cannot (PNG,
# TIFF, WebP, BMP, GIF) are decoded whole, at 4 bytes a pixel plus the RGB copy, so a 144 MP
# PNG (under Pillow's bomb limit) took 10 s and 1.6 GB for a 256 px thumbnail. Above
# MAX_FULL_DECODE_PIXELS such a file is refused with a clear `decode_failed`; above
# HUGE_PIXELS only one is decoded at a time (indexing runs several decode threads).
MAX_FULL_DECODE_PIXELS = 50_000_000
HUGE_PIXELS = 16_000_000
_HUGE_DECODES = threading.BoundedSemaphore(1)


def open_raster(path: Path, *, min_edge: int | None = None) -> Image.Image:
    """The Pillow path (JPEG, PNG, WebP, TIFF, BMP, GIF, HEIF), whatever the file's extension."""
    with _pil_errors(path), _open_pil(path) as im:
        if min_edge is not None:
            draft_for(im, min_edge)
        width, height = im.size  # after `draft`: what will really be decoded
        pixels = width * height
        if pixels > MAX_FULL_DECODE_PIXELS:
            raise DecodeFailed(
                f"image too large to decode within the memory bound: {width}x{height} "
                f"({pixels / 1e6:.0f} MP); {im.format or 'this format'} cannot be reduced while "
                f"decoding and photosort decodes at most {MAX_FULL_DECODE_PIXELS / 1e6:.0f} MP"
            )
        with _HUGE_DECODES if pixels > HUGE_PIXELS else contextlib.nullcontext():
            im.load()
            return to_upright_rgb(im)


def probe_raster(path: Path) -> ImageInfo:
    with _pil_errors(path), _open_pil(path) as im:
        width, height = im.size
        if exif_orientation(im, header_only=True) in (5, 6, 7, 8):
            width, height = height, width
        return ImageInfo(width, height, im.format or suffix(path).lstrip(".").upper(), False)


def draft_for(im: Image.Image, min_edge: int) -> None:
    """Ask a JPEG for the smallest DCT scale (1/2, 1/4, 1/8) whose long edge is still >= min_edge.

    Pillow picks a scale s with width/s >= requested width and height/s >= requested height, so
    asking for the image shrunk to `min_edge` on its long side guarantees the bound. A no-op for
    formats without reduced decoding.
    """
    width, height = im.size
    long_edge = max(width, height)
    if min_edge >= long_edge or long_edge == 0:
        return
    request = (
        max(1, math.ceil(width * min_edge / long_edge)),
        max(1, math.ceil(height * min_edge / long_edge)),
    )
    im.draft("RGB", request)


def exif_orientation(im: Image.Image, *, header_only: bool = False) -> int:
    """EXIF (or XMP) orientation 1..8. `header_only` avoids PNG's getexif, which decodes pixels."""
    if header_only and im.format == "PNG" and "exif" not in im.info:
        return 1
    value = im.getexif().get(ORIENTATION_TAG, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def to_upright_rgb(im: Image.Image) -> Image.Image:
    """Apply EXIF orientation and flatten any mode (alpha, palette, 16-bit, CMYK...) to RGB."""
    icc = im.info.get("icc_profile")
    # exif_transpose copies even when there is nothing to do; skip it for the common upright case.
    out = (ImageOps.exif_transpose(im) or im) if exif_orientation(im) != 1 else im
    out = _to_rgb(out)
    # Keep an RGB colour profile so renditions look like the original in a browser; a CMYK or
    # grey profile would be wrong on RGB pixels.
    if isinstance(icc, bytes) and icc[16:20] == b"RGB ":
        out.info["icc_profile"] = icc
    else:
        out.info.pop("icc_profile", None)
    return out


def _to_rgb(im: Image.Image) -> Image.Image:
    if im.mode == "RGB":
        return im
    if im.mode.startswith("I") or im.mode == "F":
        im = _high_depth_to_l(im)
    if im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        im.mode == "P" and "transparency" in im.info
    ):
        rgba = im.convert("RGBA")
        flat = Image.new("RGB", rgba.size, WHITE)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return im.convert("RGB")


def _high_depth_to_l(im: Image.Image) -> Image.Image:
    """16/32-bit grey and float to 8-bit. Pillow's own convert clips at 255 instead of scaling."""
    arr = np.asarray(im)
    if im.mode.startswith("I;16"):
        return Image.fromarray((arr.astype(np.uint32) >> 8).astype(np.uint8), "L")
    values = arr.astype(np.float64)
    top = float(values.max()) if values.size else 0.0
    if im.mode == "F" and top <= 1.0:
        scale = 255.0
    elif top <= 255:
        scale = 1.0
    elif top <= 65535:
        scale = 255.0 / 65535.0
    else:
        scale = 255.0 / top
    return Image.fromarray(np.clip(values * scale, 0, 255).round().astype(np.uint8), "L")


def check_nonempty(path: Path) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise DecodeFailed("file not found") from exc
    except OSError as exc:
        raise DecodeFailed(f"cannot read file: {exc.strerror or exc}") from exc
    if size == 0:
        raise DecodeFailed("empty file (0 bytes)")


@contextmanager
def _open_pil(path: Path) -> Iterator[ImageFile.ImageFile]:
    """Open with our own file handle: Pillow then never closes the image object under us."""
    _register_heif()
    with open(path, "rb") as fh:
        im = Image.open(fh)
        if not isinstance(im, ImageFile.ImageFile):  # pragma: no cover - Image.open always is
            raise DecodeFailed("not a decodable image")
        yield im


@contextmanager
def _pil_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except DecodeFailed:
        raise
    except Image.DecompressionBombError as exc:
        raise DecodeFailed(f"image too large to decode safely: {exc}") from exc
    except MemoryError as exc:
        raise DecodeFailed("image too large to decode: out of memory") from exc
    except UnidentifiedImageError as exc:
        raise DecodeFailed("not a decodable image: unrecognised file format") from exc
    except FileNotFoundError as exc:
        raise DecodeFailed("file not found") from exc
    except PermissionError as exc:
        raise DecodeFailed("cannot read file: permission denied") from exc
    except PIL_DECODE_ERRORS as exc:
        raise DecodeFailed(describe_pil_error(path, exc)) from exc


def describe_pil_error(path: Path, exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if "truncated" in text.lower() or isinstance(exc, EOFError):
        ext = suffix(path)
        kind = "JPEG" if ext in (".jpg", ".jpeg") else (ext.lstrip(".").upper() or "image")
        return f"truncated {kind} file ({text})"
    return f"not a decodable image: {text}"


def _register_heif() -> None:
    global _heif_registered
    if _heif_registered:
        return
    with _heif_lock:
        if not _heif_registered:
            import pillow_heif

            pillow_heif.register_heif_opener()
            _heif_registered = True
