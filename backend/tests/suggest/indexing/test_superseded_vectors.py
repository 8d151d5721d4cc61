"""An upgraded library: vectors its Lite0 weights made under a pooling or view that is no longer the
default are never read again, so opening it drops them, the cached rows and the matrix file,
and keeps every vector the current embedder and any other embedder made."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
from test_warm_start import DIM, PixelHash, open_service, write_photos

from photosort.ml import EmbeddingCache, matrix_path
from photosort.ml.cache import cache_path
from photosort.ml.lite0_ids import lite0_id, superseded_ids
from photosort.session import CLUSTERING_DIR
from photosort.suggest.indexing.indexer import MATRIX_DIR

DIGEST = "579344248a93"


class Lite0Stand(PixelHash):
    id = lite0_id(DIGEST, "cam", "zoom")


def test_only_the_same_weights_other_settings_are_superseded() -> None:
    now = lite0_id(DIGEST, "cam", "zoom")
    old = superseded_ids(now)
    assert lite0_id(DIGEST, "cam", "none") in old and now not in old
    assert lite0_id(DIGEST, "max", "flip") in old and len(old) == len(set(old)) == 11
    assert all(i.startswith(f"efficientnet-lite0@{DIGEST}:") for i in old)
    assert superseded_ids("clip:openai/clip-vit-base-patch32@main:prep1") == []
    assert superseded_ids("efficientnet-lite0@abc:cam:prep1:imagenet-probs") == []


def test_dropping_an_embedders_rows_keeps_every_other(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "e.sqlite")
    vec = np.ones(4, dtype=np.float32) / 2
    for eid in ("old", "keep"):
        cache.put_many({f"fp{i}": vec for i in range(23)}, eid)
    assert cache.drop_embedders(["old", "never-stored"], chunk=5) == 23
    assert cache.embedder_ids() == {"keep": 23}
    assert cache.drop_embedders(["old"]) == 0


def test_opening_an_upgraded_library_drops_the_superseded_vectors(make_library: Any) -> None:
    lib = make_library(clusters={"birds": 2}, loose=0)
    write_photos(lib.source, [f"IMG_{i}.jpg" for i in range(12)], salt=0)
    clustering = lib.dest / CLUSTERING_DIR
    clustering.mkdir(exist_ok=True)
    # what the version before wrote: CAM vectors without the zoom and their matrix, CLIP's
    # beside them
    stale = lite0_id(DIGEST, "cam", "none")
    cache = EmbeddingCache(cache_path(clustering))
    vec = np.full(DIM, DIM**-0.5, dtype=np.float32)
    for eid in (stale, f"{stale}:imagenet-probs", "clip:other@main:prep1"):
        cache.put_many({f"fp{i}": vec for i in range(40)}, eid)
    cache.close()
    folder = cache_path(clustering).parent / MATRIX_DIR
    old_matrix = matrix_path(folder, stale, DIM)
    folder.mkdir(parents=True, exist_ok=True)
    old_matrix.write_bytes(b"\0" * 4096)
    old_matrix.with_suffix(".fps").write_text("fp0\n", encoding="ascii")

    session, service = open_service(lib, Lite0Stand())
    service.run_in_background()
    assert service.wait_idle(timeout=60)
    deadline = time.monotonic() + 30
    while stale in service.cache.embedder_ids() and time.monotonic() < deadline:
        time.sleep(0.05)
    ids = service.cache.embedder_ids()
    assert stale not in ids and f"{stale}:imagenet-probs" not in ids
    assert ids["clip:other@main:prep1"] == 40  # another embedder's vectors stay
    assert ids[Lite0Stand.id] == 14  # the current ones: every photo, filed and queued
    assert not old_matrix.exists() and not old_matrix.with_suffix(".fps").exists()
    assert matrix_path(folder, Lite0Stand.id, DIM).exists()
    assert len(service.suggestions(session.queue_items())) == 12
    service.close()
    session.close()
