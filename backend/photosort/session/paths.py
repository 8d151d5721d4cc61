"""Turning untrusted item strings into paths that are guaranteed to stay inside a root."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path, PurePosixPath

from photosort.errors import BadClusterName, BadPath

_FORBIDDEN_CHARS = ("\x00", "\\")
# Longest name one folder entry may have (bytes) on the common file systems (ext4, APFS, NTFS
# in UTF-16 units is more); longer names are refused here instead of failing at the OS.
NAME_MAX = 255
PATH_MAX = 4096
# Characters that reorder how a name is displayed: "photo\u202egpj.exe" reads as "photoexe.jpg".
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_WINDOWS_FORBIDDEN = frozenset('<>:"|?*')
_WINDOWS_RESERVED = re.compile(
    r"(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])", re.I
)


def normalise_item(item: str) -> str:
    """Validate an item string (relative, `/`-separated) and return its canonical form.

    Rejects absolute paths, drive letters, `..`, `.` segments, backslashes and NUL, so an
    item can never name anything outside the root it is resolved against.
    """
    if not item or any(c in item for c in _FORBIDDEN_CHARS):
        raise BadPath(f"invalid item path: {item!r}")
    item = _canonical_fs_text(item)
    if item.startswith("/") or (len(item) > 1 and item[1] == ":"):
        raise BadPath(f"item paths are relative to the session, not absolute: {item!r}")
    parts = PurePosixPath(item).parts
    # Check the raw segments: PurePosixPath silently drops "." ones ("./a.jpg" -> "a.jpg").
    segments = item.split("/")
    if not parts or any(p in ("..", ".", "") for p in segments):
        raise BadPath(f"item path must not contain '.', '..' or empty segments: {item!r}")
    if len(os.fsencode(item)) > PATH_MAX or any(
        len(os.fsencode(seg)) > NAME_MAX for seg in segments
    ):
        raise BadPath(f"item path is longer than a file system allows: {item[:60]!r}...")
    return "/".join(parts)


def _canonical_fs_text(item: str) -> str:
    """Item strings are file names as `os.fsdecode` gives them: bytes that are not UTF-8 are
    the lone surrogates U+DC80-U+DCFF (surrogateescape). Any other lone surrogate names no
    file; a surrogateescape spelling of valid UTF-8 is folded to the plain text it encodes."""
    try:
        return os.fsdecode(os.fsencode(item))
    except UnicodeEncodeError:
        raise BadPath(
            f"invalid item path {item!r}: it holds a lone UTF-16 surrogate that names no file"
        ) from None


def resolve_inside(root: Path, item: str) -> Path:
    """Resolve `item` under `root`, refusing anything (symlinks included) that leaves it."""
    rel = normalise_item(item)
    candidate = root / rel
    real_root = os.path.realpath(root)
    real = os.path.realpath(candidate)
    if real != real_root and not real.startswith(real_root.rstrip(os.sep) + os.sep):
        raise BadPath(f"item path leaves the session: {item!r}")
    return candidate


# A cluster path is joined to dest and then to a photo's name: keep the whole well under what
# the OS allows (PATH_MAX) and deep trees readable.
CLUSTER_PATH_MAX = 1000
CLUSTER_DEPTH_MAX = 32


def validate_cluster_name(name: str) -> str:
    """A cluster is a folder under dest, named by its `/`-separated path (`Trips/2023/Paris`).
    Every folder on the way must be one a common OS can hold (a session folder moves between
    machines) and read as what it is. Whitespace around each folder name is trimmed; each
    refusal says why."""
    segments = [seg.strip() for seg in name.split("/")]
    problem = _cluster_path_problem(name, segments)
    if problem:
        raise BadClusterName(f"invalid cluster name {name!r}: {problem}")
    return "/".join(segments)


def _cluster_path_problem(name: str, segments: list[str]) -> str | None:
    if not name.strip():
        return "it is empty"
    if "\\" in name:
        return "it holds a '\\': separate folders with '/'"
    if len(segments) > 1 and any(not seg for seg in segments):
        return "it has an empty folder name (a leading, trailing or doubled '/')"
    if any(seg in (".", "..") for seg in segments):
        return "it holds a '.' or '..' folder: a cluster is a folder below dest"
    if len(segments) > CLUSTER_DEPTH_MAX:
        return f"it is more than {CLUSTER_DEPTH_MAX} folders deep"
    if len("/".join(segments).encode("utf-8", "surrogatepass")) > CLUSTER_PATH_MAX:
        return f"it is longer than {CLUSTER_PATH_MAX} bytes"
    for seg in segments:
        problem = _cluster_name_problem(seg)
        if problem:
            return problem if len(segments) == 1 else f"folder {seg!r}: {problem}"
    return None


def _cluster_name_problem(name: str) -> str | None:
    if not name:
        return "it is empty"
    if any(0xD800 <= ord(c) <= 0xDFFF for c in name):
        return "it holds a lone UTF-16 surrogate, which is not text a folder name can hold"
    if name.startswith("."):
        return "it starts with '.', which hides the folder"
    if any(unicodedata.category(c) == "Cc" for c in name):
        return "it holds a control character (newline, tab, NUL...)"
    if any(c in _BIDI_CONTROLS for c in name):
        return "it holds a bidirectional-text control (e.g. U+202E) that disguises the name"
    bad = sorted({c for c in name if c in _WINDOWS_FORBIDDEN})
    if bad:
        return f"it holds {' '.join(bad)}, which Windows does not allow in folder names"
    if name.endswith((".", " ")):
        return "it ends with a dot or a space, which Windows drops from folder names"
    if _WINDOWS_RESERVED.fullmatch(name.split(".", 1)[0].rstrip(" ")):
        return f"{name.split('.', 1)[0]!r} is a reserved device name on Windows"
    if len(name.encode("utf-8")) > 200:
        return "it is longer than 200 bytes"
    return None
