"""Everything a running server holds: the session, renditions and the suggestion engine."""

from __future__ import annotations

from typing import Any, Protocol

from photosort.errors import Conflict, DecodeFailed, NotFound
from photosort.fingerprints import Fingerprints
from photosort.formats import is_raw
from photosort.media.decode import probe
from photosort.media.renditions import Renditions
from photosort.session.engine import Session
from photosort.session.journal import CLUSTERING_DIR
from photosort.session.paths import normalise_item


class SuggestionEngine(Protocol):
    """The seam where suggestions plug into the queue (the ml package implements it)."""

    fingerprints: Fingerprints

    def embedder_info(self) -> dict[str, Any]: ...

    def progress(self) -> dict[str, Any]: ...

    def suggestions(self, items: list[str]) -> dict[str, dict[str, Any] | None]: ...

    def decode_error(self, item: str) -> str | None: ...

    def estimate(
        self, threshold: float | None, min_samples: int | None, min_margin: float | None
    ) -> dict[str, Any]: ...

    def auto_move(
        self,
        threshold: float | None = None,
        min_samples: int | None = None,
        min_margin: float | None = None,
        *,
        dry_run: bool = True,
        reviewer: str = "auto",
    ) -> dict[str, Any]: ...

    def close(self) -> None: ...


class NoSuggestions:
    """Used when no embedder runs (e.g. `--model none`): the manual loop still works."""

    def __init__(self, reason: str) -> None:
        self._reason = reason
        self.fingerprints = Fingerprints()

    def embedder_info(self) -> dict[str, Any]:
        return {
            "id": None,
            "kind": "none",
            "device": None,
            "status": "disabled",
            "reason": self._reason,
        }

    def progress(self) -> dict[str, Any]:
        return {
            "done": 0,
            "total": 0,
            "failed": 0,
            "per_second": 0.0,
            "eta_seconds": None,
            "running": False,
        }

    def suggestions(self, items: list[str]) -> dict[str, dict[str, Any] | None]:
        return dict.fromkeys(items)

    def decode_error(self, item: str) -> str | None:
        return None

    def estimate(
        self, threshold: float | None, min_samples: int | None, min_margin: float | None
    ) -> dict[str, Any]:
        raise Conflict(f"auto-move needs suggestions: {self._reason}")

    def auto_move(
        self,
        threshold: float | None = None,
        min_samples: int | None = None,
        min_margin: float | None = None,
        *,
        dry_run: bool = True,
        reviewer: str = "auto",
    ) -> dict[str, Any]:
        raise Conflict(f"auto-move needs suggestions: {self._reason}")

    def close(self) -> None:
        return None


class AppContext:
    def __init__(self, session: Session, suggestions: SuggestionEngine | None = None) -> None:
        self.session = session
        self.renditions = Renditions(session.dest / CLUSTERING_DIR / "cache")
        self.suggestions: SuggestionEngine = suggestions or NoSuggestions(
            "suggestions are off for this session (--model none)"
        )
        self.fingerprints = self.suggestions.fingerprints

    def close(self) -> None:
        self.suggestions.close()
        self.session.close()


class Views:
    """Assembles API payloads from the session and the suggestion engine."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def session_info(self) -> dict[str, Any]:
        s = self.ctx.session
        slots = s.cluster_slots()
        return {
            "source": str(s.source),
            "dest": str(s.dest),
            "embedder": self.ctx.suggestions.embedder_info(),
            "settings": dict(s.settings),
            "stats": s.stats(),
            "clusters": [{"name": n, "count": c, "slot": slots.get(n)} for n, c in s.clusters()],
            "indexing": self.ctx.suggestions.progress(),
            "last_seq": s.journal.next_seq - 1,
            "recovery": s.recovery.actions,
        }

    def queue_page(self, offset: int, limit: int) -> dict[str, Any]:
        s = self.ctx.session
        with s.lock:
            items = s.queue_items(offset, limit)
            total = s.queue_length()
        sugg = self.ctx.suggestions.suggestions(items)
        return {
            "total": total,
            "offset": offset,
            "limit": limit,
            "items": [
                {
                    "item": it,
                    "name": it.rsplit("/", 1)[-1],
                    "position": offset + i,
                    "suggestions": sugg.get(it),
                    "decode_error": self.ctx.suggestions.decode_error(it),
                }
                for i, it in enumerate(items)
            ],
        }

    def item_detail(self, item: str, root: str | None = None) -> dict[str, Any]:
        s = self.ctx.session
        item = normalise_item(item)
        path, location = s.locate(item, root)
        try:
            st = path.stat()
        except FileNotFoundError:
            raise NotFound(f"{item!r} was moved away just now") from None
        queued = location == "source" and s.is_queued(item)
        decode_error = self.ctx.suggestions.decode_error(item) if queued else None
        info = None
        try:
            info = probe(path)
            if decode_error is None:
                # Headers can be fine while the pixels are not (a truncated file): render the
                # thumb the UI asks for next anyway (cached), so the badge matches the image.
                self.ctx.renditions.path_for(path, self.ctx.fingerprints.of(path), "thumb")
        except DecodeFailed as exc:
            decode_error = exc.message
        position = None
        if queued:
            with s.lock:  # another reviewer may have filed it since `is_queued`
                position = s.state.order.index(item) if item in s.state.order else None
                queued = position is not None
        return {
            "item": item,
            "name": path.name,
            "location": location,
            "queued": queued,
            "position": position,
            "size_bytes": st.st_size,
            "modified": st.st_mtime,
            "width": info.width if info else None,
            "height": info.height if info else None,
            "format": info.format if info else None,
            "is_raw": is_raw(path.name),
            "decode_error": decode_error,
            "suggestions": self.ctx.suggestions.suggestions([item]).get(item) if queued else None,
        }


def shown_suggestions(
    engine: SuggestionEngine, item: str
) -> tuple[list[dict[str, Any]], float | None]:
    """What the reviewer was shown for `item`, journaled with the decision so the session can
    learn how often its top suggestion is right."""
    shown = engine.suggestions([item]).get(item)
    if not shown:
        return [], None
    top = [{"cluster": s["cluster"], "score": s["score"]} for s in shown["top"]]
    return top, shown.get("confidence")
