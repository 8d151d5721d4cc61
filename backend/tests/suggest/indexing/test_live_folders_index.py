"""Live folders meet indexing: a photo copied in while `serve` runs is embedded at once (not at
the indexer's idle rescan a minute later) and gets its suggestions and renditions."""

from __future__ import annotations

import shutil
import time
from typing import Any

from photosort.ml.embedder import Embedder
from photosort.session.engine import Session
from photosort.suggest.indexing import indexer
from photosort.suggest.service import SuggestionService


def _queued(client: Any) -> dict[str, Any]:
    r = client.get("/api/queue", params={"limit": 1000})
    assert r.status_code == 200, r.text
    return {i["item"]: i for i in r.json()["items"]}


def _serve_indexed(
    lib: Any, effnet: Embedder, start_server: Any
) -> tuple[Any, list[SuggestionService]]:
    """A live-folder server whose suggestions are indexed before it answers; the service it
    made is in the list."""
    services: list[SuggestionService] = []

    def engine(session: Session) -> SuggestionService:
        service = SuggestionService(session, lambda: (effnet, "test"), batch_size=4)
        service.run_in_background()
        assert service.wait_idle(60)
        services.append(service)
        return service

    return start_server(lib, engine=engine, watch=True), services


def test_a_photo_copied_in_gets_suggestions_promptly(
    make_library: Any, effnet: Embedder, start_server: Any
) -> None:
    assert indexer.IDLE_RESCAN_S >= 30  # what "promptly" is measured against
    lib = make_library(clusters={"birds": 3, "coins": 3}, loose=2, into=True)
    srv, services = _serve_indexed(lib, effnet, start_server)
    assert all(i["suggestions"] for i in _queued(srv.client).values())
    photo = lib.next_photo()
    started = time.monotonic()
    shutil.copyfile(photo, lib.source / "NEW_0001.jpg")
    deadline = started + 20
    while True:
        item = _queued(srv.client).get("NEW_0001.jpg")
        if item and item["suggestions"]:
            break
        assert time.monotonic() < deadline, item
        time.sleep(0.1)
    assert item["decode_error"] is None
    assert {s["cluster"] for s in item["suggestions"]["top"]} <= {"birds", "coins"}
    # The same decode left its thumb; its preview is made ahead of the reviewer (it is among
    # the next photos): either way a cache read, not a new decode.
    fp = services[0].fingerprints.of(lib.source / "NEW_0001.jpg")
    cache = lib.dest / ".clustering" / "cache"
    assert (cache / "thumb" / fp[:2] / f"{fp}.jpg").is_file()
    while not (cache / "preview" / fp[:2] / f"{fp}.jpg").is_file():
        assert time.monotonic() < deadline + 10
        time.sleep(0.05)


def test_a_queued_photo_written_again_gets_a_fresh_fingerprint_embedding_and_renditions(
    make_library: Any, effnet: Embedder, start_server: Any
) -> None:
    """Another program saves a different picture over a queued photo: once whole it is read
    again, so its suggestions, thumbnail and preview are of the picture there now."""
    lib = make_library(clusters={"birds": 3, "coins": 3}, loose=2, into=True)
    srv, services = _serve_indexed(lib, effnet, start_server)
    item = lib.loose[0]
    assert _queued(srv.client)[item]["suggestions"]  # shown, with its suggestions
    service = services[0]
    old_fp = service.vectors.fingerprints([item])[item]
    data = lib.next_photo().read_bytes()
    with open(lib.source / item, "wb") as fh:  # written again in place, in two goes
        fh.write(data[:1000])
        fh.flush()
        time.sleep(0.4)
        fh.write(data[1000:])
    new_fp = service.fingerprints.of(lib.source / item)
    assert new_fp != old_fp
    deadline = time.monotonic() + 20
    while (
        service.vectors.fingerprints([item]).get(item) != new_fp
        or not (_queued(srv.client)[item]["suggestions"])
    ):
        assert time.monotonic() < deadline, service.vectors.fingerprints([item])
        time.sleep(0.1)
    assert service.decode_error(item) is None
    cache = lib.dest / ".clustering" / "cache"
    # Its preview is made ahead of the reviewer again (it is the first photo): wait for it.
    while not (cache / "preview" / new_fp[:2] / f"{new_fp}.jpg").is_file():
        assert time.monotonic() < deadline + 10
        time.sleep(0.05)
    thumb = srv.client.get(f"/api/image/{item}", params={"size": "thumb"})
    assert thumb.status_code == 200
    assert (cache / "thumb" / new_fp[:2] / f"{new_fp}.jpg").read_bytes() == thumb.content
