"""Every action and its undo over a real HTTP server, checked on disk and in the journal."""

from __future__ import annotations

from urllib.parse import quote

import pytest


def _queue(client) -> list[str]:
    page = client.get("/api/queue", params={"limit": 1000}).json()
    return [i["item"] for i in page["items"]]


def test_session_and_queue_and_health(server, library):
    c = server.client
    assert c.get("/api/health").json()["status"] == "ok"
    info = c.get("/api/session").json()
    assert info["source"] == str(library.source.resolve())
    assert info["dest"] == str(library.dest.resolve())
    assert info["embedder"]["kind"] == "none"
    assert info["stats"]["queued"] == 6
    assert set(info["stats"]) == {
        "queued",
        "processed",
        "manual",
        "auto",
        "deleted",
        "skipped",
        "undone",
        "counting",
    }
    assert info["stats"]["counting"] is False  # a small source is counted before it opens
    assert [(x["name"], x["count"], x["slot"]) for x in info["clusters"]] == [
        ("birds", 3, 1),
        ("coins", 3, 2),
    ]
    assert set(info["indexing"]) >= {"done", "total", "per_second"}
    page = c.get("/api/queue", params={"offset": 2, "limit": 3}).json()
    assert page["total"] == 6
    assert [i["item"] for i in page["items"]] == library.loose[2:5]
    assert [i["position"] for i in page["items"]] == [2, 3, 4]
    assert page["items"][0]["suggestions"] is None
    detail = c.get(f"/api/items/{library.loose[0]}").json()
    assert detail["queued"] is True and detail["position"] == 0
    assert detail["location"] == "source"
    assert (detail["width"], detail["height"], detail["format"]) == (384, 384, "JPEG")
    assert detail["decode_error"] is None
    assert detail["size_bytes"] == (library.source / library.loose[0]).stat().st_size


