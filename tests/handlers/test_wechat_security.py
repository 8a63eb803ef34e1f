"""Bad input at POST /wechat: refused with a precise 4xx, logged, and the database untouched."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator

import pytest
import xmltodict
from fastapi.testclient import TestClient
from wechatpy.crypto import WeChatCrypto

from bot.core.ports import FixedClock
from bot.core.runtime import Runtime
from bot.core.settings import Settings
from storage.models import ChatMessage, ProcessedDelivery
from storage.outbox import OutboxMessage
from storage.wechat import WechatDelivery, WechatUser
from tests.support.wechat import AES_KEY, TOKEN, FakeWeChatApi, Wire, fixture, sign, text_xml
from tests.support.wechat_app import app_client, count, running_api, wechat_settings

UNTOUCHED = (WechatDelivery, WechatUser, ProcessedDelivery, ChatMessage, OutboxMessage)


@pytest.fixture
def wechat_api() -> Iterator[FakeWeChatApi]:
    with running_api() as api:
        yield api


@pytest.fixture
def plain(settings: Settings, clock: FixedClock, wechat_api: FakeWeChatApi) -> Iterator[tuple]:
    with app_client(wechat_settings(settings, wechat_api), clock) as (client, runtime):
        yield Wire(client), runtime


@pytest.fixture
def safe(settings: Settings, clock: FixedClock, wechat_api: FakeWeChatApi) -> Iterator[tuple]:
    config = wechat_settings(settings, wechat_api, wechat_aes_key=AES_KEY)
    with app_client(config, clock) as (client, runtime):
        yield Wire(client, aes_key=AES_KEY), runtime


def _untouched(runtime: Runtime) -> None:
    for model in UNTOUCHED:
        assert count(runtime, model) == 0, model.__name__


def _post(wire: Wire, body: bytes | str, **params: str) -> int:
    data = body.encode() if isinstance(body, str) else body
    return int(wire.client.post("/wechat", params=params, content=data).status_code)


def test_plaintext_refusals(plain: tuple, caplog: pytest.LogCaptureFixture) -> None:
    wire, runtime = plain
    good = text_xml("续展要交多少钱", msg_id=1)
    signed = wire.params()
    ts, nonce = signed["timestamp"], signed["nonce"]
    stale = str(int(ts) - 600)
    cases = [
        (good, {}, 403),  # no query at all
        (good, {"timestamp": ts, "nonce": nonce}, 403),  # no signature
        (good, {**signed, "signature": sign("wrong-token", ts, nonce)}, 403),
        (good, {**signed, "timestamp": stale, "signature": sign(TOKEN, stale, nonce)}, 403),
        (good, {**signed, "timestamp": "soon"}, 403),
        ("<xml><MsgType>text</MsgType", signed, 400),  # malformed
        ("<other><MsgType>text</MsgType></other>", signed, 400),  # not <xml>
        ("<xml>just text</xml>", signed, 400),
        ("<xml><Content>no type</Content></xml>", signed, 400),
        (fixture("billion_laughs.xml"), signed, 400),
        (fixture("xxe.xml"), signed, 400),
        (b"<xml>\xff\xfe</xml>", signed, 400),  # not UTF-8
        ("", signed, 400),
        ("<xml>" + "x" * (64 * 1024) + "</xml>", signed, 413),
    ]
    with caplog.at_level(logging.WARNING, logger="handlers.wechat.adapter"):
        for body, params, status in cases:
            assert _post(wire, body, **params) == status, (body[:40], params)
    refused = [r for r in caplog.records if "wechat: refused" in r.getMessage()]
    assert len(refused) == len(cases)
    assert all(TOKEN not in r.getMessage() for r in caplog.records)
    _untouched(runtime)


def test_chunked_oversized_body_is_refused(plain: tuple) -> None:
    wire, runtime = plain

    def chunks() -> Iterator[bytes]:
        for _ in range(80):
            yield b"x" * 1024

    resp = wire.client.post("/wechat", params=wire.params(), content=chunks())
    assert resp.status_code == 413
    _untouched(runtime)


def test_safe_mode_refusals(safe: tuple) -> None:
    wire, runtime = safe
    xml = text_xml("续展要交多少钱", msg_id=2)
    ts, nonce = str(wire.timestamp), wire.nonce

    def envelope(encrypt: str) -> str:
        return f"<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"

    def params(encrypt: str, token: str = TOKEN) -> dict[str, str]:
        return {**wire.params(), "msg_signature": sign(token, ts, nonce, encrypt)}

    other_app = WeChatCrypto(TOKEN, AES_KEY, "wx0000000000000000").encrypt_message(xml, nonce, ts)
    foreign = xmltodict.parse(other_app)["xml"]["Encrypt"]
    garbage = "not base64 at all!!"
    short = base64.b64encode(b"0123456789").decode()
    cases = [
        (envelope(foreign), params(foreign), 403),  # encrypted for another AppID
        (envelope(foreign), params(foreign, token="wrong"), 403),  # bad msg_signature
        (envelope(foreign), wire.params(), 403),  # msg_signature missing
        (envelope(garbage), params(garbage), 400),
        (envelope(short), params(short), 400),
        (xml, params(""), 400),  # plaintext while safe mode is configured
        (fixture("billion_laughs.xml"), params(""), 400),
        ("<xml><Encrypt><a>nested</a></Encrypt></xml>", params(""), 400),
    ]
    for body, query, status in cases:
        assert _post(wire, body, **query) == status, (body[:60], status)
    _untouched(runtime)


def test_post_is_404_while_the_channel_is_off(client: TestClient) -> None:
    assert client.post("/wechat", content=b"<xml/>").status_code == 404
