"""Stacks and duplicates over a real HTTP server, real photos with real EXIF capture times and
the real offline embedder: what the queue shows as one item, what moves on disk in one batch,
and what one undo brings back (bytes checked)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from bursts import T0, make_burst, write_single
from PIL import Image


@pytest.fixture
def burst_server(make_library: Any, start_server: Any, engine: Any) -> Any:
    """Four frames of one shot 0.3 s apart (real EXIF), and two other shots minutes later."""
    lib = make_library(clusters={"birds": 3, "coins": 3}, loose=0)
    photos = [lib.next_photo() for _ in range(3)]
    lib.burst = [p.name for p in make_burst(photos[0], lib.source, "IMG_1", 4, step_s=0.3)]
    for n, other in enumerate(photos[1:]):
        write_single(other, lib.source / f"IMG_9{n}.jpg", T0 + timedelta(minutes=5 + n))
    server = start_server(lib, engine=engine)
    server.lib = lib
    return server


def stacks(server: Any) -> list[dict[str, Any]]:
    r = server.client.get("/api/stacks")
    assert r.status_code == 200, r.text
    found: list[dict[str, Any]] = r.json()["stacks"]
    return found


def test_a_grid_shows_a_burst_as_one_tile_carrying_every_frame(burst_server: Any) -> None:
    c, lib = burst_server.client, burst_server.lib
    r = c.get("/api/grid/similar", params={"item": lib.burst[1]})
    assert r.status_code == 200, r.text
    tiles = r.json()["items"]
    in_burst = [t for t in tiles if t["item"] in lib.burst]
    assert len(in_burst) == 1, tiles
    (one,) = in_burst
    assert one["item"] == lib.burst[1] and sorted(one["frames"]) == sorted(lib.burst)
    assert one["frames"][0] == lib.burst[1]
    assert all(t["frames"] is None for t in tiles if t["item"] not in lib.burst)


def test_burst_is_one_stack_filed_in_one_batch_and_undone_with_one_undo(
    burst_server: Any, hash_of: Any
) -> None:
    c, lib = burst_server.client, burst_server.lib
    before = {n: hash_of(lib.source / n) for n in lib.burst}
    (stack,) = stacks(burst_server)
    assert stack["items"] == lib.burst and stack["face"] == "IMG_1_01.jpg"
    assert 0.85 < stack["span_s"] < 0.95  # three steps of 0.3 s, read back from the EXIF

    r = c.post("/api/stacks/file", json={"items": stack["items"], "cluster": "birds"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["moved"] == lib.burst and body["skipped"] == []
    assert all((lib.dest / "birds" / n).is_file() for n in lib.burst)
    assert not any((lib.source / n).exists() for n in lib.burst)
    moves = [x for x in lib.journal() if x["type"] == "assign"]
    assert {m["batch"] for m in moves} == {body["batch"]} and len(moves) == 4
    assert all(m["mode"] == "stack" for m in moves)
    assert stacks(burst_server) == []

    r = c.post("/api/undo", json={})  # what `z` sends: the newest action, i.e. the whole stack
    assert r.status_code == 200, r.text
    assert {h for n in lib.burst for h in [hash_of(lib.source / n)]} == set(before.values())
    assert {n: hash_of(lib.source / n) for n in lib.burst} == before
    assert not any((lib.dest / "birds" / n).exists() for n in lib.burst)
    assert [s["items"] for s in stacks(burst_server)] == [lib.burst]


def test_a_pulled_frame_leaves_the_stack_and_is_filed_on_its_own(burst_server: Any) -> None:
    c, lib = burst_server.client, burst_server.lib
    pulled = lib.burst[1]
    r = c.post("/api/stacks/pull", json={"item": pulled})
    assert r.status_code == 200, r.text
    (stack,) = stacks(burst_server)
    assert pulled not in stack["items"] and len(stack["items"]) == 3
    assert lib.journal()[-1] == {**lib.journal()[-1], "type": "stack-pull", "item": pulled}

    r = c.post("/api/stacks/file", json={"items": stack["items"], "cluster": "birds"})
    assert r.status_code == 200, r.text
    assert (lib.source / pulled).is_file()  # still queued, on its own
    r = c.post("/api/assign", json={"item": pulled, "cluster": "coins"})
    assert r.status_code == 200, r.text
    assert (lib.dest / "coins" / pulled).is_file()
    assert sorted(p.name for p in (lib.dest / "birds").glob("IMG_1_*")) == [
        n for n in lib.burst if n != pulled
    ]


def test_pull_out_is_journaled_so_a_restart_remembers_it(burst_server: Any) -> None:
    lib = burst_server.lib
    burst_server.client.post("/api/stacks/pull", json={"item": lib.burst[0]})
    again = lib.open(read_only=True)
    assert again.pulled_from_stacks() == {lib.burst[0]}


def test_bad_stack_requests_are_clear_4xx(burst_server: Any) -> None:
    c = burst_server.client
    assert c.post("/api/stacks/file", json={"items": [], "cluster": "birds"}).status_code == 422
    r = c.post("/api/stacks/file", json={"items": ["nope.jpg"], "cluster": "birds"})
    assert r.status_code == 409 and r.json()["error"]["code"]
    r = c.post("/api/stacks/pull", json={"item": "../etc/passwd"})
    assert r.status_code in (400, 404) and r.json()["error"]["code"]


@pytest.fixture
def dupes_server(make_library: Any, start_server: Any, engine: Any) -> Any:
    """`a.jpg` and `a copy.jpg` (the same bytes) and `a big.jpg` (the same picture at twice
    the size); `c.jpg` and `c copy.jpg` (the same bytes); one unrelated shot."""
    lib = make_library(clusters={"birds": 3, "coins": 3}, loose=0)
    a, c, other = lib.next_photo(), lib.next_photo(), lib.next_photo()
    for name, src in (("a.jpg", a), ("a copy.jpg", a), ("c.jpg", c), ("c copy.jpg", c)):
        lib.add(name, src=src)
    lib.add("other.jpg", src=other)
    with Image.open(a) as im:
        im.resize((im.width * 2, im.height * 2), Image.Resampling.LANCZOS).save(
            lib.source / "a big.jpg", quality=95
        )
    server = start_server(lib, engine=engine)
    server.lib = lib
    return server


def test_duplicates_flagged_and_keep_best_trashes_the_rest_as_one_undoable_batch(
    dupes_server: Any, hash_of: Any
) -> None:
    c, lib = dupes_server.client, dupes_server.lib
    r = c.get("/api/duplicates")
    assert r.status_code == 200, r.text
    groups = {tuple(sorted(i["item"] for i in g["items"])): g for g in r.json()["groups"]}
    assert set(groups) == {("a big.jpg", "a copy.jpg", "a.jpg"), ("c copy.jpg", "c.jpg")}
    assert groups[("c copy.jpg", "c.jpg")]["kind"] == "exact"
    near = groups[("a big.jpg", "a copy.jpg", "a.jpg")]
    assert near["kind"] == "near" and near["best"] == "a big.jpg"
    assert near["items"][0]["width"] == 2 * near["items"][1]["width"]
    first = c.get("/api/queue", params={"limit": 1}).json()["items"][0]["item"]
    head = c.get("/api/duplicates", params={"head": 1}).json()
    assert head["total"] == 2  # the whole queue's count, with only the head's groups listed
    assert [first in [i["item"] for i in g["items"]] for g in head["groups"]] == (
        [True] if first != "other.jpg" else []
    )

    before = {n: hash_of(lib.source / n) for n in ("a.jpg", "a copy.jpg")}
    r = c.post("/api/duplicates/keep-best", json={"items": ["a.jpg", "a copy.jpg", "a big.jpg"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["kept"] == "a big.jpg" and sorted(body["trashed"]) == ["a copy.jpg", "a.jpg"]
    assert (lib.source / "a big.jpg").is_file()
    assert sorted(p.name for p in lib.trash.iterdir()) == ["a copy.jpg", "a.jpg"]
    assert not (lib.source / "a.jpg").exists()
    assert {x["batch"] for x in lib.journal() if x["type"] == "delete"} == {body["batch"]}

    r = c.post("/api/undo", json={})
    assert r.status_code == 200, r.text
    assert {n: hash_of(lib.source / n) for n in before} == before
    assert list(lib.trash.iterdir()) == []


def test_keep_best_refuses_photos_that_are_not_duplicates(dupes_server: Any) -> None:
    c, lib = dupes_server.client, dupes_server.lib
    r = c.post("/api/duplicates/keep-best", json={"items": ["a.jpg", "other.jpg"]})
    assert r.status_code == 409 and r.json()["error"]["code"]
    assert (lib.source / "a.jpg").is_file() and (lib.source / "other.jpg").is_file()
    assert c.post("/api/duplicates/keep-best", json={"items": ["a.jpg"]}).status_code == 422
