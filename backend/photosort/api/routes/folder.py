"""The source's own folders, offered as clusters and filed as one batch."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from photosort.api.deps import Ctx, ReviewerHeader, reviewer_name
from photosort.api.schemas.core import ErrorResponse, FailedItem, Stats
from photosort.api.schemas.grid import (
    FolderFiled,
    FoldersFiled,
    FoldersFileRequest,
    SourceFolder,
    SourceFolders,
)
from photosort.errors import nothing_moved

router = APIRouter(prefix="/api", tags=["folders"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse},
    404: {"model": ErrorResponse, "description": "No source folder holds queued photos."},
    409: {
        "model": ErrorResponse,
        "description": "Nothing moved: `moves_failed` lists each photo with the reason.",
    },
    507: {
        "model": ErrorResponse,
        "description": "Nothing moved: the disk is full (`moves_failed`, every photo listed).",
    },
}


@router.get("/source-folders", response_model=SourceFolders)
async def source_folders(ctx: Ctx) -> SourceFolders:
    """With `--into DEST`: the source's folders that directly hold queued photos, each offered
    as the cluster of the same path. Empty when dest is the source."""
    offer = await run_in_threadpool(ctx.session.source_folders)
    clusters = dict(ctx.session.clusters())
    return SourceFolders(
        folders=[
            SourceFolder(folder=f, count=len(items), exists=f in clusters)
            for f, items in offer.items()
        ],
        photos=sum(len(items) for items in offer.values()),
    )


@router.post("/source-folders/file", response_model=FoldersFiled, responses=_ERRORS)
async def file_source_folders(
    body: FoldersFileRequest, ctx: Ctx, x_reviewer: ReviewerHeader = None
) -> FoldersFiled:
    """File every queued photo of each folder into the same-named cluster (made when missing;
    copied in copy mode) as ONE batch, undone as one unit. A move that fails is listed under
    `failed`; when none moved, the answer is 409 `moves_failed` (507 on a full disk)."""
    batch, per_cluster, failed = await run_in_threadpool(
        lambda: ctx.session.file_source_folders(
            body.folders, reviewer=reviewer_name(body.reviewer, x_reviewer)
        )
    )
    moved = sum(len(recs) for recs in per_cluster.values())
    if failed and not moved:
        raise nothing_moved("could not file the source's folders", failed)
    return FoldersFiled(
        batch=batch,
        clusters=[
            FolderFiled(cluster=c, moved=[r["item"] for r in recs])
            for c, recs in per_cluster.items()
        ],
        moved=moved,
        failed=[FailedItem(item=f["item"], reason=f["reason"]) for f in failed],
        stats=Stats.model_validate(ctx.session.stats()),
    )
