"""Regenerate `.clustering.example/`: a real journal the tool writes while sorting sample/.

Runs the real session engine and suggestion service on a temporary copy of sample/: a few
manual filings with the suggestions that were on screen, a new cluster, a trash, a skip, an
undo, and an auto-move batch. Then copies the resulting journal and snapshot.

    .venv/bin/python scripts/make_example_journal.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))

from photosort.ml import load_embedder  # noqa: E402
from photosort.session import Session  # noqa: E402
from photosort.suggest import SuggestionService, shown_suggestions  # noqa: E402

OUT = ROOT / ".clustering.example"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        lib = Path(tmp) / "sample"
        shutil.copytree(ROOT / "sample", lib, ignore=shutil.ignore_patterns(".clustering"))
        session = Session(lib)
        embedder = load_embedder("efficientnet-lite0", "cpu").embedder
        service = SuggestionService(session, lambda: (embedder, "example"))
        service.load_embedder()
        service.index_pending()
        clusters = {name for name, _ in session.clusters()}
        filed = 0
        for item in session.queue_items():
            if filed == 10:
                break
            suggested, confidence = shown_suggestions(service, item)
            if not suggested or suggested[0]["cluster"] not in clusters:
                continue
            session.assign(
                item,
                suggested[0]["cluster"],
                suggested=suggested,
                confidence=confidence,
                reviewer="example",
            )
            filed += 1
        head = session.queue_items()
        session.assign(head[0], "misc", create=True, reviewer="example")
        session.delete(head[1], reviewer="example")
        session.skip(head[2], reviewer="example")
        session.undo(reviewer="example")
        service.auto_move(threshold=0.75, min_samples=3, min_margin=0.05, dry_run=False)
        service.close()
        session.close()
        if OUT.exists():
            shutil.rmtree(OUT)
        OUT.mkdir()
        for name in ("actions.jsonl", "state.json"):
            shutil.copy2(lib / ".clustering" / name, OUT / name)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
