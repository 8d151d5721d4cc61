"""Fixtures of the API tests that run the real offline embedder behind a live server."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from photosort.ml.efficientnet import EfficientNetLite0Embedder
from photosort.session.engine import Session
from photosort.suggest.service import SuggestionService


@pytest.fixture(scope="module")
def effnet() -> Iterator[EfficientNetLite0Embedder]:
    yield EfficientNetLite0Embedder("cpu")


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Embeddings shared by one test module's libraries (same photos, same bytes): each photo
    is run through the model once per module, not once per test."""
    return tmp_path_factory.mktemp("warm") / "embeddings.sqlite"


@pytest.fixture
def engine(effnet: Any, warm_cache: Path) -> Any:
    """`start_server(lib, engine=engine)`: suggestions from the real embedder, fully indexed
    before the server answers."""

    def make(session: Session) -> SuggestionService:
        cache = session.dest / ".clustering" / "embeddings.sqlite"
        if warm_cache.exists() and not cache.exists():
            with sqlite3.connect(warm_cache) as src, sqlite3.connect(cache) as dst:
                src.backup(dst)
        service = SuggestionService(session, lambda: (effnet, "test"), batch_size=8)
        service.load_embedder()
        service.index_pending()
        with sqlite3.connect(cache) as src, sqlite3.connect(warm_cache) as dst:
            src.backup(dst)
        return service

    return make
