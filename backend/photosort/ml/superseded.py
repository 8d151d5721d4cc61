"""Vectors no version of photosort reads again: those the same Lite0 weights made under
settings that are no longer the default (`lite0_ids.superseded_ids`). When the model loads, a
library drops them, its cached rows and its matrix file: at a million photos a superseded
pooling leaves about 7 GB behind (matrix, cached vectors, class probabilities)."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from photosort.ml.cache import EmbeddingCache
from photosort.ml.lite0_ids import LABELS_SUFFIX, superseded_ids
from photosort.ml.matrix import drop_matrix, matrix_path

log = logging.getLogger("photosort.suggest")


def drop_superseded(cache: EmbeddingCache, folder: Path, embedder_id: str, dim: int) -> int:
    """Drop what these weights made under other settings, beside the matrix `folder`: vectors
    removed (another embedder's, CLIP's say, stay). Runs beside indexing: the cache is let go
    between chunks, a matrix another process holds is left, a closing cache keeps the rest."""
    old = superseded_ids(embedder_id)
    gone = [i for i in old if drop_matrix(matrix_path(folder, i, dim))]
    try:
        rows = cache.drop_embedders([*old, *(f"{i}{LABELS_SUFFIX}" for i in old)])
    except sqlite3.Error as exc:
        log.info("superseded vectors kept: %s", exc)
        return 0
    if rows or gone:
        log.info("dropped %d vectors of superseded embedder ids (%d matrices)", rows, len(gone))
    return rows
