"""Every kind of journal line, defined once.

`RecordKind` names the kinds; a TypedDict per kind says what its line holds as written
(`...Line`) and as read back with the journal's stamp (`...Record`: seq, ts, settled). The
engine writes through the constructors below, replay has one handler per kind
(session/state.py), the API serves the `...Record`s as a union tagged on `type`.

TypedDicts, not models: a big batch writes thousands of lines a second, and building a dict
costs nothing while validating one would. Fields marked `NotRequired` are absent from some
lines: an older photosort did not write them (or a line was written by hand: `reviewer` is
the commonest gap), or they only apply to some lines of the kind; replay and the log must show
such a line rather than fail on it.
Unknown fields are kept (`extra="allow"`), so a line written by a newer photosort still shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal, NotRequired, cast, get_args

from pydantic import ConfigDict, Field, with_config

# pydantic reads a TypedDict's fields only from typing_extensions' before Python 3.12.
from typing_extensions import TypedDict

RecordKind = Literal[
    "assign",
    "delete",
    "skip",
    "undo",
    "abort",
    "cluster-create",
    "shuffle",
    "order",
    "settings",
    "stack-pull",
    "recovery",
    "auto-batch-start",
    "auto-batch-end",
    "grid-batch-start",
    "grid-batch-end",
    "trash-batch-start",
    "trash-batch-end",
    "folders-batch-start",
    "folders-batch-end",
]
KINDS: tuple[RecordKind, ...] = get_args(RecordKind)

MoveKind = Literal["assign", "delete"]
BatchStartKind = Literal[
    "auto-batch-start", "grid-batch-start", "trash-batch-start", "folders-batch-start"
]
_SKIPPING_END: dict[str, Literal["grid-batch-end", "trash-batch-end", "folders-batch-end"]] = {
    "grid-batch-start": "grid-batch-end",
    "trash-batch-start": "trash-batch-end",
    "folders-batch-start": "folders-batch-end",
}
Filer = Literal["manual", "auto"]
_OPEN = ConfigDict(extra="allow")


@with_config(_OPEN)
class Stamp(TypedDict):
    """What the journal adds to every line it appends."""

    seq: Annotated[int, Field(description="Increasing, never reused; not necessarily dense.")]
    ts: Annotated[str, Field(description="When it was written (ISO 8601, UTC).")]
    settled: NotRequired[
        Annotated[int, Field(description="Every move up to this seq had finished or aborted.")]
    ]


class Companion(TypedDict):
    src: str
    dst: str


class RestoredCompanion(TypedDict):
    restore_from: str
    restore_to: str


class RemovedCopy(TypedDict):
    copy: str
    original: str


class ScoredCluster(TypedDict):
    cluster: str
    score: float


@with_config(_OPEN)
class MoveLine(TypedDict):
    """A photo's group filed into a cluster (`assign`) or into the trash (`delete`), written
    before the files move."""

    type: MoveKind
    item: str
    src: Annotated[str, Field(description="Where the photo was, relative to source.")]
    dst: Annotated[
        str | None,
        Field(description="Where it went, relative to dest (null: copy mode's trash, a hide)."),
    ]
    cluster: NotRequired[str | None]
    by: NotRequired[Filer]
    reviewer: NotRequired[str]
    batch: NotRequired[str | None]
    companions: NotRequired[
        Annotated[
            list[Companion], Field(description="The other files of its group, moved with it.")
        ]
    ]
    copy: NotRequired[
        Annotated[bool, Field(description="Copy mode: copied, the source is unchanged.")]
    ]
    hide: NotRequired[
        Annotated[bool, Field(description="Copy mode's trash: only hidden from the queue.")]
    ]
    suggested: NotRequired[list[ScoredCluster]]
    confidence: NotRequired[float | None]
    margin: NotRequired[float]
    mode: NotRequired[
        Annotated[str, Field(description="Batch filings: which grid, `stack` or `folders`.")]
    ]
    stack: NotRequired[Annotated[str, Field(description="The stack's first frame.")]]


@with_config(_OPEN)
class UndoLine(TypedDict):
    """Reverses line `undoes`; a move's group goes back to the source."""

    type: Literal["undo"]
    undoes: int
    reviewer: NotRequired[str]
    item: NotRequired[str | None]
    restore_from: NotRequired[Annotated[str, Field(description="Relative to dest.")]]
    restore_to: NotRequired[Annotated[str, Field(description="Relative to source.")]]
    cluster: NotRequired[str | None]
    batch: NotRequired[str | None]
    companions: NotRequired[list[RestoredCompanion]]
    copy: NotRequired[bool]
    removed: NotRequired[
        Annotated[list[RemovedCopy], Field(description="Copy mode: the copies removed.")]
    ]
    kept: NotRequired[
        Annotated[
            list[str],
            Field(description="Copy mode: copies kept because they changed since (dest)."),
        ]
    ]


