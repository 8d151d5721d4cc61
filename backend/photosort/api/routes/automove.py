"""Auto-move: estimate, dry run, run (batch undo is `POST /api/undo {batch}`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from photosort.api.deps import Ctx, ReviewerHeader, reviewer_name
from photosort.api.responses import JSONTextResponse
from photosort.api.schemas.core import (
    AutoMoveEstimate,
    AutoMoveRequest,
    AutoMoveResult,
    ErrorResponse,
)

router = APIRouter(prefix="/api", tags=["auto-move"])


@router.get(
    "/auto-move/estimate",
    response_model=AutoMoveEstimate,
    responses={409: {"model": ErrorResponse}},
)
def estimate(
    ctx: Ctx,
    threshold: Annotated[float | None, Query(ge=-1.0, le=1.0)] = None,
    min_samples: Annotated[int | None, Query(ge=1)] = None,
    min_margin: Annotated[float | None, Query(ge=0.0, le=2.0)] = None,
) -> AutoMoveEstimate:
    """How many queued photos would move at this threshold, the estimated precision, the
    recommended threshold for the target precision, and a histogram of top scores."""
    return AutoMoveEstimate.model_validate(
        ctx.suggestions.estimate(threshold, min_samples, min_margin)
    )


_RUN_ERRORS: dict[int | str, dict[str, Any]] = {
    409: {
        "model": ErrorResponse,
        "description": "No rule to follow yet; or nothing moved: `moves_failed` lists each "
        "photo with the reason its move failed (they stay queued).",
    },
    507: {
        "model": ErrorResponse,
        "description": "Nothing moved: the disk is full (`moves_failed`, every photo listed).",
    },
}


@router.post("/auto-move", response_model=AutoMoveResult, responses=_RUN_ERRORS)
async def auto_move(
    body: AutoMoveRequest, ctx: Ctx, x_reviewer: ReviewerHeader = None
) -> JSONTextResponse:
    """File every queued photo that clears the rule, over the whole queue, as one batch.
    `dry_run` returns exactly what a real run would move without touching a file. Moves that
    fail are listed under `failed`; when none moved, the answer is 409 (507: disk full)."""
    reviewer = reviewer_name(body.reviewer, x_reviewer)

    def answer() -> JSONTextResponse:
        result = ctx.suggestions.auto_move(
            body.threshold,
            body.min_samples,
            body.min_margin,
            dry_run=body.dry_run,
            reviewer=reviewer,
        )
        # The domain's `AutoMoveResult` dict is written as it is (its fields are the model's,
        # field for field), and in the worker thread: a dry run over 1M lists ~500k items,
        # and building a pydantic model of each, then validating and dumping them again on
        # the event loop, took 3 s of a 5 s answer and held up every other request.
        return JSONTextResponse(result)

    return await run_in_threadpool(answer)
