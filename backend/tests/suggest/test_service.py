"""The suggestion service on real photos with the real offline embedder (EfficientNet-Lite0)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image
from waiting import wait_for

from photosort.errors import AlreadyUndone, Conflict
from photosort.ml.embedder import Embedder
from photosort.session.engine import Session
from photosort.suggest.service import SuggestionService


class CountingEmbedder:
    """The real embedder, counting how many photos it had to run the model on."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.id, self.kind, self.dim = inner.id, inner.kind, inner.dim
        self.device, self.input_edge = inner.device, inner.input_edge
        self.calls = 0
        self._lock = threading.Lock()

    def embed_images(self, images: Sequence[Image.Image]) -> NDArray[np.float32]:
        with self._lock:
            self.calls += len(images)
        return self.inner.embed_images(images)


@pytest.fixture(scope="session")
def real_embedder() -> Embedder:
    from photosort.ml.select import load_embedder

    return load_embedder("efficientnet-lite0", "cpu").embedder


@pytest.fixture
def counting(real_embedder: Embedder) -> CountingEmbedder:
    return CountingEmbedder(real_embedder)


def start(session: Session, embedder: Any) -> SuggestionService:
    service = SuggestionService(session, lambda: (embedder, "test"), batch_size=8)
    service.load_embedder()
    service.index_pending()
    return service


@pytest.fixture
def library(make_library: Any) -> Any:
    return make_library(clusters={"birds": 5, "coins": 5, "flowers": 5}, loose=9)


def test_every_queued_photo_gets_ranked_suggestions(library: Any, counting: CountingEmbedder):
    session = library.open()
    service = start(session, counting)
    items = session.queue_items()
    sugg = service.suggestions(items)
    assert all(sugg[i] is not None for i in items)
    first = sugg[items[0]]
    assert first is not None
    scores = [s["score"] for s in first["top"]]
    assert scores == sorted(scores, reverse=True)
    assert {s["cluster"] for s in first["top"]} == {"birds", "coins", "flowers"}
    assert first["margin"] == pytest.approx(scores[0] - scores[1], abs=1e-3)
    assert counting.calls == 9 + 15
    service.close()


def test_moves_undo_and_restart_never_recompute(library: Any, counting: CountingEmbedder):
    session = library.open()
    service = start(session, counting)
    calls = counting.calls
    item = session.queue_items()[0]
    session.assign(item, "birds")
    session.undo()
    session.delete(session.queue_items()[0])
    service.index_pending()
    assert counting.calls == calls
    service.close()
    session.close()

    reopened = library.open()
    again = CountingEmbedder(counting.inner)
    service2 = start(reopened, again)
    assert again.calls == 0, "a restart must find every embedding in the cache"
    assert all(v is not None for v in service2.suggestions(reopened.queue_items()).values())
    service2.close()


def test_a_restart_reads_the_vectors_from_the_memory_mapped_matrix(
    library: Any, counting: CountingEmbedder
):
    """The float16 matrix in .clustering/vectors/ outlives the process: a restart links
    every photo to its row without reading a vector from SQLite or running the model."""
    import sqlite3

    session = library.open()
    service = start(session, counting)
    before = service.suggestions(session.queue_items())
    service.close()
    session.close()
    files = list((library.dest / ".clustering" / "vectors").iterdir())
    assert sorted(f.suffix for f in files if f.suffix != ".lock") == [".f16", ".fps"]
    with sqlite3.connect(library.dest / ".clustering" / "embeddings.sqlite") as db:
        db.execute("DELETE FROM embeddings")  # only the matrix can answer now

    reopened = library.open()
    again = CountingEmbedder(counting.inner)
    service2 = start(reopened, again)
    assert again.calls == 0
    assert service2.suggestions(reopened.queue_items()) == before
    service2.close()


