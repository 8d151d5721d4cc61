"""Every reviewer action on the engine, checked on disk: where the file is, what the journal
says."""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path

import pytest

from photosort.errors import (
    BadClusterName,
    BadPath,
    Conflict,
    NotFound,
    NotQueued,
    UnknownCluster,
)
from photosort.session import fileops


def test_open_queues_loose_photos_and_finds_clusters(library):
    s = library.open()
    assert s.queue_items() == library.loose  # natural order: IMG_0001 .. IMG_0006
    assert s.clusters() == [("birds", 3), ("coins", 3)]
    assert s.stats() == {
        "queued": 6,
        "processed": 0,
        "manual": 0,
        "auto": 0,
        "deleted": 0,
        "skipped": 0,
        "undone": 0,
    }
    assert library.state_path.is_file()


def test_assign_moves_file_and_journals_it(library, hash_of):
    s = library.open()
    item = library.loose[0]
    before = hash_of(library.source / item)
    rec = s.assign(item, "birds", suggested=[{"cluster": "birds", "score": 0.9}], confidence=0.8)

    assert not (library.source / item).exists()
    assert hash_of(library.dest / "birds" / item) == before
    assert rec["dst"] == f"birds/{item}"
    last = library.journal()[-1]
    assert last["seq"] == rec["seq"]
    assert last["type"] == "assign"
    assert last["src"] == item and last["item"] == item and last["cluster"] == "birds"
    assert last["by"] == "manual" and last["reviewer"] == "local" and last["batch"] is None
    assert last["suggested"] == [{"cluster": "birds", "score": 0.9}]
    assert last["confidence"] == 0.8
    assert last["ts"].endswith("Z")
    assert item not in s.queue_items()
    assert dict(s.clusters())["birds"] == 4
    assert s.stats()["processed"] == 1 and s.stats()["manual"] == 1


def test_assign_create_makes_cluster_folder(library):
    s = library.open()
    item = library.loose[1]
    with pytest.raises(UnknownCluster):
        s.assign(item, "fruit")
    assert not (library.dest / "fruit").exists()
    assert (library.source / item).is_file()

    s.assign(item, "fruit", create=True)
    assert (library.dest / "fruit" / item).is_file()
    types = [r["type"] for r in library.journal()]
    assert types[-2:] == ["cluster-create", "assign"]
    assert dict(s.clusters())["fruit"] == 1
    assert s.cluster_slots()["fruit"] == 3  # after the two clusters found on disk

    # Undo the assign, then the cluster creation: the folder made by the tool goes away.
    s.undo()
    assert (library.source / item).is_file()
    assert (library.dest / "fruit").is_dir()
    s.undo()
    assert not (library.dest / "fruit").exists()
    assert "fruit" not in dict(s.clusters())


def test_delete_moves_to_trash_keeping_relative_path(make_library, hash_of):
    lib = make_library(loose=3, nested=True, into=True)
    s = lib.open()
    item = lib.loose[0]
    assert "/" in item
    before = hash_of(lib.source / item)
    rec = s.delete(item)
    assert rec["dst"] == f".clustering/trash/{item}"
    assert hash_of(lib.trash / item) == before
    assert not (lib.source / item).exists()
    assert s.stats()["deleted"] == 1 and s.stats()["processed"] == 1
    assert lib.journal()[-1]["type"] == "delete"

    s.undo()
    assert hash_of(lib.source / item) == before
    assert not (lib.trash / item).exists()
    assert s.stats()["deleted"] == 0


def test_delete_twice_same_name_never_overwrites_trash(library, hash_of):
    s = library.open()
    item = library.loose[0]
    first = hash_of(library.source / item)
    s.delete(item)
    library.add(item)  # a new photo with the same name shows up
    second = hash_of(library.source / item)
    s.refresh()
    rec = s.delete(item)
    assert rec["dst"] == ".clustering/trash/IMG_0001 (2).jpg"
    assert hash_of(library.trash / "IMG_0001.jpg") == first
    assert hash_of(library.trash / "IMG_0001 (2).jpg") == second


