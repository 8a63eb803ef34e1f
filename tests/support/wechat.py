"""WeChat test doubles: signed (and encrypted) webhook requests as WeChat sends them, and a fake
WeChat API server on loopback so the real wechatpy client code runs."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "wechat"
TOKEN = "tmbot-test-token"
APPID = "wx2c2769f8efd9abc2"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
OPENID = "oyORnuP8q7ou2gfYjqLzSIWZf0rs"


def fixture(name: str) -> str:
    """A recorded message from tests/fixtures/wechat/."""
    return (FIXTURES / name).read_text(encoding="utf-8")


def sign(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return str(signer.signature)


def text_xml(content: str, *, msg_id: int, openid: str = OPENID, at: int = 1795572000) -> str:
    """A text message as WeChat pushes it."""
    return (
        "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName><CreateTime>{at}</CreateTime>"
        f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content>"
        f"<MsgId>{msg_id}</MsgId></xml>"
    )


def event_xml(event: str, *, openid: str = OPENID, at: int = 1795572000, key: str = "") -> str:
    """An event push (CLICK, subscribe ...)."""
    key_xml = f"<EventKey><![CDATA[{key}]]></EventKey>" if key else ""
    return (
        "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName><CreateTime>{at}</CreateTime>"
        f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event>{key_xml}</xml>"
    )


# media/upload limits: type -> (formats by extension, largest size, errcode when larger).
MEDIA_LIMITS: dict[str, tuple[tuple[str, ...], int, int]] = {
    "image": (("png", "jpeg", "jpg", "gif"), 10 * 1024 * 1024, 40009),
    "voice": (("amr", "mp3"), 2 * 1024 * 1024, 40010),
    "video": (("mp4",), 10 * 1024 * 1024, 40011),
    "thumb": (("jpg",), 64 * 1024, 40012),
}
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"GIF8")


def _multipart(content_type: str, raw: bytes) -> dict[str, tuple[str, bytes]]:
    """The file parts of a multipart/form-data body: field -> (filename, bytes)."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message: Message = BytesParser(policy=HTTP).parsebytes(head + raw)
    files: dict[str, tuple[str, bytes]] = {}
    for part in message.iter_parts():  # type: ignore[attr-defined]
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        files[str(name)] = (str(part.get_filename() or ""), payload)
    return files


@dataclass
class Wire:
    """Signs requests like WeChat's servers; `aes_key` set = safe mode."""

    client: Any  # TestClient or httpx.Client
    timestamp: int = 1795572000  # the test clock: 2026-11-25 02:00 UTC
    token: str = TOKEN
    aes_key: str | None = None
    appid: str = APPID
    nonce: str = "1320562132"

    def params(self, *, encrypt: str | None = None) -> dict[str, str]:
        ts = str(self.timestamp)
        params = {"signature": sign(self.token, ts, self.nonce), "timestamp": ts}
        params |= {"nonce": self.nonce, "openid": OPENID}
        if encrypt is not None:
            params |= {
                "encrypt_type": "aes",
                "msg_signature": sign(self.token, ts, self.nonce, encrypt),
            }
        return params

    def post(self, xml: str) -> httpx.Response:
        """POST one message, encrypted in safe mode."""
        if self.aes_key is None:
            return self.client.post("/wechat", params=self.params(), content=xml.encode())
        crypto = WeChatCrypto(self.token, self.aes_key, self.appid)
        envelope = crypto.encrypt_message(xml, self.nonce, str(self.timestamp))
        encrypt = xmltodict.parse(envelope)["xml"]["Encrypt"]
        body = f"<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
        return self.client.post(
            "/wechat", params=self.params(encrypt=encrypt), content=body.encode()
        )

    def reply(self, resp: httpx.Response) -> dict[str, Any]:
        """The reply XML as a dict (decrypted and signature-checked in safe mode)."""
        assert resp.status_code == 200, resp.text
        xml = resp.text
        if self.aes_key is not None:
            outer = xmltodict.parse(xml)["xml"]
            crypto = WeChatCrypto(self.token, self.aes_key, self.appid)
            xml = crypto.decrypt_message(
                xml, outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"]
            )
        return dict(xmltodict.parse(xml)["xml"])


@dataclass
class WeChatRules:
    """The platform's own rules, enforced by the fake when given (`FakeWeChatApi(rules=...)`).

    - customer-service messages: 5 within 48 hours of the user's last message (45047 beyond,
      45015 once the 48 hours passed or before the user ever wrote); texts over 2048 bytes of
      UTF-8 are refused (45002);
    - subscription notices: only with a consent the user gave in WeChat's popup (43101).
    `now` is the test's clock; tests call `user_wrote` / `user_accepted` as WeChat would see it.
    """

    now: Callable[[], dt.datetime]
    last_message: dict[str, dt.datetime] = field(default_factory=dict)
    used: dict[str, int] = field(default_factory=dict)
    consents: dict[tuple[str, str], int] = field(default_factory=dict)
    received: list[tuple[str, str]] = field(default_factory=list)  # (openid, text) delivered
    media_names: dict[str, str] = field(default_factory=dict)  # media_id -> uploaded name

    def user_wrote(self, openid: str, at: dt.datetime | None = None) -> None:
        self.last_message[openid] = at or self.now()
        self.used[openid] = 0

    def user_accepted(self, openid: str, template: str, times: int = 1) -> None:
        key = (openid, template)
        self.consents[key] = self.consents.get(key, 0) + times

    def custom_send(self, body: dict[str, Any]) -> int:
        openid = str(body.get("touser"))
        text = str((body.get("text") or {}).get("content") or "")
        if body.get("msgtype") == "image":
            media_id = str((body.get("image") or {}).get("media_id") or "")
            text = f"[image] {self.media_names.get(media_id, media_id)}"
        if len(text.encode()) > 2048:
            return 45002
        last = self.last_message.get(openid)
        if last is None or self.now() - last > dt.timedelta(hours=48):
            return 45015
        if self.used.get(openid, 0) >= 5:
            return 45047
        self.used[openid] = self.used.get(openid, 0) + 1
        self.received.append((openid, text))
        return 0

    def subscribe_send(self, body: dict[str, Any]) -> int:
        key = (str(body.get("touser")), str(body.get("template_id")))
        if self.consents.get(key, 0) <= 0:
            return 43101
        self.consents[key] -= 1
        summary = " ".join(str(v.get("value")) for v in (body.get("data") or {}).values())
        self.received.append((key[0], f"[notice] {summary} {body.get('page') or ''}".strip()))
        return 0


