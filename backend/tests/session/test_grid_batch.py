"""A grid batch in the session engine: one manual batch, replayed the same after a restart,
undone whole (with the cluster it created), and never filing a photo twice."""

from __future__ import annotations

from photosort.session.engine import MovePlan


def test_grid_batch_survives_a_restart_and_undoes_whole(library, hash_of):
    s = library.open()
    a, b, c = library.loose[:3]
    hashes = {i: hash_of(library.source / i) for i in (a, b)}
    batch, moved, failed = s.grid_batch(
        [MovePlan(a, "", None), MovePlan(b, "", None)],
        mode="discover",
        cluster="found",
        rejected=[],
        create=True,
    )
    assert [r["item"] for r in moved] == [a, b] and failed == []
    assert all(r["by"] == "manual" and r["mode"] == "discover" for r in moved)
    assert {r["batch"] for r in moved} == {batch}
    assert s.stats()["manual"] == 2 and s.stats()["auto"] == 0
    s.close()
    again = library.open()  # replay from the journal gives the same state
    assert again.queue_items() == [c, *library.loose[3:]]
    assert {n for n, _ in again.clusters()} >= {"found"}
    done = again.undo()  # the newest action is the batch: undone as one unit
    assert {r["undoes"] for r in done} >= {m["seq"] for m in moved}
    assert all(hash_of(library.source / i) == hashes[i] for i in (a, b))
    assert not (library.dest / "found").exists()
    assert set(again.queue_items()) >= {a, b, c}
    assert again.verify() == []


def test_a_photo_filed_before_the_grid_lands_is_left_out(library):
    s = library.open()
    a, b = library.loose[:2]
    s.assign(a, "coins", reviewer="bob")
    _, moved, _ = s.grid_batch(
        [MovePlan(a, "", None), MovePlan(b, "", None)], mode="grid", cluster="birds"
    )
    assert [r["item"] for r in moved] == [b]
    assert (library.dest / "coins" / a).is_file() and not (library.dest / "birds" / a).exists()
    end = library.journal()[-1]
    assert end["type"] == "grid-batch-end" and end["moved"] == 1 and end["skipped"] == 1
