"""A source that holds folders already (`birds/`, `coins/`), sorted `--into DEST`: the folders
are offered as clusters and filed in one batch that one undo takes back, over real HTTP with
real files (and in copy mode, where the source must not change)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from unwritable import unwritable

from photosort.session.sourcefolders import folders_of


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _half_sorted(make_library: Any) -> Any:
    """DEST has a `birds` cluster; SOURCE has birds/ (3), coins/ (2) and two loose photos."""
    lib = make_library(clusters={"birds": 2}, loose=2, into=True)
    lib.folders = {"birds": [], "coins": []}
    for folder, n in (("birds", 3), ("coins", 2)):
        for i in range(n):
            rel = f"{folder}/DSC_{i:04d}.jpg"
            lib.add(rel)
            lib.folders[folder].append(rel)
    return lib


def test_source_folders_file_as_one_batch_and_undo_whole(make_library, start_server):
    lib = _half_sorted(make_library)
    before = {rel: _sha(lib.source / rel) for rels in lib.folders.values() for rel in rels}
    srv = start_server(lib)
    c = srv.client

    offer = c.get("/api/source-folders").json()
    assert offer == {
        "folders": [
            {"folder": "birds", "count": 3, "exists": True},
            {"folder": "coins", "count": 2, "exists": False},
        ],
        "photos": 5,
    }

    r = c.post("/api/source-folders/file", json={})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["moved"] == 5 and body["stats"]["queued"] == 2  # the loose two stay queued
    assert {f["cluster"]: sorted(f["moved"]) for f in body["clusters"]} == lib.folders
    for rel, digest in before.items():
        assert _sha(lib.dest / rel) == digest  # birds/DSC_0000.jpg -> DEST/birds/DSC_0000.jpg
        assert not (lib.source / rel).exists()
    assert len(list((lib.dest / "birds").iterdir())) == 2 + 3  # seeds kept beside them
    lines = [x for x in lib.journal() if x.get("batch") == body["batch"]]
    assert [x["type"] for x in lines[:2]] == ["folders-batch-start", "cluster-create"]
    assert lines[-1]["type"] == "folders-batch-end"
    moves = [x for x in lines if x["type"] == "assign"]
    assert len(moves) == 5 and {(x["by"], x["mode"]) for x in moves} == {("manual", "folders")}
    assert c.get("/api/source-folders").json() == {"folders": [], "photos": 0}
    clusters = {x["name"]: x["count"] for x in c.get("/api/session").json()["clusters"]}
    assert clusters == {"birds": 5, "coins": 2}

    r = c.post("/api/undo", json={})  # the newest action: the whole batch
    assert r.status_code == 200, r.text
    for rel, digest in before.items():
        assert _sha(lib.source / rel) == digest
    assert not (lib.dest / "coins").exists()  # made by the batch, gone with it
    assert sorted(p.name for p in (lib.dest / "birds").iterdir()) == sorted(
        Path(m).name for m in lib.clusters["birds"]
    )
    assert c.get("/api/source-folders").json()["photos"] == 5
    r = c.post("/api/undo", json={})
    assert r.status_code == 409  # nothing older than the batch: it was one action


def test_only_the_folders_asked_for(make_library, start_server):
    lib = _half_sorted(make_library)
    c = start_server(lib).client
    r = c.post("/api/source-folders/file", json={"folders": ["coins", "nope"]})
    assert r.status_code == 200, r.text
    assert [f["cluster"] for f in r.json()["clusters"]] == ["coins"]
    assert (lib.source / "birds").is_dir() and len(list((lib.source / "birds").iterdir())) == 3
    assert not any((lib.source / "coins").iterdir())


def test_nothing_to_offer_when_dest_is_source(make_library, start_server):
    lib = make_library()  # its folders are its clusters
    c = start_server(lib).client
    assert c.get("/api/source-folders").json() == {"folders": [], "photos": 0}
    r = c.post("/api/source-folders/file", json={})
    assert r.status_code == 404 and r.json()["error"]["message"]


def test_copy_mode_copies_and_never_touches_source(make_library):
    lib = _half_sorted(make_library)
    before = {p: _sha(p) for p in lib.source.rglob("*") if p.is_file()}
    s = lib.open(copy=True)
    batch, per_cluster, _ = s.file_source_folders()
    assert {c: len(recs) for c, recs in per_cluster.items()} == {"birds": 3, "coins": 2}
    assert {p: _sha(p) for p in lib.source.rglob("*") if p.is_file()} == before
    for rels in lib.folders.values():
        for rel in rels:
            assert _sha(lib.dest / rel) == before[lib.source / rel]
    assert s.source_folders() == {}  # copied photos leave the queue
    s.undo(batch=batch)
    assert not (lib.dest / "coins").exists()
    assert not any((lib.dest / rel).exists() for rel in lib.folders["birds"])
    assert {p: _sha(p) for p in lib.source.rglob("*") if p.is_file()} == before


def test_a_folder_no_cluster_can_be_named_after_stays_queued():
    items = ["a.jpg", "birds/1.jpg", "birds/2.jpg", "CON/3.jpg", "trail. /4.jpg", " pad/5.jpg"]
    assert folders_of(items) == {"birds": ["birds/1.jpg", "birds/2.jpg"]}


def test_source_folders_that_cannot_be_filed_say_which_photos_and_why(make_library, start_server):
    lib = _half_sorted(make_library)
    c = start_server(lib).client
    with unwritable() as mark:
        mark(lib.dest / "birds")  # coins/ is made, birds/ cannot take a photo
        r = c.post("/api/source-folders/file", json={})
        assert r.status_code == 200, r.text
        body = r.json()
        assert sorted(f["item"] for f in body["failed"]) == sorted(lib.folders["birds"])
        assert body["moved"] == 2 and all(f["reason"] for f in body["failed"])
        assert all((lib.source / rel).is_file() for rel in lib.folders["birds"])
        r = c.post("/api/source-folders/file", json={"folders": ["birds"]})
    assert r.status_code == 409, r.text
    error = r.json()["error"]
    assert error["code"] == "moves_failed"
    assert sorted(f["item"] for f in error["failed"]) == sorted(lib.folders["birds"])
