"""Decode memory is bounded: a huge PNG (under Pillow's bomb limit, but
it cannot be reduced while decoding) is refused with a clear `decode_failed` before its pixels
are allocated; a huge JPEG is still decoded, reduced while decoding."""

from __future__ import annotations

import resource

import pytest
from PIL import Image

from photosort.errors import DecodeFailed
from photosort.media.decode import open_image
from photosort.media.raster import MAX_FULL_DECODE_PIXELS


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.fixture(scope="module")
def huge_png(tmp_path_factory):
    path = tmp_path_factory.mktemp("huge") / "panorama.png"
    side = 9000  # 81 MP: under Pillow's 89 MP warning, over photosort's full-decode bound
    assert side * side > MAX_FULL_DECODE_PIXELS
    Image.new("L", (side, side), 90).save(path, compress_level=1)
    return path


def test_a_png_too_large_to_decode_whole_is_refused_before_decoding(huge_png):
    before = _peak_rss_mib()
    with pytest.raises(DecodeFailed) as err:
        open_image(huge_png, min_edge=256)
    assert "too large" in err.value.message and "81 MP" in err.value.message
    assert _peak_rss_mib() - before < 100  # the 81 MP raster (324 MB) was never allocated


def test_a_huge_jpeg_is_reduced_while_decoding(tmp_path):
    path = tmp_path / "big.jpg"
    Image.new("RGB", (8000, 8000), (20, 120, 200)).save(path, quality=70)
    im = open_image(path, min_edge=256)
    assert max(im.size) >= 256 and max(im.size) <= 1000  # 1/8 DCT scale


def test_the_api_answers_422_decode_failed(library, start_server, huge_png, check_error):
    (library.source / "panorama.png").write_bytes(huge_png.read_bytes())
    srv = start_server(library)
    err = check_error(
        srv.client.get("/api/image/panorama.png", params={"size": "thumb"}), 422, "decode_failed"
    )
    assert "too large" in err["message"]
    r = srv.client.get("/api/items/panorama.png")
    assert r.status_code == 200 and "too large" in r.json()["decode_error"]
