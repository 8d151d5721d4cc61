"""The journal on a disk that really fills up (a small tmpfs; needs root to mount, skipped
otherwise): a write the full disk cuts short is cut back before anything else is appended, a
failed action changes nothing (not the queue, not what the next start does), what the server
confirmed once space returns is still there after a restart, and `verify` is clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from serving import ctrl_c, serve

from photosort.session.journal import Journal

BENCH = Path(__file__).resolve().parents[3] / "bench"
sys.path.insert(0, str(BENCH))

from mounts import Unavailable, fill, tmpfs  # noqa: E402 - bench/ is on the path now


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    try:
        with tmpfs(tmp_path / "disk", "256k") as mnt:
            yield mnt
    except Unavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture
def dest_on_small_disk(make_library) -> Iterator:
    """A library whose dest is a 2 MiB tmpfs (source on the main disk: every move is a copy
    that can run out of room)."""
    lib = make_library(into=True, loose=8, clusters={})
    shutil.rmtree(lib.dest)
    try:
        with tmpfs(lib.dest, "2m"):
            yield lib
            lib.close_all()
    except Unavailable as exc:
        pytest.skip(str(exc))


def _lines(path: Path) -> list[bytes]:
    raw = path.read_bytes()
    assert raw == b"" or raw.endswith(b"\n"), f"torn tail: {raw[-80:]!r}"
    return raw.splitlines()


def test_a_write_cut_short_by_a_full_disk_is_cut_back_before_the_next(small_disk):
    folder = small_disk / ".clustering"
    filler = fill(small_disk)  # opened on a full disk, as `serve` must be able to
    journal = Journal(folder)
    filler.unlink()
    first = journal.append({"type": "skip", "item": "first.jpg"})
    filler = fill(small_disk, leave=6000)
    written, failed = [first["seq"]], []
    for i in range(40):
        line = {"type": "skip", "item": f"IMG_{i:04d}.jpg", "note": "x" * 300}
        try:
            written.append(journal.append(line)["seq"])  # type: ignore[arg-type]
        except OSError:
            failed.append(i)
    assert len(written) > 1 and failed
    assert len(_lines(folder / "actions.jsonl")) == len(written)
    filler.unlink()
    after = journal.append({"type": "skip", "item": "after.jpg"})
    journal.close()
    # The seqs the failed writes took are never given to another line; the next line says so.
    assert after["seq"] == written[-1] + len(failed) + 1
    assert after["spent"] == [written[-1] + 1, after["seq"] - 1]
    again = Journal(folder, read_only=True)
    assert again.corrupt == [] and not again.torn_repaired
    assert [r["seq"] for r in again.records] == [*written, after["seq"]]


def _pad_last_line(path: Path, tail: int) -> None:
    """Spaces inside the last line's JSON (still the same record) so that exactly `tail`
    bytes are left in the file's last 4 KiB page."""
    raw = path.read_bytes()
    pad = (-(len(raw) + tail)) % 4096
    path.write_bytes(raw[:-2] + b" " * pad + raw[-2:])
    assert (-len(path.read_bytes())) % 4096 == tail


def test_a_move_whose_abort_line_finds_no_room_stays_queued_after_restart(
    dest_on_small_disk, start_server
):
    """Room for the move's line but not for its `abort`: the reviewer hears 507, so the photo
    stays queued, and the next start must not carry the move out."""
    lib = dest_on_small_disk
    item = lib.loose[1]
    session = lib.open()
    session.assign(lib.loose[0], "mammals", create=True)
    session.close()
    move_line = len(lib.actions_path.read_bytes().splitlines()[-1]) + 1
    _pad_last_line(lib.actions_path, move_line + 40)
    filler = fill(lib.dest)
    srv = start_server(lib)
    queued = srv.client.get("/api/session").json()["stats"]["queued"]
    r = srv.client.post("/api/assign", json={"item": item, "cluster": "mammals"})
    assert r.status_code == 507, r.text
    assert srv.client.get("/api/session").json()["stats"]["queued"] == queued
    srv.stop()
    lib.close_all()
    filler.unlink()
    session = lib.open()  # the restart, with room again
    assert (lib.source / item).is_file() and not (lib.dest / "mammals" / item).exists()
    assert session.is_queued(item)
    assert session.verify() == []


