"""A failed request leaves no trace in the journal, and the journal is read by seq: `shuffle` with
a 65-bit seed or a lone-surrogate reviewer used to take a seq, fail to serialise, and leave a
gap that broke undo, `?after=` and the session page for good."""

from __future__ import annotations

import json

import httpx
import pytest


def post_json(client: httpx.Client, path: str, body: object) -> httpx.Response:
    """JSON with \\u escapes, as a browser sends a lone surrogate."""
    return client.post(
        path, content=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )


def _dense(library) -> list[int]:
    seqs = [r["seq"] for r in library.journal()]
    assert seqs == list(range(1, len(seqs) + 1)), seqs
    return seqs


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/shuffle", {"seed": 18446744073709551616}),
        ("/api/shuffle", {"seed": -(2**70)}),
        ("/api/skip", {"item": "IMG_0002.jpg", "reviewer": "\udcff"}),
        ("/api/shuffle", {"seed": 1, "reviewer": "\ud800"}),
        ("/api/undo", {"seq": 2**64}),
        ("/api/assign", {"item": "IMG_0002.jpg", "cluster": "\udcff", "create": True}),
        ("/api/assign", {"item": "IMG_\ud800.jpg", "cluster": "birds"}),
    ],
)
def test_bad_values_are_4xx_and_take_no_seq_so_undo_still_works(
    server, library, check_error, hash_of, path, body
):
    c = server.client
    check_error(post_json(c, path, body))
    assert library.journal() == []
    item = library.loose[0]
    before = hash_of(library.source / item)
    r = c.post("/api/assign", json={"item": item, "cluster": "birds"})
    assert r.status_code == 200, r.text
    assert r.json()["records"][0]["seq"] == 1
    r = c.post("/api/undo", json={})
    assert r.status_code == 200, r.text
    assert r.json()["records"][0]["undoes"] == 1
    assert hash_of(library.source / item) == before
    assert not (library.dest / "birds" / item).exists()
    assert _dense(library) == [1, 2]
    assert c.get("/api/session").status_code == 200


def test_journal_refuses_an_unserialisable_line_before_taking_a_seq(library):
    from photosort.jsontext import Unserialisable

    s = library.open()
    with pytest.raises(Unserialisable):
        s.shuffle(2**64)
    with pytest.raises(Unserialisable):
        # No action writes a set: only the journal itself can be handed one.
        s._journal.append_many([{"type": "skip", "item": "a"}, {"type": "x", "v": {1, 2}}])
    assert s.last_seq() == 0 and s.records_since() == []
    rec = s.skip(library.loose[0])
    assert rec["seq"] == 1
    assert [r["seq"] for r in library.journal()] == [1]


def test_a_journal_with_a_gap_still_replays_undoes_and_pages(
    library, start_server, check_error, hash_of
):
    """A journal an older photosort wrote with a skipped seq: nothing may look lines up by
    position."""
    item = library.loose[0]
    before = hash_of(library.source / item)
    library.clustering.mkdir()
    library.append_line({"type": "skip", "item": library.loose[1], "reviewer": "local"})  # 1
    lines = library.journal()
    library.append_line({"seq": 3, "type": "shuffle", "seed": 5, "previous_seed": None})
    (library.dest / "birds" / item).write_bytes((library.source / item).read_bytes())
    (library.source / item).unlink()
    library.append_line(
        {
            "seq": 4,
            "type": "assign",
            "item": item,
            "src": item,
            "dst": f"birds/{item}",
            "cluster": "birds",
            "by": "manual",
            "reviewer": "local",
            "batch": None,
        }
    )
    assert [r["seq"] for r in library.journal()] == [1, 3, 4] and lines
    srv = start_server(library)
    c = srv.client
    r = c.post("/api/clusters", json={"name": "after-gap"})
    assert r.status_code == 200 and r.json()["records"][0]["seq"] == 5
    assert c.get("/api/session").status_code == 200
    page = c.get("/api/actions", params={"after": 1}).json()
    assert [r["seq"] for r in page["records"]] == [3, 4, 5]
    assert [r["seq"] for r in c.get("/api/actions", params={"after": 3}).json()["records"]] == [
        4,
        5,
    ]
    check_error(c.post("/api/undo", json={"seq": 2}), 404, "not_found")
    r = c.post("/api/undo", json={"seq": 4})
    assert r.status_code == 200, r.text
    assert r.json()["records"][0]["undoes"] == 4
    assert hash_of(library.source / item) == before
    assert not (library.dest / "birds" / item).exists()
