"""Server-sent events: every tab hears actions, queue changes and progress as they happen."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import ValidationError

from photosort.api.deps import Ctx
from photosort.api.models import HelloEvent, LiveEvent

log = logging.getLogger("photosort.api")
router = APIRouter(prefix="/api", tags=["events"])

_KEEPALIVE_S = 15.0
_BACKLOG = 1000


@router.get(
    "/events",
    response_class=EventSourceResponse,
    responses={200: {"model": LiveEvent, "description": "A stream of these, one per event."}},
)
async def events(request: Request, ctx: Ctx) -> AsyncIterator[ServerSentEvent]:
    """`text/event-stream`: `hello`, then `action` (any reviewer's action, with the journal
    line and stats), `queue-changed`, `indexing`, `batch-progress`, `batch-done`. The SSE
    event name is the payload's `type`; `data` is the JSON of a `LiveEvent`."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=_BACKLOG)

    def deliver(event: dict[str, Any]) -> None:
        def put() -> None:
            if not queue.full():  # a stalled tab loses events rather than memory
                queue.put_nowait(event)

        loop.call_soon_threadsafe(put)

    unsubscribe = ctx.session.events.subscribe(deliver)
    try:
        hello = HelloEvent(last_seq=ctx.session.journal.next_seq - 1)
        yield ServerSentEvent(event=hello.type, data=hello)
        while not await request.is_disconnected():
            try:
                event = await asyncio.wait_for(queue.get(), timeout=_KEEPALIVE_S)
            except TimeoutError:
                yield ServerSentEvent(comment="keep-alive")
                continue
            # Validated against the documented schema, so the UI's generated types hold; an
            # event that does not fit is a bug to log, not a reason to cut every tab's stream.
            try:
                payload = LiveEvent.model_validate(event).root
            except ValidationError:
                log.exception("event %r does not match the LiveEvent schema", event.get("type"))
                continue
            # A plain dict goes through json.dumps with ASCII escapes: a file name that is not
            # UTF-8 (a lone surrogate) travels as `\udcXX` instead of failing the stream.
            yield ServerSentEvent(event=payload.type, data=payload.model_dump(mode="json"))
    finally:
        unsubscribe()
