"""The shapes the suggestion layer hands out. TypedDicts, not classes: they are also journal
content (`suggested` lines) and the API's response models are built from them field for field.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

# `suggest.indexing.order`'s phases, plus the model loading, the end, and no embedder at all.
IndexingPhase = Literal["loading", "clusters", "queue", "members", "done", "off"]


class EmbedderInfo(TypedDict):
    id: str | None
    kind: str
    device: str | None
    status: str  # loading | ready | unavailable | disabled
    reason: str


class PhaseProgress(TypedDict):
    phase: IndexingPhase
    clusters_done: int  # clusters with a centroid
    clusters_total: int  # clusters with at least one member
    queue_done: int  # queued photos embedded (or undecodable)
    queue_total: int


class Progress(PhaseProgress):
    done: int
    total: int
    failed: int
    per_second: float
    eta_seconds: float | None
    running: bool


class Suggested(TypedDict):
    cluster: str
    score: float
    few_samples: bool


class SuggestionSet(TypedDict):
    top: list[Suggested]
    margin: float | None
    confidence: float | None
    weak: bool
    decisions: int
    decisions_needed: int


class Histogram(TypedDict):
    edges: list[float]
    counts: list[int]


class MovedItem(TypedDict):
    item: str
    cluster: str
    score: float
    margin: float


class Estimate(TypedDict):
    threshold: float
    min_samples: int
    min_margin: float
    count: int
    estimated_precision: float | None
    precision_bound: float | None
    decisions: int
    recommended_threshold: float | None
    recommended_support: int | None
    confidence_level: float
    evidence_needed: int
    recommended_min_margin: float | None
    target_precision: float
    enough_evidence: bool
    guaranteed: bool
    message: str
    histogram: Histogram
    skipped_viewing: int


class FailedItem(TypedDict):
    item: str
    reason: str


class AutoMoveResult(TypedDict):
    batch: str | None
    dry_run: bool
    count: int
    per_cluster: dict[str, int]
    items: list[MovedItem]
    threshold: float
    min_samples: int
    min_margin: float
    estimated_precision: float | None
    decisions: int
    skipped_viewing: int
    failed: list[FailedItem]


def idle_progress() -> Progress:
    return {
        "done": 0,
        "total": 0,
        "failed": 0,
        "per_second": 0.0,
        "eta_seconds": None,
        "running": False,
        "phase": "off",
        "clusters_done": 0,
        "clusters_total": 0,
        "queue_done": 0,
        "queue_total": 0,
    }


class GridItem(TypedDict):
    item: str
    cluster: str | None  # its first suggestion (rejected clusters demoted)
    score: float | None
    margin: float | None
    similarity: float | None  # more like this / text search: to the photo or the text
    frames: NotRequired[list[str]]  # a stack's tile: every queued frame, this one first
    confidence: NotRequired[float]  # cluster grid: calibrated P(its first suggestion is right);
    # proposed group: P(it belongs to the group)


class GridPage(TypedDict):
    mode: str  # grid | similar | discover | search
    cluster: str | None  # grid: its cluster; similar: the photo's first suggestion
    total: int  # photos that qualify (the page may show fewer)
    items: list[GridItem]
    note: str | None
    left: NotRequired[int]  # cluster grid: photos below the break-even, left for one by one
    break_even: NotRequired[float]  # cluster grid: the probability a photo must beat
    saving: NotRequired[float]  # cluster grid: expected effort saved against one by one


class GridFiled(TypedDict):
    batch: str
    cluster: str
    moved: list[str]
    skipped: list[str]  # ticked but filed meanwhile (by another reviewer): left alone
    failed: list[FailedItem]  # ticked, but the move failed: still queued, with the reason
    demoted: list[str]  # unticked in a cluster's grid: that cluster is demoted for them
    stats: dict[str, int]
