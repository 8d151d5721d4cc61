"""Text search with the tiny CLIP built at test time: the queue is ranked by the text tower."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from photosort.errors import BadPath, Conflict
from photosort.ml import imagenet_labels
from photosort.ml.clip import ClipEmbedder
from photosort.ml.efficientnet import EfficientNetLite0Embedder
from photosort.suggest.service import SuggestionService


def _service(session: Any, embedder: Any) -> SuggestionService:
    service = SuggestionService(session, lambda: (embedder, "test"), batch_size=8)
    service.load_embedder()
    service.index_pending()
    return service


def test_search_follows_the_text_towers_scores(make_library: Any, tiny_clip_dir: Path):
    clip = ClipEmbedder(tiny_clip_dir, "cpu")
    session = make_library(clusters={"birds": 2}, loose=10).open()
    service = _service(session, clip)
    queued = session.queue_items()
    items, mat = service.vectors.queued_vectors(queued)
    for query in ("a bird on a branch", "a red coin"):
        page = service.grids().search(query, 5)
        # the expected ranking, straight from the tower: the text's vector against each photo's
        sims = mat @ clip.embed_texts([query])[0]
        expected = [items[k] for k in np.argsort(-sims, kind="stable")[:5]]
        assert page["mode"] == "search" and [i["item"] for i in page["items"]] == expected
        got = [i["similarity"] for i in page["items"]]
        assert got == sorted(got, reverse=True)
        assert got[0] == pytest.approx(float(sims.max()), abs=1e-3)
    with pytest.raises(BadPath):
        service.grids().search("   ", 5)
    service.close()


class Unlabeled:
    """EfficientNet-Lite0's vectors without its classes: no text tower, no classifier."""

    def __init__(self, inner: EfficientNetLite0Embedder) -> None:
        self.id, self.dim, self.kind, self.device = inner.id + ":bare", inner.dim, "x", "cpu"
        self.input_edge = inner.input_edge
        self.embed_images = inner.embed_images


def test_search_without_a_text_tower_or_classes_says_why(
    make_library: Any, effnet: EfficientNetLite0Embedder
):
    session = make_library(clusters={"birds": 2}, loose=3).open()
    service = _service(session, Unlabeled(effnet))
    with pytest.raises(Conflict, match="text tower"):
        service.grids().search("a bird", 5)
    service.close()


def test_discovered_groups_get_a_zero_shot_name_with_clip_and_the_classifiers_offline(
    make_library: Any, tiny_clip_dir: Path, effnet: EfficientNetLite0Embedder
):
    from photosort.suggest.review.discovery import unit
    from photosort.suggest.review.naming import SUBJECTS

    clip = ClipEmbedder(tiny_clip_dir, "cpu")
    session = make_library(clusters={}, loose=12).open()
    service = _service(session, clip)
    groups = service.grids().discover(everything=True)["groups"]
    assert groups
    subjects = clip.embed_texts([f"a photo of {s}" for s in SUBJECTS])
    for g in groups:
        _, mat = service.vectors.queued_vectors([i["item"] for i in g["items"]])
        centre = unit(unit(mat).mean(axis=0, keepdims=True))[0]
        assert g["name"] == SUBJECTS[int(np.argmax(subjects @ centre))]
    service.close()
    session.close()
    offline = _service(make_library(clusters={}, loose=12).open(), effnet)
    groups = offline.grids().discover(everything=True)["groups"]
    labels = imagenet_labels()
    assert groups
    for g in groups:
        # what the classifier saw its photos share when it indexed them
        items = [i["item"] for i in g["items"]]
        have, probs = offline._label_rows(items, effnet.labels_id)
        assert have == items and probs.shape == (len(items), 1000)
        assert g["name"] and g["name"] == labels.name(probs)
    offline.close()
