"""WeChat's XML read by handlers/wechat/flat_xml.py: always xmltodict's dictionary or xmltodict's
error, and wechatpy's message, for every document WeChat sends and every bad one."""

from __future__ import annotations

import random
from typing import Any

import pytest
import wechatpy
import xmltodict

from handlers.wechat.flat_xml import parse_message, parse_xml
from tests.support.wechat import FIXTURES, event_xml, fixture, text_xml


def _outcome(parse: Any, data: bytes | str) -> tuple[str, Any]:
    try:
        return "ok", parse(data)
    except Exception as exc:
        return type(exc).__name__, str(exc)


def _message(parse: Any, xml: str) -> tuple[str, Any]:
    kind, value = _outcome(parse, xml)
    if kind == "ok" and value is not None:
        return kind, (type(value), value._data, value.type)
    return kind, value


WECHAT = [fixture(path.name) for path in sorted(FIXTURES.glob("*.xml"))]
WECHAT += [
    text_xml("续展要交多少钱", msg_id=1),
    text_xml("a ]]]]><![CDATA[> b", msg_id=2),
    text_xml("  spaced  \n", msg_id=3),
    event_xml("subscribe", key="qrscene_123"),
    event_xml("subscribe", key="scanbarcode|x"),
    event_xml("subscribe"),
    event_xml("CLICK", key="menu:renewal"),
    event_xml("SCAN", key="42"),
    event_xml("weird_event"),
    "<xml><MsgType>device_text</MsgType><Event>bind</Event></xml>",
    "<xml><MsgType>device_event</MsgType></xml>",
    "<xml><MsgType>miniprogrampage</MsgType><Title>t</Title></xml>",
    "<xml><MsgType>unknown_kind</MsgType></xml>",
]
ODD = [
    "<xml><MsgType>text</MsgType",  # malformed
    "<other><MsgType>text</MsgType></other>",  # not <xml>
    "<xml>just text</xml>",
    "<xml></xml>",
    "<xml/>",
    "<xml><Content>no type</Content></xml>",
    "<xml><MsgType/></xml>",
    "<xml><MsgType></MsgType><Content> </Content></xml>",
    "<xml>text <MsgType>text</MsgType> beside</xml>",
    "<xml>\n  <MsgType>text</MsgType>\n</xml>\n",
    "<xml><MsgType>text</MsgType><MsgType>image</MsgType></xml>",  # repeated: a list
    "<xml><MsgType a='1'>text</MsgType></xml>",  # attributes
    "<xml id='1'><MsgType>text</MsgType></xml>",
    '<xml xmlns="urn:x"><MsgType>text</MsgType></xml>',
    "<xml><Encrypt><a>nested</a></Encrypt></xml>",
    "<xml><List><Item>1</Item><Item>2</Item></List><MsgType>event</MsgType></xml>",
    "<xml><!-- note --><MsgType><!-- in -->te<!-- x -->xt</MsgType><?pi x?></xml>",
    "<xml><MsgType>a&amp;b&#x4E2D;&lt;</MsgType></xml>",
    "<xml><MsgType>&undefined;</MsgType></xml>",
    '<!DOCTYPE xml [<!ENTITY e "x">]><xml><MsgType>&e;</MsgType></xml>',
    '<!DOCTYPE xml SYSTEM "http://127.0.0.1/x.dtd"><xml><MsgType>&e;</MsgType></xml>',
    '<!DOCTYPE xml [<!ATTLIST xml a CDATA "d">]><xml><MsgType>text</MsgType></xml>',
    "<xml><MsgType>text</MsgType></xml><xml/>",  # junk after the root
    "",
    " ",
    "<xml><MsgType>\x01</MsgType></xml>",
    "<xml><MsgType>text</MsgType></xml>\ud800",
]
RAW = [
    b"<xml>\xff\xfe</xml>",
    b"\xef\xbb\xbf<xml><MsgType>text</MsgType></xml>",
    '<?xml version="1.0" encoding="GBK"?><xml><C>商标</C></xml>'.encode("gbk"),
    '<?xml version="1.0" encoding="latin-1"?><xml><C>\xe9</C></xml>'.encode("latin-1"),
    "<xml><C>\xe9</C></xml>".encode("latin-1"),
    b"<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[abc=]]></Encrypt></xml>",
]


@pytest.mark.parametrize("doc", WECHAT + ODD + RAW)
def test_parse_xml_is_xmltodict(doc: bytes | str) -> None:
    assert _outcome(parse_xml, doc) == _outcome(xmltodict.parse, doc)


@pytest.mark.parametrize("doc", WECHAT + ODD)
def test_parse_message_is_wechatpy(doc: str) -> None:
    assert _message(parse_message, doc) == _message(wechatpy.parse_message, doc)


def test_entities_are_refused_as_xmltodict_refuses_them() -> None:
    for name in ("billion_laughs.xml", "xxe.xml"):
        with pytest.raises(ValueError, match="entities are disabled"):
            parse_xml(fixture(name))


def test_damaged_messages_fail_or_read_as_wechatpy() -> None:
    # Cut, doubled, dropped and replaced characters anywhere in real messages.
    rng = random.Random(19)
    noise = ["<", ">", "/", "&", "]", "x", " ", "\n", "商", "<a>", "</xml>", "<![CDATA["]
    for _ in range(3000):
        doc = rng.choice(WECHAT)
        i = rng.randrange(len(doc) + 1)
        j = min(len(doc), i + rng.randint(0, 8))
        damaged = doc[:i] + rng.choice([*noise, "", doc[i:j] * 2]) + doc[j:]
        assert _message(parse_message, damaged) == _message(wechatpy.parse_message, damaged)


def test_plain_messages_and_envelopes_need_no_xmltodict(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("read by xmltodict")

    monkeypatch.setattr(xmltodict, "parse", refuse)
    envelope = (
        b"<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[a=]]></Encrypt></xml>"
    )
    assert parse_xml(envelope) == {"xml": {"ToUserName": "gh", "Encrypt": "a="}}
    msg = parse_message(text_xml("续展要交多少钱", msg_id=7))
    assert msg is not None and (msg.type, msg.content, msg.id) == ("text", "续展要交多少钱", 7)
    event = parse_message(event_xml("subscribe", key="qrscene_5"))
    assert event is not None and (event.event, event.scene_id) == ("subscribe_scan", "5")
