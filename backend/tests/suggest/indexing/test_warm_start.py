"""A restart over a library whose vectors are all cached: the indexer links every photo from
the caches in steps that grow past a chunk (a million photos in a few hundred steps), without
the model, and photos that do need the model are still embedded in `suggest.indexing.order`'s order.

Over a thousand real (tiny, distinct) JPEGs, so the steps really grow past CHUNK and a bulk
step really meets photos to embed; the embedder is a stand-in that hashes the pixels (what is
under test is the indexer, and a real model over a thousand photos would take minutes)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from ml_helpers import record_cache_writes
from numpy.typing import NDArray
from PIL import Image

from photosort.media.fingerprint import fingerprint
from photosort.suggest.indexing import indexer
from photosort.suggest.service import SuggestionService

DIM = 32


class PixelHash:
    """An embedder whose vector is a hash of the pixels; it notes every photo it is given."""

    id = "test-pixel-hash:v1"
    kind = "synthetic"
    dim = DIM
    device = "cpu"
    input_edge = 32

    def __init__(self) -> None:
        self.calls = 0

    def embed_images(self, images: Sequence[Image.Image]) -> NDArray[np.float32]:
        self.calls += len(images)
        out = np.empty((len(images), DIM), dtype=np.float32)
        for n, im in enumerate(images):
            seed = int.from_bytes(hashlib.blake2b(im.tobytes(), digest_size=8).digest(), "big")
            v = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
            out[n] = v / np.linalg.norm(v)
        return out


def write_photos(folder: Path, names: Sequence[str], salt: int) -> None:
    """Tiny JPEGs of many colours, each file's content its own: a trailer after the image
    (JPEG rounds close colours to the same bytes)."""
    folder.mkdir(parents=True, exist_ok=True)
    for k, name in enumerate(names):
        i = salt + k
        buf = io.BytesIO()
        Image.new("RGB", (16, 16), (i * 37 % 256, i * 11 % 256, i // 7 % 256)).save(buf, "JPEG")
        (folder / name).write_bytes(buf.getvalue() + f"photo-{i}".encode())


def open_service(lib: Any, embedder: PixelHash) -> tuple[Any, SuggestionService]:
    session = lib.open()
    service = SuggestionService(session, lambda: (embedder, "test"), renditions=False)
    return session, service


CACHED = 3 * indexer.CHUNK + 100  # enough for steps of CHUNK, 2 CHUNK, then 4 CHUNK


def cached_library(make_library: Any) -> Any:
    """A library of CACHED photos, every one embedded once and the session closed."""
    lib = make_library(clusters={"birds": 4, "coins": 4}, loose=0)
    write_photos(lib.source, [f"IMG_{i:05d}.jpg" for i in range(CACHED)], salt=0)
    session, service = open_service(lib, PixelHash())
    service.load_embedder()
    service.index_pending()
    service.close()
    session.close()
    return lib


def test_a_warm_restart_links_every_queued_photo_without_the_model(make_library: Any) -> None:
    lib = make_library(clusters={"birds": 4, "coins": 4}, loose=0)
    write_photos(lib.source, [f"IMG_{i:05d}.jpg" for i in range(CACHED)], salt=0)
    first = PixelHash()
    session, service = open_service(lib, first)
    service.load_embedder()
    service.index_pending()
    queue = session.queue_items()
    assert len(queue) == CACHED and first.calls == CACHED + 8
    before = service.suggestions(queue)
    service.close()
    session.close()

    again = PixelHash()
    session, service = open_service(lib, again)
    service.run_in_background()  # what `serve` does
    assert service.wait_idle(timeout=60)
    assert again.calls == 0, "every vector was in the matrix: nothing is embedded twice"
    rows = service.vectors.queue_rows(session.queue_items())
    assert len(rows) == CACHED and rows.min() >= 0, "every queued photo is linked"
    assert service.suggestions(queue) == before
    done = service.progress()
    assert done["phase"] == "done" and not done["running"]
    assert (done["done"], done["total"]) == (CACHED + 8, CACHED + 8)
    assert (done["queue_done"], done["queue_total"]) == (CACHED, CACHED)
    assert (done["clusters_done"], done["clusters_total"]) == (2, 2)
    service.close()


def test_photos_that_need_the_model_keep_their_order_after_a_long_cached_run(
    make_library: Any,
) -> None:
    """After hundreds of cached photos the steps are bulk steps; the one that meets the new
    photos embeds a chunk and puts the rest back. The model still sees the new queued photos
    in the reviewer's order, then the new members, each once."""
    lib = cached_library(make_library)

    # New photos after every cached one (steps of CHUNK, 2 CHUNK, then 4 CHUNK, which meets
    # more than a chunk of them), and new members.
    fresh = [f"NEW_{i:04d}.jpg" for i in range(indexer.CHUNK + 150)]
    write_photos(lib.source, fresh, salt=5000)
    new_members = ["birds/zz_1.jpg", "coins/zz_2.jpg"]
    for n, m in enumerate(new_members):
        write_photos(lib.dest / m.split("/")[0], [m.split("/")[1]], salt=9000 + n)
    model = PixelHash()
    session, service = open_service(lib, model)
    written = record_cache_writes(service)
    service.load_embedder()
    service.index_pending()

    queue = session.queue_items()
    name_of = {fingerprint(lib.source / i): i for i in fresh}
    name_of.update({fingerprint(lib.dest / m): m for m in new_members})
    order = [name_of[fp] for fp in written]
    assert order == [i for i in queue if i in set(fresh)] + new_members
    assert model.calls == len(fresh) + len(new_members)
    rows = service.vectors.queue_rows(queue)
    assert rows.min() >= 0, "the cached and the new photos are all linked"
    assert service.progress()["phase"] == "done"
    service.close()


def test_a_rescan_after_a_warm_start_finds_only_what_changed(make_library: Any) -> None:
    """Photos arriving after the warm start are embedded on the rescan, nothing else."""
    lib = cached_library(make_library)

    model = PixelHash()
    session, service = open_service(lib, model)
    service.run_in_background()
    assert service.wait_idle(timeout=60) and model.calls == 0
    write_photos(lib.source, ["ZZZ_0001.jpg", "ZZZ_0002.jpg"], salt=7000)
    session.refresh()
    assert service.wait_idle(timeout=60)
    assert model.calls == 2
    rows = service.vectors.queue_rows(session.queue_items())
    assert len(rows) == CACHED + 2 and rows.min() >= 0
    assert service.progress()["queue_done"] == CACHED + 2
    service.close()
