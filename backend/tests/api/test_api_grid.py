"""Grids over a real HTTP server, real photos and the real offline embedder: what moves on
disk, what the journal says, what undo restores, and how a rejection changes suggestions."""

from __future__ import annotations

from collections import Counter
from typing import Any

import orjson
import pytest
from testdata import STAMPS


@pytest.fixture
def grid_server(make_library: Any, start_server: Any, engine: Any) -> Any:
    lib = make_library(clusters={"birds": 5, "coins": 5, "flowers": 5}, loose=24)
    server = start_server(lib, engine=engine)
    server.lib = lib
    return server


def journal(server: Any) -> list[dict[str, Any]]:
    path = server.lib.dest / ".clustering" / "actions.jsonl"
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def queued(server: Any) -> list[str]:
    page = server.client.get("/api/queue", params={"limit": 1000}).json()
    return [i["item"] for i in page["items"]]


def biggest_grid(server: Any) -> dict[str, Any]:
    """The biggest cluster grid with every candidate shown (below the break-even too)."""
    pages = [
        server.client.get("/api/grid", params={"cluster": c, "everything": "true"}).json()
        for c in ("birds", "coins", "flowers")
    ]
    return max(pages, key=lambda p: p["total"])


def test_grid_shows_only_photos_above_the_break_even_learned_from_decisions(grid_server: Any):
    c = grid_server.client

    def candidates(cluster: str) -> list[str]:
        page = c.get("/api/grid", params={"cluster": cluster, "everything": "true"}).json()
        return [i["item"] for i in page["items"]]

    # no decision yet: the tool does not know how often it is right, so every photo is left
    # for one by one and the grid says how many
    cluster = biggest_grid(grid_server)["cluster"]
    before = c.get("/api/grid", params={"cluster": cluster}).json()
    assert before["items"] == [] and before["total"] == 0
    assert before["left"] == len(candidates(cluster)) > 0
    assert 0.6 < before["break_even"] <= 0.75
    assert before["saving"] == 0.0
    # the reviewer accepts the first suggestion of a dozen photos, one by one
    for item in queued(grid_server)[:12]:
        top = c.get(f"/api/items/{item}").json()["suggestions"]["top"][0]["cluster"]
        assert c.post("/api/assign", json={"item": item, "cluster": top}).status_code == 200
    pages = [
        c.get("/api/grid", params={"cluster": n}).json() for n in ("birds", "coins", "flowers")
    ]
    page = max(pages, key=lambda p: p["total"])
    shown = page["items"]
    assert shown, pages
    confidence = [i["confidence"] for i in shown]
    assert min(confidence) > page["break_even"]
    assert confidence == sorted(confidence, reverse=True)  # most confident first
    assert page["total"] + page["left"] == len(candidates(page["cluster"]))
    assert page["saving"] > 0
    # unticking all of them teaches it that this cluster's first suggestions are wrong
    items = [i["item"] for i in shown]
    r = c.post(
        "/api/grid/file",
        json={"mode": "grid", "cluster": page["cluster"], "ticked": [], "unticked": items},
    )
    assert r.status_code == 200, r.text
    everything = c.get("/api/grid", params={"cluster": page["cluster"], "everything": "true"})
    after = {i["item"]: i["confidence"] for i in everything.json()["items"]}
    top_before = max(confidence)
    assert all(p < top_before for p in after.values())


