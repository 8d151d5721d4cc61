"""Shared preprocessing helpers and the Embedder / TextEmbedder protocols."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from ml_helpers import photo
from PIL import Image
from testdata import REFERENCE

from photosort.ml.embedder import (
    Embedder,
    TextEmbedder,
    center_crop_resize,
    l2_normalise,
    resize_shorter_center_crop,
    supports_text,
    to_rgb,
    torch_threads,
)


def test_l2_normalise_rows_and_zero_row() -> None:
    x = np.array([[3.0, 4.0], [0.0, 0.0]], dtype=np.float64)
    out = l2_normalise(x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out[0], [0.6, 0.8], rtol=1e-6)
    assert np.all(out[1] == 0)
    t = l2_normalise(torch.tensor([1.0, 1.0]))
    assert t.shape == (1, 2)
    np.testing.assert_allclose(np.linalg.norm(t, axis=1), 1.0, rtol=1e-6)


def test_to_rgb_composites_transparency_on_white() -> None:
    rgba = Image.new("RGBA", (4, 4), (0, 0, 0, 0))  # fully transparent black
    rgba.putpixel((0, 0), (255, 0, 0, 255))
    rgb = to_rgb(rgba)
    assert rgb.mode == "RGB"
    assert rgb.getpixel((1, 1)) == (255, 255, 255)
    assert rgb.getpixel((0, 0)) == (255, 0, 0)
    assert to_rgb(Image.new("L", (2, 2), 7)).getpixel((0, 0)) == (7, 7, 7)
    i16 = Image.fromarray(np.full((2, 2), 65535, dtype=np.uint16))
    assert to_rgb(i16).getpixel((0, 0)) == (255, 255, 255)


@pytest.mark.parametrize("size", [(96, 64), (64, 96), (50, 50), (640, 427)])
def test_center_crop_resize_shape(size: tuple[int, int]) -> None:
    out = center_crop_resize(photo(1, size), 32)
    assert out.shape == (32, 32, 3) and out.dtype == np.uint8


def _reference_processor() -> object:
    import transformers

    cls = getattr(transformers, "CLIPImageProcessorPil", None) or transformers.CLIPImageProcessor
    return cls(do_rescale=False, do_normalize=False)


@pytest.mark.parametrize(
    "size", [(384, 384), (384, 250), (250, 384), (1000, 667), (301, 224), (230, 100), (120, 90)]
)
def test_resize_shorter_center_crop_matches_transformers(size: tuple[int, int]) -> None:
    """Same geometry as CLIP's own image processor, on a real photo, to within 2/255."""
    src = REFERENCE / "blackbird.jpg"
    with Image.open(src) as im:
        img = im.convert("RGB").resize(size, Image.Resampling.BICUBIC)
    proc = _reference_processor()
    ref = proc(images=[img], return_tensors="np")["pixel_values"][0].transpose(1, 2, 0)  # type: ignore[operator]
    ours = resize_shorter_center_crop(img, 224, (224, 224)).astype(np.float32)
    assert ours.shape == ref.shape == (224, 224, 3)
    diff = np.abs(ours - ref)
    assert diff.max() <= 2.0
    assert diff.mean() < 0.2


def test_protocols_and_supports_text() -> None:
    class ImageOnly:
        id = "x"
        kind = "efficientnet-lite0"
        dim = 2
        device = "cpu"
        input_edge = 224

        def embed_images(self, images: object) -> np.ndarray:
            return np.zeros((0, 2), np.float32)

    class WithText(ImageOnly):
        kind = "clip"

        def embed_texts(self, texts: object) -> np.ndarray:
            return np.zeros((0, 2), np.float32)

    class TextlessClip(WithText):
        text_supported = False

    assert isinstance(ImageOnly(), Embedder)
    assert not isinstance(ImageOnly(), TextEmbedder)
    assert not supports_text(ImageOnly())
    assert isinstance(WithText(), TextEmbedder)
    assert supports_text(WithText())
    assert not supports_text(TextlessClip())


def test_torch_threads_restores_the_global_setting() -> None:
    before = torch.get_num_threads()
    with torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with torch_threads(None):
        assert torch.get_num_threads() == before


def test_torch_threads_sleep_at_barriers_unless_the_user_says_otherwise() -> None:
    """Spinning OpenMP threads lose whole time slices on a busy machine: the process that loads
    an embedder asks for passive waiting before torch starts its OpenMP runtime."""
    import os
    import subprocess
    import sys

    code = "import os, photosort.ml.embedder; print(os.environ['OMP_WAIT_POLICY'])"
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    for given, expected in ((None, "PASSIVE"), ("ACTIVE", "ACTIVE")):
        run_env = env if given is None else {**env, "OMP_WAIT_POLICY": given}
        out = subprocess.run(
            [sys.executable, "-c", code], env=run_env, capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == expected
