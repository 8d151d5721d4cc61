"""While the model loads, the first batch (one seed per cluster and the photo on screen) is
decoded and the first step's photos fingerprinted, so the first forward pass starts as soon
as the model is there; a restart whose photos are embedded already decodes nothing."""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from waiting import wait_for

from photosort.ml.embedder import Embedder
from photosort.suggest.service import SuggestionService


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Every decode indexing makes, by file name."""
    import photosort.suggest.indexing.pipeline as pipeline

    seen: Counter[str] = Counter()
    real = pipeline.open_image

    def counted(path: Path, **kwargs: Any) -> Any:
        seen[Path(path).name] += 1
        return real(path, **kwargs)

    monkeypatch.setattr(pipeline, "open_image", counted)
    return seen


def start_held(session: Any, embedder: Embedder) -> tuple[SuggestionService, threading.Event]:
    """A service indexing in the background whose model load waits for the event."""
    loaded = threading.Event()

    def load() -> tuple[Embedder, str]:
        loaded.wait(30)
        return embedder, "test"

    service = SuggestionService(session, load)
    service.run_in_background()
    return service, loaded


def test_the_first_batch_is_decoded_while_the_model_loads(
    make_library: Any, effnet: Embedder, decodes: Counter[str]
) -> None:
    lib = make_library(clusters={"birds": 3, "coins": 3, "flowers": 3}, loose=8)
    session = lib.open()
    on_screen = session.queue_items()[0]
    service, loaded = start_held(session, effnet)
    # One seed of each cluster and the photo on screen, before the model exists.
    assert wait_for(lambda: sum(decodes.values()) == 4, timeout=20.0), dict(decodes)
    assert decodes[Path(on_screen).name] == 1
    assert service.state.status == "loading"
    time.sleep(0.3)
    assert sum(decodes.values()) == 4, "nothing else before the model is there"

    loaded.set()
    assert service.wait_idle(60)
    assert service.suggestions([on_screen])[on_screen], "the photo on screen has suggestions"
    assert all(n == 1 for n in decodes.values()), f"no photo decoded twice: {dict(decodes)}"
    assert len(decodes) == 9 + 8
    service.close()


def test_a_restart_with_everything_embedded_decodes_nothing(
    make_library: Any, effnet: Embedder, decodes: Counter[str]
) -> None:
    lib = make_library(clusters={"birds": 2, "coins": 2}, loose=4)
    session = lib.open()
    first = SuggestionService(session, lambda: (effnet, "test"))
    first.load_embedder()
    first.index_pending()
    first.close()
    decodes.clear()

    service, loaded = start_held(session, effnet)
    time.sleep(0.5)
    loaded.set()
    assert service.wait_idle(60)
    assert not decodes, f"every vector came from the cache: {dict(decodes)}"
    service.close()


def test_a_photo_written_again_while_the_model_loads_is_decoded_again(
    make_library: Any, effnet: Embedder, decodes: Counter[str]
) -> None:
    lib = make_library(clusters={"birds": 2, "coins": 2}, loose=4)
    session = lib.open()
    on_screen, other = session.queue_items()[:2]
    service, loaded = start_held(session, effnet)
    assert wait_for(lambda: decodes[Path(on_screen).name] == 1, timeout=20.0)
    # Another photo's bytes in its place (and a later mtime): the early decode is stale.
    (lib.source / on_screen).write_bytes((lib.source / other).read_bytes())
    loaded.set()
    assert service.wait_idle(60)
    assert decodes[Path(on_screen).name] == 2, "its new content was decoded for its vector"
    service.close()