def test_what_the_server_confirmed_after_a_torn_write_survives_a_restart(dest_on_small_disk):
    """A full disk cuts an assign's line short (started on that full disk); once there is room
    again, an undo and two assigns are answered 200: after a restart all three are in the
    journal, no line is unreadable, and `verify` is clean."""
    lib = dest_on_small_disk
    first, tried = lib.loose[0], lib.loose[1:6]
    # Filed by an earlier run (another process: this one first sees the disk full).
    script = (
        "import sys; from pathlib import Path; from photosort.session import Session; "
        "s = Session(Path(sys.argv[1]), Path(sys.argv[2])); "
        "s.assign(sys.argv[3], 'mammals', create=True); s.close()"
    )
    subprocess.run([sys.executable, "-c", script, lib.source, lib.dest, first], check=True)
    _pad_last_line(lib.actions_path, 100)  # less than any move line
    filler = fill(lib.dest)
    proc, url = serve([lib.source, "--into", lib.dest, "--model", "none"])
    try:
        with httpx.Client(base_url=url, timeout=30) as c:
            queued = c.get("/api/session").json()["stats"]["queued"]
            codes = [
                c.post("/api/assign", json={"item": i, "cluster": "mammals"}).status_code
                for i in tried
            ]
            assert codes == [507] * len(tried)
            assert c.get("/api/session").json()["stats"]["queued"] == queued
            _lines(lib.actions_path)  # the cut-short line is gone already
            filler.unlink()
            undo = c.post("/api/undo", json={})
            assert undo.status_code == 200, undo.text
            later = [
                c.post("/api/assign", json={"item": i, "cluster": "mammals"}) for i in tried[:2]
            ]
            assert [r.status_code for r in later] == [200, 200], [r.text for r in later]
    finally:
        ctrl_c(proc)

    session = lib.open()  # the restart
    assert session.recovery.warnings == [] and session.recovery.actions == []
    assert session.verify() == []
    assert [r["type"] for r in session.records_since()].count("undo") == 1
    assert (lib.source / first).is_file() and not (lib.dest / "mammals" / first).exists()
    for item in tried[:2]:
        assert (lib.dest / "mammals" / item).is_file() and not (lib.source / item).exists()
    for item in tried[2:]:
        assert (lib.source / item).is_file() and session.is_queued(item)
    seqs = [r["seq"] for r in session.records_since()]
    assert len(seqs) == len(set(seqs))


def test_serve_on_a_full_disk_starts_and_says_how_much_room_it_needs(make_library):
    lib = make_library(into=True, loose=4, clusters={})
    shutil.rmtree(lib.dest)
    try:
        with tmpfs(lib.dest, "1m"):
            session = lib.open()
            session.assign(lib.loose[0], "birds", create=True)
            session.close()
            # The last line was cut short by a crash, and the disk is full.
            with open(lib.actions_path, "ab") as fh:
                fh.write(b'{"seq":9,"type":"skip","it')
            filler = fill(lib.dest)
            proc, url = serve([lib.source, "--into", lib.dest, "--model", "none"])
            health = httpx.get(f"{url}/api/health").status_code
            r = httpx.post(f"{url}/api/skip", json={"item": lib.loose[1]})
            _, err = ctrl_c(proc)
            filler.unlink()
            assert health == 200 and r.status_code < 500, r.text
            assert "read-only" in err and "128 KiB needed" in err, err
            # With the torn tail gone (set aside by a start with room) and the disk full
            # again: a writable start that says how much more room sorting needs.
            lib.open().close()
            filler = fill(lib.dest)
            proc, url = serve([lib.source, "--into", lib.dest, "--model", "none"])
            r = httpx.post(f"{url}/api/assign", json={"item": lib.loose[1], "cluster": "birds"})
            _, err = ctrl_c(proc)
            assert r.status_code == 507, r.text
            assert "KiB more free" in err, err
    except Unavailable as exc:
        pytest.skip(str(exc))
