"""`--into DEST` finds its way: `serve` makes a missing DEST, and every command given only
SOURCE afterwards opens the session in DEST (remembered per user, never in SOURCE)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import httpx
import orjson
import pytest
from serving import PHOTOSORT, ctrl_c, serve


def _serve(source: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    return serve([source, "--model", "none", *args])


def _tree(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Every entry under `folder` with its mode, size and mtime: equal = nothing written."""
    found = {}
    for path in [folder, *folder.rglob("*")]:
        st = path.lstat()
        found[path.relative_to(folder).as_posix()] = (st.st_mode, st.st_size, st.st_mtime_ns)
    return found


@pytest.mark.skipif(not PHOTOSORT.exists(), reason="photosort console script not installed")
def test_serve_makes_dest_then_every_command_given_source_finds_it(
    make_library, user_state_dir, hash_of
):
    lib = make_library(clusters={}, loose=4, into=True)
    dest = lib.root / "Sorted" / "2024"  # two levels that do not exist yet
    proc, url = _serve(lib.source, "--into", str(dest))
    try:
        item = lib.loose[0]
        before = hash_of(lib.source / item)
        r = httpx.post(f"{url}/api/assign", json={"item": item, "cluster": "birds", "create": True})
        assert r.status_code == 200, r.text
    finally:
        _, err = ctrl_c(proc)
    assert f"created {dest}: the clusters go there" in err
    assert hash_of(dest / "birds" / item) == before
    assert not (lib.source / ".clustering").exists()

    using = f"using {dest}: {lib.source} is sorted into it"
    r = subprocess.run(
        [str(PHOTOSORT), "stats", str(lib.source)], capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0, r.stderr
    assert using in r.stderr
    assert "birds" in r.stdout and "processed" in r.stdout
    row = next(ln for ln in r.stdout.splitlines() if "processed" in ln)
    assert row.split()[-2] == "1", r.stdout

    for command in ("log", "verify"):
        r = subprocess.run(
            [str(PHOTOSORT), command, str(lib.source)], capture_output=True, text=True, timeout=60
        )
        assert r.returncode == 0, r.stderr
        assert using in r.stderr, command
    r = subprocess.run(
        [str(PHOTOSORT), "undo", str(lib.source)], capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0, r.stderr
    assert hash_of(lib.source / item) == before
    assert not (dest / "birds" / item).exists()
    assert not (lib.source / ".clustering").exists()


def test_ambiguous_source_names_every_place(cli, make_library):
    lib = make_library(loose=2, into=True)
    other = lib.root / "elsewhere"
    other.mkdir()
    for dest in (lib.dest, other):
        r = cli("verify", lib.source, "--into", dest, "--repair")  # a writable session there
        assert r.exit_code == 0, r.output

    r = cli("stats", lib.source)
    assert r.exit_code == 2
    text = r.stderr.strip()
    assert len(text.splitlines()) == 1 and text.startswith("error:"), text
    assert str(lib.dest) in text and str(other) in text and "--into DEST" in text

    r = cli("stats", lib.source, "--into", other)  # naming one still works
    assert r.exit_code == 0, r.output


def test_a_dest_that_went_away_is_forgotten(cli, make_library):
    lib = make_library(clusters={}, loose=2, into=True)
    gone = lib.root / "gone"
    assert cli("verify", lib.source, "--into", gone, "--repair").exit_code == 2  # not made
    gone.mkdir()
    assert cli("verify", lib.source, "--into", gone, "--repair").exit_code == 0
    shutil.rmtree(gone)
    r = cli("stats", lib.source)
    assert r.exit_code == 0, r.output
    assert "using" not in r.stderr  # back to SOURCE itself, as before any --into


@pytest.mark.parametrize("garbage", [b"", b"{not json", b"[1, 2]", b'{"sources": {"/x": 3}}'])
def test_a_corrupt_state_file_is_tolerated_and_rewritten(
    cli, make_library, user_state_dir, garbage
):
    lib = make_library(loose=2, into=True)
    state = user_state_dir / "destinations.json"
    state.write_bytes(garbage)
    r = cli("stats", lib.source)
    assert r.exit_code == 0, r.output
    assert "Traceback" not in r.output

    assert cli("verify", lib.source, "--into", lib.dest, "--repair").exit_code == 0
    body = orjson.loads(state.read_bytes())
    assert body["sources"][str(lib.source)][0]["dest"] == str(lib.dest)
    assert [p.name for p in user_state_dir.iterdir()] == ["destinations.json"]  # no temp left
    r = cli("stats", lib.source)
    assert r.exit_code == 0 and f"using {lib.dest}" in r.stderr


@pytest.mark.skipif(not PHOTOSORT.exists(), reason="photosort console script not installed")
def test_copy_mode_writes_nothing_to_source_and_is_remembered(make_library, hash_of):
    lib = make_library(clusters={}, loose=3, into=True)
    dest = lib.root / "card-copies"
    before = _tree(lib.source)
    proc, url = _serve(lib.source, "--into", str(dest), "--copy")
    try:
        item = lib.loose[0]
        r = httpx.post(f"{url}/api/assign", json={"item": item, "cluster": "coins", "create": True})
        assert r.status_code == 200, r.text
    finally:
        ctrl_c(proc)
    assert hash_of(dest / "coins" / item) == hash_of(lib.source / item)
    assert _tree(lib.source) == before

    # Given only SOURCE, undo works in the same copy mode: it removes the copy, source untouched.
    r = subprocess.run(
        [str(PHOTOSORT), "undo", str(lib.source)], capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0, r.stderr
    assert "in copy mode as before" in r.stderr
    assert not (dest / "coins" / item).exists()
    assert _tree(lib.source) == before
