"""RAW: the real CR2 (embedded preview vs demosaic), preview-less DNGs, orientation, bad files."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import rawpy
from media_helpers import BLUE, GREEN, RED, DngFactory, close, corner, quadrants
from PIL import Image

from photosort.errors import DecodeFailed
from photosort.media.decode import ImageInfo, open_image, probe
from photosort.media.raw import apply_flip, decode_raw, embedded_jpeg

# EXIF orientation -> LibRaw flip, as LibRaw maps TIFF orientation ("50132467"[orientation & 7]).
EXIF_TO_FLIP = {1: 0, 2: 1, 3: 3, 4: 2, 5: 4, 6: 6, 7: 7, 8: 5}


def test_cr2_default_uses_embedded_preview(cr2: Path) -> None:
    im, how = decode_raw(cr2)
    assert how == "embedded"
    assert im.mode == "RGB" and im.size == (1728, 1152)
    assert open_image(cr2).size == (1728, 1152)


def test_cr2_small_need_drafts_the_embedded_jpeg(cr2: Path) -> None:
    im, how = decode_raw(cr2, min_edge=224)
    assert how == "embedded"
    assert im.size == (432, 288)  # 1/4 DCT scale of 1728x1152, still >= 224
    assert open_image(cr2, min_edge=224).size == (432, 288)


def test_cr2_demosaics_when_preview_too_small(cr2: Path) -> None:
    half, how = decode_raw(cr2, min_edge=1750)
    assert how == "demosaic"
    assert half.size == (1761, 1174)  # half-size demosaic of the 3522x2348 output area

    full, how = decode_raw(cr2, min_edge=2000)
    assert how == "demosaic"
    assert full.size == (3522, 2348)  # half size would be < 2000, so full resolution

    # Same scene both ways (orientation and colour sanity): compare tiny grey versions.
    embedded = decode_raw(cr2)[0]

    def tiny(im: Image.Image) -> np.ndarray:
        return np.asarray(im.convert("L").resize((48, 32), Image.Resampling.BOX), np.float64)

    corr = np.corrcoef(tiny(embedded).ravel(), tiny(half).ravel())[0, 1]
    assert corr > 0.9, corr


def test_cr2_probe(cr2: Path) -> None:
    with rawpy.imread(str(cr2)) as raw:
        assert (raw.sizes.raw_width, raw.sizes.raw_height) == (3596, 2360)
        assert raw.sizes.flip == 0
    assert probe(cr2) == ImageInfo(3522, 2348, "CR2", True)


def test_dng_without_thumbnail_is_demosaiced(bayer_dng: DngFactory, stamp: Path) -> None:
    path = bayer_dng()
    with rawpy.imread(str(path)) as raw, pytest.raises(rawpy.LibRawNoThumbnailError):
        raw.extract_thumb()

    im, how = decode_raw(path)

    assert how == "demosaic"
    assert im.mode == "RGB" and im.size == (640, 384)  # too small for half size: full demosaic
    with Image.open(stamp) as src:
        expected = np.asarray(src.convert("RGB").resize(im.size, Image.Resampling.BICUBIC), float)
    got = np.asarray(im, float)
    # Plausible colours: the same picture channel by channel, and no colour cast. (LibRaw's auto
    # brightness lifts all channels alike, so absolute levels differ by design.)
    for c in range(3):
        assert np.corrcoef(got[..., c].ravel(), expected[..., c].ravel())[0, 1] > 0.95
    shift = got.mean((0, 1)) - expected.mean((0, 1))
    assert shift.max() - shift.min() < 8, shift
    assert probe(path) == ImageInfo(640, 384, "DNG", True)


def test_dng_half_size_when_enough(bayer_dng: DngFactory) -> None:
    im, how = decode_raw(bayer_dng(), min_edge=300)
    assert how == "demosaic" and im.size == (320, 192)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_flip_mapping_matches_libraw(bayer_dng: DngFactory, orientation: int) -> None:
    path = bayer_dng(f"o{orientation}.dng", orientation=orientation)
    with rawpy.imread(str(path)) as raw:
        flip = raw.sizes.flip
        unflipped = raw.postprocess(half_size=True, user_flip=0, output_bps=8)
    with rawpy.imread(str(path)) as raw:
        flipped = raw.postprocess(half_size=True, output_bps=8)

    assert flip == EXIF_TO_FLIP[orientation]
    ours = np.asarray(apply_flip(Image.fromarray(unflipped), flip))
    assert ours.shape == flipped.shape and np.array_equal(ours, flipped)

    im, _ = decode_raw(path)
    swapped = orientation >= 5
    assert im.size == ((384, 640) if swapped else (640, 384))
    assert (probe(path).width, probe(path).height) == im.size


def _jpeg_bytes(im: Image.Image, orientation: int | None = None) -> bytes:
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif.tobytes(), quality=90)
    return buf.getvalue()


def test_embedded_preview_rotated_by_raw_flip() -> None:
    data = _jpeg_bytes(quadrants(300, 200))
    im = embedded_jpeg(data, need=300, flip=6, sensor=(3000, 2000))
    assert im is not None and im.size == (200, 300)
    assert close(corner(im, "tr"), RED) and close(corner(im, "tl"), BLUE)


def test_embedded_preview_with_own_exif_is_rotated_once() -> None:
    data = _jpeg_bytes(quadrants(300, 200), orientation=6)
    im = embedded_jpeg(data, need=300, flip=6, sensor=(3000, 2000))
    assert im is not None and im.size == (200, 300)
    assert close(corner(im, "tr"), RED) and close(corner(im, "tl"), BLUE)


def test_embedded_preview_already_upright_is_left_alone() -> None:
    upright = quadrants(300, 200).transpose(Image.Transpose.ROTATE_270)
    im = embedded_jpeg(_jpeg_bytes(upright), need=300, flip=6, sensor=(3000, 2000))
    assert im is not None and im.size == (200, 300)
    assert close(corner(im, "tr"), RED) and close(corner(im, "br"), GREEN)


def test_embedded_preview_too_small_is_declined() -> None:
    assert embedded_jpeg(_jpeg_bytes(quadrants(300, 200)), need=301, flip=0, sensor=(3, 2)) is None


def test_jpeg_named_nef_decodes(tmp_path: Path) -> None:
    path = tmp_path / "mislabelled.nef"
    quadrants(120, 80).save(path, "JPEG")
    im, how = decode_raw(path)
    assert how == "raster" and im.size == (120, 80)
    assert probe(path) == ImageInfo(120, 80, "JPEG", False)


@pytest.mark.parametrize("ext", [".cr2", ".nef", ".dng", ".arw"])
def test_text_named_raw_raises_decode_failed(tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"notes{ext}"
    path.write_text("shopping list: eggs, milk\n" * 40)
    with pytest.raises(DecodeFailed, match=f"not a decodable {ext[1:].upper()} RAW file"):
        open_image(path)
    with pytest.raises(DecodeFailed):
        probe(path)


@pytest.mark.parametrize("keep", [64, 20_000, 400_000])
def test_truncated_cr2_never_escapes_other_errors(cr2: Path, tmp_path: Path, keep: int) -> None:
    path = tmp_path / "cut.CR2"
    path.write_bytes(cr2.read_bytes()[:keep])
    for min_edge in (None, 224, 3000):
        try:
            im = open_image(path, min_edge=min_edge)
        except DecodeFailed as exc:
            assert exc.message.startswith("not a decodable CR2 RAW file")
        else:
            assert im.mode == "RGB"
