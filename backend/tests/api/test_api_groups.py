"""Photo groups over real HTTP: the queue and the current photo carry the group and its badge,
filing moves every file, a file that cannot move is a clean 409 with nothing moved."""

from __future__ import annotations

import errno
import os

from groupfiles import live_group, raw_group, xmp

from photosort.session import fileops


def test_queue_and_item_carry_the_group_and_assign_moves_it_whole(
    make_library, start_server, check_error
):
    lib = make_library(loose=1, into=True)
    raw = raw_group(lib.source, "IMG_0101", 1)
    live = live_group(lib.source, "IMG_0201", 2)
    xmp(lib.source / "IMG_0999.xmp", 3)  # a lone sidecar: never queued
    c = start_server(lib).client
    page = c.get("/api/queue").json()
    by_item = {i["item"]: i for i in page["items"]}
    assert set(by_item) == {"IMG_0001.jpg", "IMG_0101.JPG", "IMG_0201.HEIC"}
    assert by_item["IMG_0101.JPG"]["group"] == {
        "files": ["IMG_0101.JPG", "IMG_0101.CR2", "IMG_0101.CR2.xmp", "IMG_0101.xmp"],
        "badge": "RAW+JPEG · XMP",
    }
    assert by_item["IMG_0201.HEIC"]["group"]["badge"] == "Live · AAE"
    assert by_item["IMG_0001.jpg"]["group"] is None
    detail = c.get("/api/items/IMG_0101.JPG").json()
    assert detail["group"]["badge"] == "RAW+JPEG · XMP"

    r = c.post("/api/assign", json={"item": "IMG_0101.JPG", "cluster": "birds"})
    assert r.status_code == 200, r.text
    assert len(r.json()["records"][0]["companions"]) == 3
    assert all((lib.dest / "birds" / f.name).is_file() for f in raw)
    assert c.post("/api/undo", json={}).status_code == 200
    assert all(f.is_file() for f in raw)

    real_link = os.link

    def refuse_mov(src, dst, **kw):
        if str(src).endswith(".MOV"):
            raise PermissionError(errno.EACCES, "Permission denied", str(src))
        return real_link(src, dst, **kw)

    fileops.os.link = refuse_mov
    try:
        r = c.post("/api/delete", json={"item": "IMG_0201.HEIC"})
    finally:
        fileops.os.link = real_link
    check_error(r, 409, "conflict")
    assert "Permission denied" in r.json()["error"]["message"]
    assert all(f.is_file() for f in live)
    assert not any(lib.dest.joinpath(".clustering", "trash", f.name).exists() for f in live)