def test_skip_sends_item_to_end_and_undo_brings_it_back(library):
    s = library.open()
    first = library.loose[0]
    rec = s.skip(first)
    assert rec["type"] == "skip"
    assert s.queue_items()[-1] == first
    assert s.queue_items()[0] == library.loose[1]
    assert s.stats()["skipped"] == 1
    assert (library.source / first).is_file()  # skipping touches no file
    s.undo()
    assert s.queue_items()[0] == first
    assert s.stats()["skipped"] == 0


def test_shuffle_is_reproducible_and_undoable(make_library):
    lib = make_library(loose=12)
    s = lib.open()
    natural = s.queue_items()
    s.shuffle(seed=1234)
    order_a = s.queue_items()
    assert sorted(order_a) == sorted(natural) and order_a != natural
    assert lib.journal()[-1] == {**lib.journal()[-1], "type": "shuffle", "seed": 1234}
    s.shuffle(seed=99)
    assert s.queue_items() != order_a
    s.shuffle(seed=1234)
    assert s.queue_items() == order_a
    s.undo()  # back to seed 99
    s.undo()  # back to seed 1234
    assert s.queue_items() == order_a
    s.undo()  # back to natural order
    assert s.queue_items() == natural


def test_shuffle_persists_across_restart(make_library):
    lib = make_library(loose=12)
    s = lib.open()
    s.shuffle(seed=7)
    shuffled = s.queue_items()
    s.skip(s.queue_items()[0])
    s.assign(s.queue_items()[0], "coins")
    order = s.queue_items()
    assert order == [*shuffled[2:], shuffled[0]]
    s.close()
    again = lib.open()
    assert again.queue_items() == order
    again.close()

    # Same seed, same photo names: the same order in another library.
    other = make_library(loose=12)
    t = other.open()
    t.shuffle(seed=7)
    assert t.queue_items() == shuffled


def test_name_collision_in_cluster_gets_suffix(library, hash_of):
    s = library.open()
    library.add("birds/a.jpg", under=library.dest)
    existing = hash_of(library.dest / "birds/a.jpg")
    library.add("a.jpg")
    incoming = hash_of(library.source / "a.jpg")
    s.refresh()
    rec = s.assign("a.jpg", "birds")
    assert rec["dst"] == "birds/a (2).jpg"
    assert hash_of(library.dest / "birds/a.jpg") == existing
    assert hash_of(library.dest / "birds/a (2).jpg") == incoming

    # A third one gets (3).
    library.add("a.jpg")
    s.refresh()
    assert s.assign("a.jpg", "birds")["dst"] == "birds/a (3).jpg"


def test_unknown_cluster_and_bad_names(library):
    s = library.open()
    item = library.loose[0]
    with pytest.raises(UnknownCluster):
        s.assign(item, "nope")
    for bad in [
        "..",
        ".hidden",
        "a//b",
        "/a",
        "a/",
        "a/../b",
        "a/.x",
        "",
        "   ",
        "x\\y",
        "nul\x00",
    ]:
        with pytest.raises(BadClusterName):
            s.assign(item, bad, create=True)
    assert (library.source / item).is_file()
    assert sorted(p.name for p in library.dest.iterdir() if p.is_dir()) == [
        ".clustering",
        "birds",
        "coins",
    ]
    assert library.journal() == []


@pytest.mark.parametrize(
    "item",
    ["../IMG_0001.jpg", "/etc/passwd", "a/../IMG_0001.jpg", "./IMG_0001.jpg", "a\\b.jpg", "x\x00"],
)
def test_bad_item_paths_rejected(library, item):
    s = library.open()
    with pytest.raises(BadPath):
        s.assign(item, "birds")
    with pytest.raises(BadPath):
        s.delete(item)
    with pytest.raises(BadPath):
        s.skip(item)
    assert library.journal() == []


