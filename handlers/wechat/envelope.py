"""Safe mode's envelope and the passive text reply, built from wechatpy's own pieces.

wechatpy stays the protocol library; what it does around them per message is skipped:
`WeChatCrypto.decrypt_message` computes the signature the adapter has just checked again,
`TextReply.render` walks field descriptors, and the 16 random bytes in front of every encrypted
reply come from `random.sample`. Here the reply is the same XML from a template, the nonce
bytes come from `os.urandom` (16 hexadecimal characters: letters and digits, as wechatpy and
Tencent's sample code send; the receiver skips them), and the AES work is wechatpy's
`PrpCrypto`. The tests check the bytes against wechatpy's own output and Tencent's vectors.
"""

from __future__ import annotations

import os

from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.utils import WeChatSigner

__all__ = ("Envelope", "sign", "text_reply")

# TextReply(...).render() of wechatpy 1.8.18, field for field and line for line.
_TEXT_REPLY = (
    "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[{content}]]></Content>\n"
    "<FromUserName><![CDATA[{source}]]></FromUserName>\n"
    "<ToUserName><![CDATA[{target}]]></ToUserName>\n<CreateTime>{time}</CreateTime>\n</xml>"
)
# WeChatCrypto.encrypt_message's envelope (wechatpy 1.8.18).
_ENVELOPE = """<xml>
<Encrypt><![CDATA[{encrypt}]]></Encrypt>
<MsgSignature><![CDATA[{signature}]]></MsgSignature>
<TimeStamp>{timestamp}</TimeStamp>
<Nonce><![CDATA[{nonce}]]></Nonce>
</xml>"""


def sign(*parts: str) -> str:
    """WeChat's signature: SHA-1 over the sorted parts."""
    signer = WeChatSigner()
    signer.add_data(*parts)
    return str(signer.signature)


def _cdata(text: str) -> str:
    # A literal "]]>" must not end the CDATA section early.
    return text.replace("]]>", "]]]]><![CDATA[>")


def text_reply(source: str, target: str, content: str, time: int) -> str:
    """A passive text reply's XML, as `wechatpy.replies.TextReply(...).render()` writes it
    (the values are put in CDATA sections that cannot be broken out of)."""
    return _TEXT_REPLY.format(
        content=_cdata(content), source=_cdata(source), target=_cdata(target), time=int(time)
    )


class _Prp(PrpCrypto):  # type: ignore[misc]  # wechatpy has no type hints
    """wechatpy's AES-CBC message crypto; the 16 leading random bytes from os.urandom."""

    def get_random_string(self) -> str:
        return os.urandom(8).hex()


class Envelope:
    """One account's safe-mode crypto (token, EncodingAESKey, AppID)."""

    def __init__(self, token: str, aes_key: str, appid: str) -> None:
        crypto = WeChatCrypto(token, aes_key, appid)  # checks the key's length
        self.token = token
        self.key: bytes = crypto.key
        self.appid = appid

    def open(self, encrypt: str) -> str:
        """The message XML inside `<Encrypt>`, whose signature the caller has checked.

        Raises wechatpy's InvalidAppIdException for another account's message, and ValueError,
        TypeError, IndexError, struct.error or binascii.Error for text that is not one."""
        return str(_Prp(self.key).decrypt(encrypt, self.appid))

    def seal(self, xml: str, nonce: str, timestamp: str) -> str:
        """`xml` encrypted and signed: what `WeChatCrypto.encrypt_message` returns."""
        encrypt = _Prp(self.key).encrypt(xml, self.appid).decode("ascii")
        signature = sign(self.token, timestamp, nonce, encrypt)
        return _ENVELOPE.format(
            encrypt=encrypt, signature=signature, timestamp=timestamp, nonce=nonce
        )
