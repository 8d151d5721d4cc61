"""The shipped ImageNet class table: words find their classes through WordNet ancestors, and a
group is named by what its photos' class probabilities share."""

from __future__ import annotations

import numpy as np

from photosort.ml import imagenet_labels


def one_hot(labels, *weights: tuple[str, float]) -> np.ndarray:
    p = np.zeros(len(labels.names))
    for name, w in weights:
        p[labels.names.index(name)] = w
    return p


def test_a_word_finds_its_classes_by_name_synonym_and_ancestor():
    labels = imagenet_labels()
    bird = labels.matches("bird")
    assert bird[labels.names.index("goldfinch")] and bird[labels.names.index("ostrich")]
    assert not bird[labels.names.index("Golden Retriever")]
    assert 50 < bird.sum() < 100  # ImageNet's birds, not everything
    assert (labels.matches("Birds") == bird).all()  # case and plural
    assert labels.matches("dog")[labels.names.index("Golden Retriever")]
    assert not labels.matches("xylophonequartz").any()


def test_a_group_is_named_by_its_class_its_shared_ancestor_or_its_two_leading_classes():
    labels = imagenet_labels()
    finches = np.stack([one_hot(labels, ("goldfinch", 0.9)), one_hot(labels, ("goldfinch", 0.7))])
    assert labels.name(finches) == "goldfinch"
    birds = np.stack([one_hot(labels, ("goldfinch", 0.9)), one_hot(labels, ("ostrich", 0.9))])
    assert labels.name(birds) == "bird"
    mixed = np.stack([one_hot(labels, ("goldfinch", 0.4), ("daisy", 0.6)),
                      one_hot(labels, ("goldfinch", 0.6), ("daisy", 0.4))])  # fmt: skip
    assert labels.name(mixed) in ("goldfinch · daisy", "daisy · goldfinch")
    assert labels.name(np.zeros((0, 1000))) is None
