"""Photo bytes: cached thumb/preview renditions and the original file."""

from __future__ import annotations

import os
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from photosort.api import convertors  # noqa: F401 - registers {item:item}
from photosort.api.deps import Ctx
from photosort.api.models import ErrorResponse
from photosort.formats import content_type

router = APIRouter(prefix="/api", tags=["images"])

Size = Literal["thumb", "preview", "original"]
Root = Literal["source", "dest", "trash"]
# Renditions are keyed by content, so a URL may be cached briefly; the item name can later
# point at other bytes (a new file with the same name), hence no `immutable`.
_CACHE = "private, max-age=60"


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
        return FileResponse(
            path,
            media_type=content_type(path.name),
            # A header holds text: a name that is not UTF-8 is shown with U+FFFD for its bytes.
            filename=os.fsencode(path.name).decode("utf-8", "replace"),
            content_disposition_type="inline",
            headers={"Cache-Control": _CACHE},
        )
    fp = await run_in_threadpool(ctx.fingerprints.of, path)
    rendition = await run_in_threadpool(ctx.renditions.path_for, path, fp, size)
    return FileResponse(
        rendition,
        media_type="image/jpeg",
        headers={"Cache-Control": _CACHE, "ETag": f'"{fp}-{size}"'},
    )
