"""History that went missing or got mixed up is said, not hidden: lines removed from the
journal's end (or the whole file) while `state.json` remembers them, and a seq used twice,
are reported at start and by `verify` (exit 1); an unreadable undo line does not stop
`photosort undo --steps` from going past it."""

from __future__ import annotations

from pathlib import Path


def _filed(library, n: int) -> list[str]:
    session = library.open()
    items = library.loose[:n]
    for item in items:
        session.assign(item, "birds")
    session.close()
    return items


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def test_lines_removed_from_the_end_are_reported_at_start_and_by_verify(cli, library):
    _filed(library, 5)
    library.actions_path.write_bytes(b"".join(_lines(library.actions_path)[:3]))
    session = library.open()  # a start (serve, or any command that files)
    said = " ".join(session.recovery.warnings)
    assert "seqs 4-5 missing from the end of the journal" in said, said
    # Those seqs are never given to other lines.
    assert session.skip(library.loose[5])["seq"] == 6
    session.close()
    r = cli("verify", library.source)
    assert r.exit_code == 1, r.output
    assert "seqs 4-5 missing" in r.output


def test_a_deleted_journal_is_reported_at_start_and_by_verify(cli, library):
    _filed(library, 3)
    r = cli("verify", library.source)
    assert r.exit_code == 0, r.output
    library.actions_path.unlink()
    r = cli("verify", library.source)
    assert r.exit_code == 1 and "seqs 1-3 missing" in r.output, r.output
    session = library.open()
    assert any("seqs 1-3 missing" in w for w in session.recovery.warnings)


def test_a_duplicated_seq_is_reported_at_start_and_by_verify(cli, library):
    _filed(library, 4)
    lines = _lines(library.actions_path)
    lines[3] = lines[3].replace(b'"seq":4,', b'"seq":3,', 1)
    library.actions_path.write_bytes(b"".join(lines))
    session = library.open()
    assert "seq 3 appears twice in the journal" in session.recovery.warnings
    session.close()
    r = cli("verify", library.source)
    assert r.exit_code == 1 and "seq 3 appears twice" in r.output, r.output


def test_undo_steps_goes_past_an_unreadable_undo_line(cli, library):
    session = library.open()
    a, b, c, d = library.loose[:4]
    for item in (a, b, c):
        session.assign(item, "birds")
    session.undo()  # c is back in the source
    session.assign(d, "birds")
    session.close()
    lines = _lines(library.actions_path)
    assert b'"type":"undo"' in lines[3]
    lines[3] = lines[3].replace(b'"undoes":', b'"undoes"#')  # can no longer be read
    library.actions_path.write_bytes(b"".join(lines))
    r = cli("undo", library.source, "--steps", "3")
    assert r.exit_code == 0, r.output
    for item in (d, c, b):
        assert (library.source / item).is_file(), r.output
    assert (library.dest / "birds" / a).is_file(), r.output
    # Only the unreadable line itself (and its seq, missing) is left to report.
    problems = library.open(read_only=True).verify()
    assert problems[0].startswith("journal line 4 is unreadable"), problems
    assert problems[1:] == ["seq 4 missing from the journal (a gap after seq 3)"], problems


def test_a_torn_last_lines_seq_is_not_given_to_the_next_line(cli, library):
    _filed(library, 2)
    with open(library.actions_path, "ab") as fh:
        fh.write(b'{"seq":3,"ts":"2026-01-01T00:00:00.000Z","type":"skip","it')  # a crash
    session = library.open()
    rec = session.skip(library.loose[2])
    session.close()
    assert rec["seq"] == 4 and rec["spent"] == [3, 3]
    assert b'"seq":3,' in (library.clustering / "actions.torn").read_bytes()
    r = cli("verify", library.source)
    assert r.exit_code == 0, r.output
