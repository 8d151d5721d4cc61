"""Crash windows, simulated by writing the on-disk state a crash would leave, then reopening."""

from __future__ import annotations

import os

from photosort.session.journal import Journal
from photosort.session.verify import verify


def _assign_line(item: str, cluster: str, dst: str | None = None) -> dict[str, object]:
    return {
        "type": "assign",
        "item": item,
        "src": item,
        "dst": dst or f"{cluster}/{item.rsplit('/', 1)[-1]}",
        "cluster": cluster,
        "by": "manual",
        "reviewer": "local",
        "batch": None,
        "suggested": [],
        "confidence": None,
    }


def _verify(lib) -> list[str]:
    journal = Journal(lib.clustering, read_only=True)
    return verify(journal, lib.source.resolve(), lib.dest.resolve())


def test_line_written_but_file_not_moved(library, hash_of):
    s = library.open()
    s.assign(library.loose[0], "coins")
    s.close()
    item = library.loose[1]
    before = hash_of(library.source / item)
    line = library.append_line(_assign_line(item, "birds"))  # crash right after the fsync

    s2 = library.open()
    assert hash_of(library.dest / "birds" / item) == before
    assert not (library.source / item).exists()
    assert s2.recovery.actions == [f"seq {line['seq']} assign {item} -> birds/{item}: completed"]
    assert s2.recovery.changed
    last = library.journal()[-1]
    assert last["type"] == "recovery" and last["actions"] == s2.recovery.actions
    assert item not in s2.queue_items()
    assert s2.stats()["processed"] == 2
    assert dict(s2.clusters())["birds"] == 4
    s2.close()
    assert _verify(library) == []

    # The recovered action is an ordinary one: undo brings the photo back.
    s3 = library.open()
    assert s3.recovery.actions == []  # nothing more to repair
    s3.undo()
    assert hash_of(library.source / item) == before


def test_delete_and_undo_lines_without_their_moves(library, hash_of):
    s = library.open()
    a, b = library.loose[0], library.loose[1]
    rec = s.assign(a, "birds")
    s.close()
    hb = hash_of(library.source / b)
    library.append_line(
        {"type": "delete", "item": b, "src": b, "dst": f".clustering/trash/{b}", "by": "manual"}
    )
    library.append_line(
        {
            "type": "undo",
            "undoes": rec["seq"],
            "item": a,
            "restore_from": f"birds/{a}",
            "restore_to": a,
            "cluster": "birds",
        }
    )
    s2 = library.open()
    assert hash_of(library.trash / b) == hb
    assert (library.source / a).is_file() and not (library.dest / "birds" / a).exists()
    assert len(s2.recovery.actions) == 2
    assert all(line.endswith("completed") for line in s2.recovery.actions)
    assert s2.stats()["deleted"] == 1 and s2.stats()["undone"] == 1
    assert s2.queue_items()[0] == a
    s2.close()
    assert _verify(library) == []


def test_file_moved_but_state_json_lagging(library):
    s = library.open()
    s.assign(library.loose[0], "birds")
    stale = library.state_path.read_bytes()
    s.skip(library.loose[1])
    s.delete(library.loose[2])
    expected_stats, expected_order = s.stats(), s.queue_items()
    s.close()
    # The crash hit after the moves and journal lines, before state.json caught up.
    library.state_path.write_bytes(stale)

    s2 = library.open()
    assert s2.stats() == expected_stats
    assert s2.queue_items() == expected_order
    assert s2.recovery.actions == []
    assert (library.trash / library.loose[2]).is_file()
    s2.close()
    assert _verify(library) == []


def test_file_moved_line_written_state_json_older_by_hand(library, hash_of):
    s = library.open()
    s.close()
    stale = library.state_path.read_bytes()
    item = library.loose[3]
    before = hash_of(library.source / item)
    library.append_line(_assign_line(item, "coins"))
    os.rename(library.source / item, library.dest / "coins" / item)
    library.state_path.write_bytes(stale)

    s2 = library.open()
    assert s2.stats()["processed"] == 1 and s2.stats()["queued"] == 5
    assert item not in s2.queue_items()
    assert hash_of(library.dest / "coins" / item) == before
    assert s2.recovery.actions == []


def test_torn_last_line_is_set_aside(library):
    s = library.open()
    s.assign(library.loose[0], "birds")
    s.skip(library.loose[1])
    s.close()
    good = library.actions_path.read_bytes()
    torn = b'{"seq": 3, "ts": "2026-01-01T00:00:00.000Z", "type": "assign", "item": "IMG_00'
    with open(library.actions_path, "ab") as fh:
        fh.write(torn)

    s2 = library.open()
    assert s2.recovery.torn_line_set_aside
    assert library.actions_path.read_bytes() == good
    assert torn in (library.clustering / "actions.torn").read_bytes()
    assert s2.stats()["processed"] == 1 and s2.stats()["skipped"] == 1
    assert (library.source / library.loose[2]).is_file()  # the torn line moved nothing
    rec = s2.assign(library.loose[2], "coins")
    assert rec["seq"] == 3
    assert [r["seq"] for r in library.journal()] == [1, 2, 3]


def test_complete_json_without_newline_is_not_trusted(library):
    s = library.open()
    s.close()
    item = library.loose[0]
    with open(library.actions_path, "ab") as fh:
        fh.write(b'{"seq": 1, "ts": "x", "type": "assign", "item": "%s"}' % item.encode())
    s2 = library.open()
    assert s2.recovery.torn_line_set_aside
    assert (library.source / item).is_file()
    assert item in s2.queue_items()
    assert library.journal() == []


