"""Offline names and text search over HTTP, with the real EfficientNet-Lite0 and its own
ImageNet classifier head: "bird" finds the birds first, proposed groups get names."""

from __future__ import annotations

from typing import Any

from testdata import STAMPS6

from tests.conftest import STAMPS

CLASSES = ("birds", "coins", "flowers", "fruit")


def labeled(make_library: Any, per_class: int, source: Any = STAMPS) -> tuple[Any, dict[str, str]]:
    """A folder with no cluster and `per_class` loose photos of each class; their classes."""
    lib = make_library(clusters={}, loose=0)
    truth = {}
    for name in CLASSES:
        for photo in sorted((source / name).glob("*.jpg"))[:per_class]:
            rel = f"{name[:-1]}-{photo.name}"
            lib.add(rel, src=photo)
            truth[rel] = name
    return lib, truth


def test_text_search_offline_finds_birds_first_by_the_classifier(
    make_library: Any, start_server: Any, engine: Any
):
    lib, truth = labeled(make_library, 3)
    c = start_server(lib, engine=engine).client
    r = c.get("/api/grid/search", params={"text": "bird", "limit": 6})
    assert r.status_code == 200, r.text
    page = r.json()
    found = [i["item"] for i in page["items"]]
    assert [truth[i] for i in found[:3]] == ["birds"] * 3, page
    probs = [i["similarity"] for i in page["items"]]
    assert probs == sorted(probs, reverse=True)  # the classifier's probability, best first
    assert "classifier" in page["note"]
    # a plural and an ancestor name work too; a word no class knows finds nothing, calmly
    birds = c.get("/api/grid/search", params={"text": "Birds", "limit": 3}).json()
    assert [truth[i["item"]] for i in birds["items"]] == ["birds"] * 3
    animal = c.get("/api/grid/search", params={"text": "animal", "limit": 3}).json()
    assert animal["items"] and truth[animal["items"][0]["item"]] == "birds"
    none = c.get("/api/grid/search", params={"text": "xylophonequartz"}).json()
    assert none["items"] == [] and "no queued photo" in none["note"]


def test_proposed_groups_are_named_offline_from_what_their_photos_share(
    make_library: Any, start_server: Any, engine: Any
):
    # On a white background, where the classifier reads the birds best: on clutter the pure
    # bird group it forms is a hen and a guineafowl it calls more "animal" than "bird".
    lib, truth = labeled(make_library, 4, STAMPS6 / "white")
    c = start_server(lib, engine=engine).client
    groups = c.get("/api/discover", params={"everything": "true"}).json()["groups"]
    assert groups and all(isinstance(g["name"], str) and g["name"] for g in groups)
    birdy = [g for g in groups if all(truth[i["item"]] == "birds" for i in g["items"])]
    assert birdy and birdy[0]["name"] == "bird", groups