@with_config(_OPEN)
class AbortLine(TypedDict):
    """The file operation of line `aborts` did not happen: its effect is taken back."""

    type: Literal["abort"]
    aborts: int
    reason: str
    errno: NotRequired[int | None]


@with_config(_OPEN)
class ClusterCreateLine(TypedDict):
    type: Literal["cluster-create"]
    cluster: str
    reviewer: NotRequired[str]
    existed: NotRequired[bool]
    made: NotRequired[
        Annotated[list[str], Field(description="Parent folders made with it (undo removes).")]
    ]
    batch: NotRequired[str]


@with_config(_OPEN)
class SkipLine(TypedDict):
    type: Literal["skip"]
    item: str
    reviewer: NotRequired[str]


@with_config(_OPEN)
class ShuffleLine(TypedDict):
    type: Literal["shuffle"]
    seed: int
    previous_seed: NotRequired[int | None]
    previous_items: NotRequired[list[str]]
    reviewer: NotRequired[str]


@with_config(_OPEN)
class OrderLine(TypedDict):
    """Queue ordering: `items` first (uncertain first), the rest in the seeded or the natural
    (name) order; undo restores the previous items and seed."""

    type: Literal["order"]
    order: Literal["uncertain", "natural", "plain"]
    items: list[str]
    seed: int | None
    previous_items: list[str]
    previous_seed: int | None
    reviewer: NotRequired[str]


@with_config(_OPEN)
class SettingsLine(TypedDict):
    type: Literal["settings"]
    settings: dict[str, Any]
    previous: NotRequired[dict[str, Any]]
    reviewer: NotRequired[str]


@with_config(_OPEN)
class StackPullLine(TypedDict):
    """A frame taken out of its stack: a view choice, never undone by a plain undo."""

    type: Literal["stack-pull"]
    item: str
    reviewer: NotRequired[str]


@with_config(_OPEN)
class RecoveryLine(TypedDict):
    """What start-up recovery or `verify --repair` did."""

    type: Literal["recovery"]
    actions: list[str]


@with_config(_OPEN)
class AutoBatchStartLine(TypedDict):
    """An auto-move batch opens, with the rule it files by."""

    type: Literal["auto-batch-start"]
    batch: str
    reviewer: NotRequired[str]
    threshold: NotRequired[float]
    min_samples: NotRequired[int]
    min_margin: NotRequired[float]
    count: NotRequired[int]
    estimated_precision: NotRequired[float | None]


@with_config(_OPEN)
class GridBatchStartLine(TypedDict):
    """A grid (or a stack) filed into `cluster` opens; `rejected`: photos the reviewer
    unticked."""

    type: Literal["grid-batch-start"]
    batch: str
    mode: str
    cluster: str
    rejected: NotRequired[list[dict[str, Any]]]
    reviewer: NotRequired[str]


@with_config(_OPEN)
class TrashBatchStartLine(TypedDict):
    """Duplicates trashed as one batch: which photo was kept, and why."""

    type: Literal["trash-batch-start"]
    batch: str
    kept: str
    reason: str
    reviewer: NotRequired[str]


@with_config(_OPEN)
class FoldersBatchStartLine(TypedDict):
    """The source's folders filed as clusters of the same path: photos per folder."""

    type: Literal["folders-batch-start"]
    batch: str
    folders: dict[str, int]
    reviewer: NotRequired[str]


@with_config(_OPEN)
class AutoBatchEndLine(TypedDict):
    type: Literal["auto-batch-end"]
    batch: str
    moved: int
    failed: NotRequired[int]


@with_config(_OPEN)
class BatchEndLine(TypedDict):
    type: Literal["grid-batch-end", "trash-batch-end", "folders-batch-end"]
    batch: str
    moved: int
    skipped: NotRequired[int]
    failed: NotRequired[int]


class FailedMove(TypedDict):
    """A move of a batch that could not happen (its `abort` line says why): the photo stays
    queued where it was."""

    item: str
    reason: str
    errno: int | None


BatchStartLine = (
    AutoBatchStartLine | GridBatchStartLine | TrashBatchStartLine | FoldersBatchStartLine
)
Line = (
    MoveLine
    | UndoLine
    | AbortLine
    | ClusterCreateLine
    | SkipLine
    | ShuffleLine
    | OrderLine
    | SettingsLine
    | StackPullLine
    | RecoveryLine
    | BatchStartLine
    | AutoBatchEndLine
    | BatchEndLine
)


# The lines as read back: the journal's stamp first, then what was written.
class MoveRecord(Stamp, MoveLine):
    """A photo's group filed into a cluster (`assign`) or into the trash (`delete`)."""


class UndoRecord(Stamp, UndoLine):
    """Reverses line `undoes`; a move's group goes back to the source."""


class AbortRecord(Stamp, AbortLine):
    """The file operation of line `aborts` did not happen: its effect is taken back."""