@dataclass
class FakeWeChatApi:
    """WeChat's API on 127.0.0.1: token, customer-service send, subscribe send, menu create.

    `calls` records (path, query, json body); `errors[path]` is a list of errcodes the next
    calls to that path answer with (0 = success); `rules` (optional) enforces the platform's
    limits as WeChat does.
    """

    calls: list[tuple[str, dict[str, str], dict[str, Any]]] = field(default_factory=list)
    errors: dict[str, list[int]] = field(default_factory=dict)
    tokens_issued: int = 0
    on_call: Callable[[str], None] | None = None
    server: ThreadingHTTPServer | None = None
    rules: WeChatRules | None = None
    media: dict[str, bytes] = field(default_factory=dict)  # media_id -> bytes (media/get)
    # media/upload: what WeChat took, media_id -> (type, filename, bytes)
    uploads: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)
    _media_ids: Any = field(default_factory=lambda: itertools.count(1))

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/"

    def paths(self) -> list[str]:
        return [c[0] for c in self.calls]

    def sent(self, path: str = "/cgi-bin/message/custom/send") -> list[dict[str, Any]]:
        return [c[2] for c in self.calls if c[0] == path]

    def upload(self, query: dict[str, str], parts: dict[str, tuple[str, bytes]]) -> dict[str, Any]:
        """media/upload (新增临时素材) as WeChat answers it: the type must be one of four, the
        file's format and size within that type's limits (image: PNG/JPEG/JPG/GIF up to 10 MB;
        voice: AMR/MP3 up to 2 MB; video: MP4 up to 10 MB; thumb: JPG up to 64 KB)."""
        kind = query.get("type", "")
        if kind not in MEDIA_LIMITS:
            return {"errcode": 40004, "errmsg": "invalid media type"}
        if "media" not in parts:
            return {"errcode": 41005, "errmsg": "media data missing"}
        name, data = parts["media"]
        formats, limit, size_code = MEDIA_LIMITS[kind]
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if ext not in formats or (kind == "image" and not data.startswith(_IMAGE_MAGIC)):
            return {"errcode": 40005, "errmsg": "invalid file type"}
        if not data or len(data) > limit:
            return {"errcode": size_code, "errmsg": f"invalid {kind} size"}
        media_id = f"MEDIA-{next(self._media_ids)}"
        self.uploads[media_id] = (kind, name, data)
        if self.rules is not None:
            self.rules.media_names[media_id] = name
        return {"type": kind, "media_id": media_id, "created_at": 1795572000}

    def _answer(
        self, path: str, query: dict[str, str], body: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        if self.on_call:
            self.on_call(path)
        queue = self.errors.get(path) or []
        code = queue.pop(0) if queue else 0
        if code:
            return {"errcode": code, "errmsg": f"fake error {code}"}
        if path == "/cgi-bin/token":
            self.tokens_issued += 1
            return {"access_token": f"TOKEN-{self.tokens_issued}", "expires_in": 7200}
        if query.get("access_token") != f"TOKEN-{self.tokens_issued}":
            return {"errcode": 40001, "errmsg": "invalid credential"}
        if path == "/cgi-bin/message/custom/send" and (body or {}).get("msgtype") == "image":
            media_id = str(((body or {}).get("image") or {}).get("media_id") or "")
            if media_id not in self.uploads:
                return {"errcode": 40007, "errmsg": "invalid media_id"}
        if self.rules is not None:
            check = {
                "/cgi-bin/message/custom/send": self.rules.custom_send,
                "/cgi-bin/message/subscribe/bizsend": self.rules.subscribe_send,
            }.get(path)
            code = check(body or {}) if check else 0
            if code:
                return {"errcode": code, "errmsg": f"rule {code}"}
        return {"errcode": 0, "errmsg": "ok"}

    def start(self) -> FakeWeChatApi:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                parts = urlsplit(self.path)
                query = dict(parse_qsl(parts.query))
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                ctype = self.headers.get("content-type") or ""
                if ctype.startswith("multipart/form-data"):
                    files = _multipart(ctype, raw)
                    shown = {k: {"filename": n, "bytes": len(d)} for k, (n, d) in files.items()}
                    api.calls.append((parts.path, query, shown))
                    answer = api._answer(parts.path, query, shown)
                    if not answer.get("errcode") and parts.path == "/cgi-bin/media/upload":
                        answer = api.upload(query, files)
                    self._json(answer)
                    return
                body = json.loads(raw.decode()) if raw else {}
                api.calls.append((parts.path, query, body))
                answer = api._answer(parts.path, query, body)
                if parts.path == "/cgi-bin/media/get" and not answer.get("errcode"):
                    # A temporary medium: the file itself, as WeChat sends it.
                    data = api.media.get(query.get("media_id", ""), b"")
                    self.send_response(200)
                    self.send_header("content-type", "image/jpeg")
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                self._json(answer)

            def _json(self, answer: dict[str, Any]) -> None:
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _handle

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
