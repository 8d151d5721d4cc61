"""open_image / probe on real files of every raster kind, and on bad input."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from media_helpers import (
    BLUE,
    GREEN,
    RED,
    WHITE,
    close,
    corner,
    noisy_photo,
    quadrants,
    save_jpeg,
    write_png16,
    write_tiff16,
)
from PIL import Image, ImageCms, ImageFile

from photosort.errors import DecodeFailed
from photosort.media.decode import ImageInfo, open_image, probe

# Where each quadrant of the 300x200 test card lands after EXIF orientation (display transform).
ORIENTED = {
    1: ((300, 200), {"tl": RED, "tr": GREEN, "bl": BLUE, "br": WHITE}),
    3: ((300, 200), {"tl": WHITE, "tr": BLUE, "bl": GREEN, "br": RED}),
    6: ((200, 300), {"tl": BLUE, "tr": RED, "bl": WHITE, "br": GREEN}),
    8: ((200, 300), {"tl": GREEN, "tr": WHITE, "bl": RED, "br": BLUE}),
}


@pytest.mark.parametrize("orientation", sorted(ORIENTED))
def test_exif_orientation_is_applied(tmp_path: Path, orientation: int) -> None:
    path = save_jpeg(quadrants(300, 200), tmp_path / "o.jpg", orientation=orientation)
    size, corners = ORIENTED[orientation]

    im = open_image(path)

    assert im.mode == "RGB"
    assert im.size == size
    for where, colour in corners.items():
        assert close(corner(im, where), colour), (where, corner(im, where), colour)
    assert probe(path) == ImageInfo(size[0], size[1], "JPEG", False)


def test_orientation_applies_with_draft_too(tmp_path: Path) -> None:
    path = save_jpeg(quadrants(3000, 2000), tmp_path / "o6.jpg", orientation=6)
    im = open_image(path, min_edge=224)
    assert im.size == (250, 375)  # 1/8 DCT scale, then rotated
    assert close(corner(im, "tr"), RED) and close(corner(im, "tl"), BLUE)


@pytest.fixture(scope="module")
def jpeg_24mp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "24mp.jpg"
    quadrants(6000, 4000).save(path, "JPEG", quality=85)
    return path


@pytest.mark.parametrize(
    ("min_edge", "expected"),
    [(224, (750, 500)), (256, (750, 500)), (751, (1500, 1000)), (1600, (3000, 2000))],
)
def test_jpeg_draft_reduces_dct_scale(
    jpeg_24mp: Path, min_edge: int, expected: tuple[int, int]
) -> None:
    im = open_image(jpeg_24mp, min_edge=min_edge)
    assert im.size == expected
    assert max(im.size) >= min_edge
    assert close(corner(im, "tl"), RED) and close(corner(im, "bl"), BLUE)


def test_full_decode_without_min_edge(jpeg_24mp: Path) -> None:
    assert open_image(jpeg_24mp).size == (6000, 4000)
    assert open_image(jpeg_24mp, min_edge=5000).size == (6000, 4000)


@pytest.mark.parametrize("size", [(4001, 2999), (1000, 1000), (17, 5000), (640, 480)])
@pytest.mark.parametrize("min_edge", [1, 100, 224, 333, 1600, 8000])
def test_draft_never_goes_below_min_edge(
    tmp_path: Path, size: tuple[int, int], min_edge: int
) -> None:
    path = tmp_path / "x.jpg"
    Image.new("RGB", size, (10, 20, 30)).save(path, quality=70)
    im = open_image(path, min_edge=min_edge)
    assert max(im.size) >= min(min_edge, max(size))
    # ...and it really reduced whenever a 2x reduction would still have been enough.
    if max(size) // 2 >= min_edge * 1.01:
        assert max(im.size) < max(size)


def test_png_alpha_composited_on_white(tmp_path: Path) -> None:
    rgba = Image.new("RGBA", (40, 20), (255, 0, 0, 0))
    rgba.paste((255, 0, 0, 255), (20, 0, 40, 20))
    rgba.save(tmp_path / "a.png")
    la = Image.new("LA", (10, 10), (0, 0))
    la.save(tmp_path / "la.png")

    im = open_image(tmp_path / "a.png")
    assert im.mode == "RGB"
    assert im.getpixel((5, 5)) == WHITE
    assert im.getpixel((30, 5)) == RED
    assert open_image(tmp_path / "la.png").getpixel((5, 5)) == WHITE


def test_gif_first_frame_and_transparency(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (30, 20), c) for c in (RED, GREEN, BLUE)]
    frames[0].save(tmp_path / "anim.gif", save_all=True, append_images=frames[1:], duration=100)
    im = open_image(tmp_path / "anim.gif")
    assert im.mode == "RGB" and im.size == (30, 20)
    assert close(im.getpixel((5, 5)), RED)  # type: ignore[arg-type]

    pal = Image.new("P", (10, 10), 1)
    pal.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    pal.paste(0, (0, 0, 5, 10))
    pal.save(tmp_path / "t.gif", transparency=0)
    im = open_image(tmp_path / "t.gif")
    assert im.getpixel((2, 2)) == WHITE and im.getpixel((7, 2)) == RED


def test_16bit_grey_png_and_tiff_are_scaled_not_clipped(tmp_path: Path) -> None:
    ramp = np.linspace(0, 65535, 64 * 256).reshape(64, 256).astype(np.uint16)
    for name in ("g16.png", "g16.tif"):
        Image.fromarray(ramp).save(tmp_path / name)
        with Image.open(tmp_path / name) as raw:
            assert raw.mode.startswith("I;16")
        im = open_image(tmp_path / name)
        assert im.mode == "RGB"
        values = np.asarray(im)[..., 0]
        assert values[0, 0] == 0 and values[-1, -1] == 255
        assert 110 < values[32, 128] < 145  # mid-ramp is mid-grey, not clipped white


def test_16bit_rgb_png_and_tiff(tmp_path: Path) -> None:
    rgb = np.zeros((40, 60, 3), np.uint16)
    rgb[..., 0], rgb[..., 1], rgb[..., 2] = 65535, 32768, 256
    for path in (write_png16(tmp_path / "c16.png", rgb), write_tiff16(tmp_path / "c16.tif", rgb)):
        im = open_image(path)
        assert im.mode == "RGB" and im.size == (60, 40)
        assert close(im.getpixel((10, 10)), (255, 128, 1), tol=1)  # type: ignore[arg-type]
        assert probe(path).width == 60


@pytest.mark.parametrize(("fmt", "ext"), [("WEBP", "webp"), ("BMP", "bmp"), ("TIFF", "tiff")])
def test_other_rasters(tmp_path: Path, fmt: str, ext: str) -> None:
    path = tmp_path / f"card.{ext}"
    quadrants(120, 80).save(path, fmt)
    im = open_image(path)
    assert im.size == (120, 80)
    assert close(corner(im, "tl"), RED) and close(corner(im, "tr"), GREEN)
    assert probe(path) == ImageInfo(120, 80, fmt, False)


def test_cmyk_and_greyscale_jpeg_become_rgb(tmp_path: Path) -> None:
    Image.new("CMYK", (20, 10), (0, 255, 255, 0)).save(tmp_path / "cmyk.jpg")
    Image.new("L", (20, 10), 200).save(tmp_path / "grey.jpg")
    im = open_image(tmp_path / "cmyk.jpg", min_edge=8)
    assert im.mode == "RGB" and close(im.getpixel((2, 2)), RED, tol=20)  # type: ignore[arg-type]
    assert "icc_profile" not in im.info
    grey = open_image(tmp_path / "grey.jpg", min_edge=8)
    assert grey.mode == "RGB" and close(grey.getpixel((2, 2)), (200, 200, 200), tol=3)  # type: ignore[arg-type]


def test_rgb_icc_profile_is_kept(tmp_path: Path) -> None:
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("RGB", (10, 10), RED).save(tmp_path / "icc.png", icc_profile=icc)
    assert open_image(tmp_path / "icc.png").info.get("icc_profile") == icc


def test_heic_round_trip_with_orientation(tmp_path: Path) -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    if not pillow_heif.libheif_info().get("HEIF"):
        pytest.skip("pillow_heif has no HEVC encoder in this build")
    pillow_heif.register_heif_opener()
    card = quadrants(300, 200)
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "card.heic"
    card.save(path, exif=exif.tobytes(), quality=90)

    im = open_image(path)

    assert im.mode == "RGB" and im.size == (200, 300)  # rotated exactly once
    assert close(corner(im, "tr"), RED, tol=30) and close(corner(im, "tl"), BLUE, tol=30)
    assert probe(path) == ImageInfo(200, 300, "HEIF", False)


def test_png_named_jpg_decodes(tmp_path: Path) -> None:
    path = tmp_path / "really-a-png.jpg"
    quadrants(64, 32).save(path, "PNG")
    assert open_image(path, min_edge=16).size == (64, 32)
    assert probe(path).format == "PNG"


def _truncated_jpeg(tmp_path: Path) -> Path:
    buf = io.BytesIO()
    noisy_photo(800, 600).save(buf, "JPEG", quality=90)
    path = tmp_path / "cut.jpg"
    path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    return path


BAD_FILES = {
    "empty.jpg": lambda p: p.write_bytes(b""),
    "random.jpg": lambda p: p.write_bytes(np.random.default_rng(1).bytes(5000)),
    "text.cr2": lambda p: p.write_text("this is not a raw file\n" * 50),
    "text.heic": lambda p: p.write_text("not heic either\n" * 50),
    "header-only.png": lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_undecodable_files_raise_decode_failed(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    BAD_FILES[name](path)
    with pytest.raises(DecodeFailed) as info:
        open_image(path)
    assert info.value.code == "decode_failed" and info.value.message
    with pytest.raises(DecodeFailed):
        probe(path)


def test_messages_are_human(tmp_path: Path) -> None:
    (tmp_path / "empty.jpg").write_bytes(b"")
    with pytest.raises(DecodeFailed, match=r"^empty file \(0 bytes\)$"):
        open_image(tmp_path / "empty.jpg")
    (tmp_path / "junk.jpg").write_bytes(b"\x00\x01junk" * 100)
    with pytest.raises(DecodeFailed, match="not a decodable image"):
        open_image(tmp_path / "junk.jpg")
    with pytest.raises(DecodeFailed, match="file not found"):
        open_image(tmp_path / "missing.jpg")
    with pytest.raises(DecodeFailed, match="not a decodable CR2 RAW file"):
        (tmp_path / "t.cr2").write_text("hello")
        open_image(tmp_path / "t.cr2")


@pytest.mark.parametrize("min_edge", [None, 224])
def test_truncated_jpeg_raises_instead_of_grey(tmp_path: Path, min_edge: int | None) -> None:
    path = _truncated_jpeg(tmp_path)
    with pytest.raises(DecodeFailed, match="truncated JPEG"):
        open_image(path, min_edge=min_edge)
    assert probe(path).width == 800  # the header is intact: probe is header-only by design


def test_truncated_png_raises(tmp_path: Path) -> None:
    full = tmp_path / "full.png"
    noisy_photo(200, 100).save(full)
    cut = tmp_path / "cut.png"
    cut.write_bytes(full.read_bytes()[:3000])
    with pytest.raises(DecodeFailed):
        open_image(cut)


def test_decompression_bomb_guard_stays_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert Image.MAX_IMAGE_PIXELS is not None
    path = tmp_path / "big.png"
    Image.new("RGB", (400, 300)).save(path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)  # 120k px is > 2x the limit
    with pytest.raises(DecodeFailed, match="too large"):
        open_image(path)


def test_probe_png_does_not_decode_pixels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "p.png"
    quadrants(50, 30).save(path)

    def fail(*_: object) -> None:
        raise AssertionError("probe decoded pixels")

    monkeypatch.setattr(Image.Image, "load", fail)
    monkeypatch.setattr(ImageFile.ImageFile, "load", fail)
    assert probe(path) == ImageInfo(50, 30, "PNG", False)
