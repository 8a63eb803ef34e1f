"""Live staff pages over Server-Sent Events: the queue, a ticket and the bookings page refresh
their live regions in place when the desk's data changes, whichever worker or server changed it.

One `ChangeFeed` per process reads `storage.changes.fingerprint` while any staff tab listens, and
wakes every open event stream when it moved; the page then fetches itself and swaps its
`[data-live]` regions (forms being typed in are not live regions). On PostgreSQL the feed LISTENs
to `tmbot_desk` (NOTIFY from triggers, migration 0012), so a change in any worker or server is
read at once and the fingerprint poll is only a slow safety net; on SQLite it polls twice a second. Per-staff unread
counts and the title counter come from `storage.ticket_reads`.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from handlers.web.auth import ExpertUser
from handlers.web.pages import page_global
from storage.changes import fingerprint
from storage.ticket_reads import unread_counts
from storage.tickets import ACTIVE, Ticket

__all__ = ("ChangeFeed", "desk_state", "router")

router = APIRouter(prefix="/staff/live", include_in_schema=False)
POLL_SECONDS = 0.5  # how often one process reads the fingerprint while tabs listen (SQLite)
PG_POLL_SECONDS = 5.0  # the safety-net poll when NOTIFY wakes the feed (PostgreSQL)
CHANNEL = "tmbot_desk"
STREAM_TIMEOUT = 20.0  # a stream re-checks the client after this long without a change


class ChangeFeed:
    """The process's view of the desk fingerprint, shared by every open event stream."""

    def __init__(self, engine: Engine, interval: float | None = None) -> None:
        self._engine = engine
        self._pg = engine.dialect.name == "postgresql"
        self._interval = interval or (PG_POLL_SECONDS if self._pg else POLL_SECONDS)
        self._current = ""
        self._changed = asyncio.Condition()
        self._listeners = 0
        self._task: asyncio.Task[None] | None = None
        self._poke = asyncio.Event()
        self._stop = threading.Event()
        self._listener: threading.Thread | None = None

    def read(self) -> str:
        """The fingerprint now (blocking: one short query)."""
        with Session(self._engine) as session:
            return fingerprint(session=session)

    def _listen(self, loop: asyncio.AbstractEventLoop, stop: threading.Event) -> None:
        """PostgreSQL LISTEN in a thread of its own; each NOTIFY pokes the feed's loop."""
        import psycopg  # only on PostgreSQL deployments

        url = self._engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        while not stop.is_set():
            try:
                with psycopg.connect(url, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    loop.call_soon_threadsafe(self._poke.set)  # catch up after a reconnect
                    while not stop.is_set():
                        for _ in conn.notifies(timeout=1.0, stop_after=1):
                            loop.call_soon_threadsafe(self._poke.set)
            except Exception:  # the slow poll covers the gap; connect again shortly
                stop.wait(2.0)

    async def _run(self) -> None:
        if self._pg and self._listener is None:
            self._stop = threading.Event()  # one per listener thread: an old one just ends
            loop = asyncio.get_running_loop()
            self._listener = threading.Thread(
                target=self._listen, args=(loop, self._stop), name="desk-listen", daemon=True
            )
            self._listener.start()
        while True:
            self._poke.clear()
            try:
                now = await run_in_threadpool(self.read)
            except Exception:  # a database hiccup must not end the feed
                now = self._current
            if now != self._current:
                self._current = now
                async with self._changed:
                    self._changed.notify_all()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._poke.wait(), self._interval)

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

    def close(self) -> None:
        """Stop polling and listening (the app's shutdown)."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._stop.set()
        self._listener = None

    def _stop_if_idle(self) -> None:
        if self._listeners == 0 and self._task is not None:
            self.close()


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
) -> Response:
    """`change` events whenever the desk's data moved past `since` (the page's fingerprint).
    sse-starlette is imported by the first stream: a worker serving chat turns only never
    loads it."""
    from sse_starlette import EventSourceResponse

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


page_global("desk_state", desk_state)
