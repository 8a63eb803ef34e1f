"""Handoff housekeeping: one SLA alert per late ticket, auto-close of resolved tickets never rated,
and the outbox worker running it at most once a minute. Fixed clocks only, no sleeps."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime, build_runtime
from bot.core.settings import Settings
from bot.delivery.worker import OutboxWorker
from bot.handoff import helpdesk
from bot.handoff.sweep import housekeeping_for, sweep
from storage.tickets import Ticket, get_ticket
from tests.support.dialog import say
from tests.support.handoff import deliver_all, outbox_rows, tickets, with_notifiers
from webhook import create_app

SHANGHAI = ZoneInfo("Asia/Shanghai")
NUMBER = "T-2026-000001"


def station(*args: int) -> dt.datetime:
    """A station-local wall time, as the UTC instant the code works with."""
    return dt.datetime(*args, tzinfo=SHANGHAI).astimezone(dt.UTC)  # type: ignore[misc]


@pytest.fixture
def rt(settings: Settings, clock: FixedClock) -> Iterator[Runtime]:
    """A runtime whose staff notifiers are all configured (Telegram group, WeCom, 2 e-mails)."""
    runtime = build_runtime(with_notifiers(settings), clock=clock)
    yield runtime
    runtime.engine.dispose()


def _open(rt: Runtime, clock: FixedClock, at: dt.datetime, user: str = "u1") -> Ticket:
    clock.at = at
    say(rt.conversation, "转人工，我的商标被抢注了怎么办", user=user)
    return tickets(rt)[-1]


def _sweep(rt: Runtime, at: dt.datetime) -> tuple[list[str], list[str]]:
    report = sweep(rt.engine, rt.settings, at)
    assert report.failed == []
    return report.alerted, report.closed


def _alerts(rt: Runtime) -> list[tuple[str, str]]:
    return [
        (r.sender, r.recipient) for r in outbox_rows(rt) if r.payload.get("event") == "sla_breach"
    ]


def _ticket(rt: Runtime, number: str = NUMBER) -> Ticket:
    with Session(rt.engine) as session:
        ticket = get_ticket(session=session, number=number)
        assert ticket is not None
        return ticket


def _staff(rt: Runtime, action: str, at: dt.datetime, number: str = NUMBER, **kw: str) -> None:
    with Session(rt.engine) as session:
        ticket = get_ticket(session=session, number=number)
        assert ticket is not None
        getattr(helpdesk, action)(session=session, ticket=ticket, staff="wang", now=at, **kw)
        session.commit()


# -- SLA breach alerts ------------------------------------------------------------------------


def test_late_ticket_alerts_every_notifier_once(rt: Runtime, clock: FixedClock) -> None:
    ticket = _open(rt, clock, station(2026, 11, 25, 10, 0))  # Wednesday: due 12:00
    assert ticket.first_response_due == station(2026, 11, 25, 12, 0)
    assert _sweep(rt, station(2026, 11, 25, 12, 0)) == ([], [])  # due, not yet late
    late = station(2026, 11, 25, 12, 1)
    assert _sweep(rt, late) == ([NUMBER], [])
    assert _alerts(rt) == [
        ("telegram", "-1001111111111"),
        ("wecom", "group"),
        ("email", "duty@station.example.cn"),
        ("email", "lead@station.example.cn"),
    ]
    alert = next(r for r in outbox_rows(rt, "email") if r.payload["event"] == "sla_breach")
    text = str(alert.payload["text"])
    assert text.startswith(f"【超时未响应 SLA breached】{NUMBER}")
    assert "用户已等待 2小时1分钟" in text and "has waited 2 h 1 min" in text
    assert "今天 12:00" in text and "today 12:00" in text
    assert "问题：我的商标被抢注了怎么办" in text and "Question: 我的商标被抢注了怎么办" in text
    assert "尚无人认领" in text and "Nobody has claimed it" in text
    assert alert.payload["subject"] == f"[tmbot] 超时未响应 SLA breached {NUMBER}"
    assert alert.dedupe_key == f"ticket:{NUMBER}:sla_breach:email:duty@station.example.cn"
    [telegram] = [r for r in outbox_rows(rt, "telegram") if r.payload["event"] == "sla_breach"]
    assert telegram.payload["choices"] == [
        {"label": "认领 Claim", "payload": f"ticket:claim:{NUMBER}"}
    ]
    assert _ticket(rt).sla_alerted_at == late

    assert _sweep(rt, late + dt.timedelta(minutes=1)) == ([], [])  # once per ticket
    assert _sweep(rt, late + dt.timedelta(days=3)) == ([], [])
    assert len(_alerts(rt)) == 4


def test_claimed_but_unanswered_ticket_names_its_owner(rt: Runtime, clock: FixedClock) -> None:
    _open(rt, clock, station(2026, 11, 25, 10, 0))
    with Session(rt.engine) as session:
        ticket = get_ticket(session=session, number=NUMBER)
        assert ticket is not None
        helpdesk.claim(session=session, ticket=ticket, staff="wang", now=station(2026, 11, 25, 11))
        session.commit()
    assert _sweep(rt, station(2026, 11, 25, 13, 0)) == ([NUMBER], [])
    [alert] = [r for r in outbox_rows(rt, "wecom") if r.payload["event"] == "sla_breach"]
    assert "认领人：wang" in alert.payload["text"] and "Claimed by wang" in alert.payload["text"]
    assert "choices" not in alert.payload  # nothing left to claim


def test_no_alert_once_staff_replied(rt: Runtime, clock: FixedClock) -> None:
    _open(rt, clock, station(2026, 11, 25, 10, 0))
    _staff(rt, "reply", station(2026, 11, 25, 11, 59), text="您好，我来看一下。")
    deliver_all(rt, FixedClock(station(2026, 11, 25, 11, 59)))  # delivered: the first response
    assert _ticket(rt).first_response_at == station(2026, 11, 25, 11, 59)
    assert _sweep(rt, station(2026, 11, 25, 15, 0)) == ([], [])
    # The user writes again (staff's turn) long after: the first response was on time.
    say(rt.conversation, "还在吗？", user="u1")
    assert _ticket(rt).status == "claimed"
    assert _sweep(rt, station(2026, 11, 26, 15, 0)) == ([], [])
    assert _alerts(rt) == [] and _ticket(rt).sla_alerted_at is None


def test_no_alert_for_a_ticket_the_user_closed(rt: Runtime, clock: FixedClock) -> None:
    _open(rt, clock, station(2026, 11, 25, 10, 0))
    say(rt.conversation, "结束", user="u1")
    assert _sweep(rt, station(2026, 11, 25, 15, 0)) == ([], [])


def test_due_time_counts_working_minutes_over_a_weekend(rt: Runtime, clock: FixedClock) -> None:
    ticket = _open(rt, clock, station(2026, 11, 27, 17, 0))  # Friday: 30 minutes left that day
    assert ticket.first_response_due == station(2026, 11, 30, 10, 30)  # Monday, +90 minutes
    for quiet in [station(2026, 11, 27, 19, 0), station(2026, 11, 29, 12, 0)]:
        assert _sweep(rt, quiet) == ([], [])  # Friday evening, Sunday
    assert _sweep(rt, station(2026, 11, 30, 10, 30)) == ([], [])
    assert _sweep(rt, station(2026, 11, 30, 10, 31)) == ([NUMBER], [])
    text = str(outbox_rows(rt, "wecom")[-1].payload["text"])
    assert "用户已等待 2天17小时" in text and "has waited 2 d 17 h" in text


def test_due_time_skips_public_holidays(rt: Runtime, clock: FixedClock) -> None:
    ticket = _open(rt, clock, station(2026, 9, 30, 17, 0))  # before National Day, 1-7 October
    assert ticket.first_response_due == station(2026, 10, 8, 10, 30)
    assert _sweep(rt, station(2026, 10, 5, 10, 31)) == ([], [])  # a Monday, but a holiday
    assert _sweep(rt, station(2026, 10, 8, 10, 29)) == ([], [])
    assert _sweep(rt, station(2026, 10, 8, 10, 31)) == ([NUMBER], [])


def test_english_user_gets_the_same_bilingual_staff_alert(rt: Runtime, clock: FixedClock) -> None:
    clock.at = station(2026, 11, 25, 10, 0)
    say(rt.conversation, "transfer me to a human: my trademark was copied", user="bob")
    assert _sweep(rt, station(2026, 11, 25, 12, 30)) == ([NUMBER], [])
    text = str(outbox_rows(rt, "wecom")[-1].payload["text"])
    assert "用户已等待 2小时30分钟" in text and "Question: my trademark was copied" in text


def test_two_sweeps_at_once_alert_once(rt: Runtime, clock: FixedClock) -> None:
    for i in range(5):
        _open(rt, clock, station(2026, 11, 25, 10, 0), user=f"u{i}")
    now = station(2026, 11, 25, 14, 0)
    barrier = threading.Barrier(2)
    reports = []

    def run() -> None:
        barrier.wait()
        reports.append(sweep(rt.engine, rt.settings, now))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert [r.failed for r in reports] == [[], []]
    alerted = sorted(n for r in reports for n in r.alerted)
    assert alerted == [f"T-2026-{n:06d}" for n in range(1, 6)]
    assert len(_alerts(rt)) == 5 * 4


def test_two_workers_racing_on_one_ticket_alert_once(rt: Runtime, clock: FixedClock) -> None:
    # Both have loaded the ticket before either writes: only the compare-and-set decides.
    _open(rt, clock, station(2026, 11, 25, 10, 0))
    now = station(2026, 11, 25, 14, 0)
    barrier = threading.Barrier(2)
    wins: list[bool] = []

    def alert() -> None:
        with Session(rt.engine) as session:
            ticket = get_ticket(session=session, number=NUMBER)
            assert ticket is not None
            barrier.wait()
            wins.append(
                helpdesk.alert_sla_breach(
                    session=session, settings=rt.settings, ticket=ticket, now=now
                )
            )
            session.commit()

    threads = [threading.Thread(target=alert) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(wins) == [False, True]
    assert len(_alerts(rt)) == 4


def test_a_second_alert_of_a_ticket_fails_on_the_outbox_dedupe_key(
    rt: Runtime, clock: FixedClock
) -> None:
    _open(rt, clock, station(2026, 11, 25, 10, 0))
    with Session(rt.engine) as session:
        ticket = get_ticket(session=session, number=NUMBER)
        assert ticket is not None
        kw = {"settings": rt.settings, "ticket": ticket, "event": "sla_breach", "body": "x"}
        helpdesk.notify_staff(session=session, once=True, **kw)
        with pytest.raises(IntegrityError):
            helpdesk.notify_staff(session=session, once=True, **kw)


# -- auto-close of resolved tickets never rated ----------------------------------------------


def test_resolved_unrated_ticket_closes_after_the_configured_days(
    rt: Runtime, clock: FixedClock
) -> None:
    _open(rt, clock, station(2026, 11, 25, 10, 0))
    resolved = station(2026, 11, 25, 11, 0)
    _staff(rt, "resolve", resolved, note="已解答")
    assert rt.settings.handoff_autoclose_days == 7
    assert _sweep(rt, resolved + dt.timedelta(days=7, minutes=-1)) == ([], [])
    assert _ticket(rt).status == "resolved"
    closing = resolved + dt.timedelta(days=7)
    assert _sweep(rt, closing) == ([], [NUMBER])
    ticket = _ticket(rt)
    assert (ticket.status, ticket.close_reason, ticket.closed_at) == (
        "closed",
        "auto_unrated",
        closing,
    )
    assert ticket.rating is None and ticket.resolved_at == resolved
    assert _sweep(rt, closing + dt.timedelta(days=30)) == ([], [])
    assert len(outbox_rows(rt, "test")) == 1  # the resolution; closing is silent for the user


def test_rated_and_closed_tickets_are_left_alone(rt: Runtime, clock: FixedClock) -> None:
    for user in ("rated", "ended", "reopened", "open"):
        _open(rt, clock, station(2026, 11, 25, 10, 0), user=user)
    at = station(2026, 11, 25, 11, 0)
    _staff(rt, "resolve", at, number="T-2026-000001", note="ok")
    clock.at = at
    say(rt.conversation, "5", user="rated")  # the rating closes it
    say(rt.conversation, "结束", user="ended")
    _staff(rt, "resolve", at, number="T-2026-000003", note="ok")
    _staff(rt, "reopen", at + dt.timedelta(hours=1), number="T-2026-000003")
    _staff(rt, "reply", at, number="T-2026-000004", text="在看")
    deliver_all(rt, FixedClock(at + dt.timedelta(hours=1)))
    assert _sweep(rt, at + dt.timedelta(days=60)) == ([], [])
    found = {t.user_ref: (t.status, t.close_reason) for t in tickets(rt)}
    assert found == {
        "rated": ("closed", "rated"),
        "ended": ("closed", "user"),
        "reopened": ("claimed", None),
        "open": ("waiting_user", None),
    }


def test_autoclose_days_setting_and_zero_turns_it_off(rt: Runtime, clock: FixedClock) -> None:
    _open(rt, clock, station(2026, 11, 25, 10, 0))
    resolved = station(2026, 11, 25, 11, 0)
    _staff(rt, "resolve", resolved, note="已解答")
    never = rt.settings.model_copy(update={"handoff_autoclose_days": 0})
    assert sweep(rt.engine, never, resolved + dt.timedelta(days=365)).closed == []
    two_days = rt.settings.model_copy(update={"handoff_autoclose_days": 2})
    assert sweep(rt.engine, two_days, resolved + dt.timedelta(days=1)).closed == []
    assert sweep(rt.engine, two_days, resolved + dt.timedelta(days=2)).closed == [NUMBER]


def test_autoclose_days_cannot_be_negative() -> None:
    with pytest.raises(ValueError, match="handoff_autoclose_days"):
        Settings(handoff_autoclose_days=-1)


# -- the outbox worker's hook ------------------------------------------------------------------


class Recorder:
    name = "telegram"

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, recipient: str, payload: dict[str, object]) -> None:
        self.sent.append(str(payload["text"]))


def test_worker_sweeps_and_delivers_the_alert_in_one_pass(rt: Runtime, clock: FixedClock) -> None:
    _open(rt, clock, station(2026, 11, 25, 10, 0))
    telegram = Recorder()
    worker_clock = FixedClock(station(2026, 11, 25, 11, 0))
    worker = OutboxWorker(
        rt.engine,
        {"telegram": telegram},
        clock=worker_clock,
        housekeeping=housekeeping_for(rt.settings),
    )

    def alerts_sent() -> int:
        return sum("超时未响应 SLA breached" in text for text in telegram.sent)

    worker.run_once()  # not late yet
    assert alerts_sent() == 0 and _alerts(rt) == []
    worker_clock.at = station(2026, 11, 25, 12, 5)
    worker.run_once()
    assert alerts_sent() == 1
    worker_clock.at = station(2026, 11, 25, 12, 30)
    worker.run_once()
    assert alerts_sent() == 1 and len(_alerts(rt)) == 4


def test_worker_housekeeping_runs_at_most_once_a_minute(runtime: Runtime) -> None:
    t0 = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)
    clock = FixedClock(t0)
    calls: list[dt.datetime] = []
    worker = OutboxWorker(
        runtime.engine, {}, clock=clock, housekeeping=lambda _engine, now: calls.append(now)
    )
    for seconds in (0, 2, 30, 59, 60, 61, 119, 125):
        clock.at = t0 + dt.timedelta(seconds=seconds)
        worker.run_once()
    assert [int((c - t0).total_seconds()) for c in calls] == [0, 60, 125]


def test_failing_housekeeping_does_not_stop_deliveries(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    from storage.outbox import enqueue

    with Session(runtime.engine) as session:
        enqueue(session=session, sender="telegram", recipient="1", payload={"text": "hi"})
        session.commit()

    def broken(_engine: object, _now: dt.datetime) -> None:
        raise RuntimeError("database hiccup")

    telegram = Recorder()
    worker = OutboxWorker(runtime.engine, {"telegram": telegram}, housekeeping=broken)
    assert worker.run_once() == 1 and telegram.sent == ["hi"]
    assert "housekeeping failed" in caplog.text


def test_the_server_worker_sweeps_its_own_database(rt: Runtime, clock: FixedClock) -> None:
    # `tmbot serve`: the app's worker carries the sweep with the app's settings.
    _open(rt, clock, station(2026, 11, 25, 10, 0))
    with TestClient(create_app(rt.settings, runtime=rt)) as client:
        clock.at = station(2026, 11, 25, 13, 0)
        client.app.state.worker.run_once()
    assert _ticket(rt).sla_alerted_at == station(2026, 11, 25, 13, 0)
    assert len(_alerts(rt)) == 4  # Telegram group, WeCom, two e-mails
