"""File names a real library has: a Latin-1 name from an old
camera or share that is not UTF-8, a name with a newline, a name longer than the file system
allows. Each is queued, shown, filed, undone and replayed like any other, or refused with a 4xx.

Item strings are file names as `os.fsdecode` gives them: an undecodable byte 0xE9 is the lone
surrogate U+DCE9, written `\\udce9` in JSON and `%E9` in a URL (docs/ARCHITECTURE.md, Items).
"""

from __future__ import annotations

import json
import os
from urllib.parse import quote

import httpx
import pytest

LATIN1 = b"caf\xe9.jpg"
LATIN1_ITEM = os.fsdecode(LATIN1)  # "caf\udce9.jpg"
NEWLINE_ITEM = "new\nline.jpg"


def post_json(client: httpx.Client, path: str, body: object) -> httpx.Response:
    return client.post(
        path, content=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )


def url_of(item: str) -> str:
    """What the UI's encodeItem sends: raw bytes of the name, percent-escaped."""
    return quote(os.fsencode(item), safe="/")


@pytest.fixture
def odd_library(library):
    photo = library.next_photo().read_bytes()
    (library.source / os.fsdecode(LATIN1)).write_bytes(photo)
    (library.source / NEWLINE_ITEM).write_bytes(library.next_photo().read_bytes())
    assert LATIN1 in os.listdir(os.fsencode(library.source))
    return library


@pytest.mark.parametrize("item", [LATIN1_ITEM, NEWLINE_ITEM])
def test_odd_names_are_queued_shown_filed_undone_and_replayed(
    odd_library, start_server, hash_of, item
):
    lib = odd_library
    before = hash_of(lib.source / item)
    srv = start_server(lib)
    c = srv.client
    r = c.get("/api/queue", params={"limit": 100})
    assert r.status_code == 200, r.text
    assert item in [i["item"] for i in r.json()["items"]]
    r = c.get(f"/api/items/{url_of(item)}")
    assert r.status_code == 200, r.text
    assert r.json()["item"] == item and r.json()["queued"] is True
    for size in ("thumb", "preview", "original"):
        r = c.get(f"/api/image/{url_of(item)}", params={"size": size})
        assert r.status_code == 200, (size, r.text)
    r = post_json(c, "/api/assign", {"item": item, "cluster": "birds"})
    assert r.status_code == 200, r.text
    assert r.json()["records"][0]["item"] == item
    assert hash_of(lib.dest / "birds" / item) == before
    assert not (lib.source / item).exists()
    r = c.get(f"/api/image/{url_of('birds/' + item)}", params={"size": "thumb"})
    assert r.status_code == 200, r.text
    page = c.get("/api/actions").json()
    assert page["records"][-1]["dst"] == f"birds/{item}"
    r = post_json(c, "/api/undo", {})
    assert r.status_code == 200, r.text
    assert hash_of(lib.source / item) == before
    # Filed again, then replayed by a fresh server: the journal holds the name losslessly.
    assert post_json(c, "/api/assign", {"item": item, "cluster": "coins"}).status_code == 200
    srv.stop()
    assert (lib.dest / "coins" / item).is_file()
    srv2 = start_server(lib)
    c2 = srv2.client
    assert c2.get("/api/session").json()["stats"]["processed"] == 1
    assert item not in [i["item"] for i in c2.get("/api/queue").json()["items"]]
    r = post_json(c2, "/api/undo", {})
    assert r.status_code == 200, r.text
    assert hash_of(lib.source / item) == before
    assert item in [i["item"] for i in c2.get("/api/queue").json()["items"]]
    assert [r["seq"] for r in lib.journal()] == list(range(1, 5))


def test_the_journal_writes_a_non_utf8_name_as_a_json_escape(odd_library, start_server):
    srv = start_server(odd_library)
    assert post_json(srv.client, "/api/skip", {"item": LATIN1_ITEM}).status_code == 200
    line = odd_library.actions_path.read_bytes().splitlines()[0]
    assert b'"caf\\udce9.jpg"' in line  # valid JSON text, valid UTF-8 bytes
    line.decode("utf-8")
    assert json.loads(line)["item"] == LATIN1_ITEM


def test_events_carry_odd_names(odd_library, start_server):
    srv = start_server(odd_library)
    with (
        httpx.Client(base_url=srv.url, timeout=10) as stream_client,
        stream_client.stream("GET", "/api/events") as stream,
    ):
        lines = stream.iter_lines()
        assert next(lines).startswith("event: hello")
        r = post_json(srv.client, "/api/skip", {"item": LATIN1_ITEM})
        assert r.status_code == 200
        for line in lines:
            if line.startswith("data:") and '"action"' in line:
                assert json.loads(line[5:])["record"]["item"] == LATIN1_ITEM
                break
        else:
            raise AssertionError("no action event")


@pytest.mark.parametrize(
    "item",
    [
        "x" * 300 + ".jpg",
        "/".join(["d" * 200] * 30) + "/a.jpg",
        "IMG_\ud800.jpg",
        "\udc41.jpg",  # a surrogate no undecodable byte gives (bytes < 0x80 decode as ASCII)
    ],
)
def test_impossible_names_are_4xx_not_500(server, library, check_error, item):
    c = server.client
    check_error(c.get(f"/api/items/{quote(item.encode('utf-8', 'surrogatepass'))}"))
    check_error(c.get(f"/api/image/{quote(item.encode('utf-8', 'surrogatepass'))}"))
    for path in ("/api/assign", "/api/skip", "/api/delete"):
        check_error(post_json(c, path, {"item": item, "cluster": "birds"}))
    assert library.journal() == []


def test_escaped_spelling_of_a_utf8_name_finds_the_same_photo(library, start_server):
    (library.source / "é.jpg").write_bytes(library.next_photo().read_bytes())
    srv = start_server(library)
    # "\udcc3\udca9" is how surrogateescape spells the UTF-8 bytes of "é" one byte at a time.
    r = post_json(srv.client, "/api/skip", {"item": "\udcc3\udca9.jpg"})
    assert r.status_code == 200, r.text
    assert library.journal()[-1]["item"] == "é.jpg"


@pytest.mark.parametrize("item", [LATIN1_ITEM, NEWLINE_ITEM])
def test_shuffle_skip_and_delete_carry_odd_names(odd_library, start_server, item):
    srv = start_server(odd_library)
    c = srv.client
    for body in ({}, {"seed": 7}):
        r = post_json(c, "/api/shuffle", body)
        assert r.status_code == 200, r.text
        assert item in [i["item"] for i in c.get("/api/queue").json()["items"]]
    assert post_json(c, "/api/skip", {"item": item}).status_code == 200
    assert c.get("/api/queue").json()["items"][-1]["item"] == item
    assert post_json(c, "/api/delete", {"item": item}).status_code == 200
    assert (odd_library.trash / item).is_file()
    r = c.get(f"/api/image/{url_of(item)}", params={"root": "trash", "size": "thumb"})
    assert r.status_code == 200, r.text
    assert post_json(c, "/api/undo", {}).status_code == 200
    assert (odd_library.source / item).is_file()
