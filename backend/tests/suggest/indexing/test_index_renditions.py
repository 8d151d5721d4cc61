"""One decode, every artifact it can give cheaply: indexing leaves each queued photo's thumb in
the rendition cache from the decode the model needs; the server keeps the previews of the
photos just ahead of the reviewer ready (refilled as photos are filed), so the image route
serves both without decoding anything. Previews of photos far down the queue are not made
until asked for."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from photosort.api import ahead
from photosort.media import open_image
from photosort.ml.embedder import Embedder
from photosort.session.engine import Session
from photosort.suggest.service import SuggestionService


def _cached(cache: Path, size: str) -> list[Path]:
    return sorted((cache / size).rglob("*.jpg")) if (cache / size).is_dir() else []


def _add_large_photo(lib: Any, name: str) -> None:
    """A real photo upscaled past the preview edge, so the renditions really shrink it."""
    src = next(lib.source.glob("IMG_*.jpg"))
    with Image.open(src) as im:
        im.convert("RGB").resize((3000, 2250), Image.Resampling.BICUBIC).save(
            lib.source / name, quality=90
        )


def _wait_for(path: Path, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not path.is_file():
        assert time.monotonic() < deadline, f"{path.name} was never made"
        time.sleep(0.05)


def test_thumbs_come_from_indexing_and_previews_ahead_of_the_reviewer(
    make_library: Any, effnet: Embedder, start_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ahead, "AHEAD", 2)
    lib = make_library(clusters={"birds": 3, "coins": 3}, loose=6)
    _add_large_photo(lib, "AAA_0001.jpg")  # first in the queue's order
    services: list[SuggestionService] = []

    def indexed(session: Session) -> SuggestionService:
        service = SuggestionService(session, lambda: (effnet, "test"), batch_size=4)
        service.load_embedder()
        service.index_pending()
        services.append(service)
        return service

    cache = lib.clustering / "cache"
    server = start_server(lib, engine=indexed)
    service = services[0]
    queued = service.session.queue_items()
    assert len(queued) == 7 and queued[0] == "AAA_0001.jpg"
    # Every queued photo's thumb, from the decode the model needed.
    assert len(_cached(cache, "thumb")) == 7
    fps = [service.fingerprints.of(lib.source / i) for i in queued]
    previews = [cache / "preview" / fp[:2] / f"{fp}.jpg" for fp in fps]
    # The previews of the next two photos are made ahead; none further down the queue.
    _wait_for(previews[0])
    _wait_for(previews[1])
    assert not any(p.is_file() for p in previews[2:])
    thumb = cache / "thumb" / fps[0][:2] / f"{fps[0]}.jpg"
    with Image.open(previews[0]) as im:
        assert im.format == "JPEG" and im.size == (1600, 1200)
    with Image.open(thumb) as im:  # from the 1/8 draft: 375 x 282, its rounding kept
        assert im.size[0] == 256 and im.size[1] in (192, 193)
    assert all(service.suggestions(queued).values()), "the embeddings came from the same decode"

    # Filing the photo on screen brings the next one into the window.
    r = server.client.post("/api/assign", json={"item": queued[0], "cluster": "birds"})
    assert r.status_code == 200
    _wait_for(previews[2])
    assert not any(p.is_file() for p in previews[3:])

    # A request for a photo ahead is now a cache read: decoding would fail the test.
    def no_decode(*args: object, **kwargs: object) -> Image.Image:
        raise AssertionError("the image route decoded a photo rendered ahead")

    monkeypatch.setattr("photosort.media.renditions.open_image", no_decode)
    r = server.client.get(f"/api/image/{queued[1]}", params={"size": "preview"})
    assert r.status_code == 200 and r.content == previews[1].read_bytes()
    r = server.client.get(f"/api/image/{queued[5]}", params={"size": "thumb"})
    assert (
        r.status_code == 200
        and r.content == (cache / "thumb" / fps[5][:2] / f"{fps[5]}.jpg").read_bytes()
    )
    # A photo far down the queue renders its preview on request, as a cluster member does.
    monkeypatch.setattr("photosort.media.renditions.open_image", open_image)
    r = server.client.get(f"/api/image/{queued[6]}", params={"size": "preview"})
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    assert previews[6].is_file()


def test_a_cache_that_cannot_be_written_costs_no_suggestion(
    make_library: Any, effnet: Embedder
) -> None:
    lib = make_library(clusters={"birds": 2, "coins": 2}, loose=4)
    lib.clustering.mkdir(exist_ok=True)
    (lib.clustering / "cache").write_bytes(b"not a folder")  # every rendition write fails
    session = lib.open()
    service = SuggestionService(session, lambda: (effnet, "test"), batch_size=4)
    service.load_embedder()
    service.index_pending()
    queued = session.queue_items()
    assert all(service.suggestions(queued).values())
    assert service.progress()["failed"] == 0
    service.close()


def test_renditions_can_be_left_out(make_library: Any, effnet: Embedder) -> None:
    lib = make_library(clusters={"birds": 2}, loose=3)
    session = lib.open()
    service = SuggestionService(session, lambda: (effnet, "test"), renditions=False)
    service.load_embedder()
    service.index_pending()
    assert not list(lib.clustering.rglob("*.jpg"))
    assert service.progress()["queue_done"] == 3
    service.close()


def test_while_the_model_loads_only_the_preview_on_screen_is_made(
    make_library: Any, effnet: Embedder, start_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window's decodes would be taken from the model's load (a slower first
    suggestion): the photo on screen only, then the whole window once the model is there."""
    monkeypatch.setattr(ahead, "AHEAD", 3)
    lib = make_library(clusters={"birds": 2, "coins": 2}, loose=5)
    loaded = threading.Event()
    services: list[SuggestionService] = []

    def slow_to_load(session: Session) -> SuggestionService:
        def load() -> tuple[Embedder, str]:
            assert loaded.wait(30), "the test never let the model load"
            return effnet, "test"

        service = SuggestionService(session, load, batch_size=4)
        service.run_in_background()
        services.append(service)
        return service

    cache = lib.clustering / "cache"
    server = start_server(lib, engine=slow_to_load)
    try:
        queued = services[0].session.queue_items()
        fps = [services[0].fingerprints.of(lib.source / i) for i in queued]
        previews = [cache / "preview" / fp[:2] / f"{fp}.jpg" for fp in fps]
        _wait_for(previews[0])
        time.sleep(1.0)  # time enough for the window, were it filled
        assert server.client.get("/api/session").json()["embedder"]["status"] == "loading"
        assert not any(p.is_file() for p in previews[1:])
    finally:
        loaded.set()
    for p in previews[1:3]:
        _wait_for(p)
    assert not any(p.is_file() for p in previews[3:])


def test_the_window_waits_for_the_first_batch_not_for_a_step_that_only_linked() -> None:
    """Indexing publishes progress when a step links cached vectors too (nothing embedded):
    the window must not start its decodes beside the first batch's forward pass."""
    step_linked = {"type": "indexing", "progress": {"queue_done": 0, "running": True}}
    first_batch = {"type": "indexing", "progress": {"queue_done": 1, "running": True}}
    stopped = {"type": "indexing", "progress": {"queue_done": 0, "running": False}}
    assert not ahead._first_batch_landed(step_linked)
    assert ahead._first_batch_landed(first_batch)
    assert ahead._first_batch_landed(stopped)
