"""Staff bookings pages, the expert admin forms and the .ics link, through the web app."""

from __future__ import annotations

import csv
import datetime as dt
import io

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from bot.booking.ics import ics_token
from bot.core.ports import FixedClock
from bot.core.runtime import Runtime
from storage.bookings import Booking
from storage.experts import AvailabilityException, AvailabilityRule, Expert
from storage.outbox import OutboxMessage
from tests.support.accounts import login, make_account, signed_in
from tests.support.booking import book_through
from tests.support.web import as_visitor, visitor_id


def _booking(runtime: Runtime) -> Booking:
    with Session(runtime.engine) as session:
        return session.exec(select(Booking)).one()


def test_ics_link_needs_the_right_token(client: TestClient, runtime: Runtime) -> None:
    book_through(runtime.conversation)
    code = _booking(runtime).code
    token = ics_token(runtime.settings, code)
    resp = client.get(f"/bookings/{code}.ics", params={"token": token})
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/calendar")
    assert f'filename="booking-{code}.ics"' in resp.headers["content-disposition"]
    assert "BEGIN:VCALENDAR" in resp.text and f"UID:{code}@tmbot" in resp.text
    for params in ({"token": "0" * 32}, {}):
        assert client.get(f"/bookings/{code}.ics", params=params).status_code == 404
    assert client.get("/bookings/B-22222.ics", params={"token": token}).status_code == 404
    assert client.get("/bookings/nonsense.ics").status_code == 422


def test_pages_need_a_login(client: TestClient) -> None:
    resp = client.get("/staff/bookings", follow_redirects=False)
    assert resp.status_code in (302, 303, 307) and "/login" in resp.headers["location"]
    assert client.get("/admin/experts", follow_redirects=False).status_code in (302, 303, 307)


def test_day_list_marks_and_notes(client: TestClient, runtime: Runtime, clock: FixedClock) -> None:
    book_through(runtime.conversation)  # Thursday 26 Nov 09:00
    code = _booking(runtime).code
    token = signed_in(client, runtime, "staff")
    page = client.get("/staff/bookings", params={"day": "2026-11-26"})
    assert page.status_code == 200
    assert code in page.text and "某某科技有限公司" in page.text and "13812345678" in page.text
    assert code not in client.get("/staff/bookings", params={"day": "2026-11-27"}).text
    assert code in client.get("/staff/bookings", params={"day": "2026-11-25", "days": 7}).text
    # not started yet: attended is refused
    client.post(f"/staff/bookings/{code}/mark", data={"status": "attended", "csrf_token": token})
    assert _booking(runtime).status == "active"
    clock.at = dt.datetime(2026, 11, 26, 1, 40, tzinfo=dt.UTC)
    resp = client.post(
        f"/staff/bookings/{code}/mark", data={"status": "no_show", "csrf_token": token}
    )
    assert resp.status_code == 200 and _booking(runtime).status == "no_show"
    client.post(
        f"/staff/bookings/{code}/note",
        data={
            "text": "宽展期内也可续展，需加收迟延费",
            "faq_candidate": "true",
            "csrf_token": token,
        },
    )
    booking = _booking(runtime)
    assert booking.note.startswith("宽展期") and booking.faq_candidate
    assert "宽展期内也可续展" in client.get("/staff/bookings/faq-candidates").text


def test_forms_without_csrf_are_refused(client: TestClient, runtime: Runtime) -> None:
    book_through(runtime.conversation)
    code = _booking(runtime).code
    signed_in(client, runtime, "staff")
    resp = client.post(f"/staff/bookings/{code}/cancel", data={})
    assert resp.status_code in (400, 403)
    assert _booking(runtime).status == "active"


def test_staff_cancel_tells_the_user(client: TestClient, runtime: Runtime) -> None:
    book_through(runtime.conversation, channel="web", user=visitor_id("webuser0001"))
    code = _booking(runtime).code
    token = signed_in(client, runtime, "staff")
    client.post(f"/staff/bookings/{code}/cancel", data={"csrf_token": token})
    assert _booking(runtime).status == "cancelled"
    client.app.state.worker.run_once()  # type: ignore[attr-defined]
    as_visitor(client, runtime.settings, "webuser0001")
    updates = client.get("/api/chat/updates").json()
    assert any("已由指导站取消" in u["text"] for u in updates)


def test_failed_reminders_are_shown_with_their_reason(client: TestClient, runtime: Runtime) -> None:
    book_through(runtime.conversation, channel="wechat", user="oWX1", confirm=False)
    from tests.support.dialog import say

    say(runtime.conversation, "确认", channel="wechat", user="oWX1")
    with Session(runtime.engine) as session:
        row = session.exec(select(OutboxMessage).where(OutboxMessage.sender == "wechat")).first()
        assert row is not None
        row.status, row.last_error = "failed", "48-hour window closed; no subscription consent"
        session.add(row)
        session.commit()
    signed_in(client, runtime, "staff")
    page = client.get("/staff/bookings", params={"day": "2026-11-26"}).text
    assert "无法送达" in page and "no subscription consent" in page


def test_csv_export(client: TestClient, runtime: Runtime) -> None:
    book_through(runtime.conversation, slot_index=0)
    book_through(runtime.conversation, user="u2")  # the next free slot
    signed_in(client, runtime, "staff")
    resp = client.get("/staff/bookings/export.csv", params={"day": "2026-11-25", "days": 7})
    assert resp.status_code == 200 and resp.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(resp.content.decode("utf-8-sig"))))
    assert [(r["date"], r["start"]) for r in rows] == [
        ("2026-11-26", "09:00"),
        ("2026-11-26", "09:40"),
    ]
    assert rows[0]["company"] == "某某科技有限公司" and rows[0]["status"] == "active"


