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
        self.suggestions.close()
        self.session.close()
