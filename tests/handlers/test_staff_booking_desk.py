"""Bookings at the desk: the filter form's Show button with every filter, a booking for a caller,
reschedule and cancel with a reason told to the user on their channel, the week view, and form
errors as bilingual messages on the page (never JSON)."""

from __future__ import annotations

import itertools

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from bot.core.runtime import Runtime
from storage.bookings import Booking
from storage.outbox import OutboxMessage
from tests.support.accounts import signed_in
from tests.support.booking import book_through


def _bookings(runtime: Runtime) -> list[Booking]:
    with Session(runtime.engine) as session:
        return list(session.exec(select(Booking).order_by(col(Booking.id))))


def _to_user(runtime: Runtime, code: str) -> list[str]:
    with Session(runtime.engine) as session:
        rows = session.exec(
            select(OutboxMessage).where(
                OutboxMessage.ref_kind == "booking",
                OutboxMessage.ref_id == code,
                OutboxMessage.sender == "telegram",
            )
        )
        return [str(r.payload.get("text", "")) for r in rows]


def test_show_button_works_with_every_filter(client: TestClient, runtime: Runtime) -> None:
    book_through(runtime.conversation)
    code = _bookings(runtime)[0].code
    signed_in(client, runtime, "staff")
    for day, days, expert, status in itertools.product(
        ("2026-11-26", ""), ("1", "7"), ("", "1"), ("all", "active", "attended", "no_show", "")
    ):
        params = {"day": day, "days": days, "expert": expert, "status": status}
        resp = client.get("/staff/bookings", params=params)
        assert resp.status_code == 200, (params, resp.text[:200])
        assert resp.headers["content-type"].startswith("text/html")
        if day and status in ("all", "active", ""):
            assert code in resp.text, params
    assert client.get("/staff/bookings?day=junk&days=99&expert=x").status_code == 200
    assert client.get("/staff/bookings/export.csv?expert=&day=").status_code == 200


def test_book_for_a_caller_and_form_errors_on_the_page(
    client: TestClient, runtime: Runtime
) -> None:
    token = signed_in(client, runtime, "staff")
    form = client.get("/staff/bookings/new?expert=1").text
    slot = form.split('name="slot"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    data = {"csrf_token": token, "expert": "1", "slot": slot, "topic": "renewal"}
    bad = client.post("/staff/bookings/new", data={**data, "name": "李四", "phone": "12"})
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("text/html")
    assert "请填写有效电话号码 / Enter a valid phone number" in bad.text
    assert 'value="李四"' in bad.text  # the form comes back filled in
    ok = client.post(
        "/staff/bookings/new",
        data={**data, "name": "李四", "phone": "138 0000 1111", "company": "来电客户"},
    )
    assert ok.status_code == 200 and "已预约" in ok.text
    (booking,) = _bookings(runtime)
    assert (booking.channel, booking.contact_name, booking.phone) == ("desk", "李四", "13800001111")
    taken = client.post(
        "/staff/bookings/new", data={**data, "name": "王五", "phone": "13900002222"}
    )
    assert taken.status_code == 400 and "That slot" in taken.text
    slot = client.get("/staff/bookings/new?expert=1").text.split('name="slot"', 1)[1]
    data["slot"] = slot.split('value="', 1)[1].split('"', 1)[0]
    bad = client.post("/staff/bookings/new", data={**data, "name": "赵六", "phone": "zhao@"})
    assert bad.status_code == 400 and "Enter a valid e-mail address" in bad.text
    ok = client.post(
        "/staff/bookings/new", data={**data, "name": "赵六", "phone": "Zhao.Liu@Example.com"}
    )
    assert ok.status_code == 200 and "已预约" in ok.text
    emailed = _bookings(runtime)[-1]
    assert (emailed.phone, emailed.email) == ("", "Zhao.Liu@example.com")
    assert "Zhao.Liu@example.com" in client.get("/staff/bookings?days=7").text


def test_reschedule_and_cancel_tell_the_user_why(client: TestClient, runtime: Runtime) -> None:
    book_through(runtime.conversation, channel="telegram", user="4242")
    code = _bookings(runtime)[0].code
    before = _bookings(runtime)[0].slot_start
    token = signed_in(client, runtime, "staff")
    page = client.get(f"/staff/bookings/{code}/move").text
    options = [p.split('"', 1)[0] for p in page.split('<option value="')[1:]]
    new = next(o for o in options if o and o != before.isoformat())
    no_reason = client.post(f"/staff/bookings/{code}/move", data={"csrf_token": token, "slot": new})
    assert no_reason.status_code == 400 and "请填写改期原因" in no_reason.text
    moved = client.post(
        f"/staff/bookings/{code}/move",
        data={"csrf_token": token, "slot": new, "reason": "专家临时出差"},
    )
    assert moved.status_code == 200 and "已改期" in moved.text
    assert _bookings(runtime)[0].slot_start != before
    told = [t for t in _to_user(runtime, code) if "已由指导站改到" in t]
    assert len(told) == 1 and "原因：专家临时出差。" in told[0]
    client.post(f"/staff/bookings/{code}/cancel", data={"csrf_token": token, "reason": "停电"})
    assert _bookings(runtime)[0].status == "cancelled"
    assert any("已由指导站取消。原因：停电。" in t for t in _to_user(runtime, code))


def test_week_view_per_expert(client: TestClient, runtime: Runtime) -> None:
    book_through(runtime.conversation)  # Thursday 26 Nov
    code = _bookings(runtime)[0].code
    signed_in(client, runtime, "staff")
    page = client.get("/staff/bookings/week", params={"expert": "1", "day": "2026-11-25"}).text
    assert "周一 Mon 11-23" in page and code in page
    other = client.get("/staff/bookings/week", params={"expert": "", "day": "2026-12-01"})
    assert other.status_code == 200 and code not in other.text
