"""Hostile item paths and cluster names: always a 4xx JSON error, never a 500, never a leak."""

from __future__ import annotations

import http.client
import json
import os

import pytest

# Sent byte for byte (http.client does not normalise `..` the way httpx does).
RAW_PATHS = [
    "../../etc/passwd",
    "..",
    "%2e%2e/%2e%2e/etc/passwd",
    "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    "..%2f..%2fetc%2fpasswd",
    "..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/etc/passwd",
    "%2Fetc%2Fpasswd",
    "IMG_0001.jpg%00",
    "a%00b.jpg",
    "..%5C..%5Cetc%5Cpasswd",
    "birds%5C..%5C..%5Csecret.jpg",
    "C:%5Cwindows%5Cwin.ini",
    "birds/../../secret.jpg",
    "./IMG_0001.jpg",
    "birds//x.jpg",
    "outside-link.jpg",
    "linked-dir/secret.jpg",
    ".clustering/actions.jsonl",
    ".clustering/state.json",
    "%2e%2e/secret.jpg",
]

BODY_ITEMS = [
    "../secret.jpg",
    "../../etc/passwd",
    "/etc/passwd",
    "%2e%2e/secret.jpg",
    "..%2fsecret.jpg",
    "a\x00b.jpg",
    "..\\secret.jpg",
    "C:\\secret.jpg",
    "birds/../../secret.jpg",
    "outside-link.jpg",
    "linked-dir/secret.jpg",
    ".clustering/actions.jsonl",
    "",
]


@pytest.fixture
def hostile(library, start_server):
    """A library with a secret photo outside it and two symlinks inside pointing at it."""
    outside = library.root / "outside"
    outside.mkdir()
    secret = library.add("secret.jpg", under=outside)
    os.symlink(secret, library.source / "outside-link.jpg")
    os.symlink(outside, library.source / "linked-dir")
    (library.root / "secret.jpg").write_bytes(secret.read_bytes())
    srv = start_server(library)
    return srv, secret


def raw_get(srv, path: str) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read()
    finally:
        conn.close()
    try:
        return resp.status, json.loads(body)
    except ValueError:
        return resp.status, {"raw": body[:200]}


def _problem(status: int, body: dict) -> str | None:
    """None when the response is a proper 4xx JSON error, else what is wrong with it."""
    if not 400 <= status < 500:
        return f"status {status}: {body}"
    if set(body) != {"error"} or not body["error"].get("code") or not body["error"].get("message"):
        return f"bad error shape: {body}"
    return None


# One server per test, many paths per test: a server start costs more than the requests.


def test_hostile_paths_on_get_endpoints(hostile):
    srv, _ = hostile
    problems = []
    for endpoint in ("items", "image"):
        for path in RAW_PATHS:
            for query in (
                "",
                "?size=original",
                "?size=thumb&root=source",
                "?size=original&root=dest",
            ):
                status, body = raw_get(srv, f"/api/{endpoint}/{path}{query}")
                if (p := _problem(status, body)) is not None:
                    problems.append(f"GET /api/{endpoint}/{path}{query}: {p}")
    assert problems == []


def test_hostile_paths_with_every_root(hostile):
    srv, _ = hostile
    problems = []
    for root in ("source", "dest", "trash"):
        for path in ["../secret.jpg", "..%2fsecret.jpg", "../../secret.jpg", "outside-link.jpg"]:
            for endpoint in ("items", "image"):
                url = f"/api/{endpoint}/{path}?root={root}&size=original"
                if (p := _problem(*raw_get(srv, url))) is not None:
                    problems.append(f"GET {url}: {p}")
    assert problems == []


@pytest.mark.parametrize("endpoint", ["assign", "delete", "skip"])
def test_hostile_items_on_action_endpoints(hostile, library, endpoint):
    srv, secret = hostile
    before = library.contents()
    problems = []
    for item in BODY_ITEMS:
        payload = {"item": item, "cluster": "birds", "create": True}
        r = srv.client.post(f"/api/{endpoint}", json=payload)
        if (p := _problem(r.status_code, r.json())) is not None:
            problems.append(f"POST /api/{endpoint} {item!r}: {p}")
    assert problems == []
    assert secret.is_file()
    assert library.contents() == before
    moves = [x for x in library.journal() if x["type"] in ("assign", "delete", "skip")]
    assert moves == []


def test_symlink_is_not_queued_and_not_served(hostile):
    srv, secret = hostile
    items = [i["item"] for i in srv.client.get("/api/queue").json()["items"]]
    assert "outside-link.jpg" not in items
    assert not any(i.startswith("linked-dir/") for i in items)
    r = srv.client.get("/api/image/outside-link.jpg", params={"size": "original"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_path"
    assert secret.read_bytes() not in r.content


def test_session_internals_are_not_served(hostile):
    srv, _ = hostile
    for path in (".clustering/actions.jsonl", ".clustering/state.json"):
        for root in (None, "source", "dest"):
            params = {"size": "original", **({"root": root} if root else {})}
            r = srv.client.get(f"/api/image/{path}", params=params)
            assert r.status_code in (400, 404), (path, root, r.status_code)


def test_bad_cluster_names(server, library):
    for name in [
        "..",
        ".",
        ".hidden",
        "a//b",
        "/a",
        "",
        "   ",
        "x\\y",
        "../birds",
        "birds/..",
        "birds/CON",
    ]:
        r = server.client.post(
            "/api/assign", json={"item": library.loose[0], "cluster": name, "create": True}
        )
        assert r.status_code == 400, (name, r.text)
        assert r.json()["error"]["code"] == "bad_cluster_name"
        r = server.client.post("/api/clusters", json={"name": name})
        assert r.status_code == 400, (name, r.text)
    assert (library.source / library.loose[0]).is_file()
    # (the rendition cache under .clustering/ fills with the previews made ahead meanwhile)
    cache = library.clustering / "cache"
    made = [p for p in library.root.rglob("*") if p.is_dir() and not p.is_relative_to(cache)]
    assert sorted(p.name for p in made) == sorted(["photos", "birds", "coins", ".clustering"])
    assert library.journal() == []
