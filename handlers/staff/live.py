"""Live staff pages over Server-Sent Events: the queue, a ticket and the bookings page refresh
their live regions in place when the desk's data changes, whichever worker or server changed it.

One `ChangeFeed` per process reads `storage.changes.fingerprint` about twice a second while any
staff tab listens, and wakes every open event stream when it moved; the page then fetches itself
and swaps its `[data-live]` regions (forms being typed in are not live regions). Per-staff unread
counts and the title counter come from `storage.ticket_reads`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select
from sse_starlette import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from handlers.web.auth import ExpertUser
from handlers.web.pages import templates
from storage.changes import fingerprint
from storage.ticket_reads import unread_counts
from storage.tickets import ACTIVE, Ticket

__all__ = ("ChangeFeed", "desk_state", "router")

router = APIRouter(prefix="/staff/live", include_in_schema=False)
POLL_SECONDS = 0.5  # how often one process reads the fingerprint while tabs listen
STREAM_TIMEOUT = 20.0  # a stream re-checks the client after this long without a change


class ChangeFeed:
    """The process's view of the desk fingerprint, shared by every open event stream."""

    def __init__(self, engine: Engine, interval: float = POLL_SECONDS) -> None:
        self._engine = engine
        self._interval = interval
        self._current = ""
        self._changed = asyncio.Condition()
        self._listeners = 0
        self._task: asyncio.Task[None] | None = None

    def read(self) -> str:
        """The fingerprint now (blocking: one short query)."""
        with Session(self._engine) as session:
            return fingerprint(session=session)

    async def _run(self) -> None:
        while True:
            try:
                now = await run_in_threadpool(self.read)
            except Exception:
                now = self._current
            if now != self._current:
                self._current = now
                async with self._changed:
                    self._changed.notify_all()
            await asyncio.sleep(self._interval)

    async def next_change(self, seen: str, wait: float) -> str:
        """The fingerprint once it differs from `seen` (or the current one after `wait` s)."""
        self._listeners += 1
        if self._task is None or self._task.done():
            self._current = await run_in_threadpool(self.read)
            self._task = asyncio.create_task(self._run())
        try:
            if self._current == seen:
                async with self._changed:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(
                            self._changed.wait_for(lambda: self._current != seen), wait
                        )
            return self._current
        finally:
            self._listeners -= 1
            if self._listeners == 0 and self._task is not None:
                # Give a re-connecting stream a moment before the polling stops.
                asyncio.get_running_loop().call_later(5, self._stop_if_idle)

    def _stop_if_idle(self) -> None:
        if self._listeners == 0 and self._task is not None:
            self._task.cancel()
            self._task = None


def _feed(request: Request) -> ChangeFeed:
    feed: ChangeFeed | None = getattr(request.app.state, "change_feed", None)
    if feed is None:
        feed = request.app.state.change_feed = ChangeFeed(request.app.state.runtime.engine)
    return feed


@router.get("/events")
async def events(
    request: Request,
    user: ExpertUser,
    since: Annotated[str, Query(max_length=300)] = "",
) -> EventSourceResponse:
    """`change` events whenever the desk's data moved past `since` (the page's fingerprint)."""
    feed = _feed(request)
    del user  # signed in is all a stream needs; the page it refreshes checks the rest

    async def stream() -> AsyncIterator[dict[str, str]]:
        seen = since
        while not await request.is_disconnected():
            now = await feed.next_change(seen, STREAM_TIMEOUT)
            if now != seen:
                seen = now
                yield {"event": "change", "data": now}

    return EventSourceResponse(stream(), ping=15, headers={"Cache-Control": "no-store"})


def desk_state(request: Request) -> dict[str, Any]:
    """For the page being rendered: the fingerprint, the signed-in staff member's unread counts
    per ticket and in total, and the newest active ticket (sound and notification triggers)."""
    runtime = request.app.state.runtime
    user = getattr(request.state, "user", None)
    with Session(runtime.engine) as session:
        state: dict[str, Any] = {"fp": fingerprint(session=session), "unread": {}, "total": 0}
        state["newest"] = 0
        if user is None or user.role not in ("admin", "staff"):
            return state
        active = list(session.exec(select(Ticket).where(col(Ticket.status).in_(list(ACTIVE)))))
        unread = unread_counts(session=session, staff=user.username, tickets=active)
        state["unread"] = {t.number: unread[t.id] for t in active if t.id in unread}
        state["total"] = sum(unread.values())
        newest = session.exec(select(func.max(Ticket.id))).one()
        state["newest"] = int(newest or 0)
    return state


templates.env.globals["desk_state"] = desk_state