class ClusterCreateRecord(Stamp, ClusterCreateLine):
    """A cluster folder made (or adopted when it `existed`)."""


class SkipRecord(Stamp, SkipLine):
    """A photo sent to the end of the queue."""


class ShuffleRecord(Stamp, ShuffleLine):
    """The queue reshuffled with `seed`."""


class OrderRecord(Stamp, OrderLine):
    """Queue ordering: `items` first, the rest seeded (or natural, by name)."""


class SettingsRecord(Stamp, SettingsLine):
    """Settings changed, with their previous values."""


class StackPullRecord(Stamp, StackPullLine):
    """A frame taken out of its stack: a view choice, never undone by a plain undo."""


class RecoveryRecord(Stamp, RecoveryLine):
    """What start-up recovery or `verify --repair` did."""


class AutoBatchStartRecord(Stamp, AutoBatchStartLine):
    """An auto-move batch opens, with the rule it files by."""


class GridBatchStartRecord(Stamp, GridBatchStartLine):
    """A grid (or a stack) filed into `cluster` opens; `rejected`: the unticked photos."""


class TrashBatchStartRecord(Stamp, TrashBatchStartLine):
    """Duplicates trashed as one batch: which photo was kept, and why."""


class FoldersBatchStartRecord(Stamp, FoldersBatchStartLine):
    """The source's folders filed as clusters of the same path: photos per folder."""


class AutoBatchEndRecord(Stamp, AutoBatchEndLine):
    """An auto-move batch closes: moved, and failed."""


class BatchEndRecord(Stamp, BatchEndLine):
    """A grid, duplicates or folders batch closes: moved, and skipped (filed meanwhile)."""


# ------------------------------------------------------------------ constructors
def move_line(
    kind: MoveKind,
    item: str,
    dst: str,
    cluster: str | None,
    *,
    by: Filer,
    reviewer: str,
    batch: str | None,
    extra: Mapping[str, Any],
    companions: Iterable[tuple[str, str]],
    copy: bool,
) -> MoveLine:
    """`extra`: what the suggestion layer journals beside a filing (suggested, confidence,
    margin, mode, stack). `companions` are left out for a photo on its own, as lines were
    before groups."""
    line: dict[str, Any] = {
        "type": kind,
        "item": item,
        "src": item,
        "dst": dst,
        "cluster": cluster,
        "by": by,
        "reviewer": reviewer,
        "batch": batch,
        **extra,
    }
    listed = [{"src": a, "dst": b} for a, b in companions]
    if listed:
        line["companions"] = listed
    if copy:
        line["copy"] = True
    return cast(MoveLine, line)


def hide_line(item: str, reviewer: str, batch: str | None = None) -> MoveLine:
    """Copy mode's trash: the photo is only hidden from the queue."""
    return {
        "type": "delete",
        "item": item,
        "src": item,
        "dst": None,
        "cluster": None,
        "by": "manual",
        "reviewer": reviewer,
        "batch": batch,
        "copy": True,
        "hide": True,
    }


def undo_line(
    target: Mapping[str, Any],
    reviewer: str,
    *,
    item: str | None,
    batch: str | None = None,
    restore: tuple[str, str] | None = None,
    companions: Iterable[tuple[str, str]] = (),
) -> UndoLine:
    """The undo of line `target`; `restore` (from, to) when a move's group goes back."""
    if restore is None:
        return {"type": "undo", "undoes": target["seq"], "reviewer": reviewer, "item": item}
    line: UndoLine = {
        "type": "undo",
        "undoes": target["seq"],
        "item": item,
        "restore_from": restore[0],
        "restore_to": restore[1],
        "cluster": target.get("cluster"),
        "reviewer": reviewer,
        "batch": batch,
    }
    listed: list[RestoredCompanion] = [{"restore_from": a, "restore_to": b} for a, b in companions]
    if listed:
        line["companions"] = listed
    return line


def abort_line(seq: int, reason: str, errno: int | None) -> AbortLine:
    return {"type": "abort", "aborts": seq, "reason": reason, "errno": errno}


def recovery_line(actions: list[str]) -> RecoveryLine:
    return {"type": "recovery", "actions": actions}


def batch_end(
    start: BatchStartLine, moved: int, left_out: int, failed: int = 0
) -> AutoBatchEndLine | BatchEndLine:
    """The line that closes the batch `start` opened: an auto-move counts the moves that
    `failed`, the others those `skipped` (filed meanwhile by someone else) apart from those
    that `failed` (`left_out` counts both)."""
    if start["type"] == "auto-batch-start":
        return {
            "type": "auto-batch-end",
            "batch": start["batch"],
            "moved": moved,
            "failed": left_out,
        }
    line: BatchEndLine = {
        "type": _SKIPPING_END[start["type"]],
        "batch": start["batch"],
        "moved": moved,
        "skipped": left_out - failed,
    }
    if failed:
        line["failed"] = failed
    return line
