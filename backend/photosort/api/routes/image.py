"""Photo bytes: cached thumb/preview renditions and the original file."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from photosort.api import convertors  # noqa: F401 - registers {item:item}
from photosort.api.deps import Ctx
from photosort.api.responses import CACHE_CONTROL, original_file
from photosort.api.schemas.core import ErrorResponse

router = APIRouter(prefix="/api", tags=["images"])

Size = Literal["thumb", "preview", "original"]
Root = Literal["source", "dest", "trash"]


@router.get(
    "/image/{item:item}",
    response_class=FileResponse,
    responses={
        200: {"content": {"image/jpeg": {}}, "description": "The rendition or original bytes."},
        404: {"model": ErrorResponse},
        422: {"model": ErrorResponse, "description": "The photo cannot be decoded."},
    },
)
async def get_image(
    item: str, ctx: Ctx, size: Size = "preview", root: Root | None = None
) -> FileResponse:
    """`item` is relative to the source for queued photos, or `cluster/name` (relative to dest)
    for filed ones; `root` picks explicitly (`trash` for trashed photos)."""
    path, _ = ctx.session.locate(item, root)
    if size == "original":
        return original_file(path)
    fp = await run_in_threadpool(ctx.fingerprints.of, path)
    rendition = await run_in_threadpool(ctx.renditions.path_for, path, fp, size)
    return FileResponse(
        rendition,
        media_type="image/jpeg",
        headers={"Cache-Control": CACHE_CONTROL, "ETag": f'"{fp}-{size}"'},
    )
