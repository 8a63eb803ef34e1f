"""handlers/wechat/envelope.py: the same bytes as wechatpy's own calls, and Tencent's vector."""

from __future__ import annotations

import base64
import random
import re
from typing import Any

import pytest
import xmltodict
from wechatpy import parse_message
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.crypto.base import WeChatCipher
from wechatpy.exceptions import InvalidAppIdException
from wechatpy.replies import TextReply
from wechatpy.utils import WeChatSigner

from handlers.wechat import envelope as envelope_module
from handlers.wechat.envelope import Envelope, sign, text_reply
from tests.support.wechat import AES_KEY, fixture, text_xml

# Tencent's WXBizMsgCrypt sample (LIBRARY-NOTES §2.4).
SAMPLE_TOKEN, SAMPLE_APPID = "spamtest", "wx2c2769f8efd9abc2"
SAMPLE_TS, SAMPLE_NONCE = "1409735669", "1320562132"
SAMPLE_SIGNATURE = "5d197aaffba7e9b25a30732f161a50dee96bd5fa"


def _sample_encrypt() -> str:
    return str(xmltodict.parse(fixture("tencent_sample_encrypted.xml"))["xml"]["Encrypt"])


def _plain(envelope: Envelope, encrypt: str) -> bytes:
    """The decrypted block: 16 random bytes, length, XML, AppID, padding."""
    return bytes(WeChatCipher(envelope.key).decrypt(base64.b64decode(encrypt)))


@pytest.mark.parametrize(
    ("source", "target", "content"),
    [
        ("gh_10f6c3c3ac5a", "oyORnuP8q7ou2gfYjqLzSIWZf0rs", "商标续展的官费是 500 元。\n1. 有用"),
        ("gh", "o", ""),
        ("g]]>h", "o<x/>", "a ]]><evil/> b ]]>"),
    ],
)
def test_text_reply_is_wechatpy_rendering(source: str, target: str, content: str) -> None:
    cdata = {
        k: v.replace("]]>", "]]]]><![CDATA[>")
        for k, v in (("s", source), ("t", target), ("c", content))
    }
    expected = TextReply(source=cdata["s"], target=cdata["t"], content=cdata["c"], time=1795572000)
    rendered = text_reply(source, target, content, 1795572000)
    assert rendered == expected.render()
    parsed = xmltodict.parse(rendered)["xml"]
    assert (parsed["FromUserName"], parsed["ToUserName"]) == (source, target)
    assert (parsed.get("Content") or "") == content


def test_tencent_sample_opens() -> None:
    envelope = Envelope(SAMPLE_TOKEN, AES_KEY, SAMPLE_APPID)
    msg = parse_message(envelope.open(_sample_encrypt()))
    assert msg.type == "text" and msg.content == "abcdteT"
    assert msg.source == "oyORnuP8q7ou2gfYjqLzSIWZf0rs" and msg.id == 6054768590064713728


def test_message_for_another_appid_is_refused() -> None:
    with pytest.raises(InvalidAppIdException):
        Envelope(SAMPLE_TOKEN, AES_KEY, "wx0000000000000000").open(_sample_encrypt())


