"""What an undo of a stack says it did: one action, as many moves as frames. The batch's
start line and the folders it made are not moves, and the stats count one undo."""

from __future__ import annotations

from typing import Any

from bursts import make_burst


def test_undoing_a_five_frame_stack_is_one_action_of_five_moves(
    make_library: Any, start_server: Any, engine: Any, hash_of: Any
) -> None:
    lib = make_library(clusters={"birds": 3, "coins": 3}, loose=0)
    frames = [p.name for p in make_burst(lib.next_photo(), lib.source, "IMG_1", 5, step_s=0.3)]
    server = start_server(lib, engine=engine)
    c = server.client
    before = {n: hash_of(lib.source / n) for n in frames}
    r = c.post("/api/stacks/file", json={"items": frames, "cluster": "new", "create": True})
    assert r.status_code == 200, r.text
    assert sorted(r.json()["moved"]) == sorted(frames)

    r = c.post("/api/undo", json={})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["undone"] == {"actions": 1, "moves": 5}
    assert body["stats"]["undone"] == 1
    assert {n: hash_of(lib.source / n) for n in frames} == before
    assert not (lib.dest / "new").exists()
    assert c.get("/api/session").json()["stats"]["undone"] == 1
    server.stop()
    again = lib.open()  # replayed from the journal: still one undo
    assert again.stats()["undone"] == 1
    again.close()
