"""The session engine: queue, clusters, actions, journal and recovery. Knows nothing of HTTP.

Other packages use only the names below (`records`: the journal's record kinds, one typed
definition each, which the API serves), so the modules behind them can split or move (the
`Session` class over several modules, say) without anyone outside noticing.
"""

import photosort.session.records as records
from photosort.session.engine import MovePlan, Session, new_batch_id
from photosort.session.events import Event
from photosort.session.groups import badge
from photosort.session.journal import CLUSTERING_DIR, Record, room_short, room_text
from photosort.session.paths import normalise_item, resolve_inside
from photosort.session.settings import FALLBACK_THRESHOLD, SessionSettings
from photosort.session.watch import FolderWatcher

__all__ = [
    "CLUSTERING_DIR",
    "FALLBACK_THRESHOLD",
    "Event",
    "FolderWatcher",
    "MovePlan",
    "Record",
    "Session",
    "SessionSettings",
    "badge",
    "new_batch_id",
    "normalise_item",
    "records",
    "resolve_inside",
    "room_short",
    "room_text",
]