def test_unknown_and_already_filed_items(library):
    s = library.open()
    with pytest.raises(NotFound):
        s.assign("nothing-here.jpg", "birds")
    item = library.loose[0]
    s.assign(item, "birds")
    for action in (
        lambda: s.assign(item, "coins"),
        lambda: s.delete(item),
        lambda: s.skip(item),
    ):
        with pytest.raises(NotQueued):
            action()
    # Cluster members are not queued items either.
    with pytest.raises(NotFound):
        s.assign(library.clusters["birds"][0], "coins")


def test_unicode_and_space_names(make_library, hash_of):
    lib = make_library(clusters={"Ünïcode birds": 1}, loose=0)
    names = ["Été à Paris 2024 #1.jpg", "日本 写真.JPG", "emoji 📷 (copy).jpeg"]
    for n in names:
        lib.add(n)
    s = lib.open()
    assert sorted(s.queue_items()) == sorted(names)
    digests = {n: hash_of(lib.source / n) for n in names}
    s.assign(names[0], "Ünïcode birds")
    s.assign(names[1], "Fête des mères", create=True)
    s.delete(names[2])
    assert hash_of(lib.dest / "Ünïcode birds" / names[0]) == digests[names[0]]
    assert hash_of(lib.dest / "Fête des mères" / names[1]) == digests[names[1]]
    assert hash_of(lib.trash / names[2]) == digests[names[2]]
    lines = lib.actions_path.read_text(encoding="utf-8")
    assert names[0] in lines  # stored as readable UTF-8
    s.close()

    s2 = lib.open()
    for _ in range(4):  # delete, assign, cluster-create, assign
        s2.undo()
    assert not (lib.dest / "Fête des mères").exists()
    for n in names:
        assert hash_of(lib.source / n) == digests[n]
    assert sorted(s2.queue_items()) == sorted(names)


def test_into_dest_with_nested_source(make_library, hash_of):
    lib = make_library(clusters={"birds": 2, "coins": 2}, loose=6, into=True, nested=True)
    s = lib.open()
    assert s.source == lib.source.resolve() and s.dest == lib.dest.resolve()
    assert sorted(s.queue_items()) == sorted(lib.loose)
    assert all("/" in i for i in s.queue_items())
    item = "DCIM/100CANON/IMG_0001.jpg"
    before = hash_of(lib.source / item)
    rec = s.assign(item, "birds")
    assert rec["src"] == item and rec["dst"] == "birds/IMG_0001.jpg"
    assert hash_of(lib.dest / "birds/IMG_0001.jpg") == before
    assert not (lib.source / item).exists()
    assert not (lib.source / "birds").exists()
    assert (lib.dest / ".clustering/actions.jsonl").is_file()
    assert not (lib.source / ".clustering").exists()

    s.undo()
    assert hash_of(lib.source / item) == before
    assert not (lib.dest / "birds/IMG_0001.jpg").exists()
    assert s.queue_items()[0] == item


def test_into_dest_same_basename_from_two_camera_folders(make_library, hash_of):
    lib = make_library(clusters={"birds": 0}, loose=0, into=True)
    a = lib.add("DCIM/100CANON/IMG_1.jpg")
    b = lib.add("DCIM/101CANON/IMG_1.jpg")
    ha, hb = hash_of(a), hash_of(b)
    s = lib.open()
    s.assign("DCIM/100CANON/IMG_1.jpg", "birds")
    s.assign("DCIM/101CANON/IMG_1.jpg", "birds")
    assert hash_of(lib.dest / "birds/IMG_1.jpg") == ha
    assert hash_of(lib.dest / "birds/IMG_1 (2).jpg") == hb


