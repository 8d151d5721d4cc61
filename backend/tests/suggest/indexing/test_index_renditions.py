"""One decode, every artifact: indexing leaves each queued photo's thumb and preview in the
rendition cache, and the image route then serves them without decoding anything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image

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


def test_every_queued_photo_has_its_renditions_after_indexing(
    make_library: Any, effnet: Embedder, start_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = make_library(clusters={"birds": 3, "coins": 3}, loose=6)
    _add_large_photo(lib, "BIG_0001.jpg")
    services: list[SuggestionService] = []

    def indexed(session: Session) -> SuggestionService:
        service = SuggestionService(session, lambda: (effnet, "test"), batch_size=4)
        service.load_embedder()
        service.index_pending()
        services.append(service)
        return service

    server = start_server(lib, engine=indexed)
    service = services[0]
    queued = service.session.queue_items()
    assert len(queued) == 7

    cache = lib.clustering / "cache"
    # Queued photos only: the cluster members' renditions are rendered on request.
    assert len(_cached(cache, "thumb")) == 7
    assert len(_cached(cache, "preview")) == 7
    fp = service.fingerprints.of(lib.source / "BIG_0001.jpg")
    preview = cache / "preview" / fp[:2] / f"{fp}.jpg"
    thumb = cache / "thumb" / fp[:2] / f"{fp}.jpg"
    with Image.open(preview) as im:
        assert im.format == "JPEG" and im.size == (1600, 1200)
    with Image.open(thumb) as im:
        assert im.size == (256, 192)
    assert all(service.suggestions(queued).values()), "the embeddings came from the same decode"

    # A request is now a cache read: decoding would fail the test.
    def no_decode(*args: object, **kwargs: object) -> Image.Image:
        raise AssertionError("the image route decoded a photo that indexing had rendered")

    monkeypatch.setattr("photosort.media.renditions.open_image", no_decode)
    r = server.client.get("/api/image/BIG_0001.jpg", params={"size": "preview"})
    assert r.status_code == 200 and r.content == preview.read_bytes()
    r = server.client.get("/api/image/BIG_0001.jpg", params={"size": "thumb"})
    assert r.status_code == 200 and r.content == thumb.read_bytes()
    # A cluster member was not rendered by indexing: it still renders on request, as before.
    monkeypatch.undo()
    member = lib.clusters["birds"][0]
    r = server.client.get(f"/api/image/{member}", params={"size": "preview"})
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    assert len(_cached(cache, "preview")) == 8


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
