"""Nested clusters over HTTP: the session lists a folder archive's clusters by path, a photo
filed into `Trips/2023/Paris` lands there and undo brings it back, `Trips/Rome` is made on
request, bad paths are a clear 400, `.photosortignore` is honoured, hotkeys can be pinned."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from photosort.cli import app


def archive(make_library: Any) -> Any:
    lib = make_library(clusters={}, loose=3)
    for rel in (
        "Trips/2023/Paris/louvre.jpg",
        "Trips/2024/Rome/forum.jpg",
        "birds/robin.jpg",
        "birds/owls/barn.jpg",
        "Exports/web/small.jpg",
    ):
        lib.add(rel, under=lib.dest)
    lib.add("scratch.tmp.jpg")
    (lib.dest / ".photosortignore").write_text("Exports/\n*.tmp.jpg\n")
    return lib


def clusters_of(client: Any) -> dict[str, int]:
    return {c["name"]: c["count"] for c in client.get("/api/session").json()["clusters"]}


def test_session_lists_clusters_by_path(make_library: Any, start_server: Any) -> None:
    lib = archive(make_library)
    c = start_server(lib).client
    assert clusters_of(c) == {
        "Trips/2023/Paris": 1,
        "Trips/2024/Rome": 1,
        "birds": 1,
        "birds/owls": 1,
    }
    queue = [i["item"] for i in c.get("/api/queue").json()["items"]]
    assert sorted(queue) == sorted(lib.loose)  # the ignored scratch file is not queued
    r = c.get("/api/image/Trips/2023/Paris/louvre.jpg", params={"size": "original"})
    assert r.status_code == 200
    assert r.content == (lib.dest / "Trips/2023/Paris/louvre.jpg").read_bytes()


def test_assign_into_a_nested_cluster_and_undo(
    make_library: Any, start_server: Any, hash_of: Any
) -> None:
    lib = archive(make_library)
    c = start_server(lib).client
    item = lib.loose[0]
    before = hash_of(lib.source / item)
    r = c.post("/api/assign", json={"item": item, "cluster": "Trips/2023/Paris"})
    assert r.status_code == 200, r.text
    assert r.json()["records"][0]["cluster"] == "Trips/2023/Paris"
    assert hash_of(lib.dest / "Trips/2023/Paris" / item) == before
    assert clusters_of(c)["Trips/2023/Paris"] == 2
    # Filing into a parent that holds no photos is refused: it is not a cluster.
    r = c.post("/api/assign", json={"item": lib.loose[1], "cluster": "Trips"})
    assert r.status_code == 404, r.text
    assert c.post("/api/undo", json={}).status_code == 200
    assert hash_of(lib.source / item) == before
    assert not (lib.dest / "Trips/2023/Paris" / item).exists()
    assert clusters_of(c)["Trips/2023/Paris"] == 1


def test_create_a_nested_cluster(make_library: Any, start_server: Any) -> None:
    lib = archive(make_library)
    c = start_server(lib).client
    r = c.post("/api/clusters", json={"name": "Trips/Rome"})
    assert r.status_code == 200, r.text
    assert (lib.dest / "Trips/Rome").is_dir()
    assert clusters_of(c)["Trips/Rome"] == 0
    assert c.post("/api/clusters", json={"name": "Trips/Rome"}).status_code == 409
    r = c.post(
        "/api/assign", json={"item": lib.loose[0], "cluster": "Events/2025/Wedding", "create": True}
    )
    assert r.status_code == 200, r.text
    assert (lib.dest / "Events/2025/Wedding" / lib.loose[0]).is_file()
    line = lib.journal()[-2]
    assert line["type"] == "cluster-create" and line["cluster"] == "Events/2025/Wedding"


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("Trips//Rome", "empty folder name"),
        ("Trips/../../etc", "'..'"),
        ("Trips\\Rome", "'\\'"),
        ("Trips/.git", "starts with '.'"),
        ("Trips/aux", "reserved device name"),
        ("Trips/x?", "Windows does not allow"),
        ("x" * 1100, "longer than"),
        ("Exports/new", "photosortignore"),
    ],
)
def test_bad_cluster_paths_are_a_clear_400(
    make_library: Any, start_server: Any, check_error: Any, name: str, why: str
) -> None:
    lib = archive(make_library)
    c = start_server(lib).client
    for r in (
        c.post("/api/clusters", json={"name": name}),
        c.post("/api/assign", json={"item": lib.loose[0], "cluster": name, "create": True}),
    ):
        error = check_error(r, 400, "bad_cluster_name")
        assert why in error["message"], error
    assert (lib.source / lib.loose[0]).is_file()
    assert not (lib.root / "etc").exists()
    assert lib.journal() == []


def test_hotkey_slots_are_pinned_through_settings(
    make_library: Any, start_server: Any, check_error: Any
) -> None:
    lib = archive(make_library)
    c = start_server(lib).client
    r = c.post("/api/settings", json={"slots": ["birds/owls", "Trips/2024/Rome"]})
    assert r.status_code == 200, r.text
    assert r.json()["slots"] == ["birds/owls", "Trips/2024/Rome"]
    slots = {x["name"]: x["slot"] for x in c.get("/api/session").json()["clusters"]}
    assert slots == {"birds/owls": 1, "Trips/2024/Rome": 2, "Trips/2023/Paris": 3, "birds": 4}
    check_error(c.post("/api/settings", json={"slots": ["birds", "birds"]}), 400, "bad_settings")
    check_error(c.post("/api/settings", json={"slots": ["../x"]}), 400, "bad_settings")
    assert c.post("/api/settings", json={"slots": ["a"] * 10}).status_code == 422


def test_cli_stats_and_verify_on_nested_clusters(make_library: Any) -> None:
    lib = archive(make_library)
    s = lib.open()
    s.assign(lib.loose[0], "Trips/2024/Rome")
    s.create_cluster("Trips/Rome")
    s.close()
    runner = CliRunner()
    r = runner.invoke(app, ["stats", str(lib.source)])
    assert r.exit_code == 0, r.output
    assert "Trips/2024/Rome" in r.stdout and "birds/owls" in r.stdout
    assert "Exports" not in r.stdout
    r = runner.invoke(app, ["verify", str(lib.source)])
    assert r.exit_code == 0, r.output
