"""Request and response shapes of the HTTP API (the UI's types are generated from these)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, RootModel

from photosort.api.schemas.base import RequestModel
from photosort.session import records


class FailedItem(BaseModel):
    item: str
    reason: str = Field(description="Why its move failed (the photo stays queued).")


class ErrorBody(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. `not_queued`.")
    message: str = Field(description="Human-readable explanation.")
    failed: list[FailedItem] | None = Field(
        default=None,
        description="`moves_failed`: every photo the action tried to move, with the reason.",
    )


class ErrorResponse(BaseModel):
    error: ErrorBody


class Stats(BaseModel):
    queued: int
    processed: int = Field(description="Photos filed or trashed (net of undo).")
    manual: int
    auto: int
    deleted: int
    skipped: int
    undone: int
    counting: bool = Field(
        default=False,
        description="The first walk of a large source is still going on: `queued` counts "
        "the photos found so far, and the queue's order settles when it ends.",
    )


class ClusterInfo(BaseModel):
    name: str = Field(
        description="The cluster folder's `/`-separated path under dest (`Trips/2023/Paris`)."
    )
    count: int = Field(description="Photos directly in the cluster folder.")
    slot: int | None = Field(
        description="Stable hotkey slot 1-9 (pinned by settings `slots`, else found on disk "
        "by path, then by creation order), or null past nine."
    )


class EmbedderInfo(BaseModel):
    id: str | None = Field(description="Embedder id (model + revision + preprocessing).")
    kind: str = Field(description="`clip`, `efficientnet-lite0`, or `none`.")
    device: str | None
    status: Literal["loading", "ready", "unavailable", "disabled"]
    reason: str = Field(description="Why this embedder is active, in one sentence.")


class IndexingProgress(BaseModel):
    done: int
    total: int
    failed: int = 0
    per_second: float
    eta_seconds: float | None = None
    running: bool
    phase: Literal["loading", "clusters", "queue", "members", "done", "off"] = Field(
        default="off",
        description=(
            "`loading`: the model is loading; `clusters`: embedding a few members of every "
            "cluster (the first suggestions wait for them); `queue`: the queue, from the "
            "reviewer's position; `members`: the remaining cluster members; `done`; `off`: "
            "no embedder."
        ),
    )
    clusters_done: int = Field(default=0, description="Clusters with a centroid (a vector).")
    clusters_total: int = Field(default=0, description="Clusters with at least one member.")
    queue_done: int = Field(default=0, description="Queued photos embedded (or undecodable).")
    queue_total: int = Field(default=0, description="Photos in the queue.")


class Settings(BaseModel):
    manual_only: bool
    threshold: float | None = Field(description="Auto-move score threshold; null = recommended.")
    min_samples: int
    min_margin: float
    target_precision: float
    top_k: int
    slots: list[str | None] = Field(
        description="Clusters pinned to hotkeys 1-9 by position (null: a free slot, given to "
        "an unpinned cluster)."
    )


class SettingsDefaults(Settings):
    fallback_threshold: float = Field(
        description="Auto-move threshold used when neither the reviewer nor the session's "
        "evidence (the recommendation) gives one."
    )


class SettingsUpdate(RequestModel):
    """A partial change: omitted fields keep their value; only `threshold` may be null."""

    # `Field(default=None)` on non-nullable types: a field may be left out, but an explicit
    # null (or a wrong type) is refused with 422 before anything reaches the journal.
    manual_only: bool = Field(default=None)  # type: ignore[assignment]
    threshold: float | None = Field(default=None, ge=-1.0, le=1.0)
    min_samples: int = Field(default=None, ge=1, le=1000)  # type: ignore[assignment]
    min_margin: float = Field(default=None, ge=0.0, le=2.0)  # type: ignore[assignment]
    target_precision: float = Field(default=None, gt=0.5, lt=1.0)  # type: ignore[assignment]
    top_k: int = Field(default=None, ge=1, le=9)  # type: ignore[assignment]
    slots: list[str | None] = Field(default=None, max_length=9)  # type: ignore[arg-type]
    reviewer: str | None = None


class SessionInfo(BaseModel):
    source: str
    dest: str
    embedder: EmbedderInfo
    settings: Settings
    defaults: SettingsDefaults = Field(description="What each setting is before any change.")
    stats: Stats
    clusters: list[ClusterInfo]
    indexing: IndexingProgress
    last_seq: int = Field(description="Seq of the newest journal line.")
    recovery: list[str] = Field(description="What start-up recovery did, if anything.")
    copy_mode: bool = Field(
        default=False,
        description="Filing copies into dest; the source is never changed (trash only hides).",
    )
    copy_reason: str | None = Field(
        default=None, description="Why copy mode is on: asked for (--copy), or a read-only source."
    )


class Suggestion(BaseModel):
    cluster: str
    score: float = Field(description="Cosine similarity to the cluster centroid.")
    few_samples: bool = Field(description="The cluster has fewer than min_samples members.")


class SuggestionSet(BaseModel):
    top: list[Suggestion]
    margin: float | None = Field(description="Score of the first minus score of the second.")
    confidence: float | None = Field(
        description="Estimated probability that the first suggestion is right."
    )
    weak: bool = Field(
        default=False,
        description="The first suggestion is a poor fit (likely wrong, or barely ahead of the "
        "runner-up): the photo may belong to a cluster that does not exist yet.",
    )
    decisions: int = Field(
        default=0, description="Decisions by hand so far that the confidence is learnt from."
    )
    decisions_needed: int = Field(
        default=0, description="Decisions the confidence needs before it has a value."
    )


class PhotoGroup(BaseModel):
    """The files that travel with a photo: filed, trashed and undone as one."""

    files: list[str] = Field(description="File names of the group, the face (shown) first.")
    badge: str = Field(description='What the UI shows, e.g. "RAW+JPEG · XMP" or "Live".')


MediaKind = Literal["photo", "video"]


class QueueItem(BaseModel):
    item: str = Field(description="Path relative to the source, `/`-separated.")
    name: str
    position: int
    suggestions: SuggestionSet | None = Field(
        description="Null while not embedded yet, in manual-only mode, or with no clusters."
    )
    decode_error: str | None = None
    group: PhotoGroup | None = Field(
        default=None, description="The other files of its group; null for a file on its own."
    )
    kind: MediaKind = Field(
        default="photo", description="`video`: its images are a poster frame; play `/api/video`."
    )
    duration_s: float | None = Field(
        default=None, description="A video's duration in seconds, when its headers say."
    )


class QueuePage(BaseModel):
    total: int
    counting: bool = Field(
        default=False,
        description="`total` is still being counted (a large source's first walk goes on); "
        "the order settles when it ends, announced by a `queue-changed` event.",
    )
    offset: int
    limit: int
    items: list[QueueItem]


class ItemDetail(BaseModel):
    item: str
    name: str
    location: Literal["source", "dest", "trash"]
    queued: bool
    position: int | None
    size_bytes: int
    modified: float
    width: int | None
    height: int | None
    format: str | None
    is_raw: bool
    decode_error: str | None
    suggestions: SuggestionSet | None
    group: PhotoGroup | None = Field(
        default=None, description="A queued photo's group; null for a file on its own."
    )
    kind: MediaKind = "photo"
    duration_s: float | None = None
    created: str | None = Field(
        default=None, description="A video's creation time from its container (ISO 8601, UTC)."
    )


class AssignRequest(RequestModel):
    item: str
    cluster: str
    create: bool = Field(default=False, description="Create the cluster when it does not exist.")
    reviewer: str | None = None


class ItemRequest(RequestModel):
    item: str
    reviewer: str | None = None


# Journal numbers stay within 64 bits: JSON readers (orjson, JavaScript) lose larger ones.
INT64_MAX = 2**63 - 1


class ShuffleRequest(RequestModel):
    seed: int | None = Field(
        default=None,
        ge=-INT64_MAX,
        le=INT64_MAX,
        description="Same seed, same order; omit for random.",
    )
    reviewer: str | None = None


class UndoRequest(RequestModel):
    seq: int | None = Field(
        default=None, ge=1, le=INT64_MAX, description="Journal seq to undo; default: the newest."
    )
    batch: str | None = Field(default=None, description="Undo a whole auto-move batch.")
    reviewer: str | None = None


class ClusterCreateRequest(RequestModel):
    name: str = Field(
        description="The cluster's path under dest (`Trips/Rome`); missing folders are made."
    )
    reviewer: str | None = None


class ViewingRequest(RequestModel):
    item: str | None = Field(description="The item this reviewer is looking at; null = none.")
    reviewer: str | None = None


# One journal line: the kinds and their fields are defined once, in session/records.py.
RecordUnion = (
    records.MoveRecord
    | records.UndoRecord
    | records.AbortRecord
    | records.ClusterCreateRecord
    | records.SkipRecord
    | records.ShuffleRecord
    | records.OrderRecord
    | records.SettingsRecord
    | records.StackPullRecord
    | records.RecoveryRecord
    | records.AutoBatchStartRecord
    | records.GridBatchStartRecord
    | records.TrashBatchStartRecord
    | records.FoldersBatchStartRecord
    | records.AutoBatchEndRecord
    | records.BatchEndRecord
)


class ActionRecord(RootModel[RecordUnion]):
    """One journal line, tagged by `type`; fields a newer photosort adds are kept."""

    root: Annotated[RecordUnion, Field(discriminator="type")]


class UndoneCount(BaseModel):
    actions: int = Field(description="Actions taken back: a batch (a grid, a stack) is one.")
    moves: int = Field(
        description="Photos (with their groups) that went back; batch markers and made "
        "folders are not moves."
    )


class ActionResult(BaseModel):
    records: list[ActionRecord]
    stats: Stats
    undone: UndoneCount | None = Field(
        default=None, description="Only for an undo: what it took back, counted."
    )


class ActionsPage(BaseModel):
    records: list[ActionRecord]
    last_seq: int
    undone: list[int] = Field(description="Seqs among `records` that were undone since.")


class Health(BaseModel):
    status: Literal["ok"]
    version: str


class AutoMoveRequest(RequestModel):
    threshold: float | None = Field(
        default=None, ge=-1.0, le=1.0, description="Null: the recommended threshold."
    )
    min_samples: int | None = Field(default=None, ge=1)
    min_margin: float | None = Field(default=None, ge=0.0, le=2.0)
    dry_run: bool = Field(default=True, description="Only say what would move.")
    reviewer: str | None = None


class AutoMoveItem(BaseModel):
    item: str
    cluster: str
    score: float
    margin: float


class AutoMoveResult(BaseModel):
    batch: str | None = Field(description="Batch id (null for a dry run); undo it as one unit.")
    dry_run: bool
    count: int
    per_cluster: dict[str, int]
    items: list[AutoMoveItem]
    threshold: float
    min_samples: int
    min_margin: float
    estimated_precision: float | None
    decisions: int = Field(description="Reviewed decisions the precision estimate rests on.")
    skipped_viewing: int = Field(description="Items left alone because a reviewer has them open.")
    failed: list[FailedItem] = Field(
        description="Moves that failed, each with the reason; those photos stay queued."
    )


class Histogram(BaseModel):
    edges: list[float] = Field(description="Bin edges, one more than counts.")
    counts: list[int]


class AutoMoveEstimate(BaseModel):
    threshold: float
    min_samples: int
    min_margin: float
    count: int = Field(description="Queued photos that would move at this threshold.")
    estimated_precision: float | None
    precision_bound: float | None = Field(
        description="Lower bound on this rule's precision at confidence_level (this one rule, "
        "as if fixed in advance); null without evidence at this threshold."
    )
    decisions: int
    recommended_threshold: float | None = Field(
        description="Threshold of the recommended rule: its precision reaches "
        "target_precision with probability confidence_level, over the whole search of "
        "thresholds and margins (Learn-then-Test); null while the evidence cannot support it."
    )
    recommended_min_margin: float | None = Field(
        description="Minimum margin of the recommended rule (used with its threshold)."
    )
    recommended_support: int | None = Field(
        description="Reviewed decisions the recommended rule covers."
    )
    confidence_level: float = Field(description="Confidence of the guarantee, e.g. 0.9.")
    evidence_needed: int = Field(
        description="Reviewed decisions, all right, a rule must cover before it can be "
        "guaranteed at target_precision."
    )
    target_precision: float
    enough_evidence: bool
    guaranteed: bool = Field(
        description="This rule is the recommended one or stricter (threshold and margin): "
        "its precision is guaranteed at confidence_level. False: its precision is unproven."
    )
    message: str
    histogram: Histogram = Field(description="Top scores of the queued photos.")
    skipped_viewing: int = Field(
        description="Photos that clear the rule but stay: a reviewer has them on screen."
    )


# ---------------------------------------------------------------------- server-sent events
# Each event on GET /api/events has an SSE `event:` name equal to `type` and JSON `data`.


class HelloEvent(BaseModel):
    type: Literal["hello"] = "hello"
    last_seq: int = Field(description="Seq of the newest journal line when the stream opened.")


class ActionEvent(BaseModel):
    type: Literal["action"]
    record: ActionRecord = Field(description="The journal line any reviewer just wrote.")
    stats: Stats


class QueueChangedEvent(BaseModel):
    type: Literal["queue-changed"]
    appeared: int = Field(description="Photos that appeared behind the tool's back.")
    vanished: int
    rewritten: list[str] = Field(
        default_factory=list,
        description="Queued photos whose file was written again in place and is whole again: "
        "their thumbnails and suggestions are read afresh.",
    )
    stats: Stats


class IndexingEvent(BaseModel):
    type: Literal["indexing"]
    progress: IndexingProgress


class BatchProgressEvent(BaseModel):
    type: Literal["batch-progress"]
    batch: str
    done: int
    total: int


class BatchDoneEvent(BaseModel):
    type: Literal["batch-done"]
    batch: str
    count: int
    stats: Stats


class LiveEvent(
    RootModel[
        HelloEvent
        | ActionEvent
        | QueueChangedEvent
        | IndexingEvent
        | BatchProgressEvent
        | BatchDoneEvent
    ]
):
    """One server-sent event's data (the `type` field names the SSE event)."""

    root: Annotated[
        HelloEvent
        | ActionEvent
        | QueueChangedEvent
        | IndexingEvent
        | BatchProgressEvent
        | BatchDoneEvent,
        Field(discriminator="type"),
    ]
