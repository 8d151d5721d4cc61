"""Helpers for media tests: test cards, hand-written 16-bit files, a preview-less Bayer DNG."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

ORIENTATION = 0x0112

# Quadrant colours of `quadrants()`: red top-left, green top-right, blue bottom-left, white rest.
RED, GREEN, BLUE, WHITE = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)


def quadrants(width: int, height: int) -> Image.Image:
    """A non-square test card whose orientation can be read back from four corner colours."""
    im = Image.new("RGB", (width, height), WHITE)
    im.paste(RED, (0, 0, width // 2, height // 2))
    im.paste(GREEN, (width // 2, 0, width, height // 2))
    im.paste(BLUE, (0, height // 2, width // 2, height))
    return im


def noisy_photo(width: int, height: int, seed: int = 0) -> Image.Image:
    """Smooth gradients plus grain: compresses like a photo (a flat card makes tiny JPEGs)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    base = np.stack(
        [128 + 100 * np.sin(x / 37.0), 128 + 100 * np.cos(y / 23.0), (x + y) % 256], axis=-1
    )
    noise = rng.normal(0, 18, size=(height, width, 3))
    return Image.fromarray(np.clip(base + noise, 0, 255).astype(np.uint8), "RGB")


def save_jpeg(im: Image.Image, path: Path, *, orientation: int | None = None, **kw: object) -> Path:
    exif = Image.Exif()
    if orientation is not None:
        exif[ORIENTATION] = orientation
    im.save(path, "JPEG", exif=exif.tobytes(), quality=90, **kw)
    return path


def corner(im: Image.Image, where: str) -> tuple[int, ...]:
    """The pixel a quarter of the way in from a corner: safely inside that quadrant."""
    x = im.width // 4 if where[1] == "l" else im.width * 3 // 4
    y = im.height // 4 if where[0] == "t" else im.height * 3 // 4
    px = im.getpixel((x, y))
    assert isinstance(px, tuple)
    return px


def close(a: tuple[int, ...], b: tuple[int, ...], tol: int = 12) -> bool:
    return all(abs(p - q) <= tol for p, q in zip(a, b, strict=True))


def write_png16(path: Path, rgb: np.ndarray) -> Path:
    """A 16-bit-per-channel RGB PNG (Pillow can read these but not write them)."""
    h, w, _ = rgb.shape
    rows = b"".join(b"\x00" + rgb[y].astype(">u2").tobytes() for y in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return path


def write_tiff16(path: Path, rgb: np.ndarray) -> Path:
    """An uncompressed little-endian 16-bit RGB TIFF, one strip."""
    h, w, _ = rgb.shape
    pixels = rgb.astype("<u2").tobytes()
    n_entries = 10
    bps_offset = 8 + 2 + n_entries * 12 + 4
    pixel_offset = bps_offset + 6
    short, long_ = 3, 4
    entries = [
        (256, short, 1, w),
        (257, short, 1, h),
        (258, short, 3, bps_offset),
        (259, short, 1, 1),
        (262, short, 1, 2),
        (273, long_, 1, pixel_offset),
        (277, short, 1, 3),
        (278, short, 1, h),
        (279, long_, 1, len(pixels)),
        (284, short, 1, 1),
    ]
    out = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", n_entries)
    for tag, kind, count, value in entries:
        if kind == short and count == 1:
            out += struct.pack("<HHIHH", tag, kind, count, value, 0)
        else:
            out += struct.pack("<HHII", tag, kind, count, value)
    out += struct.pack("<I", 0) + struct.pack("<HHH", 16, 16, 16) + pixels
    path.write_bytes(out)
    return path


def write_bayer_dng(path: Path, rgb: Image.Image, *, orientation: int = 1) -> Path:
    """A DNG with no embedded preview: an RGGB mosaic sampled from a real photo, via pidng.

    The camera space is declared to be linear sRGB (ColorMatrix1 = XYZ->linear sRGB, neutral
    white balance), so a correct demosaic reproduces the photo's colours.
    """
    from pidng.core import RAW2DNG, DNGTags, Tag
    from pidng.defs import CalibrationIlluminant, CFAPattern, PhotometricInterpretation

    srgb = np.asarray(rgb.convert("RGB"), dtype=np.float64) / 255.0
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    h, w, _ = linear.shape
    mosaic = np.empty((h, w))
    mosaic[0::2, 0::2] = linear[0::2, 0::2, 0]
    mosaic[0::2, 1::2] = linear[0::2, 1::2, 1]
    mosaic[1::2, 0::2] = linear[1::2, 0::2, 1]
    mosaic[1::2, 1::2] = linear[1::2, 1::2, 2]
    raw = np.round(mosaic * 65535).astype(np.uint16)

    rgb_to_xyz = np.array(
        [
            [0.4124564, 0.3575761, 0.1804375],
            [0.2126729, 0.7151522, 0.0721750],
            [0.0193339, 0.1191920, 0.9503041],
        ]
    )
    xyz_to_cam = [[round(v * 10000), 10000] for v in np.linalg.inv(rgb_to_xyz).flatten()]
    tags = DNGTags()
    for tag, value in [
        (Tag.ImageWidth, w),
        (Tag.ImageLength, h),
        (Tag.TileWidth, w),
        (Tag.TileLength, h),
        (Tag.Orientation, orientation),
        (Tag.PhotometricInterpretation, PhotometricInterpretation.Color_Filter_Array),
        (Tag.SamplesPerPixel, 1),
        (Tag.BitsPerSample, 16),
        (Tag.CFARepeatPatternDim, [2, 2]),
        (Tag.CFAPattern, CFAPattern.RGGB),
        (Tag.BlackLevel, 0),
        (Tag.WhiteLevel, 65535),
        (Tag.ColorMatrix1, xyz_to_cam),
        (Tag.CalibrationIlluminant1, CalibrationIlluminant.D65),
        (Tag.AsShotNeutral, [[1, 1], [1, 1], [1, 1]]),
        (Tag.BaselineExposure, [[0, 1]]),
        (Tag.Make, "photosort"),
        (Tag.Model, "synthetic bayer"),
        (Tag.UniqueCameraModel, "photosort synthetic bayer"),
    ]:
        tags.set(tag, value)
    writer = RAW2DNG()
    writer.options(tags, path="", compress=False)
    path.write_bytes(bytes(writer.convert(raw)))
    return path


DngFactory = Callable[..., Path]
