"""The journal and the disk, attacked: a corrupt line in the
middle, a deleted `state.json`, a photo with two names, a seq gap, an `abort` for a move that
happened. `verify` finds each; `verify --repair` fixes what it safely can and says what."""

from __future__ import annotations

import os
import shutil

from typer.testing import CliRunner

from photosort.cli import app


def _cli(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


def _assign_line(item: str, cluster: str) -> dict[str, object]:
    return {
        "type": "assign",
        "item": item,
        "src": item,
        "dst": f"{cluster}/{item}",
        "cluster": cluster,
        "by": "manual",
        "reviewer": "local",
        "batch": None,
    }


# ---------------------------------------------------------------------- defect 5
def test_a_corrupt_middle_line_is_reported_and_the_lines_after_it_are_kept(library, hash_of):
    s = library.open()
    a, b, c = library.loose[:3]
    s.assign(a, "birds")
    s.skip(b)
    s.assign(c, "coins")
    s.close()
    lines = library.actions_path.read_bytes().splitlines(keepends=True)
    lines[1] = b'{"seq": 2, "type": "sk\x00\xff garbage\n'
    library.actions_path.write_bytes(b"".join(lines))

    s2 = library.open()
    assert [r["seq"] for r in s2.records_since()] == [1, 3]
    assert any("line 2" in w for w in s2.recovery.warnings), s2.recovery.warnings
    assert not (library.clustering / "actions.torn").exists()
    # The line after it was kept and replayed: c is still filed and can be undone.
    assert c not in s2.queue_items() and s2.stats()["processed"] == 2
    assert library.actions_path.read_bytes().count(b"\n") == 3
    undone = s2.undo()
    assert undone[0]["undoes"] == 3 and (library.source / c).is_file()
    s2.close()
    r = _cli("verify", library.source)
    assert r.exit_code == 1
    assert "line 2" in r.stderr and "unreadable" in r.stderr


def test_only_a_torn_last_line_is_set_aside(library):
    s = library.open()
    s.skip(library.loose[0])
    s.close()
    with open(library.actions_path, "ab") as fh:
        fh.write(b'{"seq": 2, "type": "ski')
    s2 = library.open()
    assert s2.recovery.torn_line_set_aside and s2.recovery.warnings == []
    assert (library.clustering / "actions.torn").read_bytes().startswith(b'{"seq": 2')
    assert s2.skip(library.loose[1])["seq"] == 2


# ---------------------------------------------------------------------- defect 6
def test_deleting_state_json_never_refiles_a_photo_moved_back_by_hand(library, hash_of):
    s = library.open()
    a, b = library.loose[:2]
    s.assign(a, "birds")
    s.skip(b)  # a later action: the move of `a` was long finished
    s.close()
    shutil.move(library.dest / "birds" / a, library.source / a)  # the reviewer changes mind
    library.state_path.unlink()
    s2 = library.open()
    assert (library.source / a).is_file(), "recovery re-filed a finished move"
    assert not (library.dest / "birds" / a).exists()
    assert s2.recovery.actions == []


def test_deleting_state_json_still_finishes_an_interrupted_move(library, hash_of):
    s = library.open()
    s.skip(library.loose[1])
    s.close()
    item = library.loose[0]
    before = hash_of(library.source / item)
    library.append_line(_assign_line(item, "birds"))  # crash after the line, before the move
    library.state_path.unlink()
    s2 = library.open()
    assert hash_of(library.dest / "birds" / item) == before
    assert not (library.source / item).exists()
    assert any("completed" in a for a in s2.recovery.actions)


# ---------------------------------------------------------------------- defect 11
def test_verify_finds_a_photo_with_two_names_and_repair_drops_the_equal_copy(library, hash_of):
    s = library.open()
    item = library.loose[0]
    s.assign(item, "birds")
    s.close()
    # What the no-hard-link fallback or a cut cross-disk copy leaves: the old name lingers.
    shutil.copyfile(library.dest / "birds" / item, library.source / item)
    r = _cli("verify", library.source)
    assert r.exit_code == 1 and "two names" in r.stderr, r.stderr
    r = _cli("verify", library.source, "--repair")
    assert r.exit_code == 0, r.output
    assert "removed the extra name" in r.stdout and item in r.stdout
    assert not (library.source / item).exists()
    assert (library.dest / "birds" / item).is_file()
    assert _cli("verify", library.source).exit_code == 0
    assert library.journal()[-1]["type"] == "recovery"


def test_a_new_photo_under_an_old_name_is_no_second_name(library, hash_of):
    s = library.open()
    item = library.loose[0]
    s.assign(item, "birds")
    s.close()
    (library.source / item).write_bytes(library.next_photo().read_bytes())  # another photo
    r = _cli("verify", library.source, "--repair")
    assert r.exit_code == 0, r.output
    assert "repaired" not in r.stdout
    assert (library.source / item).is_file() and (library.dest / "birds" / item).is_file()


def test_verify_finds_a_seq_gap(library):
    library.clustering.mkdir()
    library.append_line({"type": "skip", "item": library.loose[0], "reviewer": "local"})
    library.append_line({"seq": 5, "type": "skip", "item": library.loose[1], "reviewer": "local"})
    r = _cli("verify", library.source)
    assert r.exit_code == 1 and "gap" in r.stderr and "2-4" in r.stderr, r.stderr


def test_verify_finds_an_abort_for_a_move_that_happened_and_repair_puts_it_back(library, hash_of):
    item = library.loose[0]
    before = hash_of(library.source / item)
    library.clustering.mkdir()
    line = library.append_line(_assign_line(item, "birds"))
    os.replace(library.source / item, library.dest / "birds" / item)
    library.append_line({"type": "abort", "aborts": line["seq"], "reason": "No space left"})
    r = _cli("verify", library.source)
    assert r.exit_code == 1 and "aborted" in r.stderr, r.stderr
    r = _cli("verify", library.source, "--repair")
    assert r.exit_code == 0, r.output
    assert hash_of(library.source / item) == before
    assert not (library.dest / "birds" / item).exists()
    assert _cli("verify", library.source).exit_code == 0
