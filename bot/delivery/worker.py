"""Senders deliver outbox rows; the worker drains the outbox with retries and backoff."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.core.ports import Clock, SystemClock
from bot.delivery.pacing import Pacer
from storage.outbox import (
    LEASE,
    RETRY_FOR,
    OutboxMessage,
    claim_backlog,
    claim_due,
    mark_failed,
    mark_retry,
    mark_sent,
    mark_waiting,
    renew_lease,
    retry_now,
)

__all__ = (
    "DeliveryError",
    "DeliveryObserver",
    "Housekeeping",
    "OutageAlert",
    "OutboxWorker",
    "PermanentFailure",
    "Sender",
    "TemporaryFailure",
    "WaitForUser",
    "backoff",
)

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A send did not go through."""


class PermanentFailure(DeliveryError):
    """Retrying cannot help (blocked bot, closed WeChat window, bad address)."""


class TemporaryFailure(DeliveryError):
    """Try again later; `retry_after` seconds when the remote side said so (HTTP 429)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class WaitForUser(DeliveryError):
    """The user cannot be reached until they write again (WeChat's 48-hour window closed).

    The row waits (status `waiting`) and holds back later rows to the same user; the channel's
    adapter releases it when the user's next message arrives.
    """


class Sender(Protocol):
    """Delivers one payload to one recipient on one channel, or raises a DeliveryError.

    It may return how it delivered when that is not the plain message (e.g. "notice").
    """

    name: str

    def send(self, recipient: str, payload: Mapping[str, Any]) -> str | None: ...


# Told of each row's new state in the row's own transaction (staff confirmations, first response).
DeliveryObserver = Callable[[Session, OutboxMessage, dt.datetime], object]


# Told that a sender has been failing for `alert_after` (session, sender, recipient, since, now);
# it tells staff through the other notifiers, once per outage (bot/handoff/outage.py).
OutageAlert = Callable[[Session, str, str, dt.datetime, dt.datetime], object]
ALERT_AFTER = dt.timedelta(minutes=15)

# Periodic work the worker's thread does besides delivering (called with the engine and now).
Housekeeping = Callable[[Engine, dt.datetime], object]
HOUSEKEEPING_EVERY = dt.timedelta(minutes=1)


BACKOFF_CAP = dt.timedelta(minutes=5)


def backoff(attempt: int) -> dt.timedelta:
    """Exponential backoff: 5 s, 10 s, 20 s ... capped at 5 minutes, so a notifier that answers
    again is tried within minutes (and then every row it holds is due at once)."""
    seconds = 5 * 2 ** min(max(attempt - 1, 0), 20)
    return min(dt.timedelta(seconds=seconds), BACKOFF_CAP)


class OutboxWorker:
    """Drains the outbox; run `run_once` in tests, `start` in a server process.

    Each pass first runs `housekeeping` (the server passes the ticket sweep of
    bot/handoff/sweep.py: SLA alerts and auto-close) when `housekeeping_every` has passed since
    its last run, so the notices it queues go out in the same pass.
    """

    def __init__(
        self,
        engine: Engine,
        senders: Mapping[str, Sender],
        clock: Clock | None = None,
        housekeeping: Housekeeping | None = None,
        housekeeping_every: dt.timedelta = HOUSEKEEPING_EVERY,
        observer: DeliveryObserver | None = None,
        alert: OutageAlert | None = None,
        alert_after: dt.timedelta = ALERT_AFTER,
        lease: dt.timedelta = LEASE,
        heartbeat_every: float | None = None,
        retry_for: dt.timedelta = RETRY_FOR,
    ) -> None:
        self.engine = engine
        self.senders = dict(senders)
        self.clock = clock or SystemClock()
        self.housekeeping = housekeeping
        self.housekeeping_every = housekeeping_every
        self._housekeeping_next: dt.datetime | None = None
        self.observer = observer
        self.alert, self.alert_after = alert, alert_after
        self.lease, self.retry_for = lease, retry_for
        # Real seconds between lease renewals while a send runs: three per lease.
        self.heartbeat_every = heartbeat_every or lease.total_seconds() / 3
        self._failing: set[str] = set()  # senders with rows backing off (seen by this worker)
        self.pacer = Pacer()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def register(self, sender: Sender) -> None:
        """Add or replace a sender."""
        self.senders[sender.name] = sender

    def run_once(self, limit: int = 50, max_passes: int = 20) -> int:
        """Deliver what is due now; returns how many rows were attempted.

        A pass claims at most one row per recipient (order), so the next part of a message
        becomes due only when the previous one went out: passes repeat while rows are claimed.
        """
        now = self.clock.now()
        self._housekeep(now)
        total = 0
        for _ in range(max_passes):
            with Session(self.engine, expire_on_commit=False) as session:
                rows = claim_due(session=session, now=now, limit=limit, lease=self.lease)
            for row in rows:
                self._deliver(row, now)
            total += len(rows)
            if not rows:
                break
        return total

    def _housekeep(self, now: dt.datetime) -> None:
        # Throttled: sweeping is a few queries, but a worker polls every 2 seconds.
        if self.housekeeping is None:
            return
        if self._housekeeping_next is not None and now < self._housekeeping_next:
            return
        self._housekeeping_next = now + self.housekeeping_every
        try:
            self.housekeeping(self.engine, now)
        except Exception:  # housekeeping must never stop deliveries
            logger.exception("outbox worker housekeeping failed")

    def _send(
        self, sender: Sender | None, row: OutboxMessage, payload: Mapping[str, Any] | None = None
    ) -> str | None:
        """Send while a heartbeat renews the row's lease, so no other worker takes it over."""
        if sender is None:
            raise TemporaryFailure(f"sender {row.sender!r} is not configured")
        done = threading.Event()

        def beat() -> None:
            while not done.wait(self.heartbeat_every):
                try:
                    with Session(self.engine) as session:
                        renew_lease(
                            session=session, row_id=row.id or 0, until=self.clock.now() + self.lease
                        )
                except Exception:  # the next beat tries again; the lease covers two misses
                    logger.warning("outbox %s: lease renewal failed", row.id, exc_info=True)

        heart = threading.Thread(target=beat, name=f"tmbot-lease-{row.id}", daemon=True)
        heart.start()
        try:
            via = sender.send(row.recipient, row.payload if payload is None else payload)
        finally:
            done.set()
            heart.join()
        return via if isinstance(via, str) else None

    def _paced(
        self, sender: Sender | None, row: OutboxMessage, now: dt.datetime
    ) -> tuple[bool, Mapping[str, Any] | None, list[OutboxMessage]]:
        """(go, payload, batch) for a sender with a rate: wait for a free slot, and on the
        window's last slot fold the recipient's due backlog into this one message."""
        rate = getattr(sender, "rate", None)
        if sender is None or rate is None:
            return True, None, []
        free_at = self.pacer.free_at(row.sender, rate, now)
        if free_at is not None:  # over the rate: the row keeps its place until a slot frees
            with Session(self.engine) as session:
                held = session.merge(row)
                held.status, held.next_attempt_at = "pending", free_at
                session.commit()
            logger.info(
                "outbox %s (%s): rate reached; next slot at %s", row.id, row.sender, free_at
            )
            return False, None, []
        self.pacer.record(row.sender, now)
        combine = getattr(sender, "combine", None)
        if combine is None or self.pacer.remaining(row.sender, rate, now) > 0:
            return True, None, []
        with Session(self.engine, expire_on_commit=False) as session:
            backlog = claim_backlog(session=session, row=row, now=now, lease=self.lease, limit=50)
        if not backlog:
            return True, None, []
        payload, used = combine([row.payload, *(r.payload for r in backlog)])
        batch, spare = backlog[: used - 1], backlog[used - 1 :]
        self._release(spare, now)
        logger.info("outbox %s (%s): %d notices combined (rate)", row.id, row.sender, used)
        return True, payload, batch

    def _release(self, rows: list[OutboxMessage], when: dt.datetime) -> None:
        if not rows:
            return
        with Session(self.engine) as session:
            for spare in rows:
                back = session.merge(spare)
                back.status, back.next_attempt_at = "pending", when
            session.commit()

    def _deliver(self, row: OutboxMessage, now: dt.datetime) -> None:
        sender = self.senders.get(row.sender)
        go, payload, batch = self._paced(sender, row, now)
        if not go:
            return
        # The send runs outside any transaction of ours (a slow remote holds no database lock).
        failure: Exception | None = None
        via: str | None = None
        try:
            via = self._send(sender, row, payload)
        except Exception as exc:  # recorded below
            failure = exc
        if failure is not None:
            self._release(batch, now)  # the combined rows go again on their own
        elif batch:
            with Session(self.engine, expire_on_commit=False) as session:
                for part in batch:
                    mark_sent(session=session, row=session.merge(part), now=now, via="batch")
                session.commit()
        with Session(self.engine, expire_on_commit=False) as session:
            row = session.merge(row)
            if isinstance(failure, WaitForUser):
                logger.info("outbox %s: waiting for the user: %s", row.id, failure)
                mark_waiting(session=session, row=row, reason=str(failure))
            elif isinstance(failure, PermanentFailure):
                logger.warning("outbox %s: permanent failure: %s", row.id, failure)
                mark_failed(session=session, row=row, error=str(failure))
            elif failure is not None:  # any other error is worth another try
                self._retry(session, row, now, failure)
            else:
                recovered = row.failing_since is not None or row.sender in self._failing
                mark_sent(session=session, row=row, now=now, via=via)
                if recovered:  # the sender answers again: what it held back goes out now
                    self._failing.discard(row.sender)
                    due = retry_now(session=session, sender=row.sender, now=now)
                    logger.info("outbox: %s answers again; %d held rows due now", row.sender, due)
            if self.observer is not None:
                try:
                    with session.begin_nested():
                        self.observer(session, row, now)
                except Exception:  # a failed confirmation must not undo the delivery record
                    logger.exception("outbox %s: delivery observer failed", row.id)
            session.commit()

    def _retry(
        self, session: Session, row: OutboxMessage, now: dt.datetime, exc: Exception
    ) -> None:
        retry_after = getattr(exc, "retry_after", None)
        delay = dt.timedelta(seconds=retry_after) if retry_after else backoff(row.attempts)
        mark_retry(
            session=session, row=row, now=now, error=str(exc), delay=delay, retry_for=self.retry_for
        )
        since = row.failing_since or now
        if row.status == "failed":
            logger.error(
                "outbox %s (%s): gave up after %d attempts, failing since %s: %s",
                row.id, row.sender, row.attempts, since.isoformat(timespec="seconds"), exc,
            )  # fmt: skip
            return
        self._failing.add(row.sender)
        logger.warning(
            "outbox %s (%s): attempt %d failed: %s; next try at %s (failing since %s)",
            row.id, row.sender, row.attempts, exc,
            row.next_attempt_at.isoformat(timespec="seconds"), since.isoformat(timespec="seconds"),
        )  # fmt: skip
        if self.alert is not None and now - since >= self.alert_after:
            try:
                with session.begin_nested():
                    self.alert(session, row.sender, row.recipient, since, now)
            except Exception:  # the alert is best effort; the row itself keeps retrying
                logger.exception("outbox %s: outage alert failed", row.id)

    def start(self, interval: float = 2.0) -> None:
        """Poll in a background thread until `stop`."""

        def loop() -> None:
            while not self._stop.is_set():
                try:
                    self.run_once()
                except Exception:
                    logger.exception("outbox worker pass failed")
                self._stop.wait(interval)

        self._thread = threading.Thread(target=loop, name="tmbot-outbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the background thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
