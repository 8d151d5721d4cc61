"""Which files are photos, and how each kind is decoded."""

from __future__ import annotations

import os
from pathlib import PurePath

RASTER_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".bmp", ".gif"})
HEIF_EXTENSIONS = frozenset({".heic", ".heif"})
RAW_EXTENSIONS = frozenset(
    {".cr2", ".cr3", ".nef", ".nrw", ".arw", ".dng", ".raf", ".orf", ".rw2", ".pef", ".srw"}
)
SUPPORTED_EXTENSIONS = RASTER_EXTENSIONS | HEIF_EXTENSIONS | RAW_EXTENSIONS
# Videos: queued like photos through a poster frame, except a Live Photo's half.
VIDEO_EXTENSIONS = frozenset({".mp4", ".mov", ".m4v", ".avi", ".mkv", ".3gp"})
# Files that only describe another file of the same stem (edits, thumbnails): never queued
# on their own, always carried with their photo.
SIDECAR_EXTENSIONS = frozenset({".xmp", ".aae", ".thm"})
MEDIA_EXTENSIONS = SUPPORTED_EXTENSIONS | VIDEO_EXTENSIONS

_CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".bmp": "image/bmp",
    ".gif": "image/gif",
    ".heic": "image/heic",
    ".heif": "image/heif",
    ".dng": "image/x-adobe-dng",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".mov": "video/quicktime",
    ".avi": "video/x-msvideo",
    ".mkv": "video/x-matroska",
    ".3gp": "video/3gpp",
}


def suffix(name: str | PurePath) -> str:
    # PurePath.suffix's rule without building a PurePath: the scan calls this once per file.
    base = os.path.basename(os.fspath(name))
    i = base.rfind(".")
    return base[i:].lower() if 0 < i < len(base) - 1 else ""


def is_photo(name: str | PurePath) -> bool:
    return suffix(name) in SUPPORTED_EXTENSIONS


def is_video(name: str | PurePath) -> bool:
    return suffix(name) in VIDEO_EXTENSIONS


def is_media(name: str | PurePath) -> bool:
    """A photo or a video: what the session queues, files and counts as a cluster member."""
    return suffix(name) in MEDIA_EXTENSIONS


def is_sidecar(name: str | PurePath) -> bool:
    return suffix(name) in SIDECAR_EXTENSIONS


def is_raw(name: str | PurePath) -> bool:
    return suffix(name) in RAW_EXTENSIONS


def content_type(name: str | PurePath) -> str:
    """Content type of the original bytes; RAW formats without a registered type are opaque."""
    ext = suffix(name)
    if ext in _CONTENT_TYPES:
        return _CONTENT_TYPES[ext]
    if ext in RAW_EXTENSIONS:
        return f"image/x-{ext[1:]}"
    return "application/octet-stream"
