"""A full disk: dest on its own small tmpfs, source on the main disk, so
every move is a cross-disk copy. A move that does not fit is a clear 507, leaves no partial
copy behind, and the session keeps serving; recovery removes partial copies a crash left."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def _mount_tmpfs(where: Path, size: str) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    r = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
    )
    return r.returncode == 0


@pytest.fixture
def small_dest(make_library) -> Iterator:
    """A library whose dest is a 4 MiB tmpfs (needs root to mount; skipped otherwise)."""
    lib = make_library(into=True, loose=4)
    keep = lib.root / "dest-contents"
    shutil.move(lib.dest, keep)
    lib.dest.mkdir()
    if not _mount_tmpfs(lib.dest, "4m"):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        for child in keep.iterdir():
            shutil.move(child, lib.dest / child.name)
        yield lib
    finally:
        lib.close_all()
        subprocess.run(["umount", "-l", str(lib.dest)], check=False)


def _fill(folder: Path, leave: int) -> Path:
    """Fill the file system of `folder`, then give back `leave` bytes."""
    filler = folder / "filler.bin"
    with open(filler, "wb", buffering=0) as fh:
        with contextlib.suppress(OSError):
            while True:
                fh.write(b"\0" * 65536)
        with contextlib.suppress(OSError):
            while True:
                fh.write(b"\0" * 512)
    size = filler.stat().st_size
    os.truncate(filler, max(0, size - leave))
    return filler


def _partial_copies(lib) -> list[Path]:
    return [p for p in lib.dest.rglob("*") if p.name.endswith(".photosort-copy")]


def test_a_move_that_does_not_fit_is_507_and_the_session_keeps_serving(
    small_dest, start_server, check_error, hash_of
):
    lib = small_dest
    srv = start_server(lib)
    c = srv.client
    item = lib.loose[0]
    before = hash_of(lib.source / item)
    filler = _fill(lib.dest / ".clustering", leave=12 * 1024)
    err = check_error(c.post("/api/assign", json={"item": item, "cluster": "birds"}), 507)
    assert err["code"] == "disk_full" and "full" in err["message"]
    assert _partial_copies(lib) == []
    assert hash_of(lib.source / item) == before
    assert c.get("/api/session").status_code == 200
    # Thumbnails and a new cluster on the full disk: a clear answer, never a 500.
    _fill(lib.dest, leave=0)
    r = c.get(f"/api/image/{lib.loose[1]}", params={"size": "thumb"})
    assert r.status_code in (200, 507), r.text
    r = c.post("/api/clusters", json={"name": "fresh"})
    assert r.status_code in (200, 507), r.text
    # Space again: the same move works, with the same bytes.
    for f in lib.dest.rglob("filler.bin"):
        f.unlink()
    assert filler not in lib.dest.rglob("*")
    r = c.post("/api/assign", json={"item": item, "cluster": "birds"})
    assert r.status_code == 200, r.text
    assert hash_of(lib.dest / "birds" / item) == before
    assert not (lib.source / item).exists()
    assert_seqs_accounted_for(lib.journal())


def assert_seqs_accounted_for(records: list[dict]) -> None:
    """Seqs grow one by one, except over the seqs writes on a full disk took (never reused):
    the next line written says which (`spent`)."""
    expected = 1
    for rec in records:
        if rec["seq"] != expected:
            assert rec.get("spent") == [expected, rec["seq"] - 1], rec
        expected = rec["seq"] + 1


def test_recovery_removes_partial_copies_and_starts_on_a_full_disk(small_dest, hash_of):
    lib = small_dest
    item = lib.loose[0]
    s = lib.open()
    s.assign(lib.loose[1], "birds")
    s.close()
    # What a crash (or a full disk) mid-copy leaves in the cluster folder.
    partial = lib.dest / "birds" / f".{item}.photosort-copy"
    partial.write_bytes((lib.source / item).read_bytes()[:5000])
    _fill(lib.dest, leave=0)
    s2 = lib.open()  # a full disk must not stop the session from opening
    assert not partial.exists()
    assert any("partial copy" in a for a in s2.recovery.actions)
    assert (lib.source / item).is_file()
    s2.close()


def test_a_failed_cross_disk_copy_leaves_no_partial_copy(library, monkeypatch, hash_of):
    """Without root: the copy itself fails with ENOSPC halfway (in-process)."""
    from photosort.session import fileops

    src = library.source / library.loose[0]
    before = hash_of(src)
    dst = library.dest / "birds" / library.loose[0]

    def half_copy(a, b, *args, **kwargs):
        Path(b).write_bytes(Path(a).read_bytes()[:1000])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileops.shutil, "copyfile", half_copy)
    with pytest.raises(OSError):
        fileops._copy_verify_move(src, dst)
    assert not fileops.partial_copy_name(dst).exists()
    assert not dst.exists() and hash_of(src) == before
