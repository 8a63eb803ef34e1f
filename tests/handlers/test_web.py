"""The web chat page and its JSON API: identity from the signed cookie, history, unread marks,
a new conversation, the language toggle and the page itself."""

from __future__ import annotations

from fastapi.testclient import TestClient
from itsdangerous import Signer
from sqlmodel import Session, func, select

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime, build_runtime
from bot.core.settings import Settings
from handlers.notify.senders import WebChatSender
from handlers.web.choice_labels import label_for
from handlers.web.visitor import COOKIE, read_visitor
from storage.conversations import get_state
from storage.models import ChatMessage
from tests.support.web import as_visitor
from webhook import create_app


def _post(client: TestClient, text: str, **extra: object) -> dict:
    resp = client.post("/api/chat", json={"text": text, **extra})
    assert resp.status_code == 200, resp.text
    return resp.json()


def _history(client: TestClient, **params: object) -> dict:
    resp = client.get("/api/chat/history", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()


def _lines(runtime: Runtime) -> int:
    with Session(runtime.engine) as s:
        return s.exec(select(func.count()).select_from(ChatMessage)).one()


def _push(runtime: Runtime, visitor: str, text: str, sender: str = "staff:li") -> None:
    """What the outbox's web sender does when staff reply while the page is closed."""
    WebChatSender(runtime.engine).send(visitor, {"text": text, "sender": sender})


# --- the page ------------------------------------------------------------------------------


def test_page_is_served_with_the_station_and_a_visitor_cookie(
    client: TestClient, runtime: Runtime
) -> None:
    resp = client.get("/")
    assert resp.status_code == 200
    assert 'name="viewport"' in resp.text and "/chat.js" in resp.text
    assert "商标品牌指导站" in resp.text and "010-12345678" in resp.text  # name, phone
    assert 'href="/privacy"' in resp.text and 'rel="icon"' in resp.text
    assert "script-src 'self'" in resp.headers["content-security-policy"]
    cookie = resp.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie
    assert "SameSite=lax" in cookie and "Max-Age=" in cookie
    visitor = read_visitor(client.cookies[COOKIE], runtime.settings.secret_key)
    assert visitor is not None and len(visitor) == 33
    # A returning visitor keeps the id: no new cookie.
    assert "set-cookie" not in client.get("/").headers
    assert _lines(runtime) == 0  # opening the page sends nothing ("你好" included)


def test_station_settings_are_escaped_on_the_page(settings: Settings, clock: FixedClock) -> None:
    odd = settings.model_copy(update={"station_address_zh": '<script>alert("x")</script>北京路1号'})
    rt = build_runtime(odd, clock=clock)
    try:
        with TestClient(create_app(odd, runtime=rt)) as c:
            html = c.get("/").text
    finally:
        rt.engine.dispose()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "北京路1号" in html


def test_assets_favicon_logo_and_privacy(client: TestClient) -> None:
    for path, kind in [
        ("/favicon.ico", "image/x-icon"),
        ("/favicon.svg", "image/svg+xml"),
        ("/logo.svg", "image/svg+xml"),
        ("/chat.js", "text/javascript"),
        ("/chat.css", "text/css"),
    ]:
        resp = client.get(path)
        assert resp.status_code == 200 and resp.headers["content-type"].startswith(kind), path
    assert client.get("/favicon.ico").content[:4] == b"\x00\x00\x01\x00"  # an ICO header
    privacy = client.get("/privacy")
    assert privacy.status_code == 200 and "隐私说明" in privacy.text and "Privacy" in privacy.text


# --- identity ------------------------------------------------------------------------------


def test_without_a_cookie_the_api_issues_one(client: TestClient, runtime: Runtime) -> None:
    resp = client.post("/api/chat", json={"text": "续展要交多少钱"})
    assert resp.status_code == 200 and "HttpOnly" in resp.headers["set-cookie"]
    visitor = read_visitor(client.cookies[COOKIE], runtime.settings.secret_key)
    assert visitor is not None
    # The same cookie is the same visitor: the message is in their history.
    assert _history(client)["messages"][0]["text"] == "续展要交多少钱"


def test_a_client_chosen_id_is_refused(client: TestClient, runtime: Runtime) -> None:
    victim = as_visitor(client, runtime.settings, "victim")
    _push(runtime, victim, "您的商标续展材料已收到")
    client.cookies.clear()
    resp = client.post("/api/chat", json={"user_id": victim, "text": "hi"})
    assert resp.status_code == 422  # the old page's field is refused, not silently read
    resp = client.get("/api/chat/updates", params={"user_id": victim})
    assert resp.status_code == 200 and resp.json() == []  # the query id is ignored
    assert _history(client, user_id=victim)["messages"] == []


def test_a_forged_or_weak_cookie_reads_nothing(client: TestClient, runtime: Runtime) -> None:
    secret = runtime.settings.secret_key
    victim = as_visitor(client, runtime.settings, "victim")
    _push(runtime, victim, "您的商标续展材料已收到")
    assert len(_history(client)["messages"]) == 1
    forged = [
        victim,  # the bare id, unsigned
        victim + "." + "A" * 27,  # a made-up signature
        Signer("not-the-key", salt="tmbot.web-visitor").sign(victim).decode(),
        client.cookies[COOKIE][:-1] + ("A" if client.cookies[COOKIE][-1] != "A" else "B"),
        # Correctly signed, but ids of another shape are not ours (the old page's, or weak).
        Signer(secret, salt="tmbot.web-visitor").sign("badinput0001").decode(),
        Signer(secret, salt="tmbot.web-visitor").sign("w" + "0" * 24).decode(),
    ]
    for value in forged:
        client.cookies.clear()
        client.cookies.set(COOKIE, value)
        resp = client.get("/api/chat/history")
        assert resp.status_code == 200 and resp.json()["messages"] == [], value
        assert client.get("/api/chat/updates").json() == [], value
        # ... and the reply is a new identity, never the victim's.
        new = read_visitor(resp.cookies.get(COOKIE), secret)
        assert new is not None and new != victim


# --- messages ------------------------------------------------------------------------------


def test_chat_round_trip_in_both_languages(client: TestClient, runtime: Runtime) -> None:
    as_visitor(client, runtime.settings, "zh-user")
    zh = _post(client, "续展要交多少钱")
    assert "450元" in zh["replies"][0]["text"]
    assert {"label": "有用", "payload": "feedback:up"} in zh["replies"][0]["choices"]
    as_visitor(client, runtime.settings, "en-user")
    en = _post(client, "how much is renewal")
    assert "CNY 450" in en["replies"][0]["text"]


def test_related_questions_are_buttons_not_listed_again(client: TestClient) -> None:
    (reply,) = _post(client, "续展要交多少钱")["replies"]
    related = [c["label"] for c in reply["choices"] if c["payload"].startswith("faq:")]
    assert related and "相关问题" in reply["text"]  # the heading introduces the buttons
    assert not any(label in reply["text"] for label in related)
    # The transcript keeps the list: a reloaded history shows no buttons for old answers.
    (line,) = [m for m in _history(client)["messages"] if m["who"] == "bot"]
    assert all(label in line["text"] for label in related)


def test_choice_payload_is_answered(client: TestClient) -> None:
    data = _post(client, "faq:renewal-window", is_choice=True)
    assert "12个月" in data["replies"][0]["text"]


def test_resent_message_id_is_answered_once(client: TestClient, runtime: Runtime) -> None:
    a = _post(client, "续展要交多少钱", message_id="abc")
    b = _post(client, "续展要交多少钱", message_id="abc")
    assert a == b
    assert _lines(runtime) == 2  # one question, one answer


def test_invalid_input_is_a_clear_4xx(client: TestClient) -> None:
    cases = [
        {},  # nothing
        {"lang": "zh"},  # no text
        {"text": "a" * 100_001},  # over 100 KB
        {"text": "hi", "lang": "fr"},
        {"text": "hi", "message_id": "<script>"},
    ]
    for body in cases:
        resp = client.post("/api/chat", json=body)
        assert resp.status_code == 422, body
        assert resp.json()["detail"][0]["msg"]
    resp = client.post(
        "/api/chat", content=b"\xff\xfe not json", headers={"content-type": "application/json"}
    )
    assert resp.status_code in (400, 422) and resp.json()["detail"]


def test_odd_but_valid_text_never_500s(client: TestClient) -> None:
    for text in ["", "🙂🙂", "\u0000\u0001", "商标" * 40_000, "ＲＥＮＥＷＡＬ　费用？"]:
        data = _post(client, text)
        assert data["replies"] and data["replies"][0]["text"]


# --- history, unread, new conversation ----------------------------------------------------


def test_history_shows_both_directions_with_times_and_staff_marked(
    client: TestClient, runtime: Runtime
) -> None:
    first = _history(client, lang="zh")
    assert first["messages"] == [] and first["unread"] == 0
    assert "智能助手" in first["greeting"]["text"]  # shown on an empty view, never sent
    assert any(c["payload"] == "menu:human" for c in first["greeting"]["choices"])
    assert "Hello" in _history(client, lang="en")["greeting"]["text"]
    _post(client, "续展要交多少钱")
    visitor = read_visitor(client.cookies[COOKIE], runtime.settings.secret_key)
    assert visitor is not None
    _push(runtime, visitor, "工作人员：材料请发到 https://www.cnipa.gov.cn/ 查询")
    history = _history(client)
    who = [(m["who"], m["unread"]) for m in history["messages"]]
    # The bot's answer was in front of the visitor; the staff reply came while away.
    assert who == [("user", False), ("bot", False), ("staff", True)]
    assert history["unread"] == 1 and history["cursor"] == history["messages"][-1]["id"]
    assert all(m["at"].endswith(("Z", "+00:00")) for m in history["messages"])
    # Reading the history marks nothing: the page says what it showed.
    assert _history(client)["unread"] == 1
    resp = client.post("/api/chat/seen", json={"up_to": history["cursor"]})
    assert resp.status_code == 200
    assert _history(client)["unread"] == 0
    # The mark never moves back, and cannot run ahead of the transcript.
    client.post("/api/chat/seen", json={"up_to": 1})
    assert _history(client)["unread"] == 0
    assert (
        client.post("/api/chat/seen", json={"up_to": 10**9}).json()["seen"] == (history["cursor"])
    )


def test_updates_bring_what_arrived_after_the_cursor(client: TestClient, runtime: Runtime) -> None:
    _post(client, "续展要交多少钱")
    visitor = read_visitor(client.cookies[COOKIE], runtime.settings.secret_key)
    assert visitor is not None
    cursor = _history(client)["cursor"]
    assert client.get("/api/chat/updates", params={"after": cursor}).json() == []
    _push(runtime, visitor, "提醒：明天14:00咨询", sender="reminder")
    updates = client.get("/api/chat/updates", params={"after": cursor}).json()
    assert [(u["who"], u["text"], u["unread"]) for u in updates] == [
        ("notice", "提醒：明天14:00咨询", True)
    ]


def test_new_conversation_clears_the_view_not_the_transcript(
    client: TestClient, runtime: Runtime
) -> None:
    _post(client, "续展要交多少钱")
    before = _lines(runtime)
    visitor = read_visitor(client.cookies[COOKIE], runtime.settings.secret_key)
    assert visitor is not None
    resp = client.post("/api/chat/new", params={"lang": "en"})
    assert resp.status_code == 200 and "Hello" in resp.json()["text"]
    assert _history(client)["messages"] == [] and _lines(runtime) == before
    # What arrives afterwards is shown as usual.
    _push(runtime, visitor, "工作人员：已处理")
    assert [m["text"] for m in _history(client)["messages"]] == ["工作人员：已处理"]
    assert [u["text"] for u in client.get("/api/chat/updates").json()] == ["工作人员：已处理"]


def test_reply_links_to_bookings_are_absolute(client: TestClient, runtime: Runtime) -> None:
    visitor = as_visitor(client, runtime.settings, "ics")
    _push(runtime, visitor, "日历文件：/bookings/B-7K3Q9.ics?token=abc_12-3 请保存")
    text = _history(client)["messages"][0]["text"]
    assert text == "日历文件：http://testserver/bookings/B-7K3Q9.ics?token=abc_12-3 请保存"


# --- language ------------------------------------------------------------------------------


def test_the_toggle_does_not_override_a_message_in_english(
    client: TestClient, runtime: Runtime
) -> None:
    visitor = as_visitor(client, runtime.settings, "toggler")
    assert client.post("/api/chat/lang", json={"lang": "zh"}).status_code == 200
    en = _post(client, "how much is renewal", lang="zh")
    assert "CNY 450" in en["replies"][0]["text"] and en["lang"] == "en"
    zh = _post(client, "续展要交多少钱", lang="en")
    assert "450元" in zh["replies"][0]["text"]
    # The toggle sets the language for input in neither language, without fixing it.
    client.post("/api/chat/lang", json={"lang": "en"})
    with Session(runtime.engine) as s:
        state = get_state(session=s, channel="web", user_ref=visitor)
        assert (state.lang, state.lang_fixed) == ("en", False)
    assert _lines(runtime) == 4  # the toggle itself sent nothing
    assert client.post("/api/chat/lang", json={"lang": "fr"}).status_code == 422


def test_pressed_buttons_read_as_labels_in_the_history(client: TestClient) -> None:
    _post(client, "faq:renewal-window", is_choice=True)
    _post(client, "book:slot:1:20261126T0100", is_choice=True)  # a label of its moment
    shown = [m["text"] for m in _history(client)["messages"] if m["who"] == "user"]
    assert shown == ["商标到期前什么时候可以续展？", "✓ 已选择"]
    shown_en = [m["text"] for m in _history(client, lang="en")["messages"] if m["who"] == "user"]
    assert shown_en[0] == "When can I renew before expiry?"


def test_a_reload_mid_step_shows_the_open_step_buttons_again(client: TestClient) -> None:
    replies = _post(client, "我想预约专家")["replies"]
    offered = [c["payload"] for r in replies for c in r["choices"]]
    assert offered and all(p.startswith("book:") for p in offered)
    history = _history(client)
    assert [c["payload"] for c in history["choices"]] == offered
    assert history["choices"][0]["label"] == replies[-1]["choices"][0]["label"]
    # Once the user has written again and nothing is pending, nothing stale is offered.
    _post(client, "book:cancel", is_choice=True)
    _post(client, "谢谢")
    assert _history(client)["choices"] == []


def test_button_labels() -> None:
    assert label_for("menu:human", "zh") == "人工服务"
    assert label_for("book:confirm", "en") == "Confirm booking"
    assert label_for("feedback:down", "zh") == "没用"
    assert label_for("book:topic:madrid", "zh") == "马德里国际注册"
    assert label_for("menu:nonexistent", "en") == "✓ Option chosen"
