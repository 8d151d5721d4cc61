"""Renditions: sizes, cache layout, cache hits, concurrency, RAW and HEIC sources."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from media_helpers import RED, close, corner, quadrants, save_jpeg
from PIL import Image

from photosort.errors import DecodeFailed
from photosort.media import RENDITION_EDGES, Renditions, fingerprint
from photosort.media import renditions as renditions_module
from photosort.media.decode import open_image


@pytest.fixture
def counted_decodes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []
    real = open_image

    def spy(path: Path, *, min_edge: int | None = None) -> Image.Image:
        calls.append(path)
        return real(path, min_edge=min_edge)

    monkeypatch.setattr(renditions_module, "open_image", spy)
    return calls


def test_edges() -> None:
    assert RENDITION_EDGES == {"thumb": 256, "preview": 1600}


def test_sizes_layout_and_format(tmp_path: Path) -> None:
    src = save_jpeg(quadrants(3000, 2000), tmp_path / "big.jpg")
    fp = fingerprint(src)
    cache = Renditions(tmp_path / "cache")

    thumb = cache.path_for(src, fp, "thumb")
    preview = cache.path_for(src, fp, "preview")

    assert thumb == tmp_path / "cache" / "thumb" / fp[:2] / f"{fp}.jpg"
    assert preview == tmp_path / "cache" / "preview" / fp[:2] / f"{fp}.jpg"
    with Image.open(thumb) as t, Image.open(preview) as p:
        assert t.format == p.format == "JPEG"
        assert t.size == (256, 171) and p.size == (1600, 1067)
        assert "progressive" not in p.info
        assert close(corner(t.convert("RGB"), "tl"), RED)


def test_oriented_source_gives_oriented_rendition(tmp_path: Path) -> None:
    src = save_jpeg(quadrants(3000, 2000), tmp_path / "o6.jpg", orientation=6)
    preview = Renditions(tmp_path / "c").path_for(src, fingerprint(src), "preview")
    with Image.open(preview) as p:
        assert p.size == (1067, 1600)
        assert close(corner(p.convert("RGB"), "tr"), RED)


def test_never_upscales(tmp_path: Path) -> None:
    src = tmp_path / "small.png"
    quadrants(120, 60).save(src)
    cache = Renditions(tmp_path / "c")
    for size in ("thumb", "preview"):
        with Image.open(cache.path_for(src, fingerprint(src), size)) as im:
            assert im.size == (120, 60)


def test_cached_hit_does_not_decode(tmp_path: Path, counted_decodes: list[Path]) -> None:
    src = save_jpeg(quadrants(800, 600), tmp_path / "a.jpg")
    fp = fingerprint(src)
    cache = Renditions(tmp_path / "c")
    first = cache.path_for(src, fp, "thumb")
    mtime = first.stat().st_mtime_ns

    for _ in range(3):
        assert cache.path_for(src, fp, "thumb") == first
    # A fresh instance over the same folder (a restart) also hits the cache.
    assert Renditions(tmp_path / "c").path_for(src, fp, "thumb") == first

    assert counted_decodes == [src]
    assert first.stat().st_mtime_ns == mtime


def test_concurrent_requests_render_once_and_leave_no_temp(
    tmp_path: Path, counted_decodes: list[Path]
) -> None:
    src = save_jpeg(quadrants(2000, 1500), tmp_path / "a.jpg")
    fp = fingerprint(src)
    cache = Renditions(tmp_path / "c")
    barrier = threading.Barrier(8)
    results: list[Path] = []

    def worker() -> None:
        barrier.wait()
        results.append(cache.path_for(src, fp, "preview"))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert len(set(results)) == 1 and len(results) == 8
    assert len(counted_decodes) == 1
    with Image.open(results[0]) as im:
        im.load()
        assert im.size == (1600, 1200)
    assert [p.name for p in results[0].parent.iterdir()] == [f"{fp}.jpg"]


def test_two_instances_racing_never_expose_half_files(tmp_path: Path) -> None:
    """Separate caches (as in two processes) both render; each rename is atomic."""
    src = save_jpeg(quadrants(2000, 1500), tmp_path / "a.jpg")
    fp = fingerprint(src)
    caches = [Renditions(tmp_path / "c") for _ in range(4)]
    paths: list[Path] = []
    threads = [
        threading.Thread(target=lambda c=c: paths.append(c.path_for(src, fp, "thumb")))
        for c in caches
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with Image.open(paths[0]) as im:
        im.load()
    assert [p.name for p in paths[0].parent.iterdir()] == [f"{fp}.jpg"]


def test_bad_arguments(tmp_path: Path) -> None:
    cache = Renditions(tmp_path / "c")
    src = save_jpeg(quadrants(40, 30), tmp_path / "a.jpg")
    with pytest.raises(ValueError, match="fingerprint"):
        cache.path_for(src, "../../etc/passwd", "thumb")
    with pytest.raises(ValueError, match="rendition size"):
        cache.path_for(src, fingerprint(src), "original")  # type: ignore[arg-type]


def test_undecodable_source_caches_nothing(tmp_path: Path) -> None:
    src = tmp_path / "junk.jpg"
    src.write_bytes(b"not an image" * 100)
    cache = Renditions(tmp_path / "c")
    with pytest.raises(DecodeFailed):
        cache.path_for(src, fingerprint(src), "thumb")
    assert not any(p.is_file() for p in (tmp_path / "c").rglob("*"))


def test_raw_thumb_and_preview(tmp_path: Path, cr2: Path) -> None:
    cache = Renditions(tmp_path / "c")
    fp = fingerprint(cr2)
    with Image.open(cache.path_for(cr2, fp, "thumb")) as t:
        assert t.size == (256, 171)
    with Image.open(cache.path_for(cr2, fp, "preview")) as p:
        assert p.size == (1600, 1067)


def test_heic_thumb(tmp_path: Path) -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    if not pillow_heif.libheif_info().get("HEIF"):
        pytest.skip("pillow_heif has no HEVC encoder in this build")
    pillow_heif.register_heif_opener()
    src = tmp_path / "a.heic"
    quadrants(600, 400).save(src, quality=90)
    with Image.open(Renditions(tmp_path / "c").path_for(src, fingerprint(src), "thumb")) as t:
        assert t.format == "JPEG" and t.size == (256, 171)
        assert close(corner(t.convert("RGB"), "tl"), RED, tol=30)


def test_icc_profile_survives_into_rendition(tmp_path: Path) -> None:
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    src = tmp_path / "icc.jpg"
    quadrants(400, 300).save(src, icc_profile=icc)
    with Image.open(Renditions(tmp_path / "c").path_for(src, fingerprint(src), "thumb")) as t:
        assert t.info.get("icc_profile") == icc
