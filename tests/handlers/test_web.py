"""The web chat page and its JSON endpoint."""

from __future__ import annotations

from fastapi.testclient import TestClient


def _post(client: TestClient, text: str, **extra: object) -> dict:
    body = {"user_id": "webuser0001", "text": text, **extra}
    resp = client.post("/api/chat", json=body)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_page_is_served(client: TestClient) -> None:
    resp = client.get("/")
    assert resp.status_code == 200
    assert "/api/chat" in resp.text and 'name="viewport"' in resp.text


def test_chat_round_trip_in_both_languages(client: TestClient) -> None:
    zh = _post(client, "续展要交多少钱")
    assert "450元" in zh["replies"][0]["text"]
    assert {"label": "有用", "payload": "feedback:up"} in zh["replies"][0]["choices"]
    en = _post(client, "how much is renewal", user_id="webuser0002")
    assert "CNY 450" in en["replies"][0]["text"]


def test_choice_payload_is_answered(client: TestClient) -> None:
    data = _post(client, "faq:renewal-window", is_choice=True)
    assert "12个月" in data["replies"][0]["text"]


def test_resent_message_id_is_answered_once(client: TestClient) -> None:
    a = _post(client, "续展要交多少钱", message_id="abc")
    b = _post(client, "续展要交多少钱", message_id="abc")
    assert a == b


def test_invalid_input_is_a_clear_4xx(client: TestClient) -> None:
    cases = [
        {},  # nothing
        {"user_id": "x", "text": "hi"},  # id too short
        {"user_id": "webuser0001"},  # no text
        {"user_id": "webuser0001", "text": "a" * 100_001},  # over 100 KB
        {"user_id": "webuser0001", "text": "hi", "lang": "fr"},
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
