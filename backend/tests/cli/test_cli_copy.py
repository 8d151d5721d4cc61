"""Copy mode from the command line: `--copy` says so and copies; undo removes the copy only
and says which changed copy it kept; copy mode without --into is one clear line."""

from __future__ import annotations

import hashlib


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_undo_with_copy_removes_the_copy_and_reports_a_changed_one(cli, make_library):
    lib = make_library(loose=2, into=True)
    a, b = lib.loose
    before = {i: _sha(lib.source / i) for i in lib.loose}
    s = lib.open(copy=True)
    s.assign(a, "birds")
    s.assign(b, "coins")
    s.close()
    (lib.dest / "coins" / b).write_bytes(b"edited in the cluster")

    r = cli("undo", lib.source, "--into", lib.dest, "--copy")
    assert r.exit_code == 0, r.output
    assert "copy mode (asked for (--copy))" in r.output
    assert f"kept coins/{b}: it changed since it was copied" in r.stdout
    assert (lib.dest / "coins" / b).read_bytes() == b"edited in the cluster"

    r = cli("undo", lib.source, "--into", lib.dest, "--copy")
    assert r.exit_code == 0, r.output
    assert not (lib.dest / "birds" / a).exists()
    assert {i: _sha(lib.source / i) for i in lib.loose} == before


def test_copy_without_into_is_one_clear_line(cli, library):
    r = cli("undo", library.source, "--copy")
    assert r.exit_code == 2
    assert "copy mode needs --into DEST" in r.output
    assert "Traceback" not in r.output
