"""Embedders, the embedding cache and embedder selection.

Names are imported lazily so that ``import photosort.ml.cache`` (or this package) does not pay
for importing torch and transformers until an embedder is actually needed.

- :class:`Embedder`, :class:`TextEmbedder`, :func:`supports_text` (``ml/embedder.py``)
- :func:`load_embedder` -> :class:`EmbedderChoice`, :func:`resolve_device` (``ml/select.py``)
- :class:`EfficientNetLite0Embedder` (``ml/efficientnet.py``), :class:`ClipEmbedder`
  (``ml/clip.py``)
- :class:`EmbeddingCache` (``ml/cache.py``)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from photosort.ml.cache import EmbeddingCache
    from photosort.ml.clip import ClipEmbedder
    from photosort.ml.device import DeviceUnavailable, resolve_device
    from photosort.ml.efficientnet import EfficientNetLite0Embedder
    from photosort.ml.embedder import Embedder, EmbedderUnavailable, TextEmbedder, supports_text
    from photosort.ml.select import EmbedderChoice, load_embedder

__all__ = [
    "ClipEmbedder",
    "DeviceUnavailable",
    "EfficientNetLite0Embedder",
    "Embedder",
    "EmbedderChoice",
    "EmbedderUnavailable",
    "EmbeddingCache",
    "TextEmbedder",
    "load_embedder",
    "resolve_device",
    "supports_text",
]

_WHERE = {
    "EmbeddingCache": "cache",
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
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'photosort.ml' has no attribute {name!r}")
    return getattr(importlib.import_module(f"photosort.ml.{module}"), name)
