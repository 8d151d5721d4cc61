"""Several reviewers at once: error shapes, live events, races, and files changing underneath."""

from __future__ import annotations

import json
import os
import threading

import httpx
import pytest
from waiting import wait_for


def _queue(client) -> list[str]:
    return [i["item"] for i in client.get("/api/queue", params={"limit": 1000}).json()["items"]]


def test_error_shapes(server, library, check_error):
    c = server.client
    item = library.loose[0]
    check_error(
        c.post("/api/assign", json={"item": item, "cluster": "nope"}), 404, "unknown_cluster"
    )
    check_error(
        c.post("/api/assign", json={"item": "missing.jpg", "cluster": "birds"}), 404, "not_found"
    )
    check_error(c.get("/api/items/missing.jpg"), 404, "not_found")
    check_error(c.get("/api/image/missing.jpg"), 404, "not_found")
    for bad in (
        c.post("/api/assign", content=b"{not json", headers={"content-type": "application/json"}),
        c.post("/api/assign", json={"item": item}),
        c.post("/api/assign", json={"item": 5, "cluster": ["x"]}),
        c.post("/api/assign", json=[1, 2]),
        c.post("/api/delete", content=b""),
        c.post("/api/undo", json={"seq": "latest"}),
        c.post("/api/shuffle", json={"seed": "abc"}),
        c.get("/api/queue", params={"limit": 0}),
        c.get("/api/queue", params={"offset": -1}),
    ):
        check_error(bad, 422, "invalid_request")
    check_error(c.post("/api/undo", json={}), 409, "nothing_to_undo")
    check_error(c.get("/api/nothing-here"), 404)
    check_error(c.get("/api/assign"), 405)
    r = c.post("/api/assign", json={"item": item, "cluster": "birds", "reviewer": "x" * 200})
    check_error(r, 400)
    assert (library.source / item).is_file()


def test_action_on_item_filed_by_another_reviewer_is_409(server, library, check_error):
    alice, bob = server.client, server.new_client()
    item = library.loose[0]
    assert (
        alice.post(
            "/api/assign", json={"item": item, "cluster": "birds"}, headers={"X-Reviewer": "alice"}
        ).status_code
        == 200
    )
    for path, body in (
        ("/api/assign", {"item": item, "cluster": "coins"}),
        ("/api/delete", {"item": item}),
        ("/api/skip", {"item": item}),
    ):
        check_error(bob.post(path, json=body, headers={"X-Reviewer": "bob"}), 409, "not_queued")
    bob.close()
    assert (library.dest / "birds" / item).is_file()
    assert not (library.dest / "coins" / item).exists()
    assert [r["reviewer"] for r in library.journal()] == ["alice"]