def test_grid_files_ticked_as_one_batch_demotes_unticked_and_undoes_whole(
    grid_server: Any, hash_of: Any
):
    c, lib = grid_server.client, grid_server.lib
    page = biggest_grid(grid_server)
    cluster, items = page["cluster"], [i["item"] for i in page["items"]]
    assert page["total"] == len(items) >= 4
    assert all(i["cluster"] == cluster for i in page["items"])
    chances = [i["confidence"] for i in page["items"]]
    assert chances == sorted(chances, reverse=True)  # most confident first
    # the default cluster is the photo's first suggestion
    default = c.get("/api/grid", params={"item": items[0]}).json()
    assert default["cluster"] == cluster
    hashes = {i: hash_of(lib.source / i) for i in items}
    ticked, unticked = items[:-2], items[-2:]
    before = c.get("/api/auto-move/estimate").json()["decisions"]

    r = c.post(
        "/api/grid/file",
        json={"mode": "grid", "cluster": cluster, "ticked": ticked, "unticked": unticked},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert sorted(body["moved"]) == sorted(ticked) and body["skipped"] == []
    assert sorted(body["demoted"]) == sorted(unticked)
    for i in ticked:
        assert not (lib.source / i).exists()
        assert hash_of(lib.dest / cluster / i) == hashes[i]
    assert set(unticked) <= set(queued(grid_server))
    lines = [x for x in journal(grid_server) if x.get("batch") == body["batch"]]
    assert [x["type"] for x in lines] == [
        "grid-batch-start",
        *["assign"] * len(ticked),
        "grid-batch-end",
    ]
    assert all(x["by"] == "manual" and x["mode"] == "grid" for x in lines[1:-1])
    assert sorted(r["item"] for r in lines[0]["rejected"]) == sorted(unticked)
    # ticked and unticked photos are evidence for the confidence model
    assert c.get("/api/auto-move/estimate").json()["decisions"] == before + len(items)
    # the rejected cluster is demoted: out of its grid, no longer suggested first
    again = c.get("/api/grid", params={"cluster": cluster, "everything": "true"}).json()
    assert not {i["item"] for i in again["items"]} & set(unticked)
    detail = c.get(f"/api/items/{unticked[0]}").json()
    assert detail["suggestions"]["top"][0]["cluster"] != cluster
    assert detail["suggestions"]["top"][-1]["cluster"] == cluster

    undo = c.post("/api/undo", json={"batch": body["batch"]})
    assert undo.status_code == 200, undo.text
    for i in ticked:
        assert hash_of(lib.source / i) == hashes[i]
        assert not (lib.dest / cluster / i).exists()
    assert set(items) <= set(queued(grid_server))
    restored = c.get("/api/grid", params={"cluster": cluster, "everything": "true"}).json()
    assert {i["item"] for i in restored["items"]} >= set(unticked)  # demotion undone too
    assert c.get("/api/auto-move/estimate").json()["decisions"] == before


def test_a_photo_filed_meanwhile_is_skipped_not_filed_twice(grid_server: Any):
    c, lib = grid_server.client, grid_server.lib
    page = biggest_grid(grid_server)
    cluster, items = page["cluster"], [i["item"] for i in page["items"]]
    other = next(n for n in ("birds", "coins", "flowers") if n != cluster)
    # another reviewer files the first grid photo elsewhere while the grid is open
    assert (
        c.post(
            "/api/assign", json={"item": items[0], "cluster": other}, headers={"X-Reviewer": "bob"}
        ).status_code
        == 200
    )
    r = c.post("/api/grid/file", json={"mode": "grid", "cluster": cluster, "ticked": items})
    assert r.status_code == 200, r.text
    assert r.json()["skipped"] == [items[0]]
    assert (lib.dest / other / items[0]).is_file()
    assert not (lib.dest / cluster / items[0]).exists()
    assigns = [x for x in journal(grid_server) if x["type"] == "assign" and x["item"] == items[0]]
    assert len(assigns) == 1 and assigns[0]["cluster"] == other


def test_more_like_this_files_neighbours_where_the_reviewer_says(grid_server: Any):
    c, lib = grid_server.client, grid_server.lib
    photo = queued(grid_server)[3]
    page = c.get("/api/grid/similar", params={"item": photo, "limit": 5}).json()
    assert page["mode"] == "similar" and page["items"][0]["item"] == photo
    sims = [i["similarity"] for i in page["items"]]
    assert sims[0] == pytest.approx(1.0, abs=1e-3) and sims == sorted(sims, reverse=True)
    ticked = [i["item"] for i in page["items"][:3]]
    r = c.post("/api/grid/file", json={"mode": "similar", "cluster": "coins", "ticked": ticked})
    assert r.status_code == 200, r.text
    assert all((lib.dest / "coins" / i).is_file() for i in ticked)
    # one Ctrl+Z (undo the newest action) takes the whole batch back
    assert c.post("/api/undo", json={}).status_code == 200
    assert all((lib.source / i).is_file() for i in ticked)


def test_grid_requests_that_make_no_sense_are_clear_4xx(grid_server: Any, check_error: Any):
    c = grid_server.client
    item = queued(grid_server)[0]
    bad = [
        ({"mode": "grid", "cluster": "birds", "ticked": [item], "unticked": [item]}, 400),
        ({"mode": "grid", "cluster": "birds", "ticked": []}, 400),
        ({"mode": "grid", "cluster": "birds", "ticked": ["../etc/passwd"]}, 400),
        ({"mode": "grid", "cluster": "nope", "ticked": [item]}, 404),
        ({"mode": "grid", "cluster": "a//b", "ticked": [item]}, 400),
    ]
    for body, status in bad:
        check_error(c.post("/api/grid/file", json=body), status)
    assert (
        c.post(
            "/api/grid/file", json={"mode": "odd", "cluster": "birds", "ticked": [item]}
        ).status_code
        == 422
    )
    check_error(c.get("/api/grid"), 400)
    check_error(c.get("/api/grid", params={"cluster": "nope"}), 404)
    check_error(c.get("/api/grid/similar", params={"item": "nope.jpg"}), 409)
    assert item in queued(grid_server)


def test_grids_without_suggestions_say_why(server: Any, check_error: Any):
    check_error(server.client.get("/api/grid", params={"cluster": "birds"}), 409)


def test_cold_start_proposes_groups_and_naming_one_creates_the_cluster(
    make_library: Any, start_server: Any, engine: Any, hash_of: Any
):
    lib = make_library(clusters={}, loose=16)
    c = start_server(lib, engine=engine).client
    # no decision yet: every group is left for one by one until the reviewer asks for them
    cut = c.get("/api/discover").json()
    page = c.get("/api/discover", params={"everything": "true"}).json()
    assert cut["groups"] == [] and cut["left"] == sum(g["size"] for g in page["groups"])
    assert page["cold_start"] is True and page["candidates"] == 16
    assert page["groups"] and all(g["size"] == len(g["items"]) >= 2 for g in page["groups"])
    sizes = [g["size"] for g in page["groups"]]
    assert sizes == sorted(sizes, reverse=True)
    items = [i["item"] for i in page["groups"][0]["items"]]
    hashes = {i: hash_of(lib.source / i) for i in items}
    r = c.post(
        "/api/grid/file",
        json={"mode": "discover", "cluster": "found", "ticked": items, "create": True},
    )
    assert r.status_code == 200, r.text
    assert all(hash_of(lib.dest / "found" / i) == hashes[i] for i in items)
    assert "found" in [x["name"] for x in c.get("/api/session").json()["clusters"]]
    # the named group now ranks first for its photos; undo takes back moves and the folder
    assert c.post("/api/undo", json={"batch": r.json()["batch"]}).status_code == 200
    assert not (lib.dest / "found").exists()
    assert all(hash_of(lib.source / i) == hashes[i] for i in items)


def test_a_proposed_group_leaves_its_unlikely_members_for_one_by_one(
    make_library: Any, start_server: Any, engine: Any, hash_of: Any
):
    lib = make_library(clusters={"birds": 5, "coins": 5}, loose=40)
    c = start_server(lib, engine=engine).client
    truth = {hash_of(p): p.parent.name for p in STAMPS.glob("*/*.jpg")}
    kind = {i: truth[hash_of(lib.source / i)] for i in lib.loose}

    def discover(everything: bool = False) -> dict[str, Any]:
        r = c.get("/api/discover", params={"everything": str(everything).lower()})
        assert r.status_code == 200, r.text
        page: dict[str, Any] = r.json()
        return page

    # no decision yet: the tool does not know how likely a member is to belong, so every
    # group is left for one by one, and the page says how many photos that is
    proposed = discover(everything=True)["groups"]
    assert proposed
    before = discover()
    assert before["groups"] == []
    assert before["left"] == sum(g["size"] for g in proposed)

    def first(item: str) -> str:
        return str(c.get(f"/api/items/{item}").json()["suggestions"]["top"][0]["cluster"])

    # the evidence: the reviewer accepts the first suggestion of the birds and coins it got
    # right, and files three mammals into a new cluster (none it could have suggested)
    picked = [i for i in lib.loose if kind[i] in ("birds", "coins") and first(i) == kind[i]]
    picked += [i for i in lib.loose if kind[i] == "mammals"][:3]
    for item in picked:
        body = {"item": item, "cluster": kind[item], "create": kind[item] == "mammals"}
        assert c.post("/api/assign", json=body).status_code == 200
    page, whole = discover(), discover(everything=True)
    every = {i["item"]: i for g in whole["groups"] for i in g["items"]}
    shown = {i["item"]: i for g in page["groups"] for i in g["items"]}
    left = set(every) - set(shown)
    assert page["groups"] and left and page["left"] == len(left)

    # the cut keeps each group's most likely members: none it leaves out is more likely than
    # one it shows, and what it shows is at least as pure as the whole group; what the groups
    # show is mostly photos of classes with no cluster, the ones a new cluster is for
    def purity(items: list[str]) -> float:
        return Counter(kind[i] for i in items).most_common(1)[0][1] / len(items)

    for group in whole["groups"]:
        chance = {i["item"]: i["confidence"] for i in group["items"]}
        kept = [i for i in chance if i in shown]
        if kept:
            out = [chance[i] for i in chance if i not in shown]
            assert max(out, default=0.0) <= min(chance[i] for i in kept)
            assert purity(kept) >= purity(list(chance))
    new = [i for i in shown if kind[i] not in ("birds", "coins", "mammals")]
    assert len(new) >= 0.75 * len(shown), [kind[i] for i in shown]
    for group in page["groups"]:
        chance = [i["confidence"] for i in group["items"]]
        assert min(chance) > page["break_even"] and chance == sorted(chance, reverse=True)
        assert group["left"] + len(group["items"]) == group["size"]


def test_uncertain_first_orders_the_queue_by_margin_and_undo_restores_it(grid_server: Any):
    c, lib = grid_server.client, grid_server.lib

    def page() -> list[dict[str, Any]]:
        return c.get("/api/queue", params={"limit": 1000}).json()["items"]

    before = [i["item"] for i in page()]
    r = c.post("/api/order", json={"order": "uncertain"})
    assert r.status_code == 200, r.text
    items = page()
    margins = [i["suggestions"]["margin"] for i in items]
    assert margins == sorted(margins)  # lowest margin first
    assert sorted(i["item"] for i in items) == sorted(before)
    # a skip keeps the order of the rest; a reopened session replays the same order
    first = items[0]["item"]
    c.post("/api/skip", json={"item": first})
    assert [i["item"] for i in page()][:-1] == [i["item"] for i in items[1:]]
    reopened = lib.open(read_only=True)
    assert reopened.queue_items() == [i["item"] for i in page()]
    reopened.close()
    assert c.post("/api/undo", json={}).status_code == 200  # the skip
    assert c.post("/api/undo", json={}).status_code == 200  # the order
    assert [i["item"] for i in page()] == before
    assert c.post("/api/order", json={"order": "sideways"}).status_code == 422
