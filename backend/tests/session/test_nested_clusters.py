"""Nested clusters: a photographer's archive (`Trips/2023/Paris`, `birds/owls`) is sorted into
as it stands. Any folder under dest that holds photos is a cluster named by its path, seeded by
its own photos only; `.photosortignore` keeps folders and files out of sorting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from photosort.errors import BadClusterName, BadSettings, Conflict
from photosort.session import scancache


def archive(make_library: Any, *, into: bool = False) -> Any:
    """`Trips/2023/Paris` (2), `Trips/2024/Rome` (1), `birds` (1) with `birds/owls` (1), a
    folder of documents, a hidden one, and loose photos to sort."""
    lib = make_library(clusters={}, loose=3, into=into)
    for rel in (
        "Trips/2023/Paris/louvre.jpg",
        "Trips/2023/Paris/seine.jpg",
        "Trips/2024/Rome/forum.jpg",
        "birds/robin.jpg",
        "birds/owls/barn.jpg",
        ".private/secret.jpg",
    ):
        lib.add(rel, under=lib.dest)
    (lib.dest / "Papers" / "2023").mkdir(parents=True)
    (lib.dest / "Papers" / "2023" / "tax.pdf").write_text("not a photo")
    return lib


def clusters(s: Any) -> dict[str, int]:
    return dict(s.clusters())


def test_every_folder_holding_photos_is_a_cluster_named_by_its_path(make_library: Any) -> None:
    lib = archive(make_library)
    s = lib.open()
    assert clusters(s) == {"Trips/2023/Paris": 2, "Trips/2024/Rome": 1, "birds": 1, "birds/owls": 1}
    # Members are a folder's own photos: the owl does not seed `birds`.
    members = s.members_snapshot()
    assert members["birds"] == {"birds/robin.jpg"}
    assert members["Trips/2023/Paris"] == {
        "Trips/2023/Paris/louvre.jpg",
        "Trips/2023/Paris/seine.jpg",
    }
    # dest == source: only the loose photos at the top are queued.
    assert sorted(s.queue_items()) == sorted(lib.loose)


def test_with_dest_inside_the_source_nothing_under_its_folders_is_queued(
    make_library: Any,
) -> None:
    lib = make_library(clusters={}, loose=0)
    lib.add("DCIM/100CANON/IMG_1.jpg")
    lib.add("IMG_2.jpg")
    dest = lib.source / "sorted"
    lib.add("sorted/Trips/2023/Paris/a.jpg")
    lib.add("sorted/birds/b.jpg")
    lib.add("sorted/loose.jpg")
    from photosort.session.engine import Session

    s = Session(lib.source, dest)
    try:
        assert clusters(s) == {"Trips/2023/Paris": 1, "birds": 1}
        assert sorted(s.queue_items()) == [
            "DCIM/100CANON/IMG_1.jpg",
            "IMG_2.jpg",
            "sorted/loose.jpg",
        ]
        assert not s._sync.may_queue("sorted/Trips/2023/Paris/new.jpg")
        assert s._sync.may_queue("DCIM/100CANON/new.jpg")
    finally:
        s.close()


def test_filing_into_a_nested_cluster_and_undo(make_library: Any, hash_of: Any) -> None:
    lib = archive(make_library)
    s = lib.open()
    item = lib.loose[0]
    before = hash_of(lib.source / item)
    rec = s.assign(item, "Trips/2023/Paris")
    assert rec["cluster"] == "Trips/2023/Paris"
    assert rec["dst"] == f"Trips/2023/Paris/{item}"
    assert hash_of(lib.dest / "Trips/2023/Paris" / item) == before
    assert clusters(s)["Trips/2023/Paris"] == 3
    assert s.locate(f"Trips/2023/Paris/{item}") == (lib.dest / "Trips/2023/Paris" / item, "dest")
    s.undo()
    assert hash_of(lib.source / item) == before
    assert not (lib.dest / "Trips/2023/Paris" / item).exists()
    assert clusters(s)["Trips/2023/Paris"] == 2
    assert item in s.queue_items()
    assert s.verify() == []


def test_a_parent_that_holds_no_photos_is_not_a_cluster(make_library: Any) -> None:
    lib = archive(make_library)
    s = lib.open()
    from photosort.errors import UnknownCluster

    with pytest.raises(UnknownCluster):
        s.assign(lib.loose[0], "Trips")
    assert "Papers" not in clusters(s) and "Papers/2023" not in clusters(s)


def test_an_empty_folder_is_a_cluster_to_sort_into(make_library: Any) -> None:
    lib = archive(make_library)
    (lib.dest / "Trips/2025/Oslo").mkdir(parents=True)
    s = lib.open()
    assert clusters(s)["Trips/2025/Oslo"] == 0
    assert "Trips/2025" not in clusters(s)
    s.assign(lib.loose[0], "Trips/2025/Oslo")
    assert clusters(s)["Trips/2025/Oslo"] == 1


def test_creating_a_nested_cluster_makes_its_folders_and_undo_takes_them_back(
    make_library: Any,
) -> None:
    lib = archive(make_library)
    s = lib.open()
    rec = s.create_cluster(" Events / 2025/Wedding ")
    assert rec["cluster"] == "Events/2025/Wedding"
    assert rec["made"] == ["Events", "Events/2025", "Events/2025/Wedding"]
    assert (lib.dest / "Events/2025/Wedding").is_dir()
    # An empty cluster the reviewer made stays one through rescans and restarts.
    s.refresh()
    assert clusters(s)["Events/2025/Wedding"] == 0
    s.close()
    s = lib.open()
    assert clusters(s)["Events/2025/Wedding"] == 0
    s.undo()
    assert not (lib.dest / "Events").exists()
    assert "Events/2025/Wedding" not in clusters(s)
    # Under an existing parent only the new folder is made, and only it is taken back.
    s.assign(lib.loose[0], "Trips/Rome", create=True)
    assert (lib.dest / "Trips/Rome" / lib.loose[0]).is_file()
    assert clusters(s)["Trips/Rome"] == 1
    assert s.verify() == []


def test_a_cluster_cannot_be_made_through_a_file_or_a_link(make_library: Any) -> None:
    lib = archive(make_library)
    (lib.dest / "notes.txt").write_text("x")
    (lib.dest / "away").symlink_to(lib.root)
    s = lib.open()
    for name in ("notes.txt/sub", "away/sub", "birds/robin.jpg/x"):
        with pytest.raises(Conflict):
            s.create_cluster(name)
    assert not (lib.root / "sub").exists()


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("Trips//Rome", "empty folder name"),
        ("/Trips", "empty folder name"),
        ("Trips/", "empty folder name"),
        ("Trips/../x", "'..'"),
        ("Trips/./x", "'.'"),
        ("Trips\\Rome", "'\\'"),
        ("Trips/.hidden", "starts with '.'"),
        ("Trips/CON", "reserved device name"),
        ("Trips/a:b", "Windows does not allow"),
        ("Trips/dot.", "ends with a dot"),
        ("Trips/x\u202ey", "bidirectional"),
        ("/".join(["a"] * 40), "deep"),
        ("/".join(["x" * 150] * 8), "longer than"),
    ],
)
def test_bad_cluster_paths_say_why(make_library: Any, name: str, why: str) -> None:
    lib = archive(make_library)
    s = lib.open()
    with pytest.raises(BadClusterName) as err:
        s.assign(lib.loose[0], name, create=True)
    assert why in err.value.message
    assert (lib.source / lib.loose[0]).is_file()
    assert lib.journal() == []


def test_photosortignore_in_the_source_leaves_folders_and_files_out(make_library: Any) -> None:
    lib = archive(make_library)
    lib.add("draft.tmp.jpg")
    (lib.source / ".photosortignore").write_text("# exports\nTrips/2024/\n*.tmp.jpg\nowls\n")
    s = lib.open()
    assert clusters(s) == {"Trips/2023/Paris": 2, "birds": 1}
    assert sorted(s.queue_items()) == sorted(lib.loose)
    assert not s._sync.may_queue("x.tmp.jpg")
    with pytest.raises(BadClusterName, match="photosortignore"):
        s.create_cluster("Trips/2024/Milan")
    # An edit of the ignore file is seen by the next scan.
    (lib.source / ".photosortignore").write_text("owls\n")
    s._sync.full_scan_at = 0.0
    s.refresh()
    assert "Trips/2024/Rome" in clusters(s)
    assert "draft.tmp.jpg" in s.queue_items()


def test_photosortignore_in_dest_and_source_apart(make_library: Any) -> None:
    lib = make_library(clusters={"birds": 1}, loose=0, into=True)
    lib.add("DCIM/100CANON/a.jpg")
    lib.add("DCIM/101CANON/b.jpg")
    lib.add("Archive/2019/old.jpg", under=lib.dest)
    (lib.source / ".photosortignore").write_text("DCIM/101CANON/\n")
    (lib.dest / ".photosortignore").write_text("/Archive\n")
    s = lib.open()
    assert s.queue_items() == ["DCIM/100CANON/a.jpg"]
    assert clusters(s) == {"birds": 1}
    # Live folders: an arrival in an ignored folder is not queued.
    lib.add("DCIM/101CANON/c.jpg")
    lib.add("DCIM/100CANON/d.jpg")
    s.notice([lib.source / "DCIM/101CANON/c.jpg", lib.source / "DCIM/100CANON/d.jpg"])
    assert not s._sync.may_queue("DCIM/101CANON/c.jpg")
    assert s._sync.may_queue("DCIM/100CANON/d.jpg")


def test_dest_ignore_file_reaches_the_queue_when_dest_is_inside_the_source(
    make_library: Any,
) -> None:
    lib = make_library(clusters={}, loose=1)
    lib.add("sorted/keep.jpg")
    lib.add("sorted/proof.jpg")
    (lib.source / "sorted" / ".photosortignore").write_text("proof.jpg\n")
    from photosort.session.engine import Session

    s = Session(lib.source, lib.source / "sorted")
    try:
        assert sorted(s.queue_items()) == sorted([lib.loose[0], "sorted/keep.jpg"])
    finally:
        s.close()


def test_an_old_flat_journal_replays(make_library: Any) -> None:
    """A journal written when a cluster was one top folder (and held everything below it)."""
    lib = make_library(clusters={"birds": 2}, loose=3)
    s = lib.open()
    first = s.assign(lib.loose[0], "birds")
    s.assign(lib.loose[1], "coins", create=True)
    s.close()
    (lib.dest / "birds/owls").mkdir()
    lib.add("birds/owls/barn.jpg", under=lib.dest)
    lib.state_path.unlink()
    s = lib.open()
    assert clusters(s) == {"birds": 3, "birds/owls": 1, "coins": 1}
    assert s.stats()["manual"] == 2
    s.undo(first["seq"])
    assert (lib.source / lib.loose[0]).is_file()
    assert clusters(s)["birds"] == 2
    assert s.verify() == []


def test_the_kept_scan_holds_nested_clusters_and_an_old_one_is_not_trusted(
    make_library: Any,
) -> None:
    lib = archive(make_library)
    s = lib.open(scan_cache=True)
    s.assign(lib.loose[0], "Trips/2023/Paris")
    members = s.members_snapshot()
    s.close()
    cache = lib.clustering / scancache.CACHE_NAME
    loaded = scancache.load(cache, roots=(lib.source, lib.dest), last_seq=s.last_seq())
    assert loaded is not None and loaded.result.members == {k: set(v) for k, v in members.items()}
    # A cache from before nested clusters (version 1) held every photo below a top folder.
    body = cache.read_bytes().rpartition(b"\x00")[0].replace(b"photosort-scan\x001", b"x", 1)
    cache.write_bytes(body)
    assert scancache.load(cache, roots=(lib.source, lib.dest), last_seq=s.last_seq()) is None


def test_hotkey_slots_follow_the_reviewers_pins(make_library: Any) -> None:
    lib = archive(make_library)
    s = lib.open()
    assert s.cluster_slots() == {
        "Trips/2023/Paris": 1,
        "Trips/2024/Rome": 2,
        "birds": 3,
        "birds/owls": 4,
    }
    s.update_settings({"slots": ["birds/owls", None, "Trips/2024/Rome"]})
    assert s.cluster_slots() == {
        "birds/owls": 1,
        "Trips/2024/Rome": 3,
        "Trips/2023/Paris": 2,
        "birds": 4,
    }
    s.close()
    s = lib.open()  # the pins are journaled settings: a restart keeps them
    assert s.cluster_slots()["birds/owls"] == 1
    for bad in (["birds", "birds"], ["a//b"], ["x"] * 10):
        with pytest.raises(BadSettings):
            s.update_settings({"slots": bad})
    settings_lines = [r for r in lib.journal() if r["type"] == "settings"]
    assert orjson.loads(orjson.dumps(settings_lines[0]["settings"])) == {
        "slots": ["birds/owls", None, "Trips/2024/Rome"]
    }


def test_assigning_an_old_flat_layout_works_unchanged(library: Any, hash_of: Any) -> None:
    s = library.open()
    assert clusters(s) == {"birds": 3, "coins": 3}
    rec = s.assign(library.loose[0], "coins")
    assert rec["dst"] == f"coins/{library.loose[0]}"
    assert Path(library.dest / rec["dst"]).is_file()
    assert s.verify() == []


def test_nested_source_folders_file_into_the_same_nested_clusters(make_library: Any) -> None:
    """With `--into`, a source folder at any depth is offered as the cluster of its path; the
    batch makes the nested folders in dest and one undo takes the photos and folders back."""
    lib = make_library(clusters={"birds": 1}, loose=0, into=True)
    lib.add("Trips/2023/Paris/a.jpg")
    lib.add("Trips/2023/Paris/b.jpg")
    lib.add("DCIM/100CANON/c.jpg")
    s = lib.open()
    assert sorted(s.source_folders()) == ["DCIM/100CANON", "Trips/2023/Paris"]
    batch, moved, _ = s.file_source_folders(["Trips/2023/Paris"])
    assert len(moved["Trips/2023/Paris"]) == 2
    assert (lib.dest / "Trips/2023/Paris/a.jpg").is_file()
    assert clusters(s)["Trips/2023/Paris"] == 2
    s.undo(batch=batch)
    assert (lib.source / "Trips/2023/Paris/a.jpg").is_file()
    assert not (lib.dest / "Trips").exists()
    assert "Trips/2023/Paris" not in clusters(s)
    assert s.verify() == []
