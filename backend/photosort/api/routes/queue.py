"""The queue and single items."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from photosort.api import convertors  # noqa: F401 - registers {item:item}
from photosort.api.deps import Ctx
from photosort.api.schemas.core import ErrorResponse, ItemDetail, QueuePage
from photosort.api.views import Views

router = APIRouter(prefix="/api", tags=["queue"])

Root = Literal["source", "dest", "trash"]


@router.get("/queue", response_model=QueuePage)
def get_queue(
    ctx: Ctx,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> QueuePage:
    return Views(ctx).queue_page(offset, limit)


@router.get(
    "/items/{item:item}",
    response_model=ItemDetail,
    responses={400: {"model": ErrorResponse}, 404: {"model": ErrorResponse}},
)
def get_item(item: str, ctx: Ctx, root: Root | None = None) -> ItemDetail:
    """One photo: queued (relative to source) or filed (`cluster/name`, relative to dest)."""
    return Views(ctx).item_detail(item, root)
