"""Stacks (bursts and near-identical shots shown as one item, filed as one batch) and
duplicates (flagged anywhere in the queue; keep the best, trash the rest as one batch)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from photosort.api.deps import Ctx, ReviewerHeader, reviewer_name
from photosort.api.schemas.core import ActionRecord, ActionResult, ErrorResponse, Stats
from photosort.api.schemas.stack import (
    DuplicatesPage,
    KeepBestRequest,
    KeepBestResult,
    StackFiled,
    StackFileRequest,
    StackPullRequest,
    StacksPage,
)
from photosort.errors import Conflict
from photosort.suggest import STACK_CUT, STACK_GAP_S

router = APIRouter(prefix="/api", tags=["stacks"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse},
    404: {"model": ErrorResponse},
    409: {"model": ErrorResponse, "description": "Not queued any more, or suggestions are off."},
}
_OFF = "stacks and duplicates need the embedder's index: suggestions are off (--model none)"


@router.get("/stacks", response_model=StacksPage)
async def stacks(
    ctx: Ctx,
    head: Annotated[
        int | None,
        Query(ge=1, le=100_000, description="Only stacks with a frame among the first `head`."),
    ] = None,
) -> StacksPage:
    """The stacks of the queue: frames taken within `gap_s` of each other whose vectors are
    near-identical. Empty (with a note) when suggestions are off."""
    found = ctx.suggestions.stacks()
    if found is None:
        return StacksPage(stacks=[], gap_s=STACK_GAP_S, cut=STACK_CUT, note=_OFF)
    page = await run_in_threadpool(found.stacks)
    if head is not None:
        near = set(ctx.session.queue_items(0, head))
        page = [s for s in page if not near.isdisjoint(s["items"])]
    return StacksPage.model_validate({"stacks": page, "gap_s": STACK_GAP_S, "cut": STACK_CUT})


@router.post("/stacks/file", response_model=StackFiled, responses=_ERRORS)
async def file_stack(
    body: StackFileRequest, ctx: Ctx, x_reviewer: ReviewerHeader = None
) -> StackFiled:
    """File a stack's frames into `cluster` as one batch (one undo brings them all back).
    A frame filed meanwhile by another reviewer is skipped, never filed twice; a frame whose
    move fails is listed under `failed`, and when none moved the answer is 409 `moves_failed`
    (507 when the disk is full)."""
    found = ctx.suggestions.stacks()
    if found is None:
        raise Conflict(_OFF)
    result = await run_in_threadpool(
        found.file,
        body.items,
        body.cluster,
        create=body.create,
        reviewer=reviewer_name(body.reviewer, x_reviewer),
    )
    return StackFiled.model_validate({**result, "stats": ctx.session.stats()})


@router.post("/stacks/pull", response_model=ActionResult, responses=_ERRORS)
def pull_from_stack(
    body: StackPullRequest, ctx: Ctx, x_reviewer: ReviewerHeader = None
) -> ActionResult:
    """Take a frame out of its stack: it is queued and filed on its own from now on (journaled,
    so every tab and a restart agree)."""
    rec = ctx.session.pull_from_stack(body.item, reviewer=reviewer_name(body.reviewer, x_reviewer))
    return ActionResult(
        records=[ActionRecord.model_validate(rec)], stats=Stats.model_validate(ctx.session.stats())
    )


@router.get("/duplicates", response_model=DuplicatesPage)
async def duplicates(
    ctx: Ctx,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    head: Annotated[
        int | None,
        Query(ge=1, le=100_000, description="Only groups with a photo among the first `head`."),
    ] = None,
) -> DuplicatesPage:
    """Exact duplicates (same bytes) and near duplicates anywhere in the queue, exact first,
    each with its best photo (largest resolution, then sharpest) first."""
    found = ctx.suggestions.duplicates()
    if found is None:
        return DuplicatesPage(groups=[], total=0, note=_OFF)
    groups, total = await run_in_threadpool(found.groups, limit, head)
    return DuplicatesPage.model_validate({"groups": groups, "total": total})


@router.post("/duplicates/keep-best", response_model=KeepBestResult, responses=_ERRORS)
async def keep_best(
    body: KeepBestRequest, ctx: Ctx, x_reviewer: ReviewerHeader = None
) -> KeepBestResult:
    """Keep the best of one duplicate group and move the others to the session's trash, as one
    batch: one undo brings every file back."""
    found = ctx.suggestions.duplicates()
    if found is None:
        raise Conflict(_OFF)
    result = await run_in_threadpool(
        found.keep_best, body.items, reviewer=reviewer_name(body.reviewer, x_reviewer)
    )
    return KeepBestResult.model_validate({**result, "stats": ctx.session.stats()})
