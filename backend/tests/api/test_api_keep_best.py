"""Keep-best among equally good files keeps the original name, then the oldest: the copy a
Finder, Explorer or camera app made is the one trashed. Real photos, a real server."""

from __future__ import annotations

import os
from typing import Any

import pytest
from unwritable import unwritable


@pytest.fixture
def copies_server(make_library: Any, start_server: Any, engine: Any) -> Any:
    """Three groups of byte-identical files: an original beside each kind of copy name (the
    copies made older, so the name and not the age decides), and two plain names of which
    `y2.jpg` is the older."""
    lib = make_library(clusters={"birds": 3, "coins": 3}, loose=0)
    a, b, c = lib.next_photo(), lib.next_photo(), lib.next_photo()
    lib.groups = {
        "IMG_0005.jpg": ["IMG_0005 copy.jpg", "IMG_0005 copy 2.jpg"],
        "IMG_7.jpg": ["IMG_7 (2).jpg", "IMG_7-1.jpg", "IMG_7_1.jpg"],
        "y2.jpg": ["y1.jpg"],
    }
    for src, (original, copies) in zip((a, b, c), lib.groups.items(), strict=True):
        for n, name in enumerate([original, *copies]):
            lib.add(name, src=src)
            # a copy is older than its original; y2.jpg is older than y1.jpg
            age = 1_000 * n if original != "y2.jpg" else 1_000 * (1 - n)
            then = 1_700_000_000 - age
            os.utime(lib.source / name, (then, then))
    server = start_server(lib, engine=engine)
    server.lib = lib
    return server


def test_keep_best_keeps_the_original_name_then_the_oldest(copies_server: Any) -> None:
    c, lib = copies_server.client, copies_server.lib
    groups = c.get("/api/duplicates").json()["groups"]
    best = {frozenset(i["item"] for i in g["items"]): g["best"] for g in groups}
    for original, copies in lib.groups.items():
        assert best[frozenset([original, *copies])] == original
    for original, copies in lib.groups.items():
        r = c.post("/api/duplicates/keep-best", json={"items": sorted([original, *copies])})
        assert r.status_code == 200, r.text
        assert r.json()["kept"] == original
        assert (lib.source / original).is_file()
        assert sorted(p.name for p in lib.trash.iterdir() if p.name in copies) == sorted(copies)


def test_keep_best_whose_trashing_fails_says_which_photo_and_why(copies_server: Any) -> None:
    c, lib = copies_server.client, copies_server.lib
    copies = lib.groups["IMG_7.jpg"]
    with unwritable() as mark:
        mark(lib.source / copies[0])  # an immutable file cannot be moved to the trash
        r = c.post("/api/duplicates/keep-best", json={"items": ["IMG_7.jpg", *copies]})
        assert r.status_code == 200, r.text
        body = r.json()
        assert [f["item"] for f in body["failed"]] == [copies[0]] and body["failed"][0]["reason"]
        assert sorted(body["trashed"]) == sorted(copies[1:])
        assert (lib.source / copies[0]).is_file()
        mark(lib.source / "y1.jpg")
        r = c.post("/api/duplicates/keep-best", json={"items": ["y1.jpg", "y2.jpg"]})
    assert r.status_code == 409, r.text
    assert r.json()["error"]["failed"][0]["item"] == "y1.jpg"
    assert (lib.source / "y1.jpg").is_file()