def test_hard_link_window_removes_source(library, hash_of):
    s = library.open()
    s.close()
    item = library.loose[0]
    before = hash_of(library.source / item)
    library.append_line(_assign_line(item, "birds"))
    os.link(library.source / item, library.dest / "birds" / item)  # crash before the unlink

    s2 = library.open()
    assert not (library.source / item).exists()
    assert hash_of(library.dest / "birds" / item) == before
    assert (library.dest / "birds" / item).stat().st_nlink == 1
    assert s2.recovery.actions[0].endswith("completed")
    assert item not in s2.queue_items()


def test_both_present_with_different_bytes_keeps_both(library, hash_of):
    s = library.open()
    s.close()
    item = library.loose[0]
    before = library.contents()
    src_hash = hash_of(library.source / item)
    library.append_line(_assign_line(item, "birds"))
    library.add(f"birds/{item}", under=library.dest)  # someone else's photo took the name

    s2 = library.open()
    assert s2.recovery.actions[0].endswith("conflict")
    assert hash_of(library.source / item) == src_hash  # nothing lost, nothing overwritten
    assert len(library.contents()) == len(before) + 1


def test_interrupted_cross_disk_copy_is_cleaned_and_finished(make_library, hash_of):
    lib = make_library(loose=2, into=True)
    s = lib.open()
    s.close()
    item = lib.loose[0]
    before = hash_of(lib.source / item)
    lib.append_line(_assign_line(item, "birds"))
    partial = lib.dest / "birds" / f".{item}.photosort-copy"
    partial.write_bytes((lib.source / item).read_bytes()[:1000])

    s2 = lib.open()
    assert not partial.exists()
    assert hash_of(lib.dest / "birds" / item) == before
    assert not (lib.source / item).exists()
    assert s2.recovery.actions[0].endswith("completed")


def test_line_whose_file_is_gone_everywhere_is_reported(library):
    s = library.open()
    s.close()
    item = library.loose[0]
    library.append_line(_assign_line(item, "birds"))
    os.unlink(library.source / item)
    s2 = library.open()
    assert s2.recovery.actions[0].endswith("missing")
    assert s2.stats()["queued"] == 5


def test_deleting_or_truncating_state_json_loses_nothing(make_library):
    lib = make_library(loose=10)
    s = lib.open()
    s.shuffle(seed=42)
    s.assign(s.queue_items()[0], "birds")
    s.skip(s.queue_items()[0])
    s.delete(s.queue_items()[0])
    s.assign(s.queue_items()[0], "new one", create=True)
    s.undo(s.records_since()[2]["seq"])  # bring the first assign back
    s.update_settings({"top_k": 7})
    stats, order, clusters = s.stats(), s.queue_items(), s.clusters()
    settings, snapshot = s.settings, s.snapshot()
    s.close()

    lib.state_path.unlink()
    s2 = lib.open()
    assert (s2.stats(), s2.queue_items(), s2.clusters()) == (stats, order, clusters)
    assert s2.settings == settings
    assert s2.snapshot() == snapshot
    s2.close()
    assert lib.state_path.is_file()

    for damage in (b"", lib.state_path.read_bytes()[:40], b"\x00\xff garbage"):
        lib.state_path.write_bytes(damage)
        s3 = lib.open()
        assert (s3.stats(), s3.queue_items(), s3.clusters()) == (stats, order, clusters)
        assert s3.snapshot() == snapshot
        assert s3.recovery.actions == []
        s3.close()


def test_state_json_written_atomically_and_matches(library):
    import orjson

    s = library.open()
    s.assign(library.loose[0], "birds")
    s.checkpoint()  # state.json is written at most once a second while actions stream in
    state = orjson.loads(library.state_path.read_bytes())
    assert state["last_seq"] == 1
    assert state["stats"] == s.stats()
    assert {"name": "birds", "count": 4} in state["clusters"]
    leftovers = [p.name for p in library.clustering.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_verify_reports_a_file_moved_behind_the_tools_back(library):
    s = library.open()
    item = library.loose[0]
    s.assign(item, "birds")
    s.close()
    assert _verify(library) == []
    (library.dest / "birds" / item).rename(library.dest / "coins" / item)
    problems = _verify(library)
    assert len(problems) == 1
    assert f"birds/{item}" in problems[0]


def test_recovery_is_idempotent(library):
    s = library.open()
    s.close()
    library.append_line(_assign_line(library.loose[0], "birds"))
    first = library.open()
    assert first.recovery.actions
    first.close()
    lines = library.journal()
    second = library.open()
    assert second.recovery.actions == []
    second.close()
    assert library.journal() == lines


def test_a_conflict_recovery_cannot_settle_is_retried_at_every_start(make_library):
    import orjson

    lib = make_library(clusters={"birds": 1}, loose=1)
    item = lib.open().queue_items()[0]
    lib.close_all()
    other = lib.next_photo()
    (lib.dest / "birds" / item).write_bytes(other.read_bytes())  # different bytes at dst
    lib.append_line(
        {
            "type": "assign",
            "item": item,
            "src": item,
            "dst": f"birds/{item}",
            "cluster": "birds",
            "by": "manual",
            "reviewer": "t",
            "batch": None,
        }
    )
    first = lib.open()
    assert any("conflict" in a for a in first.recovery.actions)
    first.close()
    state = orjson.loads(lib.state_path.read_bytes())
    assert state["unresolved"], "the unsettled line is remembered past the checkpoint"
    second = lib.open()
    assert any("conflict" in a for a in second.recovery.actions)
    assert (lib.source / item).is_file() and (lib.dest / "birds" / item).is_file()
