"""The seam where suggestions plug into the queue: the protocol the API talks to, the engine
used when no embedder runs, and what a decision journals about the suggestions on screen."""

from __future__ import annotations

from typing import Any, Protocol

from photosort.errors import Conflict
from photosort.media import Fingerprints
from photosort.suggest.results import (
    AutoMoveResult,
    EmbedderInfo,
    Estimate,
    Progress,
    SuggestionSet,
    idle_progress,
)
from photosort.suggest.review.duplicates import Duplicates
from photosort.suggest.review.grid import Grids
from photosort.suggest.review.stacks import Stacks


class SuggestionEngine(Protocol):
    """Implemented by `SuggestionService` (suggest/service.py) and `NoSuggestions`."""

    fingerprints: Fingerprints

    def embedder_info(self) -> EmbedderInfo: ...

    def progress(self) -> Progress: ...

    def suggestions(self, items: list[str]) -> dict[str, SuggestionSet | None]: ...

    def decode_error(self, item: str) -> str | None: ...

    def estimate(
        self, threshold: float | None, min_samples: int | None, min_margin: float | None
    ) -> Estimate: ...

    def auto_move(
        self,
        threshold: float | None = None,
        min_samples: int | None = None,
        min_margin: float | None = None,
        *,
        dry_run: bool = True,
        reviewer: str = "auto",
    ) -> AutoMoveResult: ...

    def grids(self) -> Grids: ...

    def stacks(self) -> Stacks | None: ...

    def duplicates(self) -> Duplicates | None: ...

    def close(self, timeout: float = 1.0) -> None:
        """Stop; background work gets `timeout` seconds to end what it is doing."""
        ...


class NoSuggestions:
    """Used when no embedder runs (e.g. `--model none`): the manual loop still works."""

    def __init__(self, reason: str) -> None:
        self._reason = reason
        self.fingerprints = Fingerprints()

    def embedder_info(self) -> EmbedderInfo:
        return {
            "id": None,
            "kind": "none",
            "device": None,
            "status": "disabled",
            "reason": self._reason,
        }

    def progress(self) -> Progress:
        return idle_progress()

    def suggestions(self, items: list[str]) -> dict[str, SuggestionSet | None]:
        return dict.fromkeys(items)

    def decode_error(self, item: str) -> str | None:
        return None

    def estimate(
        self, threshold: float | None, min_samples: int | None, min_margin: float | None
    ) -> Estimate:
        raise Conflict(f"auto-move needs suggestions: {self._reason}")

    def auto_move(
        self,
        threshold: float | None = None,
        min_samples: int | None = None,
        min_margin: float | None = None,
        *,
        dry_run: bool = True,
        reviewer: str = "auto",
    ) -> AutoMoveResult:
        raise Conflict(f"auto-move needs suggestions: {self._reason}")

    def grids(self) -> Grids:
        raise Conflict(f"grids need suggestions: {self._reason}")

    def stacks(self) -> Stacks | None:
        return None  # stacks need vectors

    def duplicates(self) -> Duplicates | None:
        return None  # duplicates need the fingerprints and hashes indexing takes

    def close(self, timeout: float = 1.0) -> None:
        return None


def shown_suggestions(
    engine: SuggestionEngine, item: str
) -> tuple[list[dict[str, Any]], float | None]:
    """What the reviewer was shown for `item`, journaled with the decision so the session can
    learn how often its top suggestion is right."""
    shown = engine.suggestions([item]).get(item)
    if not shown:
        return [], None
    top: list[dict[str, Any]] = [
        {"cluster": s["cluster"], "score": s["score"]} for s in shown["top"]
    ]
    return top, shown["confidence"]
