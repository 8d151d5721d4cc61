"""A request says what it means: `true`/`false` for yes and no, numbers as numbers.

`0` for "no" and `"0.5"` for a number are what a careless script sends; taken loosely, a
`"dry_run": 0` becomes a real auto-move. Each is refused before anything moves.
"""

from __future__ import annotations

from typing import Any

import pytest

AUTO_RULE = {"threshold": 0.0, "min_samples": 1}


def _queued(server: Any) -> set[str]:
    page = server.client.get("/api/queue", params={"limit": 1000}).json()
    return {i["item"] for i in page["items"]}


@pytest.fixture
def suggesting_server(make_library: Any, start_server: Any, engine: Any) -> Any:
    lib = make_library(clusters={"birds": 3, "coins": 3}, loose=4)
    server = start_server(lib, engine=engine)
    server.lib = lib
    return server


@pytest.mark.parametrize(
    "loose",
    [
        {"dry_run": 0},
        {"dry_run": "false"},
        {"min_margin": False},
        {"min_samples": 1.0},
        {"min_samples": "1"},
        {"threshold": "0.0"},
        {"threshold": False},
    ],
)
def test_a_loosely_typed_auto_move_moves_nothing(
    suggesting_server: Any, check_error: Any, loose: dict[str, Any]
):
    server, lib = suggesting_server, suggesting_server.lib
    before = _queued(server)
    r = server.client.post("/api/auto-move", json={**AUTO_RULE, "dry_run": False, **loose})
    err = check_error(r, 422, "invalid_request")
    assert next(iter(loose)) in err["message"]
    assert _queued(server) == before
    assert all((lib.source / item).is_file() for item in lib.loose)
    assert lib.journal() == []


def test_the_same_auto_move_typed_properly_does_move(suggesting_server: Any):
    """The refusal above is what kept the photos in place: this rule does move them."""
    server = suggesting_server
    # Query parameters are all text: numbers in them stay as a browser writes them.
    r = server.client.get("/api/auto-move/estimate?threshold=0.5&min_samples=2&min_margin=0")
    assert r.status_code == 200, r.text
    r = server.client.post("/api/auto-move", json={**AUTO_RULE, "dry_run": True, "min_margin": 0})
    assert r.status_code == 200, r.text
    assert _queued(server) == set(server.lib.loose)
    r = server.client.post("/api/auto-move", json={**AUTO_RULE, "dry_run": False})
    assert r.status_code == 200, r.text
    assert r.json()["count"] > 0
    assert len(_queued(server)) < len(server.lib.loose)


@pytest.mark.parametrize(
    "body",
    [
        {"manual_only": 1},
        {"manual_only": "true"},
        {"min_margin": False},
        {"top_k": "3"},
        {"min_samples": 2.0},
        {"target_precision": "0.9"},
    ],
)
def test_loosely_typed_settings_change_nothing(
    server: Any, library: Any, check_error: Any, body: dict[str, Any]
):
    before = server.client.get("/api/settings").json()
    check_error(server.client.post("/api/settings", json=body), 422, "invalid_request")
    assert server.client.get("/api/settings").json() == before
    assert library.journal() == []


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/shuffle", {"seed": False}),
        ("/api/shuffle", {"seed": "7"}),
        ("/api/undo", {"seq": True}),
        ("/api/assign", {"item": "IMG_0001.jpg", "cluster": "new", "create": 1}),
        ("/api/grid/file", {"mode": "grid", "cluster": "new", "ticked": [], "create": 1}),
        ("/api/stacks/file", {"items": ["IMG_0001.jpg"], "cluster": "new", "create": 1}),
    ],
)
def test_a_loose_bool_or_number_in_any_action_is_refused(
    server: Any, library: Any, check_error: Any, path: str, body: dict[str, Any]
):
    before = _queued(server)
    check_error(server.client.post(path, json=body), 422, "invalid_request")
    assert library.journal() == []
    assert not (library.dest / "new").exists()
    assert _queued(server) == before


def test_what_the_ui_sends_still_works(server: Any, library: Any):
    """Whole numbers for decimals (`JSON.stringify(0)` is `0`) and numbers in the query
    string, which is all text."""
    c = server.client
    assert c.get("/api/queue?limit=50&offset=0").status_code == 200
    assert c.get("/api/actions?after=0&limit=10").status_code == 200
    r = c.post("/api/settings", json={"threshold": 0, "min_margin": 0, "manual_only": True})
    assert r.status_code == 200, r.text
    assert r.json()["manual_only"] is True and r.json()["threshold"] == 0
    assert c.post("/api/shuffle", json={"seed": 7}).status_code == 200


def test_every_request_body_is_strict():
    """A new endpoint whose body model forgets the strict base would take `0` for false again."""
    import importlib
    import pkgutil

    from fastapi.routing import APIRoute

    from photosort.api import routes
    from photosort.api.schemas.base import RequestModel

    bodies = {}
    for info in pkgutil.iter_modules(routes.__path__):
        router = importlib.import_module(f"{routes.__name__}.{info.name}").router
        for route in router.routes:
            if isinstance(route, APIRoute):
                for param in route.dependant.body_params:
                    bodies[route.path] = param.field_info.annotation
    assert "/api/auto-move" in bodies and "/api/settings" in bodies
    loose = {path: model for path, model in bodies.items() if not issubclass(model, RequestModel)}
    assert loose == {}
