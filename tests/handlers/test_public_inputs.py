"""Public endpoints answer bad input with a 4xx, never a 500 (found by fuzzing)."""

from __future__ import annotations

import json
import random

import pytest
from fastapi.testclient import TestClient

PUBLIC_POSTS = (
    "/api/chat",
    "/api/chat/seen",
    "/api/chat/new",
    "/api/chat/lang",
    "/login",
    "/wechat",
    "/telegram/webhook",
)


def test_lone_surrogate_in_chat_json_is_a_4xx_or_answered(client: TestClient) -> None:
    raw = b'{"text": "\\ud800"}'
    resp = client.post("/api/chat", content=raw, headers={"content-type": "application/json"})
    assert resp.status_code in (200, 400, 422), resp.text


@pytest.mark.parametrize("after", ["2147483648", "99999999999999999999", "-1", "abc", ""])
def test_updates_with_an_odd_cursor_is_never_a_500(client: TestClient, after: str) -> None:
    resp = client.get(f"/api/chat/updates?after={after}")
    assert resp.status_code in (200, 400, 401, 422), resp.text


def test_nul_byte_in_the_login_name_is_refused_cleanly(client: TestClient) -> None:
    page = client.get("/login").text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    resp = client.post(
        "/login", data={"username": "ad\x00min", "password": "x", "csrf_token": token}
    )
    assert resp.status_code in (400, 422, 429)


def test_random_bodies_on_public_endpoints_never_500(client: TestClient) -> None:
    rng = random.Random(7)
    samples: list[bytes] = [
        b"",
        b"\x00" * 10,
        b"{",
        b"[]",
        b"null",
        json.dumps({"user_id": "webuser0001", "text": None}).encode(),
        json.dumps({"user_id": ["x"], "text": {"a": 1}}).encode(),
        "<xml><ToUserName>\ud800</ToUserName></xml>".encode("utf-8", "surrogatepass"),
        b"<xml>" * 1000,
        b'{"update_id": "x", "message": 5}',
    ]
    samples += [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400))) for _ in range(30)]
    for path in PUBLIC_POSTS:
        for body in samples:
            for ctype in ("application/json", "text/xml", "application/x-www-form-urlencoded"):
                resp = client.post(path, content=body, headers={"content-type": ctype})
                assert resp.status_code < 500, (path, ctype, body[:60], resp.text[:200])
