"""What `index --ray` embeds: every photo of the session once, the queue first. Needs no Ray."""

from __future__ import annotations

from typing import Any

from photosort.distributed.ray_index import session_photos


def test_the_queue_in_review_order_then_each_cluster_s_members(make_library: Any) -> None:
    lib = make_library(clusters={"birds": 2, "coins": 1}, loose=3, into=True)
    session = lib.open()
    queue = session.queue_items()
    session.assign(queue[0], "coins")

    photos = session_photos(session)

    left = session.queue_items()
    members = sorted(p.relative_to(lib.dest).as_posix() for p in photos[len(left) :])
    assert photos[: len(left)] == [lib.source / i for i in left]
    assert members == sorted([*lib.clusters["birds"], *lib.clusters["coins"], f"coins/{queue[0]}"])
    assert len(set(photos)) == len(photos) == 6
