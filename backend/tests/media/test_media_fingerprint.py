"""fingerprint(): content only, cheap, stable across copies and renames."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from photosort.media.fingerprint import CHUNK, fingerprint


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("size", [0, 1, 1000, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 7])
def test_same_bytes_anywhere_same_fingerprint(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    a = _write(tmp_path / "a.jpg", data)
    copy = tmp_path / "elsewhere" / "deep" / "renamed.JPEG"
    copy.parent.mkdir(parents=True)
    shutil.copy(a, copy)
    moved = tmp_path / "moved.bin"
    fp = fingerprint(a)
    a.rename(moved)

    assert len(fp) == 32 and int(fp, 16) >= 0
    assert fingerprint(copy) == fp
    assert fingerprint(moved) == fp


def test_mtime_does_not_matter(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.png", b"pixels" * 1000)
    fp = fingerprint(path)
    os.utime(path, (0, 0))
    assert fingerprint(path) == fp


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda d: b"X" + d[1:], id="first byte"),
        pytest.param(lambda d: d[:-1] + b"X", id="last byte"),
        pytest.param(lambda d: d + b"\0", id="one byte longer"),
        pytest.param(lambda d: d[: CHUNK + 10] + b"X" + d[CHUNK + 11 :], id="inside the tail"),
    ],
)
def test_different_content_different_fingerprint(tmp_path: Path, edit: object) -> None:
    data = bytes(range(256)) * (CHUNK // 128)  # 512 KiB: head and tail chunks touch
    assert callable(edit)
    a = _write(tmp_path / "a", data)
    b = _write(tmp_path / "b", edit(data))
    assert fingerprint(a) != fingerprint(b)


def test_reads_only_head_and_tail(tmp_path: Path) -> None:
    """By design, a same-size edit strictly inside the middle of a big file is not seen."""
    data = bytearray(os.urandom(4 * CHUNK))
    a = _write(tmp_path / "a", bytes(data))
    data[2 * CHUNK] ^= 0xFF
    b = _write(tmp_path / "b", bytes(data))
    assert fingerprint(a) == fingerprint(b)


def test_missing_file_raises_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        fingerprint(tmp_path / "nope.jpg")
