"""POST /wechat and GET /wechat with messages and events as WeChat sends them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import xmltodict
from sqlmodel import Session, select
from wechatpy import parse_message

from bot.core.ports import FixedClock
from bot.core.settings import Settings
from storage.models import QuestionLog
from storage.wechat import WechatConsent, WechatDelivery, WechatUser
from tests.support.wechat import (
    AES_KEY,
    OPENID,
    FakeWeChatApi,
    Wire,
    event_xml,
    fixture,
    sign,
    text_xml,
)
from tests.support.wechat_app import app_client, running_api, wechat_settings


@pytest.fixture
def wechat_api() -> Iterator[FakeWeChatApi]:
    with running_api() as api:
        yield api


@pytest.fixture
def wx(settings: Settings, clock: FixedClock, wechat_api: FakeWeChatApi) -> Iterator[Wire]:
    """Plaintext mode."""
    with app_client(wechat_settings(settings, wechat_api), clock) as (client, _):
        yield Wire(client)


@pytest.fixture
def wx_safe(settings: Settings, clock: FixedClock, wechat_api: FakeWeChatApi) -> Iterator[Wire]:
    """Safe mode: the Wire encrypts what it posts and decrypts the replies."""
    safe = wechat_settings(settings, wechat_api, wechat_aes_key=AES_KEY)
    with app_client(safe, clock) as (client, _):
        yield Wire(client, aes_key=AES_KEY)


def _user(wire: Wire) -> WechatUser | None:
    with Session(wire.client.app.state.runtime.engine) as session:
        return session.get(WechatUser, OPENID)


def test_server_verification_echoes_echostr(wx: Wire) -> None:
    resp = wx.client.get("/wechat", params={**wx.params(), "echostr": "5837397520668"})
    assert resp.status_code == 200 and resp.text == "5837397520668"


def test_verification_refuses_a_wrong_signature(wx: Wire) -> None:
    params = {**wx.params(), "echostr": "x", "signature": sign("other-token", "1", "2")}
    assert wx.client.get("/wechat", params=params).status_code == 403
    assert wx.client.get("/wechat", params={"echostr": "x"}).status_code == 403


def test_channel_off_without_token(client) -> None:
    assert client.get("/wechat", params={"echostr": "x"}).status_code == 404


def test_text_message_gets_a_passive_reply(wx: Wire) -> None:
    reply = wx.reply(wx.post(fixture("text.xml")))
    assert reply["MsgType"] == "text"
    assert reply["ToUserName"] == OPENID and reply["FromUserName"] == "gh_10f6c3c3ac5a"
    assert "450元" in reply["Content"]
    # The FAQ answer's related questions are numbered by the skill; feedback continues the list.
    assert "有用" in reply["Content"] and "没用" in reply["Content"]


def test_safe_mode_round_trip(wx_safe: Wire) -> None:
    resp = wx_safe.post(fixture("text.xml"))
    assert "<Encrypt>" in resp.text and "元" not in resp.text and "Content" not in resp.text
    assert "450元" in wx_safe.reply(resp)["Content"]


def test_tencent_official_sample_vector_decrypts(
    settings: Settings, wechat_api: FakeWeChatApi
) -> None:
    # Tencent's WXBizMsgCrypt sample (LIBRARY-NOTES §2.4) with the clock at its timestamp.
    sample = wechat_settings(
        settings, wechat_api, wechat_token="spamtest", wechat_aes_key=AES_KEY
    ).model_copy(update={"wechat_appid": "wx2c2769f8efd9abc2"})
    clock = FixedClock(dt.datetime.fromtimestamp(1409735669, dt.UTC))
    params = {
        "timestamp": "1409735669",
        "nonce": "1320562132",
        "msg_signature": "5d197aaffba7e9b25a30732f161a50dee96bd5fa",
        "encrypt_type": "aes",
    }
    with app_client(sample, clock) as (client, runtime):
        resp = client.post(
            "/wechat", params=params, content=fixture("tencent_sample_encrypted.xml")
        )
        reply = Wire(client, token="spamtest", aes_key=AES_KEY).reply(resp)
        assert reply["ToUserName"] == "oyORnuP8q7ou2gfYjqLzSIWZf0rs"
        with Session(runtime.engine) as session:
            logged = session.exec(select(QuestionLog)).one()
        assert logged.question == "abcdteT" and logged.channel == "wechat"


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("image.xml", "图片"),
        ("voice.xml", "语音"),
        ("video.xml", "视频"),
        ("shortvideo.xml", "小视频"),
        ("location.xml", "位置"),
        ("link.xml", "链接"),
        ("file.xml", "文件"),
    ],
)
def test_media_gets_a_polite_bilingual_reply(wx: Wire, name: str, word: str) -> None:
    content = wx.reply(wx.post(fixture(name)))["Content"]
    assert word in content and "Sorry" in content and "菜单" in content
    user = _user(wx)
    assert user is not None and user.message_at is not None  # the 48-hour window is open


def test_voice_with_recognition_is_answered_as_text(wx: Wire) -> None:
    assert "450元" in wx.reply(wx.post(fixture("voice_recognition.xml")))["Content"]


def test_follow_gets_welcome_and_numbered_menu(wx: Wire) -> None:
    content = wx.reply(wx.post(fixture("event_subscribe.xml")))["Content"]
    assert "商标品牌指导站" in content
    for line in ("1. 商标注册", "2. 续展", "3. 马德里国际注册", "4. 预约专家", "5. 人工服务"):
        assert line in content
    user = _user(wx)
    assert user is not None and user.subscribed and user.event_at is not None
    # Typing a number picks that menu item.
    picked = wx.reply(wx.post(text_xml("2", msg_id=77)))["Content"]
    assert "续展常见问题" in picked


def test_follow_by_qr_code_and_scan(wx: Wire) -> None:
    assert "1. 商标注册" in wx.reply(wx.post(fixture("event_subscribe_scan.xml")))["Content"]
    assert "1. 商标注册" in wx.reply(wx.post(fixture("event_scan.xml")))["Content"]


def test_menu_click_runs_the_menu_action(wx: Wire) -> None:
    content = wx.reply(wx.post(fixture("event_click_renewal.xml")))["Content"]
    assert "续展常见问题" in content and "1. " in content
    human = wx.reply(wx.post(event_xml("CLICK", key="menu:human", at=1795572100)))["Content"]
    assert "工作人员" in human  # handoff, or the phone number while handoff is not installed
    old = event_xml("CLICK", key="V1001_OLD", openid="oyORnuP8q7ou2gfYjqLzSIWZf0r2")
    unknown = wx.reply(wx.post(old))["Content"]
    assert "1. 商标注册" in unknown  # an old menu key shows the menu


def test_unfollow_is_recorded_and_answered_success(wx: Wire) -> None:
    wx.post(fixture("event_subscribe.xml"))
    resp = wx.post(fixture("event_unsubscribe.xml"))
    assert resp.status_code == 200 and resp.text == "success"
    user = _user(wx)
    assert user is not None and not user.subscribed and user.unsubscribed_at is not None


def test_view_and_location_events_need_no_answer(wx: Wire) -> None:
    assert wx.post(fixture("event_view.xml")).text == "success"
    user = _user(wx)
    assert user is not None and user.event_at is not None  # a menu click opens the 1-minute window
    assert wx.post(fixture("event_location.xml")).text == "success"


def test_subscription_notice_consent_events(wx: Wire) -> None:
    assert wx.post(fixture("event_subscribe_msg_popup.xml")).text == "success"
    wx.post(fixture("event_subscribe_msg_popup.xml"))  # a retry counts once
    engine = wx.client.app.state.runtime.engine
    with Session(engine) as session:
        rows = {r.template_id: r.remaining for r in session.exec(select(WechatConsent))}
    assert rows == {"tmpl-booking-reminder": 1}
    wx.post(fixture("event_subscribe_msg_change.xml"))
    with Session(engine) as session:
        assert session.exec(select(WechatConsent)).one().remaining == 0


def test_reply_text_cannot_break_out_of_cdata(wx: Wire) -> None:
    wx.post(fixture("text.xml"))
    endpoint = wx.client.app.state.wechat
    resp = endpoint.reply(parse_message(fixture("text.xml")), "a ]]><evil/> b", "1")
    assert xmltodict.parse(resp.body)["xml"]["Content"] == "a ]]><evil/> b"


def test_report_events_are_acknowledged_without_storing_anything(wx: Wire) -> None:
    for event in ("TEMPLATESENDJOBFINISH", "MASSSENDJOBFINISH", "kf_create_session"):
        assert wx.post(event_xml(event)).text == "success"
    with Session(wx.client.app.state.runtime.engine) as session:
        assert session.exec(select(WechatDelivery)).first() is None
        assert session.get(WechatUser, OPENID) is None


def test_safe_mode_settings_are_checked_at_startup() -> None:
    with pytest.raises(ValueError, match="43-character"):
        Settings(wechat_aes_key="too-short", wechat_appid="wx1")
    with pytest.raises(ValueError, match="needs TMBOT_WECHAT_APPID"):
        Settings(wechat_aes_key=AES_KEY)