def test_an_expert_sees_only_own_bookings(client: TestClient, runtime: Runtime) -> None:
    book_through(runtime.conversation, topic="renewal", expert="1")
    book_through(runtime.conversation, topic="renewal", expert="4", user="u2")
    with Session(runtime.engine) as session:
        wang = session.get(Expert, 1)
        assert wang is not None
        wang.account = "wang"
        session.add(wang)
        session.commit()
    make_account(runtime, "wang", "expert")
    login(client, "wang")
    page = client.get("/staff/bookings", params={"day": "2026-11-25", "days": 14}).text
    codes = {b.expert_id: b.code for b in _all(runtime)}
    assert codes[1] in page and codes[4] not in page
    assert client.get("/staff/bookings/faq-candidates").status_code == 403
    assert client.get("/admin/experts").status_code == 403


def _all(runtime: Runtime) -> list[Booking]:
    with Session(runtime.engine) as session:
        return list(session.exec(select(Booking)))


def test_admin_creates_and_edits_an_expert(client: TestClient, runtime: Runtime) -> None:
    token = signed_in(client, runtime, "admin")
    assert "王明远" in client.get("/admin/experts").text  # the demo set
    form = {
        "csrf_token": token,
        "name": "周律师",
        "organisation": "某律所",
        "specialties": ["renewal", "madrid"],
        "languages": ["zh"],
        "mode": "video",
        "location": "not a link",
        "availability": "wed 14:00-16:00 /30 +10",
        "active": "true",
    }
    bad = client.post("/admin/experts/new", data=form)
    assert bad.status_code == 400 and "meeting link" in bad.text and "周律师" in bad.text
    form["location"] = "https://meeting.example.cn/zhou"
    form["availability"] = "wed 16:00-14:00"
    assert "end must be after" in client.post("/admin/experts/new", data=form).text
    form["availability"] = "wed 14:00-16:00 /30 +10\nfri 09:00-10:00"
    resp = client.post("/admin/experts/new", data=form, follow_redirects=False)
    assert resp.status_code == 303
    expert_id = int(resp.headers["location"].rsplit("/", 1)[1])
    with Session(runtime.engine) as session:
        rules = session.exec(
            select(AvailabilityRule).where(AvailabilityRule.expert_id == expert_id)
        )
        assert sorted(r.weekday for r in rules) == [2, 4]
    page = client.get(f"/admin/experts/{expert_id}").text
    assert "wed 14:00-16:00 /30 +10" in page
    form.update(active="", availability="thu 09:00-10:00")
    client.post(f"/admin/experts/{expert_id}", data=form)
    client.post(
        f"/admin/experts/{expert_id}/exceptions",
        data={"csrf_token": token, "day": "2026-12-03", "kind": "leave"},
    )
    client.post(
        f"/admin/experts/{expert_id}/exceptions",
        data={"csrf_token": token, "day": "2026-12-05", "kind": "extra", "start": "10:00"},
    )
    with Session(runtime.engine) as session:
        expert = session.get(Expert, expert_id)
        assert expert is not None and not expert.active
        rules = list(
            session.exec(select(AvailabilityRule).where(AvailabilityRule.expert_id == expert_id))
        )
        assert [r.weekday for r in rules] == [3]
        exceptions = list(session.exec(select(AvailabilityException)))
        assert [(x.day.isoformat(), x.kind) for x in exceptions] == [("2026-12-03", "leave")]


def test_booking_through_the_web_chat_api(client: TestClient, runtime: Runtime) -> None:
    as_visitor(client, runtime.settings, "webuser0009")

    def post(text: str, choice: bool = True) -> dict:
        body = {"text": text, "is_choice": choice}
        resp = client.post("/api/chat", json=body)
        assert resp.status_code == 200, resp.text
        return resp.json()

    first = post("预约专家", choice=False)
    payloads = [c["payload"] for c in first["replies"][0]["choices"]]
    assert payloads[0] == "book:topic:registration" and payloads[-2:] == [
        "book:back",
        "book:cancel",
    ]
    post("book:topic:madrid")
    days = post("book:expert:3")  # 陈晓, by video
    slots = post(days["replies"][0]["choices"][0]["payload"])
    post(slots["replies"][0]["choices"][0]["payload"])
    for text in ("Acme Trading Ltd", "Alice Smith", "13912345678", "Which countries first"):
        post(text, choice=False)
    done = post("book:confirm")
    text = done["replies"][0]["text"]
    assert "By video: https://meeting.example.cn/tmbot-demo-chen" in text
    link = text.split("Calendar file: ")[1].split()[0]
    # Absolute (the request's base URL without TMBOT_PUBLIC_URL): it works copied elsewhere.
    assert link.startswith("http://testserver/bookings/B-") and ".ics?token=" in link
    assert client.get(link).status_code == 200


def test_expert_login_field_must_name_an_account(client: TestClient, runtime: Runtime) -> None:
    token = signed_in(client, runtime, "admin")
    form = {
        "csrf_token": token,
        "name": "吴专家",
        "specialties": ["renewal"],
        "languages": ["zh"],
        "mode": "phone",
        "availability": "wed 14:00-16:00",
        "active": "true",
        "account": "nobody-here",
    }
    bad = client.post("/admin/experts/new", data=form)
    assert bad.status_code == 400 and "登录账号 &#39;nobody-here&#39; 不存在" in bad.text
    make_account(runtime, "wu", "expert")
    form["account"] = "wu"
    assert client.post("/admin/experts/new", data=form, follow_redirects=False).status_code == 303
