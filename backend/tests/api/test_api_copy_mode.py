"""Copy mode over real HTTP: a read-only source is served in copy mode and says so in
/api/session; filing copies the group, trash hides, undo takes the copy back, and the source
never changes."""

from __future__ import annotations

import hashlib

from groupfiles import raw_group


def _tree(root):
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_a_read_only_source_is_served_in_copy_mode(make_library, start_server):
    lib = make_library(loose=2, into=True)
    raw_group(lib.source, "IMG_0101", 1)
    before = _tree(lib.source)
    lib.source.chmod(0o555)
    try:
        c = start_server(lib).client
        info = c.get("/api/session").json()
        assert info["copy_mode"] is True
        assert info["copy_reason"] == "the source folder is read-only"

        r = c.post("/api/assign", json={"item": "IMG_0101.JPG", "cluster": "birds"})
        assert r.status_code == 200, r.text
        assert r.json()["records"][0]["copy"] is True
        assert c.get("/api/image/birds/IMG_0101.JPG", params={"size": "thumb"}).status_code == 200
        r = c.post("/api/delete", json={"item": lib.loose[0]})
        assert r.status_code == 200, r.text
        queue = [i["item"] for i in c.get("/api/queue").json()["items"]]
        assert queue == [lib.loose[1]]
        assert c.post("/api/undo", json={}).status_code == 200  # the hidden photo is back
        assert c.post("/api/undo", json={}).status_code == 200  # the copies go
        queue = [i["item"] for i in c.get("/api/queue").json()["items"]]
        assert set(queue) == {"IMG_0101.JPG", *lib.loose}
        assert not any(p.name.startswith("IMG_0101") for p in (lib.dest / "birds").iterdir())
    finally:
        lib.source.chmod(0o755)
    assert _tree(lib.source) == before
