"""The WeChat Official Account webhook: GET /wechat (server verification), POST /wechat
(messages and events, plaintext or safe mode), passive replies.

Thin adapter: verify, decrypt, parse (wechatpy), translate to an Inbound, run the core within
WeChat's 5 seconds (handlers/wechat/turns.py), render the reply. Bad input is refused with a
4xx and a log line before anything touches the database.
"""

from __future__ import annotations

import binascii
import hmac
import logging
import struct
from collections.abc import Mapping
from xml.parsers.expat import ExpatError

from fastapi import APIRouter, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send
from wechatpy.exceptions import InvalidAppIdException
from wechatpy.messages import BaseMessage

from bot.core.runtime import Runtime
from handlers.web.deps import get_runtime
from handlers.wechat.envelope import Envelope, sign, text_reply
from handlers.wechat.flat_xml import field, parse_message, parse_xml
from handlers.wechat.inbound import translate
from handlers.wechat.turns import TurnRunner

__all__ = ("MAX_BODY", "WeChatEndpoint", "install_lane", "router")

logger = logging.getLogger(__name__)
router = APIRouter()
MAX_BODY = 64 * 1024
_XML_ERRORS = (ValueError, KeyError, TypeError, AttributeError, ExpatError)
_DECRYPT_ERRORS = (ValueError, TypeError, IndexError, struct.error, binascii.Error)


class Refused(Exception):
    """A request refused at the edge: `status` and a reason that says what is wrong."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


class WeChatEndpoint:
    """The account's webhook configuration, built once per app from settings."""

    def __init__(self, runtime: Runtime) -> None:
        settings = runtime.settings
        self.token = settings.wechat_token.get_secret_value()
        aes_key = settings.wechat_aes_key.get_secret_value()
        self.crypto = Envelope(self.token, aes_key, settings.wechat_appid) if aes_key else None
        self.max_skew = settings.wechat_max_skew
        self.clock = runtime.conversation.clock
        self.runner = TurnRunner(
            runtime.engine, runtime.conversation, budget=settings.wechat_reply_budget
        )

    def check(self, q: Mapping[str, str], signature: str, *parts: str) -> None:
        """Refuse unless the timestamp is fresh and `signature` signs token + timestamp + nonce
        (`q`: the request's query)."""
        if not self.token:
            raise Refused(404, "the WeChat channel is not configured (TMBOT_WECHAT_TOKEN)")
        timestamp, nonce = q.get("timestamp", ""), q.get("nonce", "")
        if not timestamp.isdigit() or len(timestamp) > 12 or len(nonce) > 64:
            raise Refused(403, "missing or malformed timestamp/nonce")
        skew = abs(self.clock.now().timestamp() - int(timestamp))
        if self.max_skew and skew > self.max_skew:
            raise Refused(403, f"stale timestamp ({int(skew)} s off)")
        expected = sign(self.token, timestamp, nonce, *parts)
        if not hmac.compare_digest(expected, signature.encode("ascii", "replace").decode()):
            raise Refused(403, "bad or missing signature")

    def open(self, q: Mapping[str, str], body: bytes) -> str:
        """The message XML: checked and, in safe mode, decrypted (`q`: the request's query)."""
        if self.crypto is None:
            self.check(q, q.get("signature", ""))
            try:
                return body.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise Refused(400, "body is not UTF-8") from exc
        if not q.get("msg_signature"):
            self.check(q, q.get("signature", ""))  # fails on a bad or stale request first
            raise Refused(403, "safe mode: msg_signature missing")
        try:
            envelope = parse_xml(body)["xml"]
            encrypt = envelope["Encrypt"]
        except _XML_ERRORS as exc:
            raise Refused(400, f"safe mode: no readable <Encrypt> ({type(exc).__name__})") from exc
        if not isinstance(encrypt, str):
            raise Refused(400, "safe mode: <Encrypt> is not text")
        self.check(q, q["msg_signature"], encrypt)  # the signature over <Encrypt>
        try:
            return self.crypto.open(encrypt)
        except InvalidAppIdException as exc:
            raise Refused(403, "message encrypted for another AppID") from exc
        except _DECRYPT_ERRORS as exc:
            raise Refused(400, f"cannot decrypt <Encrypt> ({type(exc).__name__})") from exc

    def reply(self, msg: BaseMessage, text: str, nonce: str) -> Response:
        """A passive text reply, encrypted in safe mode."""
        now = int(self.clock.now().timestamp())
        xml = text_reply(str(field(msg, "ToUserName")), str(field(msg, "FromUserName")), text, now)
        if self.crypto is not None:
            xml = self.crypto.seal(xml, nonce, str(now))
        return Response(xml, media_type="application/xml")


