"""Fixtures for the tests that load models (ml/ and suggest/, each conftest imports them): real
models only, never the network.

- every test there runs with ``HF_HUB_OFFLINE=1`` / ``TRANSFORMERS_OFFLINE=1`` (tests that
  check the no-flag path remove them and point the hub probe at a closed local port);
- ``tiny_clip_dir``: a real, randomly initialised CLIP (tiny towers) saved with
  ``save_pretrained`` together with a real image processor and a real BPE tokenizer built from
  a vocab/merges written to disk, loaded back through the product's own loaders;
- ``effnet``: the real offline embedder with its real ImageNet weights, loaded once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from ml_helpers import build_tiny_clip

from photosort.ml.efficientnet import EfficientNetLite0Embedder


@pytest.fixture(autouse=True)
def hub_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def tiny_clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    old = {k: os.environ.get(k) for k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        return build_tiny_clip(tmp_path_factory.mktemp("tiny-clip") / "tiny-clip")
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(scope="session")
def effnet() -> Iterator[EfficientNetLite0Embedder]:
    yield EfficientNetLite0Embedder("cpu")
