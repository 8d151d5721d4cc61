"""A batch whose moves fail says so: each photo with its reason, and an action that moved
nothing because of that is an error, not a 200. Real files, a real server, a cluster folder
that cannot be written (immutable, which stops root too)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from unwritable import unwritable


@pytest.fixture
def server(make_library: Any, start_server: Any, engine: Any) -> Any:
    lib = make_library(clusters={"birds": 5, "coins": 5, "flowers": 5}, loose=18)
    srv = start_server(lib, engine=engine)
    srv.lib = lib
    return srv


def journal(server: Any) -> list[dict[str, Any]]:
    path = server.lib.dest / ".clustering" / "actions.jsonl"
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def biggest_grid(server: Any) -> dict[str, Any]:
    # Before any decision nothing beats the break-even: the whole grid is asked for.
    pages = [
        server.client.get("/api/grid", params={"cluster": c, "everything": True}).json()
        for c in ("birds", "coins", "flowers")
    ]
    return max(pages, key=lambda p: p["total"])


def test_a_grid_filed_into_a_folder_that_cannot_be_written_is_an_error_listing_each_photo(
    server: Any,
):
    c, lib = server.client, server.lib
    page = biggest_grid(server)
    cluster, items = page["cluster"], [i["item"] for i in page["items"]]
    assert len(items) >= 2
    with unwritable() as mark:
        mark(lib.dest / cluster)
        r = c.post("/api/grid/file", json={"mode": "grid", "cluster": cluster, "ticked": items})
    assert r.status_code == 409, r.text
    error = r.json()["error"]
    assert error["code"] == "moves_failed"
    assert sorted(f["item"] for f in error["failed"]) == sorted(items)
    assert all(f["reason"] for f in error["failed"])
    for i in items:
        assert (lib.source / i).is_file() and not (lib.dest / cluster / i).exists()
    queue = c.get("/api/queue", params={"limit": 1000}).json()["items"]
    assert set(items) <= {q["item"] for q in queue}
    end = next(x for x in journal(server) if x["type"] == "grid-batch-end")
    assert end["moved"] == 0 and end["failed"] == len(items) and end["skipped"] == 0


def test_a_grid_where_some_moves_fail_lists_them_apart_from_those_filed_meanwhile(
    server: Any,
):
    c, lib = server.client, server.lib
    page = biggest_grid(server)
    cluster, items = page["cluster"], [i["item"] for i in page["items"]]
    assert len(items) >= 3
    other = next(n for n in ("birds", "coins", "flowers") if n != cluster)
    assert c.post("/api/assign", json={"item": items[0], "cluster": other}).status_code == 200
    with unwritable() as mark:
        mark(lib.source / items[1])  # an immutable file cannot be renamed away
        r = c.post("/api/grid/file", json={"mode": "grid", "cluster": cluster, "ticked": items})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["skipped"] == [items[0]]
    assert [f["item"] for f in body["failed"]] == [items[1]]
    assert body["failed"][0]["reason"]
    assert sorted(body["moved"]) == sorted(items[2:])
    assert (lib.source / items[1]).is_file()
    assert all((lib.dest / cluster / i).is_file() for i in items[2:])


def test_an_auto_move_that_moved_nothing_is_an_error_listing_each_photo(server: Any):
    c, lib = server.client, server.lib
    rule = {"threshold": -1.0, "min_samples": 1}
    dry = c.post("/api/auto-move", json={**rule, "dry_run": True}).json()
    assert dry["count"] > 0 and dry["failed"] == []
    # no reviewed decision yet: nothing guarantees this rule, and the estimate says so
    assert c.get("/api/auto-move/estimate", params=rule).json()["guaranteed"] is False
    with unwritable() as mark:
        for cluster in ("birds", "coins", "flowers"):
            mark(lib.dest / cluster)
        r = c.post("/api/auto-move", json={**rule, "dry_run": False})
    assert r.status_code == 409, r.text
    error = r.json()["error"]
    assert error["code"] == "moves_failed"
    assert sorted(f["item"] for f in error["failed"]) == sorted(i["item"] for i in dry["items"])
    assert all((lib.source / i["item"]).is_file() for i in dry["items"])
    end = next(x for x in journal(server) if x["type"] == "auto-batch-end")
    assert end["moved"] == 0 and end["failed"] == dry["count"]