def test_assign_and_undo_over_http(server, library, hash_of):
    c = server.client
    item = library.loose[0]
    before = hash_of(library.source / item)
    r = c.post(
        "/api/assign", json={"item": item, "cluster": "birds"}, headers={"X-Reviewer": "ann"}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    (rec,) = body["records"]
    assert rec["type"] == "assign" and rec["dst"] == f"birds/{item}" and rec["reviewer"] == "ann"
    assert body["stats"]["processed"] == 1 and body["stats"]["queued"] == 5
    assert hash_of(library.dest / "birds" / item) == before
    assert not (library.source / item).exists()
    assert library.journal()[-1]["seq"] == rec["seq"]
    assert item not in _queue(c)

    r = c.post("/api/undo", json={})
    assert r.status_code == 200, r.text
    (u,) = r.json()["records"]
    assert u["type"] == "undo" and u["undoes"] == rec["seq"]
    assert hash_of(library.source / item) == before
    assert _queue(c)[0] == item
    actions = c.get("/api/actions").json()
    assert [x["type"] for x in actions["records"]] == ["assign", "undo"]
    assert actions["undone"] == [rec["seq"]]
    assert actions["last_seq"] == u["seq"]
    assert c.get("/api/actions", params={"after": 1}).json()["records"][0]["seq"] == 2


def test_assign_with_create_over_http(server, library):
    c = server.client
    item = library.loose[1]
    r = c.post("/api/assign", json={"item": item, "cluster": "Ünïcode birds"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_cluster"
    assert not (library.dest / "Ünïcode birds").exists()
    r = c.post("/api/assign", json={"item": item, "cluster": "Ünïcode birds", "create": True})
    assert r.status_code == 200, r.text
    assert (library.dest / "Ünïcode birds" / item).is_file()
    clusters = {x["name"]: x for x in c.get("/api/session").json()["clusters"]}
    assert clusters["Ünïcode birds"]["count"] == 1 and clusters["Ünïcode birds"]["slot"] == 3
    assert c.post("/api/undo", json={}).status_code == 200
    assert c.post("/api/undo", json={}).status_code == 200  # the cluster creation
    assert not (library.dest / "Ünïcode birds").exists()
    assert (library.source / item).is_file()


def test_create_cluster_endpoint(server, library):
    c = server.client
    r = c.post("/api/clusters", json={"name": "fruit"})
    assert r.status_code == 200
    assert (library.dest / "fruit").is_dir()
    r = c.post("/api/clusters", json={"name": "fruit"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"


def test_delete_and_undo_over_http(server, library, hash_of):
    c = server.client
    item = library.loose[2]
    before = hash_of(library.source / item)
    r = c.post("/api/delete", json={"item": item})
    assert r.status_code == 200, r.text
    assert r.json()["records"][0]["dst"] == f".clustering/trash/{item}"
    assert hash_of(library.trash / item) == before
    assert r.json()["stats"]["deleted"] == 1
    r = c.post("/api/undo", json={"seq": r.json()["records"][0]["seq"]})
    assert r.status_code == 200
    assert hash_of(library.source / item) == before
    assert not (library.trash / item).exists()


def test_skip_and_undo_over_http(server, library):
    c = server.client
    first = library.loose[0]
    r = c.post("/api/skip", json={"item": first})
    assert r.status_code == 200
    assert r.json()["stats"]["skipped"] == 1
    assert _queue(c)[-1] == first
    assert (library.source / first).is_file()
    c.post("/api/undo", json={})
    assert _queue(c)[0] == first


def test_shuffle_over_http_reproducible_and_persisted(make_library, start_server):
    lib = make_library(loose=12)
    srv = start_server(lib)
    c = srv.client
    natural = _queue(c)
    r = c.post("/api/shuffle", json={"seed": 5})
    assert r.status_code == 200 and r.json()["records"][0]["seed"] == 5
    five = _queue(c)
    assert five != natural and sorted(five) == sorted(natural)
    c.post("/api/shuffle", json={})  # random seed
    random_order = _queue(c)
    assert sorted(random_order) == sorted(natural)
    c.post("/api/shuffle", json={"seed": 5})
    assert _queue(c) == five
    srv.stop()

    again = start_server(lib)
    assert _queue(again.client) == five
    again.client.post("/api/undo", json={})
    assert _queue(again.client) == random_order


def test_undo_chain_over_http(server, library):
    c = server.client
    a, b = library.loose[0], library.loose[1]
    first = c.post("/api/assign", json={"item": b, "cluster": "coins"}).json()["records"][0]
    c.post("/api/assign", json={"item": a, "cluster": "birds"})
    c.post("/api/undo", json={})
    c.post("/api/assign", json={"item": a, "cluster": "coins"})
    c.post("/api/undo", json={})
    r = c.post("/api/undo", json={})
    assert r.json()["records"][0]["undoes"] == first["seq"]
    assert (library.source / a).is_file() and (library.source / b).is_file()
    r = c.post("/api/undo", json={})
    assert r.status_code == 409 and r.json()["error"]["code"] == "nothing_to_undo"
    r = c.post("/api/undo", json={"seq": first["seq"]})
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_undone"
    r = c.post("/api/undo", json={"seq": 12345})
    assert r.status_code == 404
    assert sorted(_queue(c)) == sorted(library.loose)


def test_undo_after_server_restart(library, start_server, hash_of):
    srv = start_server(library)
    item = library.loose[3]
    before = hash_of(library.source / item)
    srv.client.post("/api/delete", json={"item": item})
    srv.stop()
    srv2 = start_server(library)
    r = srv2.client.post("/api/undo", json={})
    assert r.status_code == 200
    assert hash_of(library.source / item) == before


def test_name_collision_over_http(server, library, hash_of):
    c = server.client
    library.add("birds/IMG_0001.jpg", under=library.dest)
    existing = hash_of(library.dest / "birds/IMG_0001.jpg")
    incoming = hash_of(library.source / "IMG_0001.jpg")
    r = c.post("/api/assign", json={"item": "IMG_0001.jpg", "cluster": "birds"})
    assert r.json()["records"][0]["dst"] == "birds/IMG_0001 (2).jpg"
    assert hash_of(library.dest / "birds/IMG_0001.jpg") == existing
    assert hash_of(library.dest / "birds/IMG_0001 (2).jpg") == incoming
    r = c.get("/api/image/" + quote("birds/IMG_0001 (2).jpg"), params={"size": "original"})
    assert r.status_code == 200
    assert r.content == (library.dest / "birds/IMG_0001 (2).jpg").read_bytes()


@pytest.mark.parametrize(
    "name", ["Été à Paris 2024 #1.jpg", "日本 写真.JPG", "100% fun & games?.jpg", "a+b=c;d.jpeg"]
)
def test_unicode_and_odd_names_over_http(make_library, start_server, hash_of, name):
    lib = make_library(clusters={"Ünïcode birds": 1}, loose=1)
    lib.add(f"sub dir/{name}")  # dest = source: sub dir becomes a cluster, the root file queued
    lib.add(name)
    srv = start_server(lib)
    c = srv.client
    assert name in _queue(c)
    url = quote(name)
    r = c.get(f"/api/items/{url}")
    assert r.status_code == 200, r.text
    assert r.json()["item"] == name and r.json()["name"] == name and r.json()["queued"]
    r = c.get(f"/api/image/{url}", params={"size": "thumb"})
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    member = quote(f"sub dir/{name}")
    assert c.get(f"/api/items/{member}").json()["location"] == "dest"
    assert c.get(f"/api/image/{member}", params={"size": "thumb"}).status_code == 200

    before = hash_of(lib.source / name)
    r = c.post("/api/assign", json={"item": name, "cluster": "Ünïcode birds"})
    assert r.status_code == 200, r.text
    assert hash_of(lib.dest / "Ünïcode birds" / name) == before
    cl = quote(f"Ünïcode birds/{name}")
    assert c.get(f"/api/items/{cl}").json()["location"] == "dest"
    assert (
        c.get(f"/api/image/{cl}", params={"size": "original"}).content
        == (lib.dest / "Ünïcode birds" / name).read_bytes()
    )
    assert c.post("/api/undo", json={}).status_code == 200
    assert hash_of(lib.source / name) == before
    r = c.post("/api/delete", json={"item": name})
    assert r.status_code == 200
    assert r.json()["records"][0]["dst"] == f".clustering/trash/{name}"
    r = c.get(f"/api/image/{url}", params={"size": "original", "root": "trash"})
    assert r.status_code == 200 and hash_of(lib.trash / name) == before


def test_settings_over_http(server, library):
    c = server.client
    r = c.post("/api/settings", json={"manual_only": True, "top_k": 3})
    assert r.status_code == 200 and r.json()["manual_only"] is True
    assert library.journal()[-1]["type"] == "settings"
    assert c.get("/api/settings").json()["top_k"] == 3
    r = c.post("/api/settings", json={"top_k": 99})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"
    c.post("/api/undo", json={})
    assert c.get("/api/settings").json()["manual_only"] is False


def test_into_dest_nested_over_http(make_library, start_server, hash_of):
    lib = make_library(clusters={"birds": 2}, loose=5, into=True, nested=True)
    srv = start_server(lib)
    c = srv.client
    assert sorted(_queue(c)) == sorted(lib.loose)
    item = "2024/summer/IMG_0003.jpg"
    before = hash_of(lib.source / item)
    r = c.post("/api/assign", json={"item": item, "cluster": "birds"})
    assert r.json()["records"][0]["dst"] == "birds/IMG_0003.jpg"
    assert hash_of(lib.dest / "birds/IMG_0003.jpg") == before
    assert c.get("/api/items/birds/IMG_0003.jpg").json()["location"] == "dest"
    c.post("/api/undo", json={})
    assert hash_of(lib.source / item) == before
    assert _queue(c)[0] == item
