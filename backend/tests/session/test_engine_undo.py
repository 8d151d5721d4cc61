"""Undo: it appends, never rewrites; it reaches each action once; it survives restarts."""

from __future__ import annotations

import pytest

from photosort.errors import AlreadyUndone, Conflict, NotFound, NothingToUndo


def test_undo_appends_a_line_naming_the_seq(library):
    s = library.open()
    item = library.loose[0]
    rec = s.assign(item, "birds")
    before = library.actions_path.read_bytes()
    (undo,) = s.undo()
    after = library.actions_path.read_bytes()
    assert after.startswith(before)  # history is never rewritten
    line = library.journal()[-1]
    assert line["type"] == "undo" and line["undoes"] == rec["seq"] == undo["undoes"]
    assert line["restore_from"] == f"birds/{item}" and line["restore_to"] == item
    assert (library.source / item).is_file()
    assert not (library.dest / "birds" / item).exists()
    assert s.queue_items()[0] == item
    assert s.stats()["processed"] == 0 and s.stats()["undone"] == 1


def test_undo_chain_reaches_each_action_once(library, hash_of):
    s = library.open()
    a, b = library.loose[0], library.loose[1]
    first = s.assign(b, "coins")  # the "previous action"
    s.assign(a, "birds")
    s.undo()
    assert (library.source / a).is_file()
    s.assign(a, "coins")
    assert (library.dest / "coins" / a).is_file()
    s.undo()
    assert (library.source / a).is_file()
    assert not (library.dest / "coins" / a).exists()
    assert not (library.dest / "birds" / a).exists()

    (last,) = s.undo()  # not the assign of `a` again: the one before
    assert last["undoes"] == first["seq"]
    assert (library.source / b).is_file()
    assert not (library.dest / "coins" / b).exists()

    with pytest.raises(NothingToUndo):
        s.undo()
    undone = [r["undoes"] for r in library.journal() if r["type"] == "undo"]
    assert len(undone) == len(set(undone)) == 3
    assert s.queue_items()[:2] == [b, a]
    assert sorted(s.queue_items()) == sorted(library.loose)


def test_undo_delete_restores_identical_bytes(library, hash_of):
    s = library.open()
    item = library.loose[2]
    before = hash_of(library.source / item)
    stat_before = (library.source / item).stat()
    s.delete(item)
    assert not (library.source / item).exists()
    s.undo()
    assert hash_of(library.source / item) == before
    after = (library.source / item).stat()
    assert after.st_size == stat_before.st_size
    assert after.st_mtime_ns == stat_before.st_mtime_ns  # moved, not rewritten
    assert list(library.trash.rglob("*.jpg")) == []


def test_undo_after_restart(library, hash_of):
    s = library.open()
    item = library.loose[0]
    before = hash_of(library.source / item)
    s.assign(item, "birds")
    s.delete(library.loose[1])
    s.close()

    s2 = library.open()
    s2.undo()  # the delete
    assert (library.source / library.loose[1]).is_file()
    s2.close()

    s3 = library.open()
    s3.undo()  # the assign, two restarts later
    assert hash_of(library.source / item) == before
    with pytest.raises(NothingToUndo):
        s3.undo()
    assert s3.stats()["processed"] == 0
    assert s3.stats()["undone"] == 2
    assert s3.queue_items()[:2] == [item, library.loose[1]]


def test_undo_by_seq_and_errors(library):
    s = library.open()
    r1 = s.assign(library.loose[0], "birds")
    r2 = s.assign(library.loose[1], "coins")
    r3 = s.skip(library.loose[2])
    (u,) = s.undo(r1["seq"])  # an older one, out of order
    assert u["undoes"] == r1["seq"]
    assert (library.source / library.loose[0]).is_file()
    assert (library.dest / "coins" / library.loose[1]).is_file()
    with pytest.raises(AlreadyUndone) as exc:
        s.undo(r1["seq"])
    assert exc.value.status == 409
    with pytest.raises(Conflict):
        s.undo(u["seq"])  # an undo line itself cannot be undone
    with pytest.raises(NotFound):
        s.undo(999)
    with pytest.raises(NotFound):
        s.undo(0)
    # The default undo now takes the newest remaining: the skip, then r2.
    assert s.undo()[0]["undoes"] == r3["seq"]
    assert s.undo()[0]["undoes"] == r2["seq"]
    with pytest.raises(NothingToUndo) as exc2:
        s.undo()
    assert exc2.value.status == 409


def test_nothing_to_undo_on_fresh_session(library):
    s = library.open()
    with pytest.raises(NothingToUndo):
        s.undo()
    assert library.journal() == []


def test_undo_back_to_an_occupied_source_name(library, hash_of):
    s = library.open()
    item = library.loose[0]
    original = hash_of(library.source / item)
    s.assign(item, "birds")
    library.add(item)  # a new photo took the name meanwhile
    newcomer = hash_of(library.source / item)
    (u,) = s.undo()
    assert u["restore_to"] == "IMG_0001 (2).jpg"
    assert hash_of(library.source / item) == newcomer
    assert hash_of(library.source / "IMG_0001 (2).jpg") == original
    assert s.queue_items()[0] == "IMG_0001 (2).jpg"
    s.refresh()
    assert item in s.queue_items() and "IMG_0001 (2).jpg" in s.queue_items()
    s.close()
    again = library.open()
    assert again.queue_items()[0] == "IMG_0001 (2).jpg"
    assert again.recovery.actions == []


def test_undo_when_file_was_moved_away_is_a_conflict(library):
    s = library.open()
    item = library.loose[0]
    s.assign(item, "birds")
    (library.dest / "birds" / item).rename(library.root / "elsewhere.jpg")
    with pytest.raises(Conflict):
        s.undo()
    assert (library.root / "elsewhere.jpg").is_file()
    assert library.journal()[-1]["type"] == "assign"  # nothing appended for a refused undo


def test_undo_of_cluster_create_refused_while_it_has_photos(library):
    s = library.open()
    s.assign(library.loose[0], "fruit", create=True)
    create = next(r for r in library.journal() if r["type"] == "cluster-create")
    with pytest.raises(Conflict):
        s.undo(create["seq"])
    assert (library.dest / "fruit" / library.loose[0]).is_file()


def test_undo_settings_restores_previous_values(library):
    s = library.open()
    s.update_settings({"manual_only": True, "top_k": 3})
    assert s.settings.manual_only is True and s.settings.top_k == 3
    s.close()
    s2 = library.open()
    assert s2.settings.top_k == 3
    s2.undo()
    assert s2.settings.manual_only is False and s2.settings.top_k == 5