def test_two_reviewers_race_for_one_item(make_library, start_server):
    lib = make_library(loose=8)
    srv = start_server(lib)
    before = lib.contents()
    for item in lib.loose:
        barrier = threading.Barrier(2)
        statuses: list[int] = []

        def post(cluster: str, item: str, barrier: threading.Barrier, out: list[int]) -> None:
            with srv.new_client() as c:
                barrier.wait()
                r = c.post("/api/assign", json={"item": item, "cluster": cluster})
                out.append(r.status_code)

        threads = [
            threading.Thread(target=post, args=(c, item, barrier, statuses))
            for c in ("birds", "coins")
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(statuses) == [200, 409], (item, statuses)
        assert ((lib.dest / "birds" / item).exists()) != ((lib.dest / "coins" / item).exists())
    assert lib.contents() == before
    assert len([r for r in lib.journal() if r["type"] == "assign"]) == len(lib.loose)
    assert srv.client.get("/api/session").json()["stats"]["processed"] == len(lib.loose)


def test_sse_reports_another_clients_assign(server, library):
    item = library.loose[0]
    events: list[tuple[str, dict]] = []
    connected = threading.Event()
    done = threading.Event()

    def listen() -> None:
        timeout = httpx.Timeout(10.0)
        with (
            httpx.Client(base_url=server.url, timeout=timeout) as c,
            c.stream("GET", "/api/events") as r,
        ):
            assert r.status_code == 200
            assert r.headers["content-type"].startswith("text/event-stream")
            name = None
            for line in r.iter_lines():
                if line.startswith("event:"):
                    name = line.split(":", 1)[1].strip()
                elif line.startswith("data:") and name:
                    events.append((name, json.loads(line.split(":", 1)[1])))
                    if name == "hello":
                        connected.set()
                    if name == "action":
                        done.set()
                        return

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    assert connected.wait(10), "no hello event"
    with server.new_client() as other:
        r = other.post(
            "/api/assign", json={"item": item, "cluster": "birds"}, headers={"X-Reviewer": "eve"}
        )
        assert r.status_code == 200
    assert done.wait(10), f"no action event, got {events}"
    listener.join(10)
    name, data = events[-1]
    assert name == "action"
    assert data["record"]["type"] == "assign" and data["record"]["item"] == item
    assert data["record"]["reviewer"] == "eve"
    assert data["stats"]["processed"] == 1


def test_background_refresh_picks_up_changes(library, start_server):
    srv = start_server(library, rescan_interval=0.1)
    c = srv.client
    library.add("IMG_0500.jpg")
    assert wait_for(lambda: "IMG_0500.jpg" in _queue(c)), _queue(c)
    os.unlink(library.source / library.loose[0])
    assert wait_for(lambda: library.loose[0] not in _queue(c))
    assert c.get("/api/session").json()["stats"]["queued"] == 6
    # The new photo can be acted on at once.
    r = c.post("/api/assign", json={"item": "IMG_0500.jpg", "cluster": "coins"})
    assert r.status_code == 200
    assert (library.dest / "coins/IMG_0500.jpg").is_file()
    # A vanished one is gone for good: 404, not a 500.
    r = c.post("/api/assign", json={"item": library.loose[0], "cluster": "coins"})
    assert r.status_code == 404


def test_file_removed_before_refresh_is_404_and_dropped(server, library):
    c = server.client
    item = library.loose[1]
    os.unlink(library.source / item)
    r = c.post("/api/delete", json={"item": item})
    assert r.status_code == 404
    assert item not in _queue(c)
    assert library.journal() == []


@pytest.mark.parametrize("n_clients", [4])
def test_many_clients_sort_everything_without_losing_a_file(
    make_library, start_server, n_clients, run_concurrently
):
    lib = make_library(loose=16)
    srv = start_server(lib)
    before = lib.contents()
    errors: list[str] = []

    def worker(n: int) -> None:
        with srv.new_client() as c:
            for item in lib.loose:
                if n % 2:
                    r = c.post("/api/assign", json={"item": item, "cluster": "birds"})
                else:
                    r = c.post("/api/delete", json={"item": item})
                if r.status_code not in (200, 409):
                    errors.append(f"{r.status_code} {r.text}")

    run_concurrently(worker, range(n_clients))
    assert errors == []
    assert lib.contents() == before
    assert _queue(srv.client) == []
    stats = srv.client.get("/api/session").json()["stats"]
    assert stats["processed"] == 16 and stats["queued"] == 0


def test_more_error_cases_are_4xx_not_500(server, library, check_error):
    c = server.client
    (library.dest / "notes").write_text("a file")
    r = c.post("/api/assign", json={"item": library.loose[0], "cluster": "notes", "create": True})
    check_error(r, 409, "conflict")
    check_error(c.post("/api/undo", json={"batch": "no-such-batch"}), 404, "not_found")
    check_error(c.get("/api/actions", params={"limit": 100000}), 422, "invalid_request")
    check_error(c.get(f"/api/items/{library.loose[0]}/"), 400, "bad_path")
    check_error(c.get("/api/items/birds"), 404, "not_found")  # a folder is not a photo
    r = c.post("/api/viewing", json={"item": library.loose[0]}, headers={"X-Reviewer": "ann"})
    assert r.status_code == 204
    assert (library.source / library.loose[0]).is_file()


def test_openapi_schema_documents_the_api(server):
    r = server.client.get("/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for p in ("/api/assign", "/api/delete", "/api/skip", "/api/undo", "/api/shuffle"):
        assert p in paths
    assert "/api/items/{item}" in paths and "/api/image/{item}" in paths
    assert server.client.get("/docs").status_code == 200


def test_sse_reports_undo_and_files_appearing(library, start_server):
    srv = start_server(library, rescan_interval=0.1)
    names: list[str] = []
    ready, done = threading.Event(), threading.Event()

    def listen() -> None:
        with (
            httpx.Client(base_url=srv.url, timeout=httpx.Timeout(10.0)) as c,
            c.stream("GET", "/api/events") as r,
        ):
            for line in r.iter_lines():
                if line.startswith("event:"):
                    names.append(line.split(":", 1)[1].strip())
                    if names[-1] == "hello":
                        ready.set()
                    if "queue-changed" in names and names.count("action") >= 2:
                        done.set()
                        return

    t = threading.Thread(target=listen, daemon=True)
    t.start()
    assert ready.wait(10)
    with srv.new_client() as c:
        c.post("/api/skip", json={"item": library.loose[0]})
        c.post("/api/undo", json={})
    library.add("IMG_0777.jpg")
    assert done.wait(10), names
    t.join(10)


def test_an_unexpected_error_is_a_json_500_and_the_connection_stays_usable(server, monkeypatch):
    def broken() -> dict[str, int]:
        raise RuntimeError("a bug")

    monkeypatch.setattr(server.ctx.session, "stats", broken)
    response = server.client.get("/api/session")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal"
    monkeypatch.undo()
    assert server.client.get("/api/health").status_code == 200
    assert server.client.get("/api/session").status_code == 200