def test_sealing_tencent_sample_gives_its_ciphertext_and_signature(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # With Tencent's 16 random bytes, sealing the sample's XML must give the sample's bytes.
    envelope = Envelope(SAMPLE_TOKEN, AES_KEY, SAMPLE_APPID)
    raw = _plain(envelope, _sample_encrypt())
    prefix = raw[:16].decode("ascii")
    monkeypatch.setattr(envelope_module._Prp, "get_random_string", lambda _self: prefix)
    sealed = xmltodict.parse(
        envelope.seal(envelope.open(_sample_encrypt()), SAMPLE_NONCE, SAMPLE_TS)
    )
    assert sealed["xml"]["Encrypt"] == _sample_encrypt()
    assert sealed["xml"]["MsgSignature"] == SAMPLE_SIGNATURE
    assert (sealed["xml"]["TimeStamp"], sealed["xml"]["Nonce"]) == (SAMPLE_TS, SAMPLE_NONCE)


def test_seal_is_wechatpy_encrypt_message_byte_for_byte(monkeypatch: pytest.MonkeyPatch) -> None:
    envelope = Envelope("tmbot-test-token", AES_KEY, SAMPLE_APPID)
    prefix = "0123456789abcdef"
    monkeypatch.setattr(envelope_module._Prp, "get_random_string", lambda _self: prefix)
    monkeypatch.setattr("wechatpy.crypto.base.random_string", lambda _n=16: prefix)
    xml = text_reply("gh_10f6c3c3ac5a", "oyORnuP8q7ou2gfYjqLzSIWZf0rs", "续展要交多少钱？" * 40, 1)
    crypto = WeChatCrypto("tmbot-test-token", AES_KEY, SAMPLE_APPID)
    assert envelope.seal(xml, "42", "1795572000") == crypto.encrypt_message(xml, "42", "1795572000")


def test_sealed_reply_opens_with_wechatpy_and_random_bytes_differ() -> None:
    envelope = Envelope("tmbot-test-token", AES_KEY, SAMPLE_APPID)
    crypto = WeChatCrypto("tmbot-test-token", AES_KEY, SAMPLE_APPID)
    xml = text_xml("你好", msg_id=1)
    sealed = [envelope.seal(xml, "7", "1795572000") for _ in range(2)]
    for one in sealed:  # checks the signature and the AppID too
        assert crypto.decrypt_message(one, _field(one, "MsgSignature"), "1795572000", "7") == xml
    prefixes = [_plain(envelope, _field(one, "Encrypt"))[:16] for one in sealed]
    assert all(re.fullmatch(rb"[0-9a-f]{16}", p) for p in prefixes)
    assert prefixes[0] != prefixes[1]


def _field(xml: str, name: str) -> str:
    return str(xmltodict.parse(xml)["xml"][name])


def test_one_envelope_seals_and_opens_many_messages_as_fresh_ciphers_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The cipher objects live as long as the envelope: every message, before and after others
    # and after refused ones, gives exactly what wechatpy gives with a cipher of its own.
    envelope = Envelope("tmbot-test-token", AES_KEY, SAMPLE_APPID)
    crypto = WeChatCrypto("tmbot-test-token", AES_KEY, SAMPLE_APPID)
    prp = PrpCrypto(crypto.key)
    prefix = ["0123456789abcdef"]
    monkeypatch.setattr(envelope_module._Prp, "get_random_string", lambda _self: prefix[0])
    monkeypatch.setattr("wechatpy.crypto.base.random_string", lambda _n=16: prefix[0])

    def opened(opener: Any, encrypt: str) -> tuple[str, Any]:
        try:
            return "ok", opener(encrypt)
        except Exception as exc:
            return type(exc).__name__, None

    rng = random.Random(19)
    foreign = WeChatCrypto("t", AES_KEY, "wx0000000000000000").encrypt_message("<xml/>", "1")
    bad = [
        "",
        "not base64!!",
        base64.b64encode(b"0123456789").decode(),  # not whole blocks
        base64.b64encode(bytes(32)).decode(),  # whole blocks, nonsense inside
        _field(foreign, "Encrypt"),  # another AppID
    ]
    for i in range(300):
        prefix[0] = f"{rng.getrandbits(64):016x}"
        xml = text_reply("gh", "o", "续展" * rng.randint(0, 400) + "a" * rng.randint(0, 40), i)
        sealed = envelope.seal(xml, "42", "1795572000")
        assert sealed == crypto.encrypt_message(xml, "42", "1795572000")
        encrypt = _field(sealed, "Encrypt") if i % 3 else rng.choice(bad)
        assert opened(envelope.open, encrypt) == opened(
            lambda e: prp.decrypt(e, SAMPLE_APPID), encrypt
        )


def test_sign_is_wechatpys_signer() -> None:
    rng = random.Random(19)
    for _ in range(500):
        count = rng.randint(0, 4)
        parts = ["".join(rng.choices("ab9Z_-+/=商", k=rng.randint(0, 6))) for _ in range(count)]
        signer = WeChatSigner()
        signer.add_data(*parts)
        assert sign(*parts) == signer.signature


def _outcome(decrypt: Any, text: str | bytes, appid: str) -> tuple[str, str]:
    try:
        return "opened", str(decrypt(text, appid))
    except Exception as exc:  # the error's type is the outcome (the adapter maps it to 400/403)
        return "refused", type(exc).__name__


def _encrypted(key: bytes, block: bytes) -> str:
    """`block`, PKCS#7-padded to 32 bytes, encrypted as WeChat does (IV: the key's start)."""
    pad = 32 - len(block) % 32
    return base64.b64encode(WeChatCipher(key).encrypt(block + bytes((pad,)) * pad)).decode()


def test_broken_envelopes_fail_as_wechatpys_decrypt_does() -> None:
    # Open is wechatpy's _decrypt written out: each broken input must end as wechatpy's does,
    # with the same error first (bad text before another account's AppID).
    envelope = Envelope("token", AES_KEY, SAMPLE_APPID)
    key, rng = envelope.key, random.Random(19)
    good = envelope.seal("<xml>ok</xml>", "n", "1").split("CDATA[")[1].split("]]")[0]
    xml = "<xml>好</xml>".encode()

    def block(body: bytes, appid: bytes, length: int | None = None) -> bytes:
        size = len(body) if length is None else length
        return b"r" * 16 + size.to_bytes(4, "big") + body + appid

    cases: list[str | bytes] = [
        good,
        good[:-4],
        "!!",
        "",
        base64.b64encode(bytes(rng.getrandbits(8) for _ in range(48))).decode(),
        _encrypted(key, block(xml, SAMPLE_APPID.encode())),
        _encrypted(key, block(b"\xff\xfe", SAMPLE_APPID.encode())),  # text not UTF-8
        _encrypted(key, block(b"\xff\xfe", b"wxother")),  # and another AppID
        _encrypted(key, block(xml, b"\xff")),  # an AppID not UTF-8
        _encrypted(key, block(xml, SAMPLE_APPID.encode(), length=500)),  # a length too long
        _encrypted(key, b"r" * 18),  # no room for the length
    ]
    seen = set()
    for text in cases:
        for appid in (SAMPLE_APPID, "wxother"):
            ours = _outcome(envelope.prp.decrypt, text, appid)
            assert ours == _outcome(PrpCrypto(key).decrypt, text, appid), (text, appid)
            seen.add(ours[1] if ours[0] == "refused" else "opened")
    assert {"opened", "InvalidAppIdException", "UnicodeDecodeError", "error"} <= seen
