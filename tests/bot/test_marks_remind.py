"""Renewal reminders: every milestone with a fixed clock, holidays, consent, exactly once."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from bot.core.runtime import Runtime
from bot.marks.remind import Sent, run_reminders
from bot.marks.schedule import Tables, milestones
from storage.marks import STATION, Mark, MarkReminder
from storage.outbox import OutboxMessage

TZ = ZoneInfo("Asia/Shanghai")


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ).astimezone(dt.UTC)


def _add(runtime: Runtime, **fields: object) -> int:
    values: dict[str, object] = {
        "owner_channel": "telegram",
        "owner_ref": "42",
        "registration_number": "12345678",
        "name": "华星",
        "classes": "9;35",
        "expiry_date": dt.date(2026, 2, 28),
        "consent": True,
        "lang": "zh",
    } | fields
    with Session(runtime.engine) as session:
        mark = Mark(**values)  # type: ignore[arg-type]
        session.add(mark)
        session.commit()
        assert mark.id is not None
        return mark.id


def _run(runtime: Runtime, day: dt.date, hour: int = 10) -> list[Sent]:
    return run_reminders(runtime.engine, runtime.settings, _at(day, hour), today=day)


def _outbox(runtime: Runtime) -> list[OutboxMessage]:
    with Session(runtime.engine) as session:
        query = select(OutboxMessage).where(OutboxMessage.ref_kind == "mark")
        return list(session.exec(query.order_by(OutboxMessage.id)))


def test_a_29_february_registration_walks_through_every_milestone(runtime: Runtime) -> None:
    # Registered 2016-02-29: the term ends 2026-02-28 (no 29th), a make-up working day, so the
    # last day without surcharge stays 2026-02-28; the grace period ends 2026-08-28 (Friday).
    _add(runtime, registration_date=dt.date(2016, 2, 29), expiry_date=dt.date(2026, 2, 28))
    expected = [
        ("window", dt.date(2025, 3, 1)),
        ("6m", dt.date(2025, 8, 28)),
        ("2m", dt.date(2025, 12, 28)),
        ("2w", dt.date(2026, 2, 14)),
        ("expiry", dt.date(2026, 3, 1)),
        ("grace-2m", dt.date(2026, 6, 28)),
        ("grace-2w", dt.date(2026, 8, 14)),
    ]
    tables = Tables.load()
    assert [(m.key, m.due) for m in milestones(dt.date(2026, 2, 28), tables)] == expected
    assert _run(runtime, dt.date(2025, 2, 28)) == []  # the day before the window opens
    for key, day in expected:
        assert _run(runtime, day - dt.timedelta(days=1)) == []
        sent = _run(runtime, day)
        assert [(s.mark, s.milestone, s.channel) for s in sent] == [("12345678", key, "telegram")]
        assert _run(runtime, day) == []  # never twice
    assert _run(runtime, dt.date(2026, 8, 29)) == []  # grace period over: lapsed, no reminder
    rows = _outbox(runtime)
    assert [r.payload["milestone"] for r in rows] == [k for k, _ in expected]
    assert {r.sender for r in rows} == {"telegram"} and {r.recipient for r in rows} == {"42"}
    window, grace = rows[0].payload, rows[4].payload
    assert "续展期：2025-03-01 至 2026-02-28" in window["text"]
    assert "官费：" in window["text"] and "迟延" not in window["text"].split("官费：")[1]
    assert "宽展期最后一天 2026-08-28（还有180天）" in grace["text"]
    assert "迟延" in grace["text"].split("官费：")[1]  # the late surcharge in the fee
    assert [c["payload"] for c in grace["choices"]] == [
        "book:start",
        f"marks:renewed:{rows[0].ref_id}",
        f"marks:stop:{rows[0].ref_id}",
    ]
    assert grace["notice"] == {"thing1": "商标12345678续展截止8月28日"}  # 20 characters at most


def test_deadlines_moved_by_a_holiday(runtime: Runtime) -> None:
    # Expiry on 3 October 2026 (National Day): the last day without surcharge moves to 8 October.
    _add(runtime, expiry_date=dt.date(2026, 10, 3), lang="en")
    sent = _run(runtime, dt.date(2026, 10, 8))
    assert [s.milestone for s in sent] == ["2w"]
    assert _run(runtime, dt.date(2026, 10, 9))[0].milestone == "expiry"
    text = _outbox(runtime)[0].payload["text"]
    assert "last day without surcharge 2026-10-08 (0 days left)" in text
    assert "National Day" in text


def test_a_mark_added_late_gets_only_its_current_milestone(runtime: Runtime) -> None:
    _add(runtime, expiry_date=dt.date(2027, 1, 10))
    assert [s.milestone for s in _run(runtime, dt.date(2026, 12, 4))] == ["2m"]
    assert _run(runtime, dt.date(2026, 12, 5)) == []


def test_consent_is_respected(runtime: Runtime) -> None:
    _add(runtime, consent=False, registration_number="11111111")
    _add(runtime, consent=True, registration_number="22222222", owner_channel="wechat")
    _add(runtime, status="stopped", registration_number="33333333")
    _add(runtime, status="renewed", registration_number="44444444")
    sent = _run(runtime, dt.date(2026, 1, 5))
    assert [(s.mark, s.channel) for s in sent] == [("22222222", "wechat")]
    assert [r.recipient for r in _outbox(runtime)] == ["42"]


def test_station_marks_go_by_email_or_become_call_tasks(runtime: Runtime) -> None:
    runtime.settings.smtp_host = "smtp.example.cn"
    common = {"owner_channel": STATION, "owner_ref": STATION, "consent": False}
    _add(runtime, **common, registration_number="55555555", email="ip@acme.cn", enterprise="Acme")
    _add(runtime, **common, registration_number="66666666", phone="13800000000", enterprise="B")
    sent = _run(runtime, dt.date(2026, 1, 5))
    assert sorted((s.mark, s.channel, s.owner) for s in sent) == [
        ("55555555", "email", "Acme"),
        ("66666666", "call", "B"),
    ]
    [mail] = _outbox(runtime)
    assert (mail.sender, mail.recipient) == ("email", "ip@acme.cn")
    assert "商标续展提醒" in mail.payload["subject"]
    with Session(runtime.engine) as session:
        call = session.exec(select(MarkReminder).where(MarkReminder.channel == "call")).one()
    assert call.outbox_id is None and call.milestone == "2m"


def test_reminders_wait_for_working_hours(runtime: Runtime) -> None:
    _add(runtime)
    # Saturday 2026-01-10, 03:00 at the station: sent Monday 2026-01-12 at 09:00.
    run_reminders(
        runtime.engine, runtime.settings, _at(dt.date(2026, 1, 10), 3), today=dt.date(2026, 1, 10)
    )
    [row] = _outbox(runtime)
    assert row.next_attempt_at == dt.datetime(2026, 1, 12, 9, tzinfo=TZ).astimezone(dt.UTC)


def test_dry_run_writes_nothing(runtime: Runtime) -> None:
    _add(runtime)
    day = dt.date(2026, 1, 5)
    sent = run_reminders(runtime.engine, runtime.settings, _at(day), today=day, dry_run=True)
    assert [s.milestone for s in sent] == ["2m"]
    assert _outbox(runtime) == []
    assert [s.milestone for s in _run(runtime, day)] == ["2m"]


@pytest.mark.parametrize("marks", [1, 30])
def test_two_concurrent_passes_queue_each_reminder_once(runtime: Runtime, marks: int) -> None:
    for i in range(marks):
        _add(runtime, registration_number=f"{10000000 + i}")
    day, barrier = dt.date(2026, 1, 5), threading.Barrier(2)
    results: list[list[Sent]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(_run(runtime, day))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(len(r) for r in results) == marks  # each reminder reported by one pass only
    rows = _outbox(runtime)
    assert len(rows) == marks
    assert len({r.dedupe_key for r in rows}) == marks


def test_the_housekeeping_hook_sends_reminders(runtime: Runtime) -> None:
    from bot.handoff.sweep import housekeeping_for

    _add(runtime)
    hook = housekeeping_for(runtime.settings)
    hook(runtime.engine, _at(dt.date(2026, 1, 5)))
    assert [r.payload["milestone"] for r in _outbox(runtime)] == ["2m"]
    # Hourly: a pass a minute later does not scan again; the next hour's does.
    hook(runtime.engine, _at(dt.date(2026, 1, 5)) + dt.timedelta(minutes=1))
    with Session(runtime.engine) as session:
        mark = session.exec(select(Mark)).one()
        mark.expiry_date = dt.date(2026, 1, 19)  # now 2 weeks from 5 January
        session.add(mark)
        session.commit()
    hook(runtime.engine, _at(dt.date(2026, 1, 5)) + dt.timedelta(minutes=2))
    assert len(_outbox(runtime)) == 1
    hook(runtime.engine, _at(dt.date(2026, 1, 5)) + dt.timedelta(hours=1))
    assert [r.payload["milestone"] for r in _outbox(runtime)] == ["2m", "2w"]
