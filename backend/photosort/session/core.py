"""What every part of a session shares: its folders, its one lock, the journal, the replayed
state and the cluster members, and the steps every action ends with (apply, checkpoint,
publish).

Only the session's own parts (filing, batches, undo, ordering, disk sync) hold a
`SessionCore`; `Session` keeps it private, so nothing outside this package reaches the lock
or the state except through `Session`'s methods.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from photosort.errors import Conflict, NotFound, NotQueued, SessionFolderError
from photosort.session.arrivals import Signature, signature
from photosort.session.events import EventBus
from photosort.session.journal import CLUSTERING_DIR, Journal, Record
from photosort.session.paths import normalise_item, resolve_inside
from photosort.session.records import Line
from photosort.session.settings import HOTKEY_SLOTS, SessionSettings
from photosort.session.state import ReplayState

log = logging.getLogger("photosort.session")

TRASH_DIR = f"{CLUSTERING_DIR}/trash"
CHECKPOINT_EVERY_S = 1.0


class SessionCore:
    def __init__(self, source: Path, dest: Path, *, read_only: bool, copy_mode: bool) -> None:
        self.source = source
        self.dest = dest
        self.read_only = read_only
        self.copy_mode = copy_mode
        self.lock = threading.RLock()
        self.events = EventBus()
        self.journal = Journal(dest / CLUSTERING_DIR, read_only=read_only)
        self.state = ReplayState()
        self.members: dict[str, set[str]] = {}
        # The other files of each queued photo's group, by the face's item.
        self.companions: dict[str, tuple[str, ...]] = {}
        # Bumped by every change to the queue or the clusters made under the lock, so a scan
        # that started before it knows its result is stale.
        self.generation = 0
        self.running_batches: set[str] = set()
        self.unresolved: set[int] = set()
        self.closed = False
        # Size and mtime of queued photos as they were when shown (a queue page) or admitted
        # whole: one that differs now is being rewritten and is not filed until whole again.
        self.shown: dict[str, Signature] = {}
        # Clear while a large session's first walk goes on (session/disksync.py): the queue
        # holds the first photos found, its order and length are not final, and nothing that
        # changes it may run until the walk is adopted whole.
        self.counted = threading.Event()
        self.counted.set()
        self._checkpointed_seq = 0
        self._checkpointed_at = 0.0

    # ---------------------------------------------------------------- reading
    @property
    def trash(self) -> Path:
        return self.dest / TRASH_DIR

    @property
    def settings(self) -> SessionSettings:
        return self.state.settings

    def last_seq(self) -> int:
        return self.journal.next_seq - 1

    def stats(self) -> dict[str, int]:
        with self.lock:
            out = {"queued": len(self.state.order), **self.state.stats.as_dict()}
            if self.counting:  # `queued` is what the first walk found so far
                out["counting"] = True
            return out

    def queue_page(self, offset: int, limit: int) -> tuple[list[str], int, bool]:
        """A page, the queue's length, and whether that length is still being counted."""
        with self.lock:
            order = self.state.order
            return list(order.page(offset, limit)), len(order), self.counting

    def clusters(self) -> list[tuple[str, int]]:
        with self.lock:
            return [(name, len(m)) for name, m in sorted(self.members.items())]

    def created_clusters(self) -> list[str]:
        """Clusters made through this session and not undone, oldest first."""
        names = [
            self.state.record(seq)["cluster"]
            for seq in self.state.cluster_creates
            if self.state.is_active(seq)
        ]
        return list(dict.fromkeys(names))

    def cluster_slots(self) -> dict[str, int]:
        """Hotkey slots 1-9 that never re-rank: a cluster the reviewer pinned (settings
        `slots`) keeps its slot; the free ones go to the other clusters, those found on disk
        first (by path), then those created in this session, in creation order."""
        with self.lock:
            members = self.members
            created = [c for c in self.created_clusters() if c in members]
            made = set(created)
            found = sorted(c for c in members if c not in made)
            slots = {
                name: i + 1
                for i, name in enumerate(self.settings.slots)
                if name is not None and name in members
            }
            free = [n for n in range(1, HOTKEY_SLOTS + 1) if n not in slots.values()]
            unpinned = [c for c in [*found, *created] if c not in slots]
            slots.update(zip(unpinned, free[: len(unpinned)], strict=False))
            return slots

    def queued_path(self, item: str) -> Path:
        """The file of a queued item; 409 when it was filed already, 404 when unknown."""
        item = normalise_item(item)
        with self.lock:
            if item in self.state.order:
                path = resolve_inside(self.source, item)
                if path.is_file():
                    return path
                self.drop_vanished([item])
                raise NotFound(f"{item!r} vanished from the source folder")
            if item in self.state.filed_items:
                raise NotQueued(f"{item!r} is no longer queued: it was already filed")
            raise NotFound(f"{item!r} is not a queued photo of this session")

    def fileable_path(self, item: str) -> Path:
        """`queued_path`, and 409 when its file changed since it was shown."""
        path = self.queued_path(item)
        why = self.changed_since_shown(normalise_item(item))
        if why:
            raise Conflict(f"{item!r} is {why}")
        return path

    def changed_since_shown(self, item: str) -> str | None:
        """Why `item` must not be filed or copied now, or None: its file's size or mtime
        differs from when it was shown (a writer is at it again; filed now, half of it would
        be moved, or a photo the reviewer never saw)."""
        shown = self.shown.get(item)
        if shown is None:
            return None
        now = signature(self.source / item)
        if now is None or now == shown:
            return None
        return "still being written: it changed since it was shown; file it once it is whole"

    def drop_vanished(self, items: Iterable[str]) -> None:
        for item in items:
            self.state.order.remove(item)

    # ---------------------------------------------------------------- acting
    @property
    def counting(self) -> bool:
        return not self.counted.is_set()

    def writable(self) -> None:
        if self.read_only:
            raise SessionFolderError("this session was opened read-only")
        if self.closed:
            raise SessionFolderError("this session is closed")
        # An action asked while the first walk goes on waits for it (seconds, once): a photo
        # shown early may belong to a group the walk has not finished listing. Never while
        # this thread holds the lock: the walk needs it to finish.
        owned = getattr(self.lock, "_is_owned", lambda: False)()
        if not self.counted.is_set() and not owned:
            self.counted.wait()

    def journal_line(self, line: Line) -> Record:
        """Append a line whose effect needs no file operation first, apply it, publish it."""
        with self.lock:
            return self.commit(self.journal.append(line))

    def commit(self, rec: Record) -> Record:
        """Apply an appended line to the replayed state and tell the listeners."""
        self.state.apply(rec)
        self.after([rec])
        return rec

    def after(self, recs: Sequence[Record]) -> None:
        if not recs:
            return
        self.checkpoint_if_stale()
        stats = self.stats()
        for rec in recs:
            self.events.publish({"type": "action", "record": rec, "stats": stats})

    def queue_changed(
        self, appeared: set[str], vanished: set[str], rewritten: Iterable[str] = ()
    ) -> None:
        """Publish what changed behind the tool's back; `rewritten`: queued photos whose file
        was written again in place (whole again now), to be read afresh."""
        changed = sorted(rewritten)
        if appeared or vanished or changed:
            event: dict[str, Any] = {
                "type": "queue-changed",
                "appeared": len(appeared),
                "vanished": len(vanished),
                "stats": self.stats(),
            }
            if changed:
                event["rewritten"] = changed
            self.events.publish(event)

    # ---------------------------------------------------------------- persistence
    def checkpoint(self) -> None:
        """Write `state.json`: a derivable snapshot of the replayed journal. A failure (a full
        disk) is logged, never raised: the fsync'ed journal is what makes actions durable."""
        with self.lock:
            try:
                self.journal.write_state(self.snapshot())
            except OSError as exc:
                log.warning("could not write state.json (%s); the journal has everything", exc)
                self._checkpointed_at = time.monotonic()
                return
            self._checkpointed_seq = self.last_seq()
            self._checkpointed_at = time.monotonic()

    def checkpoint_if_stale(self, max_age: float = CHECKPOINT_EVERY_S) -> None:
        """Checkpoint unless one was written less than `max_age` seconds ago. `state.json` is
        derivable (the fsync'ed journal line is what makes an action durable), so a snapshot
        per action only costs 2 fsyncs and a serialisation on the action's critical path."""
        with self.lock:
            if self.closed or self.read_only:
                return
            if self._checkpointed_seq == self.last_seq():
                return
            if time.monotonic() - self._checkpointed_at >= max_age:
                self.checkpoint()

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "version": 1,
                "source": ".",
                "dest": os.path.relpath(self.dest, self.source).replace(os.sep, "/"),
                "last_seq": self.last_seq(),
                "stats": self.stats(),
                "queue": self.state.order.snapshot(),
                "settings": self.settings.model_dump(),
                "clusters": [{"name": n, "count": c} for n, c in self.clusters()],
                "undone": sorted(self.state.undone),
                "unresolved": sorted(self.unresolved),
                # seqs failed writes took (no line yet says so): never to be given out again
                "spent": self.journal.spent,
            }
