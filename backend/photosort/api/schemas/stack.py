"""Request and response models of stacks (bursts shown as one item) and duplicates (keep the
best, trash the rest), kept beside `core.py` so this area reads on its own."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from photosort.api.schemas.base import RequestModel
from photosort.api.schemas.core import ActionRecord, FailedItem, Stats


class StackInfo(BaseModel):
    face: str = Field(description="The first frame: what the queue shows for the stack.")
    items: list[str] = Field(description="Every frame in capture order, the face first.")
    span_s: float = Field(description="Seconds from the first frame to the last.")


class StacksPage(BaseModel):
    stacks: list[StackInfo]
    gap_s: float = Field(description="Frames further apart than this never stack.")
    cut: float = Field(description="Cosine between two frames' vectors needed to stack them.")
    note: str | None = Field(default=None, description="Why there are none (suggestions off).")


class StackFileRequest(RequestModel):
    items: list[str] = Field(
        min_length=1, max_length=500, description="The stack's frames as shown, face first."
    )
    cluster: str
    create: bool = Field(default=False, description="Create the cluster first.")
    reviewer: str | None = None


class StackFiled(BaseModel):
    batch: str = Field(description="One batch id: `POST /api/undo {batch}` undoes it whole.")
    cluster: str
    moved: list[str]
    skipped: list[str] = Field(description="Frames filed meanwhile by someone else.")
    failed: list[FailedItem] = Field(
        description="Frames whose move failed (each with the reason): still queued."
    )
    records: list[ActionRecord] = Field(description="The moves' journal lines.")
    stats: Stats


class StackPullRequest(RequestModel):
    item: str = Field(description="A frame to take out of its stack: shown on its own after.")
    reviewer: str | None = None


class DuplicateCandidate(BaseModel):
    item: str
    width: int | None
    height: int | None
    sharpness: float | None = Field(description="Variance of the Laplacian of the thumbnail.")
    size_bytes: int


class DuplicateGroupInfo(BaseModel):
    kind: Literal["exact", "near"] = Field(
        description="exact: the same bytes; near: the same picture (difference hash and vector)."
    )
    best: str = Field(description="Largest resolution, then sharpest: the one kept.")
    items: list[DuplicateCandidate] = Field(description="Best first.")


class DuplicatesPage(BaseModel):
    groups: list[DuplicateGroupInfo]
    total: int = Field(description="Groups in the queue; the page may show fewer.")
    note: str | None = None


class KeepBestRequest(RequestModel):
    items: list[str] = Field(
        min_length=2, max_length=500, description="One duplicate group (or part of one)."
    )
    reviewer: str | None = None


class KeepBestResult(BaseModel):
    batch: str = Field(description="One batch id: one undo brings every trashed file back.")
    kept: str
    trashed: list[str]
    skipped: list[str] = Field(description="Filed or trashed meanwhile by someone else.")
    failed: list[FailedItem] = Field(
        description="Photos whose move to the trash failed (each with the reason): still queued."
    )
    stats: Stats
