"""The staff desk's working tools: search, views, internal notes that never reach the user,
take-over before answering a colleague's ticket, assign with a note, reply-and-resolve, limits."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from bot.core.runtime import Runtime
from storage.ticket_notes import TicketNote
from storage.tickets import get_ticket
from tests.support.accounts import login, make_account
from tests.support.handoff import outbox_rows, tickets
from tests.support.web import as_visitor

NUMBER = "T-2026-000001"


def _chat(client: TestClient, text: str, user: str = "webuser-desk-1") -> None:
    as_visitor(client, client.app.state.runtime.settings, user)
    resp = client.post("/api/chat", json={"text": text})
    assert resp.status_code == 200, resp.text


def _open(client: TestClient, runtime: Runtime, user: str = "webuser-desk-1") -> None:
    _chat(client, "转人工，商标被抢注", user)


def _post(client: TestClient, path: str, token: str, **data: str) -> str:
    resp = client.post(f"/staff/tickets/{NUMBER}/{path}", data={"csrf_token": token, **data})
    assert resp.status_code == 200, resp.text  # followed the redirect back to a page
    return resp.text


def test_search_by_phone_company_text_and_views(client: TestClient, runtime: Runtime) -> None:
    _open(client, runtime)
    _open(client, runtime, "webuser-desk-2")
    with Session(runtime.engine) as session:
        first = get_ticket(session=session, number=NUMBER)
        assert first is not None
        first.contact, first.company = "13800138000", "青禾茶业有限公司"
        session.add(first)
        session.commit()
    make_account(runtime, "wang", "staff")
    token = login(client, "wang")
    found = client.get("/staff/tickets", params={"q": "138 0013 8000"}).text
    assert NUMBER in found and "T-2026-000002" not in found
    assert NUMBER in client.get("/staff/tickets", params={"q": "青禾"}).text
    assert "T-2026-000002" in client.get("/staff/tickets", params={"q": "抢注"}).text
    assert "T-2026-000002" not in client.get("/staff/tickets", params={"q": "nothing-like-it"}).text
    _post(client, "claim", token)
    assert NUMBER in client.get("/staff/tickets?view=mine").text
    unassigned = client.get("/staff/tickets?view=unassigned").text
    assert NUMBER not in unassigned and "T-2026-000002" in unassigned
    # Unknown filter values fall back to "all" instead of a 422.
    assert client.get("/staff/tickets?view=bogus&status=&channel=cli").status_code == 200


def test_internal_note_never_reaches_the_user(client: TestClient, runtime: Runtime) -> None:
    _open(client, runtime)
    make_account(runtime, "wang", "staff")
    token = login(client, "wang")
    before = len(outbox_rows(runtime))
    page = _post(client, "note", token, text="用户曾来电，态度急 (internal)")
    assert "内部备注已保存" in page and "(internal)" in page
    rows = outbox_rows(runtime)
    assert len(rows) == before
    assert all("(internal)" not in str(r.payload) for r in rows)
    as_visitor(client, runtime.settings, "webuser-desk-1")
    assert "(internal)" not in str(client.get("/api/chat/updates").json())
    assert "备注内容为空" in _post(client, "note", token, text="   ")


def test_colleague_must_take_over_before_answering(client: TestClient, runtime: Runtime) -> None:
    _open(client, runtime)
    make_account(runtime, "wang", "staff")
    make_account(runtime, "li", "staff")
    _post(client, "claim", login(client, "wang"))
    token = login(client, "li")
    page = _post(client, "reply", token, text="我来回答")
    assert "请先接手" in page and "take it over first" in page
    assert not [r for r in outbox_rows(runtime) if "我来回答" in str(r.payload)]
    assert "请先接手" in _post(client, "resolve", token, note="done")
    _post(client, "takeover", token, text="王休假")
    assert tickets(runtime)[0].claimed_by == "li"
    _post(client, "reply", token, text="我来回答")
    assert [r for r in outbox_rows(runtime) if "我来回答" in str(r.payload)]
    with Session(runtime.engine) as session:
        notes = list(session.exec(select(TicketNote)))
    assert [(n.kind, n.author, n.text) for n in notes] == [("takeover", "li", "wang → li: 王休假")]


def test_assign_with_note_and_reply_and_resolve(client: TestClient, runtime: Runtime) -> None:
    _open(client, runtime)
    make_account(runtime, "wang", "staff")
    make_account(runtime, "li", "staff")
    token = login(client, "wang")
    assert "没有这个工作人员账号" in _post(client, "assign", token, to="ghost")
    _post(client, "assign", token, to="li", text="你熟悉异议")
    assert tickets(runtime)[0].claimed_by == "li"
    page = client.get(f"/staff/tickets/{NUMBER}").text
    assert "— → li: 你熟悉异议" in page and "wang" in page  # by wang, from nobody
    token = login(client, "li")
    too_long = _post(client, "reply", token, text="长" * 2001)
    assert "最多 2000 字" in too_long and "at most 2000" in too_long
    _post(client, "reply", token, text="可以提出异议，期限三个月。", and_resolve="1")
    ticket = tickets(runtime)[0]
    assert ticket.status == "resolved" and ticket.resolution_note == "可以提出异议，期限三个月。"
    sent = [r for r in outbox_rows(runtime) if "期限三个月" in str(r.payload)]
    assert len(sent) == 1  # the reply is the resolution message, once


def test_ticket_page_shows_the_users_other_tickets(client: TestClient, runtime: Runtime) -> None:
    _open(client, runtime)
    make_account(runtime, "wang", "staff")
    token = login(client, "wang")
    _post(client, "resolve", token, note="已处理")
    _chat(client, "结束")
    _chat(client, "再次转人工")  # "结束" is no question for staff: tmbot asks for one
    _chat(client, "还是抢注的事，对方已经注册了")
    page = client.get("/staff/tickets/T-2026-000002").text
    assert f'href="/staff/tickets/{NUMBER}"' in page
