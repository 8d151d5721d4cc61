"""A large source's first walk: the first photos found are served while it goes on, the
queue says its total is still being counted, and an action asked meanwhile waits for the walk
(then files the photo as usual)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

import photosort.session.scan as scan_module
from photosort.session.engine import Session


def slowed_walk(monkeypatch: pytest.MonkeyPatch, source: Path) -> threading.Event:
    """The walk stops before each source folder after the first one holding photos, until the
    returned gate opens: a walk of a million photos, in slow motion."""
    gate = threading.Event()
    real = scan_module._list
    listed: list[str] = []

    def listing(folder: str, *args: Any) -> Any:
        if listed:
            assert gate.wait(20), "the test never opened the gate"
        out = real(folder, *args)
        if folder.startswith(str(source)) and out[0]:
            listed.append(folder)
        return out

    monkeypatch.setattr(scan_module, "_list", listing)
    monkeypatch.setattr(scan_module, "EARLY", 3)
    return gate


def test_first_photos_served_while_the_walk_goes_on(
    make_library: Any, start_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = make_library(clusters={"birds": 2}, loose=9, into=True, nested=True)
    gate = slowed_walk(monkeypatch, lib.source)
    server = start_server(lib, scan_cache=True)  # the session opened as `serve` opens it
    try:
        page = server.client.get("/api/queue").json()
        # one camera folder walked so far: its three photos, the total not final
        assert page["counting"] is True and page["total"] == 3
        shown = [it["item"] for it in page["items"]]
        assert len(shown) == 3 and set(shown) <= set(lib.loose)
        stats = server.client.get("/api/session").json()["stats"]
        assert stats["counting"] is True and stats["queued"] == 3
        first = page["items"][0]["item"]

        filed: dict[str, Any] = {}

        def assign() -> None:
            with server.new_client() as c:
                r = c.post("/api/assign", json={"item": first, "cluster": "birds"})
                filed["status"], filed["body"] = r.status_code, r.json()

        t = threading.Thread(target=assign)
        t.start()
        t.join(0.5)
        assert t.is_alive() and not (lib.dest / "birds" / Path(first).name).exists()
        gate.set()
        t.join(20)
        assert filed["status"] == 200, filed
        assert (lib.dest / "birds" / Path(first).name).is_file()
        assert not (lib.source / first).exists()
        assert [r["type"] for r in lib.journal()].count("assign") == 1
        page = server.client.get("/api/queue").json()
        assert page["counting"] is False and page["total"] == 8
        assert first not in [it["item"] for it in page["items"]]
        stats = server.client.get("/api/session").json()["stats"]
        assert stats["queued"] == 8 and stats.get("counting") is False
    finally:
        gate.set()


def test_a_small_source_opens_counted(make_library: Any) -> None:
    lib = make_library(clusters={"birds": 2}, loose=4, into=True, nested=True)
    session = Session(lib.source, lib.into, scan_cache=True)
    try:
        assert session.queue_page(0, 50)[1:] == (4, False)
        assert "counting" not in session.stats()
    finally:
        session.close()


def test_scan_shows_the_first_photos_of_a_flat_folder_still_being_listed(
    make_library: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """dest == source, one flat folder: the early photos come from the folder being listed,
    never from its cluster folders, and the whole scan is unchanged."""
    lib = make_library(clusters={"birds": 2}, loose=12)
    monkeypatch.setattr(scan_module, "EARLY", 4)
    monkeypatch.setattr(scan_module, "PEEK_EVERY", 2)
    early: list[scan_module.ScanResult] = []
    whole = scan_module.scan(lib.source, lib.dest, early.append)
    assert len(early) == 1
    shown = early[0].queued
    assert 4 <= len(shown) < 12 and shown <= set(lib.loose)
    assert whole.queued == set(lib.loose) and set(whole.members) == {"birds"}
    assert scan_module.scan(lib.source, lib.dest).queued == whole.queued