def test_indexing_continues_past_corrupt_files(library: Any, counting: CountingEmbedder):
    (library.source / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (library.source / "empty.png").write_bytes(b"")
    session = library.open()
    service = start(session, counting)
    assert service.decode_error("broken.jpg")
    assert "empty" in (service.decode_error("empty.png") or "")
    assert service.suggestions(["broken.jpg"])["broken.jpg"] is None
    good = [i for i in session.queue_items() if i not in ("broken.jpg", "empty.png")]
    assert all(service.suggestions(good)[i] is not None for i in good)
    assert session.is_queued("broken.jpg"), "an undecodable photo stays queued"
    assert service.progress()["failed"] == 2
    service.close()


def test_undo_removes_exactly_the_vector_it_added(library: Any, counting: CountingEmbedder):
    session = library.open()
    service = start(session, counting)
    assert service.centroids is not None
    before = service.centroids.matrix()[1].copy()
    item = session.queue_items()[0]
    session.assign(item, "coins")
    assert service.centroids.count("coins") == 6
    assert not np.allclose(service.centroids.matrix()[1], before)
    session.undo()
    assert service.centroids.count("coins") == 5
    np.testing.assert_allclose(service.centroids.matrix()[1], before, atol=1e-5)
    service.close()


def _decide(session: Session, service: SuggestionService, n: int) -> None:
    """File n photos by hand into the cluster the service suggests first."""
    from photosort.suggest.protocol import shown_suggestions

    for _ in range(n):
        item = session.queue_items()[0]
        suggested, confidence = shown_suggestions(service, item)
        session.assign(item, suggested[0]["cluster"], suggested=suggested, confidence=confidence)


def test_dry_run_equals_real_run_and_batch_undo_restores_all(
    make_library: Any, counting: CountingEmbedder
):
    lib = make_library(clusters={"birds": 5, "coins": 5, "flowers": 5}, loose=24)
    session = lib.open()
    service = start(session, counting)
    _decide(session, service, 10)
    before_files = lib.photo_files()
    before_stats = session.stats()
    dry = service.auto_move(threshold=0.0, min_samples=1, min_margin=0.0, dry_run=True)
    assert dry["count"] == session.queue_length() > 0
    assert lib.photo_files() == before_files, "a dry run touches no file"
    real = service.auto_move(threshold=0.0, min_samples=1, min_margin=0.0, dry_run=False)
    assert [(i["item"], i["cluster"]) for i in real["items"]] == [
        (i["item"], i["cluster"]) for i in dry["items"]
    ]
    for moved in real["items"]:
        assert (lib.dest / moved["cluster"] / moved["item"]).is_file()
    kinds = [r["type"] for r in lib.journal()]
    assert "auto-batch-start" in kinds and "auto-batch-end" in kinds
    assert sum(1 for r in lib.journal() if r.get("by") == "auto") == real["count"]
    assert session.stats()["auto"] == real["count"]

    session.undo(batch=real["batch"])
    assert lib.photo_files() == before_files
    assert session.stats()["queued"] == before_stats["queued"]
    assert session.stats()["auto"] == 0
    with pytest.raises(AlreadyUndone):
        session.undo(batch=real["batch"])
    service.close()


def test_auto_move_leaves_the_photo_on_screen_alone(library: Any, counting: CountingEmbedder):
    session = library.open()
    service = start(session, counting)
    watched = session.queue_items()[0]
    session.set_viewing("alice", watched)
    result = service.auto_move(threshold=-1.0, min_samples=1, min_margin=0.0, dry_run=False)
    assert result["skipped_viewing"] == 1
    assert session.queue_items() == [watched]
    service.close()


def test_recommendation_waits_for_evidence(library: Any, counting: CountingEmbedder):
    session = library.open()
    service = start(session, counting)
    est = service.estimate(None, None, None)
    assert est["enough_evidence"] is False and est["recommended_threshold"] is None
    with pytest.raises(Conflict, match="not enough reviewed decisions"):
        service.auto_move(dry_run=True)
    service.close()


def test_manual_only_computes_no_suggestion(library: Any, counting: CountingEmbedder):
    session = library.open()
    service = start(session, counting)
    assert service.centroids is not None
    session.update_settings({"manual_only": True})
    ranked = 0
    table = service.vectors.scores
    assert table is not None
    at, top = table.at, table.top  # every ranking reads scores through one of these

    def counting_at(*args: Any) -> Any:
        nonlocal ranked
        ranked += 1
        return at(*args)

    def counting_top(*args: Any) -> Any:
        nonlocal ranked
        ranked += 1
        return top(*args)

    table.at = counting_at  # type: ignore[method-assign]
    table.top = counting_top  # type: ignore[method-assign]
    items = session.queue_items()
    assert all(v is None for v in service.suggestions(items).values())
    with pytest.raises(Conflict, match="manual-only"):
        service.auto_move(threshold=0.0, dry_run=True)
    assert ranked == 0
    item = items[0]
    session.assign(item, "flowers")
    assert service.centroids.count("flowers") == 6, "decisions still seed centroids"
    service.close()


def test_new_cluster_is_suggested_once_it_has_a_member(library: Any, counting: CountingEmbedder):
    session = library.open()
    service = start(session, counting)
    item = session.queue_items()[0]
    session.assign(item, "misc", create=True)
    top = service.suggestions(session.queue_items()[:1])[session.queue_items()[0]]
    assert top is not None
    assert "misc" in {s["cluster"] for s in top["top"]}
    misc = next(s for s in top["top"] if s["cluster"] == "misc")
    assert misc["few_samples"] is True
    service.close()


def test_cli_index_and_auto_move(library: Any, tmp_path: Path):
    from typer.testing import CliRunner

    from photosort.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["index", str(library.source), "--model", "efficientnet-lite0"])
    assert res.exit_code == 0, res.output
    assert "indexed" in res.output
    res = runner.invoke(
        app,
        [
            "auto-move",
            str(library.source),
            "--model",
            "efficientnet-lite0",
            "--threshold",
            "0",
            "--min-samples",
            "1",
            "--dry-run",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "would move 9 photos" in res.output
    res = runner.invoke(app, ["auto-move", str(library.source), "--model", "efficientnet-lite0"])
    assert res.exit_code == 2
    assert "not enough reviewed decisions" in res.output
    assert "Traceback" not in res.output


def test_empty_clusters_give_no_suggestion_rather_than_an_error(
    make_library: Any, counting: CountingEmbedder
):
    lib = make_library(clusters={"birds": 0, "coins": 0}, loose=3)
    session = lib.open()
    service = start(session, counting)
    items = session.queue_items()
    assert all(v is None for v in service.suggestions(items).values())
    from photosort.suggest.protocol import shown_suggestions

    assert shown_suggestions(service, items[0]) == ([], None)
    session.assign(items[0], "birds")
    assert (lib.dest / "birds" / items[0]).is_file()
    top = service.suggestions([items[1]])[items[1]]
    assert top is not None and top["top"][0]["cluster"] == "birds"
    service.close()


def test_a_photo_filed_while_its_vector_is_computed_joins_the_centroid(
    library: Any, counting: CountingEmbedder
):
    session = library.open()
    service = start(session, counting)
    assert service.centroids is not None
    item = session.queue_items()[0]
    # The indexer has read the photo's fingerprint (a new one: the photo changed) but its
    # vector has not landed yet.
    vec = service.vectors.queued_vectors([item])[1][0]
    fp = "0" * 32
    service.vectors.seen(("s", item), fp)
    assert service.vectors.queued_vectors([item])[0] == []
    session.assign(item, "birds")
    assert service.centroids.count("birds") == 5
    service.vectors.landed(("s", item), fp, vec)
    assert service.centroids.count("birds") == 6
    service.close()


def test_estimate_and_dry_run_resolve_the_same_rule(make_library: Any, counting: CountingEmbedder):
    """One place works out a rule's defaults: what the estimate says would move is what the
    dry run lists, with or without a threshold given, with the margin left to the session."""
    lib = make_library(clusters={"birds": 5, "coins": 5, "flowers": 5}, loose=24)
    session = lib.open()
    service = start(session, counting)
    _decide(session, service, 10)
    for threshold in (None, 0.0, 0.3):
        est = service.estimate(threshold, 1, None)
        try:
            dry = service.auto_move(threshold, 1, None, dry_run=True)
        except Conflict:
            assert threshold is None and est["recommended_threshold"] is None
            continue
        assert (dry["threshold"], dry["min_margin"]) == (est["threshold"], est["min_margin"])
        assert dry["count"] == est["count"]
    service.close()


def test_progress_hears_the_total_first_then_advances_one_per_photo(make_library, counting):
    """`photosort index` draws its bar from this: a total before any work, then photo by photo
    (not 0/? until a whole chunk is done)."""
    lib = make_library(clusters={"birds": 2}, loose=10)
    session = lib.open()
    service = SuggestionService(session, lambda: (counting, "test"), batch_size=4)
    service.load_embedder()
    calls: list[tuple[int, int, int]] = []
    service.index_pending(progress=lambda done, total: calls.append((done, total, counting.calls)))
    service.close()
    assert calls[0] == (0, 12, 0)  # the total, before the model saw a single photo
    assert [done for done, _, _ in calls] == list(range(13))
    assert {total for _, total, _ in calls} == {12}
    assert counting.calls == 12
    # The count moves within the run, not in one jump at the end. Batches: the cluster's
    # first seed and the first queued photo (the first batch ends there: its suggestion
    # needs no more), then batches of 4.
    assert [seen for _, _, seen in calls][1:] == [2] * 2 + [6] * 4 + [10] * 4 + [12] * 2


def test_an_auto_move_over_http_that_would_move_nothing_journals_nothing(
    make_library, real_embedder, start_server
):
    lib = make_library(clusters={"birds": 3, "coins": 3}, loose=4)

    def engine(session: Session) -> SuggestionService:
        service = SuggestionService(session, lambda: (real_embedder, "test"), batch_size=8)
        service.load_embedder()
        service.index_pending()
        return service

    srv = start_server(lib, engine=engine)
    r = srv.client.post("/api/auto-move", json={"threshold": 1.0, "dry_run": False})
    assert r.status_code == 200, r.text
    assert r.json()["count"] == 0 and r.json()["batch"] is None
    assert lib.journal() == []
    assert all((lib.source / i).is_file() for i in lib.loose)
    r = srv.client.post("/api/auto-move", json={"threshold": 2, "dry_run": False})
    assert r.status_code == 422 and set(r.json()) == {"error"}
    assert lib.journal() == []


def test_an_auto_move_over_http_lists_what_it_moves_in_the_documented_shape(
    make_library, counting, start_server
):
    """The route writes the service's answer without building a model per item: it must
    still be exactly the documented `AutoMoveResult`, and the dry run's list the real run's."""
    from photosort.api.schemas.core import AutoMoveItem, AutoMoveResult

    lib = make_library(clusters={"birds": 5, "coins": 5, "flowers": 5}, loose=12)
    srv = start_server(lib, engine=lambda session: start(session, counting))
    before = lib.photo_files()
    rule = {"threshold": 0.0, "min_samples": 1, "min_margin": 0.0}
    dry = srv.client.post("/api/auto-move", json={**rule, "dry_run": True})
    assert dry.status_code == 200, dry.text
    body = dry.json()
    assert set(body) == set(AutoMoveResult.model_fields)
    assert body["items"] and all(set(i) == set(AutoMoveItem.model_fields) for i in body["items"])
    assert AutoMoveResult.model_validate(body).count == len(body["items"]) == len(lib.loose)
    assert sum(body["per_cluster"].values()) == body["count"] and body["batch"] is None
    assert lib.photo_files() == before, "a dry run touches no file"
    real = srv.client.post("/api/auto-move", json={**rule, "dry_run": False}).json()
    assert real["items"] == body["items"] and real["per_cluster"] == body["per_cluster"]
    assert real["batch"] and real["dry_run"] is False
    for moved in real["items"]:
        assert (lib.dest / moved["cluster"] / moved["item"]).is_file()


def test_suggestions_say_how_many_decisions_the_confidence_waits_for(library, counting):
    from photosort.suggest.ranking.confidence import MIN_DECISIONS

    session = library.open()
    service = start(session, counting)
    head = session.queue_items()[0]
    sugg = service.suggestions([head])[head]
    assert sugg is not None and sugg["confidence"] is None
    assert (sugg["decisions"], sugg["decisions_needed"]) == (0, MIN_DECISIONS)
    assert sugg["weak"] == (sugg["margin"] < 0.08)
    session.assign(head, sugg["top"][0]["cluster"], suggested=[{"cluster": "birds", "score": 0.5}])
    nxt = session.queue_items()[0]
    assert service.suggestions([nxt])[nxt]["decisions"] == 1
    service.close()


class SlowEmbedder(CountingEmbedder):
    """The real embedder, made slow, so indexing is caught in the act."""

    def embed_images(self, images: Sequence[Image.Image]) -> NDArray[np.float32]:
        threading.Event().wait(0.15)
        return super().embed_images(images)


def test_progress_never_reads_done_before_the_suggestions_exist(
    library: Any, real_embedder: Embedder
):
    """Progress read done == total, running false, about a second after
    start while embedding still ran; an auto-move started on that report moved nothing."""
    session = Session(library.source)
    service = SuggestionService(
        session, lambda: (SlowEmbedder(real_embedder), "test"), batch_size=4
    )
    seen_running = False
    try:
        service.run_in_background()
        deadline = threading.Event()
        for _ in range(3000):
            p = service.progress()
            if p["running"]:
                seen_running = True
                assert p["done"] <= p["total"]
            else:
                items = session.queue_items()
                shown = service.suggestions(items)
                missing = [i for i in items if shown.get(i) is None]
                assert not missing, (p, missing)
                assert p["done"] == p["total"] > 0
                break
            deadline.wait(0.01)
        else:
            raise AssertionError("indexing never finished")
    finally:
        service.close()
        session.close()
    assert seen_running


def test_the_scores_an_estimate_reads_are_brought_up_to_date_while_the_reviewer_pauses(
    library: Any, counting: CountingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 1M photos a filing leaves a column to rescore (~0.7 s); the pause after it pays
    that, so the auto-move panel opened next reads cached arrays."""
    from photosort.suggest.indexing import warm

    monkeypatch.setattr(warm, "WARM_ABOVE", 0)  # the rule is for large queues; test it here
    monkeypatch.setattr(warm, "QUIET_S", 0.2)
    session = library.open()
    service = SuggestionService(session, lambda: (counting, "test"), batch_size=8)
    service.run_in_background()
    try:
        assert service.wait_idle(120)
        vectors = service.vectors
        assert vectors.scores is not None

        def fresh() -> bool:
            assert vectors.scores is not None and vectors.centroids is not None
            names, cents = vectors.centroids.matrix()
            return vectors.scores.fresh(names, cents)

        assert wait_for(fresh, 5.0)  # warmed once indexing went quiet
        item = session.queue_items()[0]
        session.assign(item, "coins")  # the coins centroid moves: its column is stale
        assert not fresh()
        assert wait_for(fresh, 5.0)  # ... and rescored without anyone asking
        session.undo()
        assert wait_for(fresh, 5.0)
    finally:
        service.close()


def test_nested_clusters_are_seeded_by_their_own_photos(
    make_library: Any, counting: CountingEmbedder
) -> None:
    """`birds` and `birds/owls` each get a centroid from the photos directly inside them, and
    a photo filed into the nested one counts there, not in its parent."""
    lib = make_library(clusters={"birds": 3}, loose=3)
    owls = [lib.add(f"birds/owls/owl{i}.jpg", under=lib.dest) for i in range(2)]
    lib.add("Trips/2023/Paris/louvre.jpg", under=lib.dest)
    session = lib.open()
    service = start(session, counting)
    assert service.vectors.counts() == {"birds": 3, "birds/owls": len(owls), "Trips/2023/Paris": 1}
    top = service.suggestions([lib.loose[0]])[lib.loose[0]]
    assert top is not None and {s["cluster"] for s in top["top"]} <= {
        "birds",
        "birds/owls",
        "Trips/2023/Paris",
    }
    session.assign(lib.loose[0], "birds/owls")
    wait_for(lambda: service.vectors.counts().get("birds/owls") == 3)
    assert service.vectors.counts()["birds"] == 3
