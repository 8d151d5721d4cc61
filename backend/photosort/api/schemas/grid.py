"""Request and response models of the grid endpoints (cluster grid, more like this,
discovery, text search), kept beside `core.py` so the grid area reads on its own."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from photosort.api.schemas.base import RequestModel
from photosort.api.schemas.core import FailedItem, Stats

GridMode = Literal["grid", "similar", "discover", "search"]


class GridItem(BaseModel):
    item: str
    cluster: str | None = Field(description="Its first suggestion (rejected clusters demoted).")
    score: float | None
    margin: float | None
    similarity: float | None = Field(
        description="More like this: cosine to the photo; text search: to the text."
    )
    frames: list[str] | None = Field(
        default=None,
        description="A stack's one tile: every queued frame, this one first (file them all).",
    )
    confidence: float | None = Field(
        default=None,
        description="Cluster grid: the calibrated probability that its first suggestion is "
        "right, learned from the reviewer's decisions (grid ticks and unticks included); "
        "proposed group: that it belongs to the group (the same calibration, pooled).",
    )


class GridPage(BaseModel):
    mode: GridMode
    cluster: str | None = Field(
        description="Grid: the cluster; more like this: the photo's first suggestion."
    )
    total: int = Field(description="Photos that qualify; the page may show fewer.")
    items: list[GridItem]
    note: str | None = None
    left: int | None = Field(
        default=None,
        description="Cluster grid: photos with this first suggestion whose probability of "
        "being right is not above the break-even, left for one by one.",
    )
    break_even: float | None = Field(
        default=None,
        description="Cluster grid: the probability above which a photo costs less in the "
        "grid than one by one (from the effort model).",
    )
    saving: float | None = Field(
        default=None,
        description="Cluster grid: expected effort saved against one by one, the grid's own "
        "cost paid (effort units: accepting a suggestion costs 0.3).",
    )


class GridFileRequest(RequestModel):
    mode: GridMode
    cluster: str
    ticked: list[str] = Field(max_length=2000, description="Photos to file, as one batch.")
    unticked: list[str] = Field(
        default_factory=list,
        max_length=2000,
        description="Cluster grid: photos that do not belong (the cluster is demoted for them).",
    )
    create: bool = Field(default=False, description="Create the cluster (naming a group).")
    reviewer: str | None = None


class GridFiled(BaseModel):
    batch: str = Field(description="One batch id: `POST /api/undo {batch}` undoes it whole.")
    cluster: str
    moved: list[str]
    skipped: list[str] = Field(description="Ticked but filed meanwhile by someone else.")
    failed: list[FailedItem] = Field(
        description="Ticked, but the move failed (each with the reason): still queued. When "
        "nothing moved because of that, the answer is not this but a `moves_failed` error."
    )
    demoted: list[str]
    stats: Stats


class DiscoveryGroup(BaseModel):
    id: int
    size: int = Field(description="Members of the group, shown or left.")
    items: list[GridItem] = Field(description="Most likely to belong first.")
    name: str | None = Field(description="A proposed name; null when none can be proposed.")
    left: int = Field(
        description="Members whose probability of belonging is not above the break-even, "
        "left for one by one (shown too with `everything=true`)."
    )


class DiscoveryPage(BaseModel):
    groups: list[DiscoveryGroup] = Field(description="Biggest first.")
    candidates: int = Field(description="Queued photos that match no cluster well.")
    cold_start: bool = Field(description="No cluster exists yet.")
    left: int = Field(
        description="Members of the proposed groups left for one by one, all told (a group "
        "with fewer than two members above the break-even is not listed: all its members "
        "count here)."
    )
    break_even: float = Field(
        description="The probability of belonging above which a member is shown."
    )


class OrderRequest(RequestModel):
    order: Literal["uncertain", "natural"] = Field(
        description="uncertain: lowest suggestion margin first (worked out now); natural: by "
        "name. `POST /api/shuffle` gives a shuffled order."
    )
    reviewer: str | None = None


class SourceFolder(BaseModel):
    folder: str = Field(description="Path relative to source, `/`-separated; also the cluster.")
    count: int = Field(description="Queued photos directly in it.")
    exists: bool = Field(description="Dest already has this cluster (filing adds to it).")


class SourceFolders(BaseModel):
    """Folders the source already holds, offered as clusters (only with a separate dest)."""

    folders: list[SourceFolder] = Field(description="Sorted by path; empty: nothing to offer.")
    photos: int = Field(description="Queued photos in them, all told.")


class FoldersFileRequest(RequestModel):
    folders: list[str] | None = Field(
        default=None, max_length=10000, description="Which folders (default: every one offered)."
    )
    reviewer: str | None = None


class FolderFiled(BaseModel):
    cluster: str
    moved: list[str] = Field(description="The photos filed (items relative to source).")


class FoldersFiled(BaseModel):
    batch: str = Field(description="One batch id: `POST /api/undo {batch}` undoes it whole.")
    clusters: list[FolderFiled]
    moved: int = Field(description="Photos filed, all told.")
    failed: list[FailedItem] = Field(
        description="Photos whose move failed (each with the reason): still queued."
    )
    stats: Stats