def _query(request: Request) -> Mapping[str, str]:
    """The request's query as Starlette reads it (the last value of a repeated name wins), read
    once. WeChat's parameters are digits, hex and ids: without an escape, a plain split gives
    Starlette's result without its general parser."""
    raw: str = request.scope["query_string"].decode("latin-1")
    if "%" in raw or "+" in raw:
        return request.query_params
    return dict(field.partition("=")[::2] for field in raw.split("&") if field)


def _endpoint(request: Request) -> WeChatEndpoint:
    endpoint: WeChatEndpoint | None = getattr(request.app.state, "wechat", None)
    if endpoint is None:
        endpoint = request.app.state.wechat = WeChatEndpoint(get_runtime(request))
    return endpoint


def _refused(request: Request, refusal: Refused) -> PlainTextResponse:
    host = request.client.host if request.client else "?"
    logger.warning(
        "wechat: refused %s %s from %s: %s", request.method, refusal.status, host, refusal
    )
    return PlainTextResponse(str(refusal), status_code=refusal.status)


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "0")
    if not declared.isdigit() or int(declared) > MAX_BODY:
        raise Refused(413, f"body over {MAX_BODY} bytes")
    body = b""
    async for part in request.stream():  # chunked bodies have no length to trust
        body += part
        if len(body) > MAX_BODY:
            raise Refused(413, f"body over {MAX_BODY} bytes")
    if not body.strip():
        raise Refused(400, "empty body")
    return body


@router.get("/wechat", response_class=PlainTextResponse)
async def verify(request: Request) -> Response:
    """WeChat's server check: echo `echostr` when the signature is right."""
    try:
        endpoint = _endpoint(request)
        q = _query(request)
        endpoint.check(q, q.get("signature", ""))
    except Refused as refusal:
        return _refused(request, refusal)
    return PlainTextResponse(q.get("echostr", "")[:200])


async def receive(request: Request) -> Response:
    """One message or event from WeChat; the answer is a passive reply or `success`."""
    try:
        endpoint = _endpoint(request)
        body = await _body(request)
        q = _query(request)
        xml = endpoint.open(q, body)
        try:
            msg = parse_message(xml)
        except _XML_ERRORS as exc:
            raise Refused(400, f"malformed message XML ({type(exc).__name__}: {exc})") from exc
        if msg is None:
            raise Refused(400, "empty message")
        action = translate(msg, endpoint.clock.now())
        if not action.openid or not action.delivery_id:
            raise Refused(400, "message without FromUserName")
    except Refused as refusal:
        return _refused(request, refusal)
    if action.silent:
        return PlainTextResponse("success")
    try:
        text = await endpoint.runner.answer(
            action.delivery_id, action.openid, action.effects, action.inbound, action.text
        )
    except SQLAlchemyError:
        # E.g. SQLite busy past its timeout: WeChat retries a non-200 (a retry is safe: the
        # delivery claim decides who answers), while `success` would drop the message.
        logger.exception("wechat: database error on delivery %s", action.delivery_id)
        return PlainTextResponse("temporarily unavailable", status_code=503)
    if not text:
        return PlainTextResponse("success")
    return endpoint.reply(msg, text, q.get("nonce", ""))


# A plain Starlette route: the endpoint reads the request itself, so FastAPI's per-request
# dependency and response machinery (about 20 µs a message) has nothing to do. Apps with the
# lane below answer POST /wechat there; the route serves the others.
router.add_route("/wechat", receive, methods=["POST"])


class _Lane:
    """POST /wechat straight to `receive`, inside the guard (body cap, rate limits) but before
    the staff session middleware, the exception middleware and the router, none of which a
    WeChat push needs (about a tenth of the event loop's work per message). A chunked body over
    the guard's cap gets the 413 the app's exception handler gives."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive_: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"] == scope.get("root_path", "") + "/wechat"
        ):
            request = Request(scope, receive_)
            try:
                response = await receive(request)
            except StarletteHTTPException as exc:  # the guard's 413 on a long chunked body
                response = await http_exception_handler(request, exc)
            await response(scope, receive_, send)
            return
        await self.app(scope, receive_, send)


def install_lane(app: FastAPI) -> None:
    """Answer POST /wechat in a middleware of `app`. Call it before installing the guard:
    middleware added later wraps it, so the guard still sees every push first."""
    app.add_middleware(_Lane)
