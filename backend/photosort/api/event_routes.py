"""Server-sent events: every tab hears actions, queue changes and progress as they happen."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.sse import EventSourceResponse, ServerSentEvent

from photosort.api.deps import Ctx

router = APIRouter(prefix="/api", tags=["events"])

_KEEPALIVE_S = 15.0
_BACKLOG = 1000


@router.get("/events", response_class=EventSourceResponse)
async def events(request: Request, ctx: Ctx) -> AsyncIterator[ServerSentEvent]:
    """Events: `action` (any reviewer's action, with the journal line and stats),
    `queue-changed`, `indexing`, `batch-progress`, `batch-done`. Each `data` is JSON."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=_BACKLOG)

    def deliver(event: dict[str, Any]) -> None:
        def put() -> None:
            if not queue.full():  # a stalled tab loses events rather than memory
                queue.put_nowait(event)

        loop.call_soon_threadsafe(put)

    unsubscribe = ctx.session.events.subscribe(deliver)
    try:
        yield ServerSentEvent(event="hello", data={"last_seq": ctx.session.journal.next_seq - 1})
        while not await request.is_disconnected():
            try:
                event = await asyncio.wait_for(queue.get(), timeout=_KEEPALIVE_S)
            except TimeoutError:
                yield ServerSentEvent(comment="keep-alive")
                continue
            yield ServerSentEvent(event=str(event.get("type", "message")), data=event)
    finally:
        unsubscribe()
