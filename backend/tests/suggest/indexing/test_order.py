"""Indexing order: a few members of every cluster, then the queue as the reviewer sees it,
then the rest of the members. The pure function, then a real EfficientNet run whose order is
read back from the embedding cache."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from ml_helpers import record_cache_writes
from numpy.typing import NDArray
from PIL import Image

from photosort.media.fingerprint import fingerprint
from photosort.ml.embedder import Embedder
from photosort.suggest.indexing.order import (
    Backlog,
    IndexingOrder,
    PhaseTracker,
    first_suggestion_first,
    indexing_order,
)
from photosort.suggest.service import SuggestionService


def test_seeds_round_robin_then_queue_then_the_rest() -> None:
    members = {
        "coins": {"coins/c3.jpg", "coins/c1.jpg", "coins/c2.jpg", "coins/c4.jpg"},
        "birds": ["birds/b2.jpg", "birds/b1.jpg"],
        "empty": [],
    }
    plan = indexing_order(["q2.jpg", "q1.jpg"], members, seeds_per_cluster=2)
    assert plan.seeds == [
        ("d", "birds/b1.jpg"),
        ("d", "coins/c1.jpg"),
        ("d", "birds/b2.jpg"),
        ("d", "coins/c2.jpg"),
    ]
    assert plan.queue == [("s", "q2.jpg"), ("s", "q1.jpg")], "the reviewer's order, unsorted"
    assert plan.rest == [("d", "coins/c3.jpg"), ("d", "coins/c4.jpg")]
    assert plan.in_order() == [*plan.seeds, *plan.queue, *plan.rest]


def test_every_cluster_has_a_seed_before_any_has_two() -> None:
    members = {f"c{i}": [f"c{i}/{j:03d}.jpg" for j in range(50)] for i in range(15)}
    plan = indexing_order([], members)
    first_round = {k[1].split("/")[0] for k in plan.seeds[:15]}
    assert first_round == set(members)
    assert len(plan.seeds) == 15 * 3
    assert len(plan.in_order()) == 15 * 50


def test_the_backlog_hands_out_the_plan_in_order_and_put_back_keys_first() -> None:
    members = {"birds": [f"birds/b{i}.jpg" for i in range(5)], "coins": ["coins/c0.jpg"]}
    plan = indexing_order([f"q{i}.jpg" for i in range(7)], members, seeds_per_cluster=2)
    backlog = Backlog(plan)
    assert len(backlog) == len(plan) == 13
    taken = backlog.take(4)  # across the seeds and into the queue
    assert taken == plan.in_order()[:4] and len(backlog) == 9
    more = backlog.take(5)
    assert more == plan.in_order()[4:9]
    backlog.put_back(more[2:])  # taken but not worked: they come first again
    assert len(backlog) == 7
    again = backlog.take(1)
    assert again == more[2:3]
    backlog.put_back(again)  # in front of those put back before
    assert backlog.take(100) == plan.in_order()[6:]
    assert not backlog and backlog.take(3) == []


def test_phase_counts_follow_what_the_scan_found_pending() -> None:
    members = {"birds": [f"birds/b{i}.jpg" for i in range(4)]}
    plan = indexing_order(["q1.jpg", "q2.jpg", "q3.jpg"], members, seeds_per_cluster=2)
    tracker = PhaseTracker()
    assert tracker.unsettled() is None, "nothing is known before the first full scan"
    pending = IndexingOrder(plan.seeds[1:], ["q1.jpg", "q3.jpg"], plan.rest)
    tracker.planned(plan, pending)
    assert tracker.seeds() == plan.seeds, "the head re-checks every seed of the scan"
    assert tracker.unsettled() == {"clusters": 1, "queue": 2, "members": 2}
    assert tracker.seeding()
    tracker.settled_many([plan.seeds[1], ("s", "q3.jpg"), ("s", "q2.jpg"), ("d", "q1.jpg")])
    assert tracker.unsettled() == {"clusters": 0, "queue": 1, "members": 2}
    assert not tracker.seeding()
    tracker.settled(("s", "q1.jpg"))
    tracker.settled(plan.rest[0])
    assert tracker.unsettled() == {"clusters": 0, "queue": 0, "members": 1}


class Recording:
    """The real embedder; before every batch it notes what the service reports, so the test
    sees the phases and the suggestions as a reviewer would while indexing runs."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.id, self.kind, self.dim = inner.id, inner.kind, inner.dim
        self.device, self.input_edge = inner.device, inner.input_edge
        self.service: SuggestionService | None = None
        self.seen: list[tuple[dict[str, Any], bool]] = []
        self.batches: list[int] = []

    def embed_images(self, images: Sequence[Image.Image]) -> NDArray[np.float32]:
        assert self.service is not None
        s = self.service
        first = s.session.queue_items(0, 1)
        self.seen.append((s.progress(), bool(first and s.suggestions(first)[first[0]])))
        self.batches.append(len(images))
        return self.inner.embed_images(images)


