"""Moves on disks without hard links or without an atomic no-replace rename, on any machine:
the refusals those disks give (EPERM for `link` on exFAT and FAT, EINVAL for the no-replace
flag from FUSE drivers) are provoked here so the fallbacks run without mounting anything
(tests/system/test_real_disks.py runs them on real exFAT, FAT32 and NTFS)."""

from __future__ import annotations

import ctypes
import errno
import os
from pathlib import Path

import pytest

from photosort import fsinfo, fsutil
from photosort.session import fileops


def _photo(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.fixture
def no_links(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a: object, **_k: object) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", refuse)
    monkeypatch.setattr(fsinfo, "_no_links_by_dev", set())


@pytest.fixture
def no_atomic_rename(monkeypatch: pytest.MonkeyPatch) -> None:
    def einval(_a: bytes, _b: bytes) -> int:
        ctypes.set_errno(errno.EINVAL)
        return -1

    monkeypatch.setattr(fsutil, "_rename_excl", einval)


@pytest.mark.parametrize("atomic", [True, False], ids=["atomic", "checked"])
def test_rename_never_replaces(tmp_path: Path, atomic: bool, request: pytest.FixtureRequest):
    if not atomic:
        request.getfixturevalue("no_atomic_rename")
    a, b = _photo(tmp_path / "a.jpg", b"A"), _photo(tmp_path / "b.jpg", b"B")
    with pytest.raises(FileExistsError):
        fsutil.rename_no_replace(a, b)
    assert a.read_bytes() == b"A" and b.read_bytes() == b"B"
    fsutil.rename_no_replace(a, tmp_path / "c.jpg")
    assert not a.exists() and (tmp_path / "c.jpg").read_bytes() == b"A"


@pytest.mark.usefixtures("no_links", "no_atomic_rename")
def test_a_move_without_hard_links_renames_and_never_overwrites(tmp_path: Path):
    src = _photo(tmp_path / "in" / "x.jpg", b"photo")
    taken = _photo(tmp_path / "birds" / "y.jpg", b"other")
    with pytest.raises(FileExistsError):
        fileops.move_no_replace(src, taken)
    assert src.read_bytes() == b"photo" and taken.read_bytes() == b"other"
    fileops.move_no_replace(src, tmp_path / "birds" / "x.jpg")
    assert not src.exists() and (tmp_path / "birds" / "x.jpg").read_bytes() == b"photo"
    assert fsinfo.hard_links_refused(os.stat(tmp_path).st_dev), "the refusal is not remembered"


@pytest.mark.usefixtures("no_links")
def test_a_batch_and_its_take_back_work_without_hard_links(tmp_path: Path):
    files = [_photo(tmp_path / f"IMG_1.{ext}", ext.encode()) for ext in ("CR2", "JPG", "xmp")]
    _photo(tmp_path / "birds" / "IMG_1.xmp", b"in the way")
    mover = fileops.BatchMover()
    with pytest.raises(FileExistsError):
        mover.move_group([(f, tmp_path / "birds" / f.name) for f in files])
    mover.finish()
    assert [f.read_bytes() for f in files] == [b"CR2", b"JPG", b"xmp"], "the group was split"
    assert sorted(p.name for p in (tmp_path / "birds").iterdir()) == ["IMG_1.xmp"]


@pytest.mark.usefixtures("no_links", "no_atomic_rename")
def test_a_verified_copy_lands_without_hard_links(tmp_path: Path):
    src = _photo(tmp_path / "card" / "x.jpg", b"card bytes")
    (tmp_path / "sorted").mkdir()
    fileops.copy_verified(src, tmp_path / "sorted" / "x.jpg")
    assert (tmp_path / "sorted" / "x.jpg").read_bytes() == b"card bytes"
    assert src.read_bytes() == b"card bytes"
    assert [p.name for p in (tmp_path / "sorted").iterdir()] == ["x.jpg"], "a temp file is left"
    with pytest.raises(FileExistsError):
        fileops.copy_verified(src, tmp_path / "sorted" / "x.jpg")


def test_names_that_differ_only_in_case_are_one_name_in_a_batch(tmp_path: Path):
    taken: set[str] = set()
    first = fileops.free_group(tmp_path, ["IMG_1.JPG", "IMG_1.xmp"], taken)
    second = fileops.free_group(tmp_path, ["img_1.jpg"], taken)
    assert [p.name for p in first] == ["IMG_1.JPG", "IMG_1.xmp"]
    assert [p.name for p in second] == ["img_1 (2).jpg"]


def test_memo_keys_use_the_path_where_inode_numbers_are_invented(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    photo = _photo(tmp_path / "a.jpg", b"x")
    st = os.stat(photo)
    assert fsinfo.path_identity(photo, st) == st.st_ino  # ext4/tmpfs: the real inode
    monkeypatch.setattr(fsinfo, "_trusted_by_dev", {st.st_dev: False})
    ident = fsinfo.path_identity(photo, st)
    assert ident != st.st_ino and ident == fsinfo.path_identity(str(photo), st)
    assert ident != fsinfo.path_identity(tmp_path / "A.jpg", st)
    assert not fsinfo.same_inode(st, st), "an invented inode number proves nothing"
