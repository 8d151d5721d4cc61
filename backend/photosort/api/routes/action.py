"""Reviewer actions and the journal."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from photosort.api.context import AppContext
from photosort.api.deps import Ctx, ReviewerHeader, reviewer_name
from photosort.api.schemas.core import (
    ActionRecord,
    ActionResult,
    ActionsPage,
    AssignRequest,
    ClusterCreateRequest,
    ErrorResponse,
    ItemRequest,
    ShuffleRequest,
    Stats,
    UndoneCount,
    UndoRequest,
    ViewingRequest,
)
from photosort.session import Record
from photosort.suggest import shown_suggestions

router = APIRouter(prefix="/api", tags=["actions"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse},
    404: {"model": ErrorResponse},
    409: {"model": ErrorResponse, "description": "Not queued any more, or a conflict."},
}


def _result(ctx: AppContext, records: list[Record]) -> ActionResult:
    return ActionResult(
        records=[ActionRecord.model_validate(r) for r in records],
        stats=Stats.model_validate(ctx.session.stats()),
    )


@router.post("/assign", response_model=ActionResult, responses=_ERRORS)
def assign(body: AssignRequest, ctx: Ctx, x_reviewer: ReviewerHeader = None) -> ActionResult:
    """File a queued photo into a cluster (the file moves). `create` makes a new cluster."""
    suggested, confidence = shown_suggestions(ctx.suggestions, body.item)
    rec = ctx.session.assign(
        body.item,
        body.cluster,
        create=body.create,
        reviewer=reviewer_name(body.reviewer, x_reviewer),
        suggested=suggested,
        confidence=confidence,
    )
    return _result(ctx, [rec])


@router.post("/delete", response_model=ActionResult, responses=_ERRORS)
def delete(body: ItemRequest, ctx: Ctx, x_reviewer: ReviewerHeader = None) -> ActionResult:
    """Move a queued photo to `.clustering/trash/` (restorable with undo)."""
    rec = ctx.session.delete(body.item, reviewer=reviewer_name(body.reviewer, x_reviewer))
    return _result(ctx, [rec])


@router.post("/skip", response_model=ActionResult, responses=_ERRORS)
def skip(body: ItemRequest, ctx: Ctx, x_reviewer: ReviewerHeader = None) -> ActionResult:
    """Send a queued photo to the end of the queue."""
    rec = ctx.session.skip(body.item, reviewer=reviewer_name(body.reviewer, x_reviewer))
    return _result(ctx, [rec])


@router.post("/shuffle", response_model=ActionResult, responses=_ERRORS)
def shuffle(body: ShuffleRequest, ctx: Ctx, x_reviewer: ReviewerHeader = None) -> ActionResult:
    """Reorder the queue; the same seed always gives the same order."""
    rec = ctx.session.shuffle(body.seed, reviewer=reviewer_name(body.reviewer, x_reviewer))
    return _result(ctx, [rec])


@router.post("/undo", response_model=ActionResult, responses=_ERRORS)
def undo(body: UndoRequest, ctx: Ctx, x_reviewer: ReviewerHeader = None) -> ActionResult:
    """Undo one action (`seq`, default the newest not yet undone) or a whole `batch`."""
    recs = ctx.session.undo(
        body.seq, batch=body.batch, reviewer=reviewer_name(body.reviewer, x_reviewer)
    )
    result = _result(ctx, recs)
    # One call undoes one action, a whole batch being one; only file lines are moves.
    moves = sum(1 for r in recs if r.get("restore_from") or r.get("copy"))
    result.undone = UndoneCount(actions=1, moves=moves)
    return result


@router.post("/clusters", response_model=ActionResult, responses=_ERRORS)
def create_cluster(
    body: ClusterCreateRequest, ctx: Ctx, x_reviewer: ReviewerHeader = None
) -> ActionResult:
    """Create an empty cluster folder."""
    rec = ctx.session.create_cluster(body.name, reviewer=reviewer_name(body.reviewer, x_reviewer))
    return _result(ctx, [rec])


@router.post("/viewing", status_code=204, responses=_ERRORS)
def viewing(body: ViewingRequest, ctx: Ctx, x_reviewer: ReviewerHeader = None) -> None:
    """Tell the server which photo this reviewer has on screen: auto-move leaves it alone."""
    ctx.session.set_viewing(reviewer_name(body.reviewer, x_reviewer), body.item)


@router.get("/actions", response_model=ActionsPage)
def actions(
    ctx: Ctx,
    after: Annotated[int, Query(ge=0, description="Only lines with a greater seq.")] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> ActionsPage:
    """The journal, oldest first (newest last)."""
    page = ctx.session.journal_page(after, limit)
    return ActionsPage(
        records=[ActionRecord.model_validate(r) for r in page.records],
        last_seq=page.last_seq,
        undone=page.undone,
    )
