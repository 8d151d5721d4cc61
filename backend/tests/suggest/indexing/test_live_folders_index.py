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


def test_a_photo_copied_in_gets_suggestions_promptly(
    make_library: Any, effnet: Embedder, start_server: Any
) -> None:
    assert indexer.IDLE_RESCAN_S >= 30  # what "promptly" is measured against
    lib = make_library(clusters={"birds": 3, "coins": 3}, loose=2, into=True)
    services: list[SuggestionService] = []

    def engine(session: Session) -> SuggestionService:
        service = SuggestionService(session, lambda: (effnet, "test"), batch_size=4)
        service.run_in_background()
        assert service.wait_idle(60)
        services.append(service)
        return service

    srv = start_server(lib, engine=engine, watch=True)
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
