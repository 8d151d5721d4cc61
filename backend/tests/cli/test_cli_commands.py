"""The `photosort` command line: inspect and repair a session; errors are one clear line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from serving import ctrl_c, serve
from typer.testing import CliRunner

from photosort.cli import app

PHOTOSORT = Path(sys.executable).parent / "photosort"


def assert_one_line_error(result, *needles: str) -> str:
    assert result.exit_code not in (0, None), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    text = result.stderr.strip()
    assert "Traceback" not in result.output and "Traceback" not in text
    assert len(text.splitlines()) == 1, text
    assert text.startswith("error:"), text
    for needle in needles:
        assert needle in text, text
    return text


def test_stats_on_a_fresh_folder_writes_nothing(cli, library):
    r = cli("stats", library.source)
    assert r.exit_code == 0, r.output
    assert "queued" in r.stdout and "6" in r.stdout
    assert "birds" in r.stdout and "coins" in r.stdout
    assert not library.clustering.exists()  # a read-only look


def test_stats_and_log_after_actions(cli, library):
    s = library.open()
    s.assign(library.loose[0], "birds")
    s.delete(library.loose[1])
    s.skip(library.loose[2])
    s.undo()
    s.close()
    r = cli("stats", library.source)
    assert r.exit_code == 0
    lines = {ln.strip("│ ").split()[0]: ln.split()[-2] for ln in r.stdout.splitlines() if "│" in ln}
    assert lines.get("queued") == "4" and lines.get("processed") == "2"
    assert lines.get("deleted") == "1" and lines.get("undone") == "1"

    r = cli("log", library.source)
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "assign" in out and "delete" in out and "undo" in out
    assert "skip (undone)" in out
    assert library.loose[0] in out
    r = cli("log", library.source, "--limit", "1")
    assert "undoes 3" in r.stdout and "assign" not in r.stdout


def test_undo_command(cli, library, hash_of):
    s = library.open()
    item = library.loose[0]
    before = hash_of(library.source / item)
    a = s.assign(item, "birds")
    s.delete(library.loose[1])
    s.close()

    r = cli("undo", library.source)
    assert r.exit_code == 0, r.output
    assert f"undid seq 2 (delete {library.loose[1]})" in r.stdout
    assert (library.source / library.loose[1]).is_file()

    r = cli("undo", library.source, "--seq", a["seq"])
    assert r.exit_code == 0, r.output
    assert f"-> {item}" in r.stdout
    assert hash_of(library.source / item) == before
    assert library.journal()[-1]["reviewer"] == "cli"

    assert_one_line_error(cli("undo", library.source), "nothing left to undo")
    assert_one_line_error(cli("undo", library.source, "--seq", a["seq"]), "already undone")
    assert_one_line_error(cli("undo", library.source, "--seq", 99), "99")


def test_undo_steps_and_into(cli, make_library, hash_of):
    lib = make_library(loose=4, into=True, nested=True)
    s = lib.open()
    digests = {i: hash_of(lib.source / i) for i in lib.loose}
    for item in lib.loose[:3]:
        s.assign(item, "coins")
    s.close()
    r = cli("undo", lib.source, "--into", lib.dest, "--steps", 3)
    assert r.exit_code == 0, r.output
    assert r.stdout.count("undid seq") == 3
    for item in lib.loose:
        assert hash_of(lib.source / item) == digests[item]
    r = cli("stats", lib.source, "--into", lib.dest)
    assert r.exit_code == 0 and "coins" in r.stdout


def test_verify_passes_on_a_healthy_session(cli, library):
    s = library.open()
    s.assign(library.loose[0], "birds")
    s.delete(library.loose[1])
    s.undo()
    s.close()
    r = cli("verify", library.source)
    assert r.exit_code == 0, r.output
    assert "ok" in r.stdout


def test_verify_catches_a_file_moved_behind_the_tools_back(cli, library):
    s = library.open()
    item = library.loose[0]
    s.assign(item, "birds")
    s.close()
    (library.dest / "birds" / item).rename(library.root / item)
    r = cli("verify", library.source)
    assert r.exit_code == 1
    assert f"birds/{item}" in r.stderr
    assert "mismatch" in r.stderr and "1 disagreement" in r.stderr
    assert "Traceback" not in r.output


def test_verify_reports_an_unrecovered_crash_and_recovery_fixes_it(cli, library):
    s = library.open()
    s.close()
    item = library.loose[0]
    library.append_line(
        {"type": "assign", "item": item, "src": item, "dst": f"birds/{item}", "cluster": "birds"}
    )
    r = cli("verify", library.source)
    assert r.exit_code == 1  # verify only reports; it never repairs
    assert (library.source / item).is_file()
    library.open().close()  # opening a session for work recovers
    assert (library.dest / "birds" / item).is_file()
    assert cli("verify", library.source).exit_code == 0


@pytest.mark.parametrize("command", ["stats", "log", "verify", "undo"])
def test_missing_folder(cli, tmp_path, command):
    assert_one_line_error(cli(command, tmp_path / "nope"), "does not exist", "nope")


@pytest.mark.parametrize("command", ["stats", "undo"])
def test_file_instead_of_folder(cli, tmp_path, command):
    f = tmp_path / "photo.jpg"
    f.write_bytes(b"x")
    assert_one_line_error(cli(command, f), "not a folder")


def test_missing_into_folder(cli, library, tmp_path):
    assert_one_line_error(cli("stats", library.source, "--into", tmp_path / "gone"), "dest")


def test_long_and_bracketed_paths_stay_one_line(cli, tmp_path):
    long = tmp_path / ("a-very-long-folder-name-" * 6) / "missing"
    text = assert_one_line_error(cli("stats", long), "does not exist")
    assert str(long) in text
    for name in ("Photos [old]", "x [/old] y", "[bold]"):
        text = assert_one_line_error(cli("stats", tmp_path / name), "does not exist")
        assert name in text


def test_unreadable_folder(cli, library):
    os.chmod(library.source, 0)
    try:
        if os.access(library.source, os.R_OK):
            pytest.skip("running as root: chmod 000 does not make a folder unreadable")
        assert_one_line_error(cli("stats", library.source), "not readable")
    finally:
        os.chmod(library.source, 0o755)


@pytest.mark.parametrize("port", [70000, 0, -1])
def test_serve_bad_port(cli, library, port):
    assert_one_line_error(cli("serve", library.source, "--port", port, "--model", "none"), "port")


def test_serve_port_in_use(cli, library):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        text = assert_one_line_error(
            cli("serve", library.source, "--port", port, "--model", "none"), "cannot listen"
        )
    assert str(port) in text
    assert not library.clustering.exists()  # failed before touching the session


def test_serve_missing_folder(cli, tmp_path):
    assert_one_line_error(cli("serve", tmp_path / "nope", "--model", "none"), "does not exist")


@pytest.mark.skipif(not PHOTOSORT.exists(), reason="photosort console script not installed")
def test_serve_end_to_end_in_a_subprocess(library, hash_of):
    proc, url = serve([library.source, "--model", "none"])
    try:
        item = library.loose[0]
        before = hash_of(library.source / item)
        r = httpx.post(f"{url}/api/assign", json={"item": item, "cluster": "coins"}, timeout=5)
        assert r.status_code == 200, r.text
        assert hash_of(library.dest / "coins" / item) == before
    finally:
        out, _err = ctrl_c(proc)
    assert "6 photos queued" in out
    r = subprocess.run(
        [str(PHOTOSORT), "verify", str(library.source)], capture_output=True, text=True, timeout=30
    )
    assert r.returncode == 0, r.stderr
    assert "ok" in r.stdout


def test_undo_while_a_server_holds_the_session(cli, library, start_server):
    srv = start_server(library)
    assert srv.client.post("/api/skip", json={"item": library.loose[0]}).status_code == 200
    assert_one_line_error(cli("undo", library.source), "already open")
    r = cli("stats", library.source)  # read-only commands still work
    assert r.exit_code == 0 and "skipped" in r.stdout
    assert cli("verify", library.source).exit_code == 0
    srv.stop()
    r = cli("undo", library.source)
    assert r.exit_code == 0, r.output
    assert [x["type"] for x in library.journal()] == ["skip", "undo"]


def test_read_only_commands_on_a_torn_journal_do_not_repair(cli, library):
    s = library.open()
    s.assign(library.loose[0], "birds")
    s.close()
    with open(library.actions_path, "ab") as fh:
        fh.write(b'{"seq": 2, "type": "del')
    raw = library.actions_path.read_bytes()
    r = cli("stats", library.source)
    assert r.exit_code == 0, r.output
    assert cli("log", library.source).exit_code == 0
    assert cli("verify", library.source).exit_code == 0
    assert library.actions_path.read_bytes() == raw  # looking never writes
    r = cli("undo", library.source)  # a writable open sets the torn line aside, then undoes
    assert r.exit_code == 0, r.output
    assert (library.source / library.loose[0]).is_file()
    assert (library.clustering / "actions.torn").is_file()


def test_log_shows_unicode_names(cli, make_library):
    lib = make_library(clusters={"Ünïcode birds": 1}, loose=0)
    lib.add("Été à Paris 2024 #1.jpg")
    s = lib.open()
    s.assign("Été à Paris 2024 #1.jpg", "Ünïcode birds")
    s.close()
    wide = CliRunner(env={"COLUMNS": "250"})  # rich tables fit the terminal width
    r = wide.invoke(app, ["log", str(lib.source)])
    assert r.exit_code == 0
    assert "Été à Paris 2024 #1.jpg" in r.stdout
    assert "Ünïcode birds/Été à Paris 2024 #1.jpg" in r.stdout
    assert "Ünïcode birds" in wide.invoke(app, ["stats", str(lib.source)]).stdout


def test_index_shows_the_models_rate_and_a_cached_folder_as_cached(make_library):
    """A second `index` finds every vector in the cache: its bar says so instead of a rate of
    hundreds of thousands of photos a second."""
    lib = make_library(clusters={"birds": 2}, loose=4)

    def index() -> str:
        done = subprocess.run(
            [str(PHOTOSORT), "index", str(lib.source), "--model", "efficientnet-lite0"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        return done.stderr

    first, again = index(), index()
    assert "photos/s" in first and "from the cache" not in first, first
    assert "from the cache" in again and "photos/s" not in again, again
