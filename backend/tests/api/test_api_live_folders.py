"""Live folders: files copied into the source while `serve` runs join the
queue within about a second, half-written files wait until whole, files removed or renamed by
another program leave quietly, our own moves cause no churn, and nothing is ever a 5xx."""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest


def _queue(client: httpx.Client) -> list[str]:
    r = client.get("/api/queue", params={"limit": 1000})
    assert r.status_code == 200, r.text
    return [i["item"] for i in r.json()["items"]]


def _wait_for(predicate: Any, timeout: float) -> float | None:
    """Seconds until `predicate()` held, or None when it never did within `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.05)
    return None


class Events:
    """The SSE stream of a live server, read in a thread: event names and payloads."""

    def __init__(self, url: str) -> None:
        self.seen: list[tuple[str, dict[str, Any]]] = []
        self._response: httpx.Response
        self._hello = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, args=(url,), daemon=True)
        self._thread.start()
        assert self._hello.wait(10), "no hello event"

    def _read(self, url: str) -> None:
        try:
            with httpx.stream("GET", f"{url}/api/events", timeout=30) as r:
                self._response = r
                name = None
                for line in r.iter_lines():
                    if self._stop.is_set():
                        return
                    if line.startswith("event:"):
                        name = line.split(":", 1)[1].strip()
                    elif line.startswith("data:") and name:
                        self.seen.append((name, json.loads(line.split(":", 1)[1])))
                        if name == "hello":
                            self._hello.set()
        except Exception:  # closed under the reader by `close`
            return

    def named(self, name: str) -> list[dict[str, Any]]:
        return [data for n, data in list(self.seen) if n == name]

    def close(self) -> None:
        """End the stream now: the server's shutdown would wait for it."""
        self._stop.set()
        self._response.close()


class Hammer:
    """Another tab polling the queue and its images the whole time: every status it got."""

    def __init__(self, client: httpx.Client) -> None:
        self.statuses: list[tuple[int, str]] = []
        self._client, self._stop = client, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._round()
            except httpx.TransportError:
                return  # the server stopped under a failed test

    def _round(self) -> None:
        r = self._client.get("/api/queue", params={"limit": 1000})
        self.statuses.append((r.status_code, "/api/queue"))
        for item in [i["item"] for i in r.json().get("items", [])][:8]:
            for path in (f"/api/image/{item}?size=thumb", f"/api/items/{item}"):
                got = self._client.get(path)
                self.statuses.append((got.status_code, path))

    def server_errors(self) -> list[tuple[int, str]]:
        self._stop.set()
        self._thread.join(10)
        assert len(self.statuses) > 3, "the hammer never ran"
        return [s for s in self.statuses if s[0] >= 500]


@pytest.fixture
def listen(start_server: Any) -> Iterator[Any]:
    """`listen(url)` opens an event stream, closed before the server stops."""
    opened: list[Events] = []

    def open_stream(url: str) -> Events:
        opened.append(Events(url))
        return opened[-1]

    yield open_stream
    for events in opened:
        events.close()


def test_a_photo_copied_in_joins_the_queue_within_about_a_second(
    make_library, start_server, listen
):
    lib = make_library(loose=3, into=True)
    srv = start_server(lib, watch=True)
    events = listen(srv.url)
    hammer = Hammer(srv.new_client())
    c = srv.client
    shutil.copyfile(lib.next_photo(), lib.source / "IMG_0100.jpg")
    took = _wait_for(lambda: "IMG_0100.jpg" in _queue(c), 2.0)
    assert took is not None, _queue(c)
    changed = _wait_for(lambda: events.named("queue-changed"), 2.0)
    assert changed is not None and events.named("queue-changed")[0]["appeared"] == 1
    assert events.named("queue-changed")[0]["stats"]["queued"] == 4
    # A folder moved in whole (one rename: the watcher names only the folder).
    trip = lib.root / "staging" / "trip"
    for name in ("a.jpg", "b.jpg"):
        lib.add(name, under=trip)
    (trip / "notes.txt").write_text("not a photo")
    (trip / ".hidden.jpg").write_bytes(lib.next_photo().read_bytes())
    os.rename(trip, lib.source / "trip")
    assert _wait_for(lambda: {"trip/a.jpg", "trip/b.jpg"} <= set(_queue(c)), 2.0), _queue(c)
    # It is a photo like any other: shown and filed at once.
    assert c.get("/api/image/trip/a.jpg", params={"size": "preview"}).status_code == 200
    r = c.post("/api/assign", json={"item": "IMG_0100.jpg", "cluster": "coins"})
    assert r.status_code == 200, r.text
    assert (lib.dest / "coins" / "IMG_0100.jpg").is_file()
    time.sleep(0.8)
    assert sorted(_queue(c)) == sorted([*lib.loose, "trip/a.jpg", "trip/b.jpg"])
    assert hammer.server_errors() == []


