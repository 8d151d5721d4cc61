"""Photo bytes over HTTP, and files that are not what their name says."""

from __future__ import annotations

import io
import os
import shutil

import pytest
from PIL import Image

BAD = ["zero.jpg", "text.jpg", "truncated.jpg", "garbage.jpg"]


def _decoded(content: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(content))
    im.load()
    return im


def test_thumb_preview_original_of_a_jpeg(server, library):
    c = server.client
    item = library.loose[0]
    r = c.get(f"/api/image/{item}", params={"size": "thumb"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/jpeg"
    thumb = _decoded(r.content)
    assert thumb.format == "JPEG" and max(thumb.size) <= 256
    assert max(thumb.size) == 256  # 384 px photos are reduced to the thumb edge

    r = c.get(f"/api/image/{item}")  # preview is the default
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    assert max(_decoded(r.content).size) == 384  # never upscaled

    r = c.get(f"/api/image/{item}", params={"size": "original"})
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    assert r.content == (library.source / item).read_bytes()

    r = c.get(f"/api/image/{item}", params={"size": "huge"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"
    r = c.get(f"/api/image/{item}", params={"root": "elsewhere"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"
    # Renditions are cached on disk under .clustering/cache/.
    assert list((library.clustering / "cache").rglob("*.jpg"))


def test_real_cr2_preview_and_original(library, start_server, cr2_path):
    shutil.copy(cr2_path, library.source / "IMG_5952.CR2")
    srv = start_server(library)
    c = srv.client
    assert "IMG_5952.CR2" in [i["item"] for i in c.get("/api/queue").json()["items"]]
    r = c.get("/api/image/IMG_5952.CR2", params={"size": "preview"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "image/jpeg"
    preview = _decoded(r.content)
    assert preview.format == "JPEG" and max(preview.size) == 1600
    r = c.get("/api/image/IMG_5952.CR2", params={"size": "thumb"})
    assert max(_decoded(r.content).size) == 256
    r = c.get("/api/image/IMG_5952.CR2", params={"size": "original"})
    assert r.headers["content-type"] == "image/x-cr2"
    assert len(r.content) == cr2_path.stat().st_size
    detail = c.get("/api/items/IMG_5952.CR2").json()
    assert detail["is_raw"] is True and detail["decode_error"] is None
    assert max(detail["width"], detail["height"]) >= 1600

    r = c.post("/api/assign", json={"item": "IMG_5952.CR2", "cluster": "birds"})
    assert r.status_code == 200
    r = c.get("/api/image/birds/IMG_5952.CR2", params={"size": "thumb"})
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"


def test_cluster_member_by_cluster_slash_name(server, library):
    c = server.client
    member = library.clusters["birds"][0]
    r = c.get(f"/api/image/{member}", params={"size": "thumb"})
    assert r.status_code == 200 and max(_decoded(r.content).size) <= 256
    r = c.get(f"/api/image/{member}", params={"size": "original", "root": "dest"})
    assert r.content == (library.dest / member).read_bytes()
    detail = c.get(f"/api/items/{member}").json()
    assert detail["location"] == "dest" and detail["queued"] is False
    assert detail["position"] is None
    r = c.get(f"/api/image/{member}", params={"root": "trash"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("into", [False, True])
def test_trashed_photo_is_servable(make_library, start_server, into):
    lib = make_library(loose=3, into=into, nested=into)
    srv = start_server(lib)
    c = srv.client
    item = lib.loose[0]
    original = (lib.source / item).read_bytes()
    dst = c.post("/api/delete", json={"item": item}).json()["records"][0]["dst"]
    assert dst == f".clustering/trash/{item}"
    # By its path inside the trash ...
    r = c.get(f"/api/image/{item}", params={"root": "trash", "size": "original"})
    assert r.status_code == 200 and r.content == original
    assert c.get(f"/api/items/{item}", params={"root": "trash"}).json()["location"] == "trash"
    # ... and by the journal's `dst`, relative to dest.
    r = c.get(f"/api/image/{dst}", params={"root": "dest", "size": "original"})
    assert r.status_code == 200 and r.content == original
    r = c.get(f"/api/image/{dst}", params={"size": "thumb"})
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    # Without a root the bare name is found in the trash (it is no longer in the source).
    detail = c.get(f"/api/items/{item}").json()
    assert detail["location"] == "trash" and detail["queued"] is False


def test_unknown_image_is_404(server):
    r = server.client.get("/api/image/nope.jpg")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = server.client.get("/api/items/nope.jpg")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


@pytest.fixture
def damaged(library, start_server):
    """Undecodable and mislabelled files among the loose photos."""
    src = library.source
    good = (src / library.loose[0]).read_bytes()
    (src / "zero.jpg").write_bytes(b"")
    (src / "text.jpg").write_text("this is not a photo\n" * 20)
    (src / "truncated.jpg").write_bytes(good[: len(good) // 3])
    (src / "garbage.jpg").write_bytes(os.urandom(5000))
    png = io.BytesIO()
    Image.open(src / library.loose[1]).save(png, "PNG")
    (src / "png-named.jpg").write_bytes(png.getvalue())
    return start_server(library)


def test_damaged_files_are_queued_and_listed(damaged, library):
    c = damaged.client
    page = c.get("/api/queue", params={"limit": 100}).json()
    items = [i["item"] for i in page["items"]]
    for name in [*BAD, "png-named.jpg"]:
        assert name in items
    assert page["total"] == len(library.loose) + 5
    assert c.get("/api/session").json()["stats"]["queued"] == len(library.loose) + 5


@pytest.mark.parametrize("name", BAD)
def test_undecodable_file_item_and_image(damaged, name):
    c = damaged.client
    r = c.get(f"/api/items/{name}")
    assert r.status_code == 200, r.text
    detail = r.json()
    assert detail["decode_error"], detail
    assert detail["queued"] is True
    for size in ("thumb", "preview"):
        r = c.get(f"/api/image/{name}", params={"size": size})
        assert r.status_code == 422, (size, r.status_code)
        assert r.json()["error"]["code"] == "decode_failed"
        assert r.json()["error"]["message"]
    r = c.get(f"/api/image/{name}", params={"size": "original"})
    assert r.status_code == 200  # the bytes as stored are still there to download


def test_mislabelled_png_decodes(damaged):
    c = damaged.client
    detail = c.get("/api/items/png-named.jpg").json()
    assert detail["decode_error"] is None and detail["format"] == "PNG"
    r = c.get("/api/image/png-named.jpg", params={"size": "thumb"})
    assert r.status_code == 200 and _decoded(r.content).format == "JPEG"


def test_damaged_files_can_be_filed_and_deleted(damaged, library):
    c = damaged.client
    before = library.contents()
    assert c.post("/api/assign", json={"item": "zero.jpg", "cluster": "birds"}).status_code == 200
    assert c.post("/api/delete", json={"item": "garbage.jpg"}).status_code == 200
    assert c.post("/api/skip", json={"item": "text.jpg"}).status_code == 200
    r = c.post("/api/assign", json={"item": "truncated.jpg", "cluster": "junk", "create": True})
    assert r.status_code == 200
    assert (library.dest / "birds/zero.jpg").stat().st_size == 0
    assert (library.trash / "garbage.jpg").is_file()
    assert (library.dest / "junk/truncated.jpg").is_file()
    assert library.contents() == before
    # The listing and the session keep working around them.
    assert c.get("/api/queue").status_code == 200
    assert c.get("/api/session").status_code == 200
    assert c.get("/api/image/junk/truncated.jpg", params={"size": "thumb"}).status_code == 422