def test_refresh_picks_up_added_and_removed_files(library):
    s = library.open()
    library.add("IMG_0100.jpg")
    os.unlink(library.source / library.loose[0])
    (library.source / "notes.txt").write_text("not a photo")
    appeared, vanished = s.refresh()
    assert appeared == {"IMG_0100.jpg"}
    assert vanished == {library.loose[0]}
    assert "IMG_0100.jpg" in s.queue_items()
    assert library.loose[0] not in s.queue_items()
    assert s.stats()["queued"] == 6

    # A photo filed into a cluster behind our back counts toward the cluster.
    os.rename(library.source / library.loose[1], library.dest / "coins" / library.loose[1])
    s.refresh()
    assert dict(s.clusters())["coins"] == 4
    assert library.loose[1] not in s.queue_items()


def test_acting_on_a_vanished_file_is_not_found_and_drops_it(library):
    s = library.open()
    item = library.loose[0]
    os.unlink(library.source / item)
    with pytest.raises(NotFound):
        s.assign(item, "birds")
    assert item not in s.queue_items()
    assert library.journal() == []


def test_hidden_files_and_dot_folders_are_not_queued(library):
    library.add(".hidden.jpg")
    library.add("._IMG_0001.jpg")
    library.add(".thumbs/x.jpg")
    library.add("birds/.cache/y.jpg", under=library.dest)
    s = library.open()
    assert s.queue_items() == library.loose
    assert dict(s.clusters())["birds"] == 3


def test_concurrent_assigns_of_one_item(make_library, run_concurrently):
    lib = make_library(loose=4)
    s = lib.open()
    before = lib.contents()
    item = lib.loose[0]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def worker(cluster: str) -> None:
        barrier.wait()
        try:
            s.assign(item, cluster, reviewer=f"r-{cluster}")
            results.append("ok")
        except NotQueued:
            results.append("not_queued")

    run_concurrently(worker, ("birds", "coins"))
    assert sorted(results) == ["not_queued", "ok"]
    assert lib.contents() == before
    where = [c for c in ("birds", "coins") if (lib.dest / c / item).exists()]
    assert len(where) == 1
    assert [r["type"] for r in lib.journal()] == ["assign"]


def test_many_threads_many_items_lose_nothing(make_library, run_concurrently):
    lib = make_library(loose=12)
    s = lib.open()
    before = lib.contents()
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        for item in list(lib.loose):
            try:
                if n % 3 == 0:
                    s.delete(item)
                else:
                    s.assign(item, "birds" if n % 2 else "coins")
            except NotQueued:
                continue
            except BaseException as exc:
                errors.append(exc)

    run_concurrently(worker, range(4))
    assert errors == []
    assert lib.contents() == before
    assert s.queue_items() == []
    moves = [r for r in lib.journal() if r["type"] in ("assign", "delete")]
    assert sorted(r["item"] for r in moves) == sorted(lib.loose)


def test_cross_filesystem_move_copies_verifies_and_removes(make_library, monkeypatch, hash_of):
    lib = make_library(loose=2, into=True)
    real_link = os.link
    calls: list[tuple[str, str]] = []

    def fake_link(src, dst, *args, **kwargs):
        # Source and dest play two disks: a hard link between them is EXDEV.
        if Path(src).is_relative_to(lib.source) != Path(dst).is_relative_to(lib.source):
            calls.append((str(src), str(dst)))
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real_link(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "link", fake_link)
    s = lib.open()
    item = lib.loose[0]
    before = hash_of(lib.source / item)
    s.assign(item, "birds")
    assert calls, "the cross-device path was not exercised"
    assert hash_of(lib.dest / "birds" / item) == before
    assert not (lib.source / item).exists()
    assert not list((lib.dest / "birds").glob(".*photosort-copy"))
    assert lib.journal()[-1]["type"] == "assign"
    assert lib.journal()[-1]["dst"] == f"birds/{item}"

    s.undo()  # and back across the "disks"
    assert hash_of(lib.source / item) == before
    assert not (lib.dest / "birds" / item).exists()