def test_a_file_written_slowly_is_queued_only_once_whole(make_library, start_server):
    lib = make_library(loose=2, into=True)
    srv = start_server(lib, watch=True)
    hammer = Hammer(srv.new_client())
    c = srv.client
    data = lib.next_photo().read_bytes()
    target = lib.source / "SLOW_0001.jpg"
    chunks = [data[i : i + max(1, len(data) // 12)] for i in range(0, len(data), len(data) // 12)]
    early: list[int] = []
    with open(target, "wb") as fh:
        for chunk in chunks:  # ~1.5 s of writing, a chunk every 0.12 s
            fh.write(chunk)
            fh.flush()
            if "SLOW_0001.jpg" in _queue(c):
                early.append(fh.tell())
            time.sleep(0.12)
    assert early == [], f"queued while only {early[0]} of {len(data)} bytes were written"
    assert _wait_for(lambda: "SLOW_0001.jpg" in _queue(c), 2.0) is not None, _queue(c)
    r = c.get("/api/image/SLOW_0001.jpg", params={"size": "original"})
    assert r.status_code == 200 and r.content == data
    item = c.get("/api/items/SLOW_0001.jpg").json()
    assert item.get("decode_error") is None, item
    assert hammer.server_errors() == []


def test_a_copy_that_stalls_mid_file_waits_for_its_writer_to_close_it(make_library, start_server):
    """A card reader or a network share that stalls for seconds mid-copy: the file sits
    still, half-written, with its writer still holding it open. It is not queued until the
    writer closes it, however long the stall."""
    lib = make_library(loose=2, into=True)
    srv = start_server(lib, watch=True)
    c = srv.client
    data = lib.next_photo().read_bytes()
    half = len(data) // 2
    with open(lib.source / "STALL_0001.jpg", "wb") as fh:
        fh.write(data[:half])
        fh.flush()
        stalled = time.monotonic()
        while time.monotonic() - stalled < 2.5:  # longer than any stillness window but one
            assert "STALL_0001.jpg" not in _queue(c), "queued while only half was written"
            time.sleep(0.1)
        fh.write(data[half:])
    assert _wait_for(lambda: "STALL_0001.jpg" in _queue(c), 2.0) is not None, _queue(c)
    r = c.get("/api/image/STALL_0001.jpg", params={"size": "original"})
    assert r.status_code == 200 and r.content == data
    assert c.get("/api/items/STALL_0001.jpg").json()["decode_error"] is None


def test_a_queued_photo_written_again_is_never_filed_half_written_and_is_read_afresh(
    make_library, start_server, listen
):
    """A queued photo another program writes again in place (an editor saving over it, a
    sync client updating it): filing it while it differs from what was shown answers 409
    "still being written" and moves nothing; once whole again it is announced as rewritten,
    shown as it is now, and files normally."""
    lib = make_library(loose=3, into=True)
    srv = start_server(lib, watch=True)
    events = listen(srv.url)
    c = srv.client
    item = lib.loose[0]
    assert item in _queue(c)  # shown: what a filing will move is this file as it is now
    before = lib.contents()
    data = lib.next_photo().read_bytes()
    with open(lib.source / item, "wb") as fh:
        fh.write(data[: len(data) // 3])
        fh.flush()
        time.sleep(0.5)
        for body in ({"item": item, "cluster": "coins"}, {"item": item}):
            path = "/api/assign" if "cluster" in body else "/api/delete"
            r = c.post(path, json=body)
            assert r.status_code == 409, r.text
            assert "still being written" in r.json()["error"]["message"]
        fh.write(data[len(data) // 3 :])
    assert lib.journal() == []
    assert (lib.source / item).read_bytes() == data
    assert _wait_for(lambda: events.named("queue-changed"), 3.0) is not None
    assert [e.get("rewritten") for e in events.named("queue-changed")] == [[item]]
    assert events.named("queue-changed")[0]["appeared"] == 0
    assert c.get(f"/api/image/{item}", params={"size": "original"}).content == data
    assert c.get(f"/api/items/{item}").json()["decode_error"] is None
    r = c.post("/api/assign", json={"item": item, "cluster": "coins"})
    assert r.status_code == 200, r.text
    assert (lib.dest / "coins" / Path(item).name).read_bytes() == data
    assert len(lib.contents()) == len(before)


def test_files_removed_or_renamed_by_another_program_leave_quietly(
    make_library, start_server, listen
):
    lib = make_library(loose=6, into=True, nested=True)
    srv = start_server(lib, watch=True)
    events = listen(srv.url)
    hammer = Hammer(srv.new_client())
    c = srv.client
    gone, renamed = lib.loose[0], lib.loose[1]
    os.unlink(lib.source / gone)
    new_name = str(Path(renamed).with_name("RENAMED.jpg"))
    os.rename(lib.source / renamed, lib.source / new_name)
    expected = {*lib.loose[2:], new_name}
    assert _wait_for(lambda: set(_queue(c)) == expected, 2.0), _queue(c)
    # A whole folder renamed away, out of the source: its photos leave too.
    folder = lib.loose[2].split("/")[0]
    os.rename(lib.source / folder, lib.root / "elsewhere")
    expected = {i for i in expected if not i.startswith(f"{folder}/")}
    assert _wait_for(lambda: set(_queue(c)) == expected, 2.0), _queue(c)
    # Acting on a photo that left is a clear 404, never a 500 or a journal line.
    r = c.post("/api/assign", json={"item": gone, "cluster": "birds"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert lib.journal() == []
    assert c.get("/api/session").json()["stats"]["queued"] == len(expected)
    changes = events.named("queue-changed")
    assert (sum(e["appeared"] for e in changes), sum(e["vanished"] for e in changes)) == (1, 4)
    assert hammer.server_errors() == []


def test_our_own_moves_cause_no_churn(make_library, start_server, listen):
    """Files the session itself moves (assign, trash, undo) are seen by the watcher too; they
    must not come back as queue changes, nor lose or duplicate a photo. dest == source, so the
    moves land inside the watched tree."""
    lib = make_library(loose=4)
    srv = start_server(lib, watch=True)
    events = listen(srv.url)
    c = srv.client
    before = lib.contents()
    a, b = lib.loose[0], lib.loose[1]
    assert c.post("/api/assign", json={"item": a, "cluster": "birds"}).status_code == 200
    assert c.post("/api/delete", json={"item": b}).status_code == 200
    assert c.post("/api/undo", json={}).status_code == 200  # b back from the trash
    assert c.post("/api/assign", json={"item": lib.loose[2], "cluster": "x", "create": True})
    time.sleep(1.5)  # every watcher batch of those moves has been handled
    assert events.named("queue-changed") == []
    assert sorted(_queue(c)) == sorted([b, lib.loose[3]])
    assert lib.contents() == before


def test_a_watcher_that_cannot_start_falls_back_to_the_rescan(
    make_library, start_server, monkeypatch, caplog
):
    """The inotify watch limit (or a file system without events): one log line, and files
    still arrive through the periodic rescan, still only once whole."""
    from photosort.session import watch

    def no_inotify(
        source: Path, folders: list[str], stop: threading.Event
    ) -> Iterator[set[tuple[Any, str]]]:
        raise OSError(28, "inotify watch limit reached")
        yield set()  # pragma: no cover - makes this a generator, as watchfiles' is

    monkeypatch.setattr(watch, "_watch", no_inotify)
    caplog.set_level(logging.INFO, logger="photosort")
    lib = make_library(loose=2, into=True)
    srv = start_server(lib, watch=True, rescan_interval=0.5)
    c = srv.client
    lib.add("IMG_0200.jpg")
    assert _wait_for(lambda: "IMG_0200.jpg" in _queue(c), 4.0) is not None, _queue(c)
    lines = [r for r in caplog.records if "live folders paused" in r.getMessage()]
    assert len(lines) == 1 and "inotify watch limit reached" in lines[0].getMessage()
    assert lines[0].levelno == logging.WARNING and lines[0].exc_info is None


def test_a_raw_jpeg_group_copied_in_joins_once_with_its_badge(make_library, start_server):
    """A camera dump copied in while serving: the RAW+JPEG+XMP shot is ONE queue item (the
    JPEG its face), whichever file arrived first; filing it moves every file."""
    from groupfiles import raw_group

    lib = make_library(loose=2, into=True)
    srv = start_server(lib, watch=True)
    staging = lib.root / "staging"
    files = raw_group(staging, "IMG_0900", 3)
    with httpx.Client(base_url=srv.url, timeout=10) as c:
        # The RAW lands first and is queued alone; its JPEG twin then takes over as the face.
        shutil.copyfile(files[0], lib.source / "IMG_0900.CR2")
        assert _wait_for(lambda: "IMG_0900.CR2" in _queue(c), 5) is not None
        for f in files[1:]:
            shutil.copyfile(f, lib.source / f.name)
        assert _wait_for(lambda: "IMG_0900.JPG" in _queue(c), 5) is not None
        items = {i["item"]: i for i in c.get("/api/queue", params={"limit": 100}).json()["items"]}
        assert "IMG_0900.CR2" not in items
        assert items["IMG_0900.JPG"]["group"]["badge"] == "RAW+JPEG · XMP"
        r = c.post("/api/assign", json={"item": "IMG_0900.JPG", "cluster": "coins"})
        assert r.status_code == 200, r.text
    moved = sorted(p.name for p in (lib.dest / "coins").glob("IMG_0900*"))
    assert moved == ["IMG_0900.CR2", "IMG_0900.CR2.xmp", "IMG_0900.JPG", "IMG_0900.xmp"]
    assert not list(lib.source.glob("IMG_0900*"))


def test_photos_copied_into_subfolders_join_through_the_watcher_alone(make_library, start_server):
    """Each folder the scan looks into is watched by itself (a recursive watch walks every
    entry below the source holding the GIL: 2.8 s frozen beside a million photos). A camera
    folder there at start and a folder moved in while serving both bring their newcomers in,
    with no periodic rescan to fall back on."""
    lib = make_library(loose=4, into=True, nested=True)
    srv = start_server(lib, watch=True, rescan_interval=0)  # the watcher alone
    c = srv.client
    camera = Path(lib.loose[0]).parent.as_posix()
    time.sleep(0.5)
    shutil.copyfile(lib.next_photo(), lib.source / camera / "IMG_0300.jpg")
    assert _wait_for(lambda: f"{camera}/IMG_0300.jpg" in _queue(c), 3.0) is not None, _queue(c)
    trip = lib.root / "staging" / "trip2"
    lib.add("a.jpg", under=trip)
    os.rename(trip, lib.source / "trip2")
    assert _wait_for(lambda: "trip2/a.jpg" in _queue(c), 3.0) is not None, _queue(c)
    shutil.copyfile(lib.next_photo(), lib.source / "trip2" / "b.jpg")  # the new folder's own
    assert _wait_for(lambda: "trip2/b.jpg" in _queue(c), 4.0) is not None, _queue(c)
