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


def test_a_batch_of_fingerprints_comes_from_the_store_after_a_restart(tmp_path: Path) -> None:
    """`of_many` answers as `of` does, the error in place of an unreadable file; after a
    restart it finds every unchanged file in the store without reading it again."""
    from photosort.errors import DecodeFailed
    from photosort.media.fingerprint import Fingerprints
    from photosort.ml.cache import EmbeddingCache

    paths = []
    for i in range(6):
        paths.append(tmp_path / f"p{i}.jpg")
        paths[-1].write_bytes(f"photo {i}".encode() * 100)
    gone = tmp_path / "gone.jpg"
    with EmbeddingCache(tmp_path / "db.sqlite") as cache:
        first = Fingerprints(cache).of_many([*paths[:3], gone, *paths[3:]])
        assert first[:3] + first[4:] == [fingerprint(p) for p in paths]
        assert isinstance(first[3], DecodeFailed) and "gone.jpg" in first[3].message
    # a restart: nothing in memory; the contents change behind the memo's back (same size
    # and mtime), so a re-read would give a different answer than the store
    for p in paths:
        st = os.stat(p)
        p.write_bytes(p.read_bytes()[::-1])
        os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
    with EmbeddingCache(tmp_path / "db.sqlite") as cache:
        assert Fingerprints(cache).of_many(paths) == first[:3] + first[4:]


def test_the_memo_answers_by_stat_key_and_rereads_a_changed_file(tmp_path: Path) -> None:
    """The in-memory memo (keys packed to 32 bytes) trusts an unchanged stat key, rereads a
    file whose mtime changed, and keeps keys beyond 64 bits apart."""
    from photosort.media.fingerprint import Fingerprints, _memo_key

    photo = _write(tmp_path / "a.jpg", b"first" * 100)
    fps = Fingerprints()
    first = fps.of(photo)
    st = os.stat(photo)
    photo.write_bytes(b"other" * 100)  # same size; same mtime put back: the memo answers
    os.utime(photo, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert fps.of_many([photo]) == [first] and fps.of(photo) == first
    os.utime(photo, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    assert fps.of(photo) == fingerprint(photo) != first
    keys = [(1, 2**70, 3, 4), (1, 2**70, 3, 5), (1, 2, 3, 4), (1, 2, 3, -4), (1, 2, 3, 2**64)]
    assert len({_memo_key(k) for k in keys}) == len(keys)