def test_cross_filesystem_copy_verification_failure_keeps_original(make_library, monkeypatch):
    lib = make_library(loose=1, into=True)
    s = lib.open()
    item = lib.loose[0]
    monkeypatch.setattr(
        os, "link", lambda *a, **k: (_ for _ in ()).throw(OSError(errno.EXDEV, "cross-device"))
    )
    real_hash = fileops._file_hash
    monkeypatch.setattr(
        fileops, "_file_hash", lambda p: "bad" if "photosort-copy" in str(p) else real_hash(p)
    )
    with pytest.raises(Conflict):
        s.assign(item, "birds")
    assert (lib.source / item).is_file()
    assert not (lib.dest / "birds" / item).exists()
    assert not list((lib.dest / "birds").glob(".*"))
    types = [r["type"] for r in lib.journal()]
    assert types == ["assign", "abort"]
    assert item in s.queue_items()
    assert s.stats()["processed"] == 0
    s.close()
    again = lib.open()  # the aborted line does not get "recovered" into a move
    assert (lib.source / item).is_file()
    assert again.recovery.actions == []
    assert again.stats()["processed"] == 0 and item in again.queue_items()


def test_read_only_session_writes_nothing(library):
    s = library.open(read_only=True)
    assert s.stats()["queued"] == 6
    assert not library.clustering.exists()
    with pytest.raises(Exception, match="read-only"):
        s.assign(library.loose[0], "birds")
    assert (library.source / library.loose[0]).is_file()


def test_skipped_item_stays_last_when_new_photos_appear(library):
    s = library.open()
    s.skip(library.loose[0])
    library.add("IMG_0099.jpg")
    s.refresh()
    assert s.queue_items()[-1] == library.loose[0]
    assert "IMG_0099.jpg" in s.queue_items()
    s.close()
    assert library.open().queue_items()[-1] == library.loose[0]


def test_cluster_created_while_a_rescan_runs_is_not_lost(library, monkeypatch):
    from photosort.session import disksync

    s = library.open()
    real_scan = disksync.scan

    def slow_scan(source, dest):
        result = real_scan(source, dest)
        # A reviewer creates a cluster while this (slow, large-library) scan is in flight.
        s.create_cluster("fruit")
        return result

    monkeypatch.setattr(disksync, "scan", slow_scan)
    s.refresh()
    monkeypatch.setattr(disksync, "scan", real_scan)
    assert "fruit" in dict(s.clusters())
    s.assign(library.loose[0], "fruit")  # no "unknown cluster" for a folder that exists
    assert (library.dest / "fruit" / library.loose[0]).is_file()


def test_one_writer_at_a_time(library):
    from photosort.errors import SessionFolderError

    first = library.open()
    first.assign(library.loose[0], "birds")
    with pytest.raises(SessionFolderError, match="already open"):
        library.open()  # e.g. `photosort undo` while `photosort serve` runs
    looker = library.open(read_only=True)  # stats / log / verify still work
    assert looker.stats()["processed"] == 1
    first.assign(library.loose[1], "birds")
    first.close()
    second = library.open()
    second.delete(library.loose[2])
    assert [r["seq"] for r in library.journal()] == [1, 2, 3]


def test_cluster_name_taken_by_a_file_is_a_conflict(library):
    s = library.open()
    (library.dest / "notes").write_text("a file, not a folder")
    outside = library.root / "outside"
    outside.mkdir()
    (library.dest / "linked").symlink_to(outside)
    for name in ("notes", library.loose[1], "linked"):  # a loose photo's own name, a symlink
        with pytest.raises(Conflict):
            s.assign(library.loose[0], name, create=True)
        with pytest.raises(Conflict):
            s.create_cluster(name)
    assert (library.dest / "notes").read_text() == "a file, not a folder"
    assert (library.source / library.loose[0]).is_file()
    assert (library.source / library.loose[1]).is_file()
    assert list(outside.iterdir()) == []
    assert library.journal() == []


def test_undo_recreates_a_camera_folder_removed_meanwhile(make_library, hash_of):
    lib = make_library(loose=3, into=True, nested=True)
    s = lib.open()
    item = lib.loose[0]  # DCIM/100CANON/IMG_0001.jpg, alone in its folder
    before = hash_of(lib.source / item)
    s.assign(item, "birds")
    (lib.source / "DCIM/100CANON").rmdir()  # the camera folder is empty now; the user tidies up
    s.undo()
    assert hash_of(lib.source / item) == before


