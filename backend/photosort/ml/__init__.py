"""Embedders, the embedding cache and embedder selection.

Names are imported lazily so that ``import photosort.ml.cache`` (or this package) does not pay
for importing torch and transformers until an embedder is actually needed.

- :class:`Embedder`, :class:`TextEmbedder`, :func:`supports_text` (``ml/embedder.py``)
- :func:`load_embedder` -> :class:`EmbedderChoice`, :func:`resolve_device` (``ml/select.py``)
- :class:`EfficientNetLite0Embedder` (``ml/efficientnet.py``), :class:`ClipEmbedder`
  (``ml/clip.py``)
- :class:`EmbeddingCache`, :func:`cache_path` (``ml/cache.py``)
- :class:`ImageNetLabels`, :func:`imagenet_labels`: offline class names (``ml/labels.py``)
- :class:`VectorMatrix`, :func:`matrix_path` (``ml/matrix.py``), :class:`AnnIndex` (``ml/ann.py``)
- :class:`ModelProcess`, :class:`RemoteEmbedder`: the model in a process of its own
  (``ml/remote.py``, ``ml/worker.py``)

Other packages use only these names.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

# Read once, when torch loads its OpenMP runtime (every torch import in photosort comes
# through this package): threads that wait at a barrier sleep instead of spinning. Spinning
# saves microseconds per barrier on idle cores and loses whole time slices on busy ones: CLIP's
# first batch (4 photos) took 6.2 s with two spinning threads and 2.0 s with sleeping ones
# (1.4 s with one thread), median of 5, on 2 cores at load 17. A value set by the user wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

if TYPE_CHECKING:
    from photosort.ml.ann import AnnIndex
    from photosort.ml.cache import EmbeddingCache, cache_path
    from photosort.ml.clip import ClipEmbedder
    from photosort.ml.device import DeviceUnavailable, resolve_device
    from photosort.ml.efficientnet import EfficientNetLite0Embedder
    from photosort.ml.embedder import Embedder, EmbedderUnavailable, TextEmbedder, supports_text
    from photosort.ml.labels import ImageNetLabels, imagenet_labels
    from photosort.ml.matrix import VectorMatrix, kernels_generation, matrix_path
    from photosort.ml.remote import (
        ModelProcess,
        RemoteEmbedder,
        model_process_wanted,
        start_early,
        take_early,
    )
    from photosort.ml.select import EmbedderChoice, load_embedder
    from photosort.ml.superseded import drop_superseded

__all__ = [
    "AnnIndex",
    "ClipEmbedder",
    "DeviceUnavailable",
    "EfficientNetLite0Embedder",
    "Embedder",
    "EmbedderChoice",
    "EmbedderUnavailable",
    "EmbeddingCache",
    "ImageNetLabels",
    "ModelProcess",
    "RemoteEmbedder",
    "TextEmbedder",
    "VectorMatrix",
    "cache_path",
    "drop_superseded",
    "imagenet_labels",
    "kernels_generation",
    "load_embedder",
    "matrix_path",
    "model_process_wanted",
    "resolve_device",
    "start_early",
    "supports_text",
    "take_early",
]

_WHERE = {
    "AnnIndex": "ann",
    "EmbeddingCache": "cache",
    "ImageNetLabels": "labels",
    "imagenet_labels": "labels",
    "cache_path": "cache",
    "ClipEmbedder": "clip",
    "DeviceUnavailable": "device",
    "resolve_device": "device",
    "EfficientNetLite0Embedder": "efficientnet",
    "Embedder": "embedder",
    "EmbedderUnavailable": "embedder",
    "TextEmbedder": "embedder",
    "supports_text": "embedder",
    "EmbedderChoice": "select",
    "load_embedder": "select",
    "VectorMatrix": "matrix",
    "matrix_path": "matrix",
    "kernels_generation": "matrix",
    "ModelProcess": "remote",
    "RemoteEmbedder": "remote",
    "model_process_wanted": "remote",
    "start_early": "remote",
    "take_early": "remote",
    "drop_superseded": "superseded",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'photosort.ml' has no attribute {name!r}")
    return getattr(importlib.import_module(f"photosort.ml.{module}"), name)