def test_members_are_embedded_before_the_queue_and_the_queue_in_review_order(
    make_library: Any, effnet: Embedder
) -> None:
    lib = make_library(clusters={"birds": 5, "coins": 5, "flowers": 5}, loose=12)
    session = lib.open()
    first = session.queue_items()[0]
    session.skip(first)  # the reviewer skipped the first photo: it is now the last one
    queue = session.queue_items()
    assert queue[-1] == first

    rec = Recording(effnet)
    service = SuggestionService(session, lambda: (rec, "test"), batch_size=8)
    rec.service = service
    written = record_cache_writes(service)
    service.load_embedder()
    service.index_pending()

    name_of = {fingerprint(lib.source / i): ("s", i) for i in queue}
    for ms in lib.clusters.values():
        name_of.update({fingerprint(lib.dest / m): ("d", m) for m in ms})
    order = [name_of[fp] for fp in written]
    assert len(order) == 27
    # One member of every cluster and the photo on screen (all the first suggestion needs),
    # then the other seeds, then the rest of the queue in the reviewer's order.
    assert {k[1].split("/")[0] for k in order[:3]} == {"birds", "coins", "flowers"}
    assert order[3] == ("s", queue[0]), f"then the photo on screen, got {order[:4]}"
    assert all(k[0] == "d" for k in order[4:10]), f"then the other seeds, got {order[4:10]}"
    assert [k[1] for k in [order[3], *order[10:21]]] == queue, "the queue in review order"
    assert all(k[0] == "d" for k in order[21:]), "then the rest of the members"

    phases = [p["phase"] for p, _ in rec.seen]
    assert phases[0] == "clusters" and "queue" in phases
    assert phases == sorted(phases, key=["clusters", "queue", "members"].index)
    # The first photo had its suggestions before the other seeds were embedded.
    first_with = next(i for i, (_, has) in enumerate(rec.seen) if has)
    assert first_with == 1, "right after the first batch"
    assert rec.seen[first_with][0]["phase"] == "clusters"
    assert rec.seen[first_with][0]["clusters_done"] == 3

    done = service.progress()
    assert done["phase"] == "done" and not done["running"]
    assert (done["clusters_done"], done["clusters_total"]) == (3, 3)
    assert (done["queue_done"], done["queue_total"]) == (12, 12)
    service.close()


def test_progress_counts_the_queue_while_it_is_embedded(
    make_library: Any, effnet: Embedder
) -> None:
    lib = make_library(clusters={"birds": 2, "coins": 2}, loose=10)
    session = lib.open()
    rec = Recording(effnet)
    service = SuggestionService(session, lambda: (rec, "test"), batch_size=4)
    rec.service = service
    loading = service.progress()
    assert loading["phase"] == "loading"
    assert (loading["queue_done"], loading["queue_total"]) == (0, 10), "nothing embedded yet"
    service.load_embedder()
    service.index_pending()
    queue_seen = [(p["queue_done"], p["queue_total"]) for p, _ in rec.seen]
    # batches: [2 seeds, 1 queued], [2 seeds, 2 queued], [4 queued], [3 queued]
    assert rec.batches == [3, 4, 4, 3]
    assert queue_seen == [(0, 10), (1, 10), (3, 10), (7, 10)]
    clusters_seen = [(p["clusters_done"], p["clusters_total"]) for p, _ in rec.seen]
    assert clusters_seen[0] == (0, 2) and clusters_seen[1] == (2, 2)
    service.close()


def test_the_first_suggestion_waits_for_no_full_batch(make_library: Any, effnet: Embedder) -> None:
    lib = make_library(clusters={"birds": 2, "coins": 2}, loose=10)
    session = lib.open()
    rec = Recording(effnet)
    service = SuggestionService(session, lambda: (rec, "test"), batch_size=8)
    rec.service = service
    service.load_embedder()
    service.index_pending()
    # One seed per cluster and the first queued photo, then full batches of the rest.
    assert rec.batches == [3, 8, 3]
    assert [has for _, has in rec.seen] == [False, True, True]
    service.close()


def test_nothing_else_is_decoded_while_the_first_suggestion_is_computed(
    make_library: Any, effnet: Embedder
) -> None:
    """The first batch's forward pass has the cores to itself: decoding the next batches
    beside it (queued photos leave their thumb as they are decoded) would slow it down."""
    lib = make_library(clusters={"birds": 2, "coins": 2}, loose=10)
    session = lib.open()
    thumbs = session.dest / ".clustering" / "cache" / "thumb"
    seen: list[int] = []

    class Watching(Recording):
        def embed_images(self, images: Sequence[Image.Image]) -> NDArray[np.float32]:
            if not seen:
                time.sleep(0.5)  # a slow forward pass: time for any decode running beside it
            seen.append(sum(1 for _ in thumbs.rglob("*.jpg")))
            return super().embed_images(images)

    rec = Watching(effnet)
    service = SuggestionService(session, lambda: (rec, "test"), batch_size=4)
    rec.service = service
    service.load_embedder()
    service.index_pending()
    assert rec.batches[0] == 3, "one seed per cluster and the photo on screen"
    assert seen[0] == 1, "only the photo on screen was decoded during the first batch"
    assert seen[-1] == 10, "the others were decoded after it"
    service.close()


def test_one_seed_per_cluster_and_the_photo_on_screen_come_first() -> None:
    seeds = [("d", "a/1"), ("d", "b/1"), ("d", "c/1"), ("d", "a/2"), ("d", "b/2")]
    head = [("s", "q1"), ("s", "q2")]
    assert first_suggestion_first(seeds, head) == [
        ("d", "a/1"),
        ("d", "b/1"),
        ("d", "c/1"),
        ("s", "q1"),
        ("d", "a/2"),
        ("d", "b/2"),
        ("s", "q2"),
    ]
    # A cluster whose first seed is embedded already: its next one stands in for it.
    assert first_suggestion_first(seeds[3:], head[:1]) == [("d", "a/2"), ("d", "b/2"), ("s", "q1")]
    assert first_suggestion_first([], head) == head
