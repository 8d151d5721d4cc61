"""What drives a session with suggestions: indexing, ranking, auto-move and the review views.

This layer sits above `session/` (which it reads and acts on through `Session`'s public API)
and `ml/` (the embedders and their cache); nothing below imports it. `service.py` wires the
sub-packages together (`indexing/`, `ranking/`, `automove/`, `review/`); `protocol.py` is the
seam the API talks to. Other packages use only the names below.
"""

from photosort.suggest.indexing.pipeline import Job, default_batch_size, embed_jobs
from photosort.suggest.protocol import NoSuggestions, SuggestionEngine, shown_suggestions
from photosort.suggest.results import (
    AutoMoveResult,
    EmbedderInfo,
    Estimate,
    GridPage,
    Progress,
    SuggestionSet,
)
from photosort.suggest.review.grid import MAX_GRID
from photosort.suggest.review.stacks import STACK_CUT, STACK_GAP_S, stacked_tiles
from photosort.suggest.service import SuggestionService

__all__ = [
    "MAX_GRID",
    "STACK_CUT",
    "STACK_GAP_S",
    "AutoMoveResult",
    "EmbedderInfo",
    "Estimate",
    "GridPage",
    "Job",
    "NoSuggestions",
    "Progress",
    "SuggestionEngine",
    "SuggestionService",
    "SuggestionSet",
    "default_batch_size",
    "embed_jobs",
    "shown_suggestions",
    "stacked_tiles",
]
