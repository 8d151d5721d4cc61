"""The command line keeps its word, through the real entry point (Typer's runner on the same
`app` the `photosort` script runs): whole journals, honest undo reports, one-line errors."""

from __future__ import annotations

import socket
from pathlib import Path

import orjson
import pytest

README = Path(__file__).resolve().parents[3] / "README.md"


def one_line_error(result, *needles: str) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    text = result.stderr.strip()
    assert len(text.splitlines()) == 1 and text.startswith("error:"), text
    for needle in needles:
        assert needle in text, text
    return text


# ------------------------------------------------------------------------------ serve
def test_busy_port_names_the_next_free_one(cli, library):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        text = one_line_error(cli("serve", library.source, "--port", port, "--model", "none"))
        free = int(text.split("; port ")[1].split(" is free")[0])
    assert f"cannot listen on 127.0.0.1:{port}" in text
    assert free > port and f"--port {free}" in text
    assert "make run" not in text, "a CLI user is told about make"
    with socket.socket() as s:
        s.bind(("127.0.0.1", free))  # it really was free
    assert "make run PORT=8001" in README.read_text(encoding="utf-8")


def test_busy_port_under_make_run_names_the_make_variable(cli, library, monkeypatch):
    monkeypatch.setenv("PHOTOSORT_LAUNCHER", "make run")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        text = one_line_error(cli("serve", library.source, "--port", port, "--model", "none"))
    free = int(text.split("; port ")[1].split(" is free")[0])
    assert f"make run PORT={free}" in text and "--port" not in text


def test_serve_without_a_folder_is_one_line(cli):
    text = one_line_error(cli("serve"), "Missing argument 'SOURCE'")
    assert "photosort serve [OPTIONS] SOURCE" in text


def test_help_names_source_plainly(cli):
    for command in ("serve", "undo", "log"):
        r = cli(command, "--help")
        assert r.exit_code == 0, r.output
        assert f"photosort {command} [OPTIONS] SOURCE" in r.stdout
        assert "{source}" not in r.stdout.lower()


def test_bad_option_values_are_one_line(cli, library):
    one_line_error(cli("log", library.source, "--limit", "x"), "--limit")
    one_line_error(cli("undo", library.source, "--steps", 0), "--steps")
    assert not library.clustering.exists()


# ------------------------------------------------------------------------------ log
def test_log_on_a_fresh_folder_says_the_journal_is_empty(cli, library):
    r = cli("log", library.source)
    assert r.exit_code == 0, r.output
    assert "nothing in the journal yet" in r.stdout
    r = cli("log", library.source, "--json")
    assert r.exit_code == 0 and r.stdout == ""  # scripts get no records, not a message
    assert "nothing in the journal yet" in r.stderr


def test_log_prints_the_whole_journal_with_whole_names(cli, make_library):
    lib = make_library(clusters={"birds": 1}, loose=0)
    long_name = "Summer holiday at the lake, day three, the heron by the boathouse " * 2 + ".jpg"
    lib.add(long_name)
    s = lib.open()
    for _ in range(60):  # more than one screenful, and more than the old default of 50
        s.skip(long_name)
    s.assign(long_name, "birds")
    s.close()
    r = cli("log", lib.source)
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert len(lines) == 61  # piped: one line per record, nothing cut or wrapped
    assert all(line.split("\t")[4] == long_name for line in lines)
    assert lines[-1].split("\t")[5] == f"birds/{long_name}"
    assert lines[0].split("\t")[1] == lib.journal()[0]["ts"]  # the whole timestamp

    r = cli("log", lib.source, "--limit", 2)
    assert [ln.split("\t")[0] for ln in r.stdout.splitlines()] == ["60", "61"]

    r = cli("log", lib.source, "--json")
    records = [orjson.loads(line) for line in r.stdout.splitlines()]
    assert records == lib.journal()


# ------------------------------------------------------------------------------ auto-move + undo
AUTO = ("--model", "efficientnet-lite0", "--device", "cpu")


@pytest.fixture
def eight_loose(make_library):
    return make_library(clusters={"birds": 3, "coins": 3, "flowers": 3}, loose=8)


def test_undo_steps_after_an_auto_move_reports_the_batch_and_succeeds(cli, eight_loose, hash_of):
    lib = eight_loose
    before = {i: hash_of(lib.source / i) for i in lib.loose}
    r = cli(
        "auto-move",
        lib.source,
        "--threshold",
        -1,
        "--min-margin",
        0,
        "--min-samples",
        1,
        "--yes",
        *AUTO,
    )
    assert r.exit_code == 0, r.output
    assert "moved 8 photos" in r.stdout
    batch = next(x["batch"] for x in lib.journal() if x["type"] == "auto-batch-start")
    assert not any((lib.source / i).exists() for i in lib.loose)

    r = cli("undo", lib.source, "--steps", 3)
    assert r.exit_code == 0, r.output
    assert f"undid 1 action (8 moves): batch {batch}, the photos are back" in r.stdout
    assert "nothing older to undo: undid 1 of the 3 steps asked" in r.stdout
    assert {i: hash_of(lib.source / i) for i in lib.loose} == before


def test_threshold_outside_minus_one_to_one_is_refused(cli, eight_loose):
    one_line_error(cli("auto-move", eight_loose.source, "--threshold", 2, *AUTO), "--threshold")
    assert eight_loose.journal() == []


def test_an_auto_move_that_moves_nothing_journals_nothing(cli, eight_loose):
    lib = eight_loose
    r = cli("auto-move", lib.source, "--threshold", 1, *AUTO)
    assert r.exit_code == 0, r.output
    assert "moved 0 photos" in r.stdout and "undo" not in r.stdout
    assert lib.journal() == []
    assert all((lib.source / i).is_file() for i in lib.loose)


# ------------------------------------------------------------------------------ index
def test_index_shows_a_counted_total_with_rate_and_eta(cli, library):
    r = cli("index", library.source, *AUTO)
    assert r.exit_code == 0, r.output
    assert "12/12" in r.stderr  # 6 queued + 6 cluster members, counted before embedding
    assert "photos/s" in r.stderr and "ETA" in r.stderr
    assert "0/?" not in r.stderr
    assert "indexed 12 of 12 photos (0 failed)" in r.stdout


def test_help_shows_no_value_for_a_flag(cli):
    """`--copy`, `--no-browser`, `--help` take no value; the help must not suggest one."""
    from photosort.cli import app

    names = [c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands]
    assert {"serve", "index", "verify"} <= set(names)
    for args in [[], *([name] for name in names)]:
        result = cli(*args, "--help")
        assert result.exit_code == 0, result.output
        assert "--help" in result.output and "<bool>" not in result.output, (args, result.output)
