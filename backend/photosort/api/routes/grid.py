"""Grids: a cluster's grid, more like this, and filing a grid as one batch."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from photosort.api.deps import Ctx, ReviewerHeader, reviewer_name
from photosort.api.schemas.core import ActionRecord, ActionResult, ErrorResponse, Stats
from photosort.api.schemas.grid import (
    DiscoveryPage,
    GridFiled,
    GridFileRequest,
    GridPage,
    OrderRequest,
)
from photosort.suggest import MAX_GRID, stacked_tiles
from photosort.suggest import GridPage as GridAnswer

router = APIRouter(prefix="/api", tags=["grid"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse},
    404: {"model": ErrorResponse},
    409: {"model": ErrorResponse, "description": "Suggestions are off or not ready."},
}
Limit = Annotated[int, Query(ge=1, le=MAX_GRID)]


def _stacked(ctx: Ctx, page: GridAnswer) -> GridPage:
    """The page with each burst as one tile (filing it files every frame)."""
    stacks = ctx.suggestions.stacks()
    found = stacks.stacks() if stacks is not None else []
    return GridPage.model_validate({**page, "items": stacked_tiles(page["items"], found)})


@router.get("/grid", response_model=GridPage, responses=_ERRORS)
async def cluster_grid(
    ctx: Ctx,
    cluster: str | None = None,
    item: str | None = None,
    limit: Limit = 60,
    everything: bool = False,
) -> GridPage:
    """The queued photos whose first suggestion is `cluster` (default: the first suggestion
    of `item`) and whose calibrated probability of being right is above the break-even, most
    confident first; `left` counts the others. `everything=true` shows those too, after."""
    grids = ctx.suggestions.grids()
    page = await run_in_threadpool(grids.cluster_grid, cluster, item, limit, everything)
    return await run_in_threadpool(_stacked, ctx, page)


@router.get("/grid/similar", response_model=GridPage, responses=_ERRORS)
async def similar(ctx: Ctx, item: str, limit: Limit = 30) -> GridPage:
    """More like this: the queued photos nearest to `item`'s own vector, itself first."""
    grids = ctx.suggestions.grids()
    page = await run_in_threadpool(grids.similar, item, limit)
    return await run_in_threadpool(_stacked, ctx, page)


@router.get("/grid/search", response_model=GridPage, responses=_ERRORS)
async def search(ctx: Ctx, text: str, limit: Limit = 60) -> GridPage:
    """Text search (CLIP): the queued photos ranked by the text tower against `text`. 409 with
    the reason when the active embedder has no text tower."""
    grids = ctx.suggestions.grids()
    page = await run_in_threadpool(grids.search, text, limit)
    return await run_in_threadpool(_stacked, ctx, page)


@router.get("/discover", response_model=DiscoveryPage, responses=_ERRORS)
async def discover(ctx: Ctx, everything: bool = False) -> DiscoveryPage:
    """Queued photos that match no cluster well (all of them when there is no cluster yet),
    grouped by average-linkage clustering; name a group with `POST /api/grid/file` (mode
    `discover`, `create: true`). Each group shows the members whose calibrated probability
    of belonging is above the break-even, most likely first; `left` counts the others (a
    group with fewer than two above is left whole). `everything=true` shows them all."""
    grids = ctx.suggestions.grids()
    return DiscoveryPage.model_validate(await run_in_threadpool(grids.discover, everything))


_FILE_ERRORS: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
    409: {
        "model": ErrorResponse,
        "description": "Nothing moved: `moves_failed` lists each photo with the reason its move "
        "failed (they stay queued); or the cluster is unknown / cannot be made.",
    },
    507: {
        "model": ErrorResponse,
        "description": "Nothing moved: the disk is full (`moves_failed`, every photo listed).",
    },
}


@router.post("/grid/file", response_model=GridFiled, responses=_FILE_ERRORS)
async def file_grid(
    body: GridFileRequest, ctx: Ctx, x_reviewer: ReviewerHeader = None
) -> GridFiled:
    """File the ticked photos into `cluster` as one manual batch (`mode` says which grid);
    in a cluster's grid the unticked photos stay queued with the cluster demoted for them.
    A photo filed meanwhile by another reviewer is skipped, never filed twice; a move that
    fails is listed under `failed` with the reason, and when none moved the answer is 409
    (507 when the disk is full) with every photo and reason."""
    grids = ctx.suggestions.grids()
    result = await run_in_threadpool(
        grids.file,
        body.mode,
        body.cluster,
        body.ticked,
        body.unticked,
        create=body.create,
        reviewer=reviewer_name(body.reviewer, x_reviewer),
    )
    return GridFiled.model_validate(result)


@router.post("/order", response_model=ActionResult, responses=_ERRORS)
async def order(body: OrderRequest, ctx: Ctx, x_reviewer: ReviewerHeader = None) -> ActionResult:
    """Reorder the queue: uncertain first (one-by-one review where the model is unsure, grids
    for the rest) or natural. Undo restores the order before."""
    who = reviewer_name(body.reviewer, x_reviewer)
    if body.order == "natural":
        rec = ctx.session.rank_first([], natural=True, reviewer=who)
    else:
        rec = await run_in_threadpool(ctx.suggestions.grids().order, body.order, who)
    return ActionResult(
        records=[ActionRecord.model_validate(rec)], stats=Stats.model_validate(ctx.session.stats())
    )
