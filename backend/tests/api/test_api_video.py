"""Videos over HTTP: queued with their kind and duration, a poster as thumb and preview, the
bytes with range requests, filed and undone like photos, a broken one flagged."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image
from videodata import frame_index, make_video

from photosort.api.security import Guard


@pytest.fixture
def videos(library):
    make_video(library.source / "clip.mp4")
    make_video(library.source / "IMG_0100.MOV", frames=75)  # 3 s, upper-case like an iPhone
    return library


def _queue(server) -> dict[str, dict]:
    return {i["item"]: i for i in server.client.get("/api/queue").json()["items"]}


def test_videos_are_queued_with_kind_and_duration(videos, start_server):
    srv = start_server(videos)
    queue = _queue(srv)
    assert queue["clip.mp4"]["kind"] == "video"
    assert queue["clip.mp4"]["duration_s"] == pytest.approx(2.0, abs=0.05)
    assert queue["IMG_0100.MOV"]["duration_s"] == pytest.approx(3.0, abs=0.05)
    photo = queue[videos.loose[0]]
    assert photo["kind"] == "photo" and photo["duration_s"] is None
    assert srv.client.get("/api/session").json()["stats"]["queued"] == len(videos.loose) + 2

    detail = srv.client.get("/api/items/clip.mp4").json()
    assert (detail["kind"], detail["width"], detail["height"], detail["format"]) == (
        "video",
        64,
        48,
        "MP4",
    )
    assert detail["decode_error"] is None and detail["created"] == "2026-11-30T10:11:12+00:00"


def test_thumb_and_preview_are_the_poster_frame(videos, start_server):
    c = start_server(videos).client
    for size in ("thumb", "preview"):
        r = c.get("/api/image/clip.mp4", params={"size": size})
        assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
        im = Image.open(io.BytesIO(r.content)).convert("RGB")
        assert im.size == (64, 48) and frame_index(im.getpixel((32, 24))) in (4, 5, 6)  # type: ignore[arg-type]


def test_the_video_bytes_whole_and_by_range(videos, start_server):
    c = start_server(videos).client
    data = (videos.source / "clip.mp4").read_bytes()
    size = len(data)
    r = c.get("/api/video/clip.mp4")
    assert r.status_code == 200 and r.content == data
    assert r.headers["content-type"] == "video/mp4" and r.headers["accept-ranges"] == "bytes"
    assert r.headers["cross-origin-resource-policy"] == "same-origin"
    assert c.get("/api/video/IMG_0100.MOV").headers["content-type"] == "video/quicktime"

    r = c.get("/api/video/clip.mp4", headers={"Range": "bytes=0-99"})
    assert r.status_code == 206 and r.content == data[:100]
    assert r.headers["content-range"] == f"bytes 0-99/{size}"
    r = c.get("/api/video/clip.mp4", headers={"Range": "bytes=-100"})  # the last 100 bytes
    assert r.status_code == 206 and r.content == data[-100:]
    assert r.headers["content-range"] == f"bytes {size - 100}-{size - 1}/{size}"
    r = c.get("/api/video/clip.mp4", headers={"Range": "bytes=100-"})
    assert r.status_code == 206 and r.content == data[100:]


@pytest.mark.parametrize("bad", ["bytes={size}-", "bytes={size}-{end}", "bytes=50-10", "pages=1-2"])
def test_a_range_it_cannot_serve_is_a_json_416(videos, start_server, check_error, bad):
    c = start_server(videos).client
    size = (videos.source / "clip.mp4").stat().st_size
    r = c.get("/api/video/clip.mp4", headers={"Range": bad.format(size=size, end=size + 10)})
    check_error(r, 416, "bad_range")
    assert r.headers["content-range"] == f"bytes */{size}"


def test_only_videos_of_the_session(videos, start_server, check_error):
    c = start_server(videos).client
    check_error(c.get(f"/api/video/{videos.loose[0]}"), 404, "not_found")  # a photo
    check_error(c.get("/api/video/nothing.mp4"), 404, "not_found")
    check_error(c.get("/api/video/..%2F..%2Fetc%2Fpasswd.mp4"))


def test_off_loopback_a_video_needs_the_token(videos, start_server, check_error):
    guarded = start_server(videos, guard=Guard(bind_host="0.0.0.0", token="s3cret-token"))
    check_error(guarded.client.get("/api/video/clip.mp4"), 401, "token_required")
    auth = {"Authorization": "Bearer s3cret-token", "Range": "bytes=0-9"}
    r = guarded.client.get("/api/video/clip.mp4", headers=auth)
    assert r.status_code == 206 and len(r.content) == 10


def test_a_video_is_filed_and_undone_like_a_photo(videos, start_server):
    srv = start_server(videos)
    c = srv.client
    src = videos.source / "clip.mp4"
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    r = c.post("/api/assign", json={"item": "clip.mp4", "cluster": "birds"})
    assert r.status_code == 200, r.text
    filed = videos.dest / "birds" / "clip.mp4"
    assert not src.exists() and hashlib.sha256(filed.read_bytes()).hexdigest() == digest
    assert "clip.mp4" not in _queue(srv)
    # A cluster member now: its poster and bytes are served from dest.
    assert c.get("/api/image/birds/clip.mp4", params={"size": "thumb"}).status_code == 200
    r = c.get("/api/video/birds/clip.mp4", headers={"Range": "bytes=0-3"})
    assert r.status_code == 206 and r.content == filed.read_bytes()[:4]
    assert videos.journal()[-1]["dst"] == "birds/clip.mp4"

    assert c.post("/api/undo", json={}).status_code == 200
    assert not filed.exists() and hashlib.sha256(src.read_bytes()).hexdigest() == digest
    assert _queue(srv)["clip.mp4"]["kind"] == "video"

    assert c.post("/api/delete", json={"item": "clip.mp4"}).status_code == 200
    trashed = videos.trash / "clip.mp4"
    assert hashlib.sha256(trashed.read_bytes()).hexdigest() == digest
    assert c.get("/api/video/clip.mp4", params={"root": "trash"}).content == trashed.read_bytes()


def test_a_broken_video_is_flagged_and_stays_queued(videos, start_server, check_error):
    (videos.source / "broken.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42 but nothing more")
    (videos.source / "empty.mov").write_bytes(b"")
    srv = start_server(videos)
    c = srv.client
    queue = _queue(srv)
    assert queue["broken.mp4"]["kind"] == "video" and queue["broken.mp4"]["duration_s"] is None
    for item, words in (("broken.mp4", "not a decodable"), ("empty.mov", "empty")):
        detail = c.get(f"/api/items/{item}").json()
        assert words in detail["decode_error"]
        err = check_error(c.get(f"/api/image/{item}", params={"size": "thumb"}), 422)
        assert err["code"] == "decode_failed"
    # It can still be filed (the reviewer decides), like a broken photo.
    assert c.post("/api/delete", json={"item": "broken.mp4"}).status_code == 200