def test_a_source_inside_a_cluster_of_dest_is_refused(tmp_path):
    from photosort.errors import SessionFolderError
    from photosort.session.engine import Session

    (tmp_path / "sorted" / "inbox").mkdir(parents=True)
    with pytest.raises(SessionFolderError, match="inside cluster 'inbox'"):
        Session(tmp_path / "sorted" / "inbox", tmp_path / "sorted")


def test_acting_on_a_photo_filed_long_ago_is_a_conflict(make_library):
    from photosort.errors import NotQueued

    lib = make_library(clusters={"birds": 1}, loose=2)
    session = lib.open()
    first, second = session.queue_items()
    session.assign(first, "birds")
    for _ in range(30):  # plenty of journal lines in between
        session.skip(second)
    with pytest.raises(NotQueued):
        session.skip(first)


def test_a_batch_gives_same_named_photos_distinct_names_and_undo_restores_them(make_library):
    from photosort.session.engine import MovePlan

    lib = make_library(clusters={"birds": 1}, loose=0, into=True)
    a = lib.add("x/IMG_1.jpg")
    b = lib.add("y/IMG_1.jpg")
    before = {p: p.read_bytes() for p in (a, b)}
    session = lib.open()
    moved = session.move_batch(
        [MovePlan("x/IMG_1.jpg", "", "birds"), MovePlan("y/IMG_1.jpg", "", "birds")], batch="b1"
    )
    assert sorted(r["dst"] for r in moved) == ["birds/IMG_1 (2).jpg", "birds/IMG_1.jpg"]
    assert not [r for r in lib.journal() if r["type"] == "abort"]
    session.undo(batch="b1")
    assert {p: p.read_bytes() for p in (a, b)} == before, "both back under their own names"


def test_a_running_batch_cannot_be_undone_halfway(make_library):
    from photosort.errors import Conflict
    from photosort.session.engine import MovePlan

    lib = make_library(clusters={"birds": 1}, loose=3)
    session = lib.open()
    refused: list[str] = []

    def try_undo(done: int, total: int) -> None:
        if done < total:
            try:
                session.undo(batch="b2")
            except Conflict as exc:
                refused.append(exc.message)

    plans = [MovePlan(i, "", "birds") for i in session.queue_items()]
    session.move_batch(plans, batch="b2", progress=try_undo, chunk=1)
    assert refused and "still running" in refused[0]
    assert session.queue_length() == 0
    session.undo(batch="b2")
    assert session.queue_length() == 3


def test_the_queue_reads_the_same_after_a_batch_removes_photos_chunk_by_chunk():
    """A batch takes its photos out of the queue order a chunk at a time and the order is
    swept once, when next read: pages, positions, a photo coming back (an aborted move goes
    first, once) and a newcomer all read as if each removal had been made at once."""
    from photosort.session.queue import QueueOrder

    order = QueueOrder()
    names = [f"IMG_{i:03d}.jpg" for i in range(200)]
    order.sync(set(names))
    gone = names[::3]
    order.remove_many(gone[:30])
    order.remove_many(gone[30:])
    rest = [n for n in names if n not in gone]
    assert len(order) == len(rest) and gone[0] not in order
    assert list(order.items) == rest
    assert order.index(rest[5]) == 5 and order.page(0, 3) == rest[:3]
    order.remove_many(rest[:2])
    order.push_front(gone[0])
    assert list(order.items) == [gone[0], *rest[2:]]
    order.remove_many([rest[2], gone[0]])
    order.add_many([gone[1]])
    assert list(order.items) == [gone[1], *rest[3:]]  # IMG_003 between 002 and 005
    order.remove_many([rest[3]])
    assert order.snapshot()["front"] == [] and rest[3] not in order.page(0, 300)
