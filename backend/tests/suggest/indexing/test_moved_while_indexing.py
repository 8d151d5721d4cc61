"""Photos filed and undone while indexing reads them: a read that failed because the photo
had just moved is no decode error, and the photo is indexed where it is now (in its cluster,
or back in the queue) with its suggestions, without a restart."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from photosort.errors import DecodeFailed
from photosort.media import Fingerprints
from photosort.ml.embedder import Embedder
from photosort.session.engine import Session
from photosort.suggest.service import SuggestionService


@pytest.fixture(scope="module")
def real_embedder() -> Embedder:
    from photosort.ml.select import load_embedder

    return load_embedder("efficientnet-lite0", "cpu").embedder


class ReviewerBetweenPlanAndRead:
    """The indexer's fingerprints, with the reviewer acting once, right after a step was
    planned and before its files are read (where a real reviewer's keypress lands)."""

    def __init__(self, inner: Fingerprints, act: Callable[[], None]) -> None:
        self.inner, self._act = inner, act
        self.acted = False

    def of(self, path: Any) -> str:
        return self.inner.of(path)

    def of_many(self, paths: Sequence[Any]) -> list[str | DecodeFailed]:
        if not self.acted:
            self.acted = True
            self._act()
        return self.inner.of_many(paths)


def _service(session: Session, embedder: Embedder) -> SuggestionService:
    service = SuggestionService(session, lambda: (embedder, "test"), batch_size=4)
    service.load_embedder()
    return service


def test_a_photo_filed_and_undone_while_indexing_is_indexed_where_it_is(
    make_library: Any, real_embedder: Embedder
) -> None:
    lib = make_library(clusters={"birds": 3, "coins": 3}, loose=6, into=True)
    session = lib.open()
    service = _service(session, real_embedder)
    try:
        filed, undone = session.queue_items()[:2]

        def reviewer() -> None:
            session.assign(filed, "birds")
            session.assign(undone, "coins")

        service.indexer.fingerprints = ReviewerBetweenPlanAndRead(  # type: ignore[assignment]
            service.indexer.fingerprints, reviewer
        )
        service.index_pending()
        assert service.indexer.fingerprints.acted  # type: ignore[attr-defined]
        session.undo()  # `undone` is back in the queue, `filed` stays in birds
        service.index_pending()
        assert session.is_queued(undone) and (lib.dest / "birds" / filed).is_file()
        items = session.queue_items()
        assert {i: service.decode_error(i) for i in items} == dict.fromkeys(items)
        assert service.progress()["failed"] == 0
        shown = service.suggestions(items)
        assert [i for i in items if shown[i] is None] == []
        # The filed photo counts in its cluster from where it lies now.
        assert service.vectors.counts() == {"birds": 4, "coins": 3}
    finally:
        service.close()
        session.close()


def test_a_photo_moved_away_and_back_between_read_and_decode_is_no_decode_error(
    make_library: Any, real_embedder: Embedder
) -> None:
    """The fingerprint was read, then the photo was filed before its pixels were decoded:
    the decode's "No such file" belongs to a path the photo left, and once undone it is
    embedded where it is."""
    lib = make_library(clusters={"birds": 3, "coins": 3}, loose=4, into=True)
    session = lib.open()
    service = _service(session, real_embedder)
    item = session.queue_items()[0]
    inner = service.indexer.fingerprints

    class FileAfterRead(ReviewerBetweenPlanAndRead):
        def of_many(self, paths: Sequence[Any]) -> list[str | DecodeFailed]:
            out = self.inner.of_many(paths)
            if not self.acted and any(str(p).endswith(item) for p in paths):
                self.acted = True
                self._act()
            return out

    try:
        hook = FileAfterRead(inner, lambda: session.assign(item, "birds"))
        service.indexer.fingerprints = hook  # type: ignore[assignment]
        service.index_pending()
        assert hook.acted
        session.undo()
        service.index_pending()
        assert service.decode_error(item) is None
        assert service.suggestions([item])[item] is not None
        assert service.progress()["failed"] == 0
    finally:
        service.close()
        session.close()
