"""Everything a running server holds: the session, renditions and the suggestion engine."""

from __future__ import annotations

from photosort.media import Renditions, VideoProbes
from photosort.session import CLUSTERING_DIR, Session
from photosort.suggest import NoSuggestions, SuggestionEngine


class AppContext:
    def __init__(self, session: Session, suggestions: SuggestionEngine | None = None) -> None:
        self.session = session
        self.renditions = Renditions(session.dest / CLUSTERING_DIR / "cache")
        self.suggestions: SuggestionEngine = suggestions or NoSuggestions(
            "suggestions are off for this session (--model none)"
        )
        self.fingerprints = self.suggestions.fingerprints
        self.videos = VideoProbes()

    def close(self) -> None:
        # Indexing is given a quarter second to end its batch, not more: a reviewer's Ctrl-C
        # must stop the server within a second, and an embedding batch on a CPU takes about
        # one. A batch cut short loses nothing (every cache write is one transaction, torn
        # matrix rows are dropped when it opens); the session's own close is what must finish.
        self.suggestions.close(timeout=0.25)
        self.session.close()
