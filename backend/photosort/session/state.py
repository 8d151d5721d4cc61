"""What the journal means: replaying records into stats, settings, undo bookkeeping and order.

The same `apply` runs when a session opens (over every line) and after each live action (over
the new lines), so the replayed state and the live state cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from photosort.session.journal import Record
from photosort.session.queue import QueueOrder
from photosort.session.records import KINDS, RecordKind
from photosort.session.settings import SessionSettings

MOVE_TYPES = frozenset({"assign", "delete"})
# Lines that are never the target of a plain "undo the newest action".
# A `stack-pull` (a frame taken out of its stack) is a view choice, not a file operation: `z`
# never lands on it, so it never shadows the filing before it.
NOT_UNDOABLE = frozenset(
    {
        "undo",
        "abort",
        "auto-batch-end",
        "grid-batch-end",
        "trash-batch-end",
        "folders-batch-end",
        "recovery",
        "stack-pull",
    }
)


@dataclass
class Stats:
    processed: int = 0
    manual: int = 0
    auto: int = 0
    deleted: int = 0
    skipped: int = 0
    undone: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class ReplayState:
    records: list[Record] = field(default_factory=list)
    # Looked up by seq, never by position: seqs need not be dense (see Journal).
    by_seq: dict[int, Record] = field(default_factory=dict)
    undone: set[int] = field(default_factory=set)
    aborted: set[int] = field(default_factory=set)
    batches: dict[str, list[int]] = field(default_factory=dict)
    settings: SessionSettings = field(default_factory=SessionSettings)
    stats: Stats = field(default_factory=Stats)
    order: QueueOrder = field(default_factory=QueueOrder)
    # Items some line ever filed or trashed: acting on one again is a conflict (409), not an
    # unknown photo (404), however long ago it happened.
    filed_items: set[str] = field(default_factory=set)
    # seqs of the cluster-create lines: hotkey slots need them, not a walk of the journal
    cluster_creates: list[int] = field(default_factory=list)
    # Queued items a reviewer pulled out of their stack (suggest/stacks.py): shown on their own.
    pulled: set[str] = field(default_factory=set)
    # Copy mode: source files already copied into a cluster (or hidden by a copy-mode trash),
    # with their group. They stay in the source, so the scan finds them; the queue does not.
    hidden: set[str] = field(default_factory=set)
    # Batches some undo line took back: a batch is one undo in the stats, however many lines.
    undone_batches: set[str] = field(default_factory=set)

    def record(self, seq: int) -> Record:
        return self.by_seq[seq]

    def is_active(self, seq: int) -> bool:
        return seq not in self.undone and seq not in self.aborted

    def apply(self, rec: Record) -> None:
        self.records.append(rec)
        self.by_seq[rec["seq"]] = rec
        kind = rec["type"]
        if rec.get("batch") and kind != "undo":
            self.batches.setdefault(rec["batch"], []).append(rec["seq"])
        # A kind this photosort does not know (a newer one wrote it) changes nothing.
        handler = _APPLY.get(kind)
        if handler is not None:
            handler(self, rec)

    def _apply_move(self, rec: Record) -> None:
        self.filed_items.add(rec["item"])
        self._count_move(rec, +1)
        self.order.remove(rec["item"])
        for companion in rec.get("companions", ()):
            # A file of the group queued on its own (its twin appeared after a scan) left
            # with the group.
            self.filed_items.add(companion["src"])
            self.order.remove(companion["src"])
        self._hide(rec, True)

    def _apply_skip(self, rec: Record) -> None:
        self.stats.skipped += 1
        self.order.push_back(rec["item"])

    def _apply_shuffle(self, rec: Record) -> None:
        self.order.shuffle(rec.get("seed"))

    def _apply_order(self, rec: Record) -> None:
        self.order.rank_first(rec.get("items") or [], rec.get("seed"))

    def _apply_settings(self, rec: Record) -> None:
        self.settings = self.settings.replayed(rec.get("settings", {}))

    def _apply_cluster_create(self, rec: Record) -> None:
        self.cluster_creates.append(rec["seq"])

    def _apply_stack_pull(self, rec: Record) -> None:
        self.pulled.add(rec["item"])

    def _apply_nothing(self, rec: Record) -> None:
        """Batch brackets and recovery notes: their meaning is in the lines between them."""

    def _apply_abort(self, rec: Record) -> None:
        """A write-ahead line whose file operation could not happen: take its effect back."""
        self.aborted.add(rec["aborts"])
        target = self.record(rec["aborts"])
        if target["type"] in MOVE_TYPES:
            self._count_move(target, -1)
            self._hide(target, False)
            self.order.push_front(target["item"])  # the photo never left the queue
        elif target["type"] == "undo":
            undone = self.record(target["undoes"])
            self.undone.discard(undone["seq"])
            if not undone.get("batch"):
                self.stats.undone -= 1  # an aborted undo of a batch's line leaves it counted
            if undone["type"] in MOVE_TYPES:
                self._count_move(undone, +1)
                self._hide(undone, True)
                self.order.remove(target.get("item") or undone["item"])

    def _apply_undo(self, rec: Record) -> None:
        target = self.record(rec["undoes"])
        self.undone.add(target["seq"])
        batch = target.get("batch")
        if not batch or batch not in self.undone_batches:
            self.stats.undone += 1  # a batch once, at the first of its lines taken back
        if batch:
            self.undone_batches.add(batch)
        kind = target["type"]
        if kind in MOVE_TYPES:
            self._count_move(target, -1)
            self._hide(target, False)
            self.order.push_front(rec.get("item") or target["item"])
        elif kind == "skip":
            self.stats.skipped -= 1
            if target["item"] in self.order:
                self.order.push_front(target["item"])
        elif kind in ("shuffle", "order"):
            # An older shuffle line has no `previous_items`: its seed alone orders the queue.
            self.order.rank_first(target.get("previous_items") or [], target.get("previous_seed"))
        elif kind == "settings":
            self.settings = self.settings.replayed(target.get("previous", {}))

    def _hide(self, rec: Record, hide: bool) -> None:
        """A copy-mode line (`copy`: the files were copied, or only hidden) hides its group's
        source files from the queue while it stands."""
        if not rec.get("copy"):
            return
        files = [rec["item"], *(c["src"] for c in rec.get("companions", ()))]
        if hide:
            self.hidden.update(files)
        else:
            self.hidden.difference_update(files)

    def _count_move(self, rec: Record, sign: int) -> None:
        self.stats.processed += sign
        if rec["type"] == "delete":
            self.stats.deleted += sign
            self.stats.manual += sign
        elif rec.get("by") == "auto":
            self.stats.auto += sign
        else:
            self.stats.manual += sign

    def newest_undoable(self) -> Record | None:
        for rec in reversed(self.records):
            if rec["type"] in NOT_UNDOABLE or not self.is_active(rec["seq"]):
                continue
            return rec
        return None


_APPLY: dict[RecordKind, Callable[[ReplayState, Record], None]] = {
    "assign": ReplayState._apply_move,
    "delete": ReplayState._apply_move,
    "skip": ReplayState._apply_skip,
    "undo": ReplayState._apply_undo,
    "abort": ReplayState._apply_abort,
    "cluster-create": ReplayState._apply_cluster_create,
    "shuffle": ReplayState._apply_shuffle,
    "order": ReplayState._apply_order,
    "settings": ReplayState._apply_settings,
    "stack-pull": ReplayState._apply_stack_pull,
    "recovery": ReplayState._apply_nothing,
    "auto-batch-start": ReplayState._apply_nothing,
    "auto-batch-end": ReplayState._apply_nothing,
    "grid-batch-start": ReplayState._apply_nothing,
    "grid-batch-end": ReplayState._apply_nothing,
    "trash-batch-start": ReplayState._apply_nothing,
    "trash-batch-end": ReplayState._apply_nothing,
    "folders-batch-start": ReplayState._apply_nothing,
    "folders-batch-end": ReplayState._apply_nothing,
}
# Every kind has its handler, checked when the module loads: a kind added to `RecordKind`
# without one fails every test at once rather than replaying as nothing.
if set(_APPLY) != set(KINDS):
    raise RuntimeError(f"replay handlers do not match the record kinds: {set(_APPLY) ^ set(KINDS)}")
