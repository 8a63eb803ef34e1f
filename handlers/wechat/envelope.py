"""Safe mode's envelope and the passive text reply, built from wechatpy's own pieces.

wechatpy stays the protocol library; what it does around them per message is skipped:
`WeChatCrypto.decrypt_message` computes the signature the adapter has just checked again,
`TextReply.render` walks field descriptors, and the 16 random bytes in front of every encrypted
reply come from `random.sample`. Here the reply is the same XML from a template, the nonce
bytes come from `os.urandom` (16 hexadecimal characters: letters and digits, as wechatpy and
Tencent's sample code send; the receiver skips them), and the AES work is wechatpy's
`PrpCrypto`, on cipher objects made once per account instead of twice per message (`_Cbc`).
The tests check the bytes against wechatpy's own output and Tencent's vectors.
"""

from __future__ import annotations

import hashlib
import os
import threading

from Crypto.Cipher import AES
from wechatpy.crypto import PrpCrypto, WeChatCrypto

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
    """WeChat's signature: SHA-1 over the sorted parts (wechatpy's `WeChatSigner`: each part's
    UTF-8 bytes, sorted, joined without a delimiter)."""
    return hashlib.sha1(b"".join(sorted(part.encode() for part in parts))).hexdigest()


def _cdata(text: str) -> str:
    # A literal "]]>" must not end the CDATA section early.
    return text.replace("]]>", "]]]]><![CDATA[>")


def text_reply(source: str, target: str, content: str, time: int) -> str:
    """A passive text reply's XML, as `wechatpy.replies.TextReply(...).render()` writes it
    (the values are put in CDATA sections that cannot be broken out of)."""
    return _TEXT_REPLY.format(
        content=_cdata(content), source=_cdata(source), target=_cdata(target), time=int(time)
    )


class _Cbc:
    """AES-256-CBC with WeChat's IV (the key's first 16 bytes) for every message, on two
    cipher objects made once: making one (pycryptodome's key schedule and wrappers) cost more
    than encrypting a whole reply.

    A CBC object carries on from the last ciphertext block it handled, as if that were the next
    message's IV. XOR-ing that block and the real IV into the message's first block undoes it,
    so each result is exactly a fresh cipher's (tests compare with wechatpy byte for byte). On
    any error the objects are made again."""

    def __init__(self, key: bytes) -> None:
        self.key = key
        self.iv = int.from_bytes(key[:16], "big")
        self.lock = threading.Lock()
        self._fresh()

    def _fresh(self) -> None:
        iv = self.key[:16]
        self.encryptor, self.encrypted = AES.new(self.key, AES.MODE_CBC, iv), self.iv
        self.decryptor, self.decrypted = AES.new(self.key, AES.MODE_CBC, iv), self.iv

    def _first(self, data: bytes, last: int) -> bytes:
        # The first block XOR the block the object carries on from XOR the IV.
        if last == self.iv or len(data) < 16:
            return data
        return (int.from_bytes(data[:16], "big") ^ last ^ self.iv).to_bytes(16, "big") + data[16:]

    def encrypt(self, plaintext: bytes) -> bytes:
        with self.lock:
            try:
                out: bytes = self.encryptor.encrypt(self._first(plaintext, self.encrypted))
            except BaseException:
                self._fresh()
                raise
            if out:
                self.encrypted = int.from_bytes(out[-16:], "big")
            return out

    def decrypt(self, ciphertext: bytes) -> bytes:
        with self.lock:
            try:
                out: bytes = self.decryptor.decrypt(ciphertext)
            except BaseException:
                self._fresh()
                raise
            out = self._first(out, self.decrypted)
            if ciphertext:
                self.decrypted = int.from_bytes(ciphertext[-16:], "big")
            return out


class _Prp(PrpCrypto):  # type: ignore[misc]  # wechatpy has no type hints
    """wechatpy's AES-CBC message crypto on `_Cbc`; the 16 leading random bytes from
    os.urandom."""

    def __init__(self, key: bytes) -> None:  # not super(): it would make a cipher per message
        self.cipher = _Cbc(key)

    def get_random_string(self) -> str:
        return os.urandom(8).hex()


class Envelope:
    """One account's safe-mode crypto (token, EncodingAESKey, AppID)."""

    def __init__(self, token: str, aes_key: str, appid: str) -> None:
        crypto = WeChatCrypto(token, aes_key, appid)  # checks the key's length
        self.token = token
        self.key: bytes = crypto.key
        self.appid = appid
        self.prp = _Prp(self.key)

    def open(self, encrypt: str) -> str:
        """The message XML inside `<Encrypt>`, whose signature the caller has checked.

        Raises wechatpy's InvalidAppIdException for another account's message, and ValueError,
        TypeError, IndexError, struct.error or binascii.Error for text that is not one."""
        return str(self.prp.decrypt(encrypt, self.appid))

    def seal(self, xml: str, nonce: str, timestamp: str) -> str:
        """`xml` encrypted and signed: what `WeChatCrypto.encrypt_message` returns."""
        encrypt = self.prp.encrypt(xml, self.appid).decode("ascii")
        signature = sign(self.token, timestamp, nonce, encrypt)
        return _ENVELOPE.format(
            encrypt=encrypt, signature=signature, timestamp=timestamp, nonce=nonce
        )
