"""Per-user memory of where each source was sorted into (`serve SOURCE --into DEST`).

The session lives in DEST, so a later `photosort stats SOURCE` must find it there; nothing is
written into SOURCE (a copy-mode source must stay untouched), so the link is kept in this
user's state folder (platformdirs; `PHOTOSORT_STATE_DIR` overrides it, which tests use).
The file is rewritten whole, atomically; an unreadable one is treated as empty, never an error.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from photosort import jsontext
from photosort.fsutil import atomic_write_bytes

log = logging.getLogger("photosort.userstate")

STATE_DIR_ENV = "PHOTOSORT_STATE_DIR"
FILE_NAME = "destinations.json"
SESSION_DIR = ".clustering"
# Enough for anyone's memory cards and folders; the oldest links are dropped past it.
MAX_SOURCES = 500


@dataclass(frozen=True)
class Destination:
    """A DEST that SOURCE was sorted into; `copy`: that session copies, never moves."""

    dest: Path
    copy: bool
    used: float


def state_dir() -> Path:
    override = os.environ.get(STATE_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_state_dir("photosort", appauthor=False))


def state_file() -> Path:
    return state_dir() / FILE_NAME


def _key(path: Path) -> str:
    return os.path.realpath(path)


def has_session(folder: Path) -> bool:
    """Whether `folder` holds a photosort session (its journal folder)."""
    return (folder / SESSION_DIR).is_dir()


def _read() -> dict[str, list[dict[str, Any]]]:
    path = state_file()
    try:
        data = jsontext.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable %s (%s): it is rewritten on the next --into", path, exc)
        return {}
    sources = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(sources, dict):
        return {}
    return {
        str(src): [e for e in entries if _valid(e)]
        for src, entries in sources.items()
        if isinstance(entries, list)
    }


def _valid(entry: object) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("dest"), str)
        and isinstance(entry.get("used", 0), int | float)
    )


def remembered(source: Path) -> list[Destination]:
    """Where `source` was sorted into and a session still lives, most recently used first."""
    found = [
        Destination(Path(e["dest"]), bool(e.get("copy")), float(e.get("used", 0)))
        for e in _read().get(_key(source), [])
    ]
    live = [d for d in found if _key(d.dest) != _key(source) and has_session(d.dest)]
    return sorted(live, key=lambda d: d.used, reverse=True)


def remember(source: Path, dest: Path, *, copy: bool) -> None:
    """Record that `source` is sorted into `dest`. A failure to write is logged, not raised:
    the sorting itself must not stop because the user's state folder is read-only."""
    src, dst = _key(source), _key(dest)
    if src == dst:
        return
    sources = _read()
    entries = [e for e in sources.pop(src, []) if e["dest"] != dst]
    entries.insert(0, {"dest": dst, "copy": copy, "used": time.time()})
    sources = {src: entries, **sources}  # newest first, so trimming drops the oldest
    body = {"version": 1, "sources": dict(list(sources.items())[:MAX_SOURCES])}
    try:
        atomic_write_bytes(state_file(), jsontext.dumps(body, indent=True))
    except OSError as exc:
        log.warning("could not remember %s -> %s in %s: %s", src, dst, state_file(), exc)
