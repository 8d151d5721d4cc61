"""Keep-best's trash batch in the session engine: files really move into the session's trash,
one undo (also after a restart) brings every one back byte for byte, photos no longer queued
are left out, and a pulled-out frame is remembered across a restart."""

from __future__ import annotations

import pytest

from photosort.errors import NotFound, NotQueued


def test_trash_batch_moves_files_and_one_undo_after_a_restart_restores_all(library, hash_of):
    s = library.open()
    keep, a, b, c = library.loose[:4]
    hashes = {i: hash_of(library.source / i) for i in (a, b)}
    batch, moved, _ = s.trash_batch([keep, a, b], kept=keep, reason="duplicates")
    assert [r["item"] for r in moved] == [a, b]  # the kept photo is never trashed
    assert {r["batch"] for r in moved} == {batch} and {r["type"] for r in moved} == {"delete"}
    assert sorted(p.name for p in library.trash.iterdir()) == sorted([a, b])
    assert (library.source / keep).is_file() and s.stats()["deleted"] == 2
    s.assign(c, "birds")  # a later action: undo by batch still finds the whole batch
    s.close()
    again = library.open()
    lines = library.journal()
    assert [x["type"] for x in lines if x.get("batch") == batch] == [
        "trash-batch-start",
        "delete",
        "delete",
        "trash-batch-end",
    ]
    done = again.undo(seq=moved[0]["seq"])  # any line of the batch undoes all of it
    assert {r["undoes"] for r in done} >= {m["seq"] for m in moved}
    assert {i: hash_of(library.source / i) for i in (a, b)} == hashes
    assert list(library.trash.iterdir()) == []
    assert again.stats()["deleted"] == 0 and again.verify() == []


def test_z_after_a_trash_batch_undoes_the_batch_not_its_end_line(library):
    s = library.open()
    keep, a, b = library.loose[:3]
    s.trash_batch([keep, a, b], kept=keep, reason="duplicates")
    s.undo()
    assert {a, b} <= set(s.queue_items())


def test_photos_no_longer_queued_are_left_out(library):
    s = library.open()
    keep, a, b = library.loose[:3]
    s.assign(a, "coins")
    _, moved, _ = s.trash_batch([keep, a, b], kept=keep, reason="duplicates")
    assert [r["item"] for r in moved] == [b]
    assert (library.dest / "coins" / a).is_file()
    assert library.journal()[-1]["skipped"] == 1


def test_pull_from_stack_is_journaled_and_replayed(library):
    s = library.open()
    a = library.loose[0]
    s.pull_from_stack(a)
    assert s.pulled_from_stacks() == {a}
    with pytest.raises(NotFound):
        s.pull_from_stack("no-such.jpg")
    s.assign(a, "birds")
    with pytest.raises(NotQueued):
        s.pull_from_stack(a)
    s.close()
    assert library.open(read_only=True).pulled_from_stacks() == {a}
    undo_target = library.open().newest_undoable()
    assert undo_target is not None and undo_target["type"] == "assign"  # z never lands on a pull
