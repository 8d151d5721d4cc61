"""Server-sent events: every tab hears actions, queue changes and progress as they happen."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import ValidationError

from photosort.api.deps import Ctx
from photosort.api.schemas.core import HelloEvent, LiveEvent

log = logging.getLogger("photosort.api")
router = APIRouter(prefix="/api", tags=["events"])

_KEEPALIVE_S = 15.0
_BACKLOG = 1000

_Queue = asyncio.Queue[dict[str, Any] | None]


class OpenStreams:
    """The event streams open right now. A stream never ends on its own, so on Ctrl-C the
    server would wait for every browser tab until its graceful timeout and then cancel them
    with a traceback; `close_all` ends them at once instead (thread- and signal-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: set[tuple[asyncio.AbstractEventLoop, _Queue]] = set()
        self.closing = False

    def add(self, loop: asyncio.AbstractEventLoop, queue: _Queue) -> None:
        with self._lock:
            self._open.add((loop, queue))

    def discard(self, loop: asyncio.AbstractEventLoop, queue: _Queue) -> None:
        with self._lock:
            self._open.discard((loop, queue))

    def close_all(self) -> None:
        self.closing = True
        with self._lock:
            streams = list(self._open)
        for loop, queue in streams:
            with contextlib.suppress(RuntimeError):  # that loop is already closed
                loop.call_soon_threadsafe(_end_stream, queue)


def _end_stream(queue: _Queue) -> None:
    if queue.full():  # make room: the end marker must get through
        queue.get_nowait()
    queue.put_nowait(None)


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
    queue: _Queue = asyncio.Queue(maxsize=_BACKLOG)
    streams: OpenStreams = request.app.state.streams
    if streams.closing:
        return

    def deliver(event: dict[str, Any]) -> None:
        def put() -> None:
            if not queue.full():  # a stalled tab loses events rather than memory
                queue.put_nowait(event)

        loop.call_soon_threadsafe(put)

    unsubscribe = ctx.session.events.subscribe(deliver)
    streams.add(loop, queue)
    try:
        hello = HelloEvent(last_seq=ctx.session.last_seq())
        yield ServerSentEvent(event=hello.type, data=hello)
        while not await request.is_disconnected():
            try:
                event = await asyncio.wait_for(queue.get(), timeout=_KEEPALIVE_S)
            except TimeoutError:
                yield ServerSentEvent(comment="keep-alive")
                continue
            if event is None:  # the server is stopping
                return
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
        streams.discard(loop, queue)
        unsubscribe()
