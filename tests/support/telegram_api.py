"""A fake Telegram Bot API: a real HTTP server on a loopback port, so PTB's own HTTP code runs.

By hand: `python -m tests.support.telegram_api 8081`, then `GET http://127.0.0.1:8081/_calls`.

Point `TMBOT_TELEGRAM_API_URL` at `fake.base_url`. The fake records every call (method, params,
time), answers like Telegram does, and can be told to fail the next calls of a method with 429
(`parameters.retry_after`) or 403 ("Forbidden: bot was blocked by the user"). Files uploaded as
multipart (sendDocument, sendPhoto) are recorded as `Upload(filename, content_type, content)`.

Telegram's file rules are always on: a multipart upload over 50 MB is refused with 413 "Request
Entity Too Large", a photo over 10 MB with 400 PHOTO_SAVE_FILE_INVALID, getFile of a file over
20 MB with 400 "file is too big", and a file id this bot never received or sent with 400 "wrong
file identifier/HTTP URL specified" (file ids are per bot). The limits are attributes, so a test
can lower them instead of uploading 50 MB.
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

__all__ = ("BOT_USER", "TOKEN", "Call", "FakeBotApi", "Upload")

TOKEN = "123456789:TEST-token_for-the-fake-bot-api-000"
BOT_USER = {
    "id": 123456789,
    "is_bot": True,
    "first_name": "商标助手",
    "username": "tmbot_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
_JSON_PARAMS = {"reply_markup", "allowed_updates", "commands", "link_preview_options", "scope"}


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request, as the server received it."""

    filename: str | None
    content_type: str | None
    content: bytes


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


class FakeBotApi:
    """Start with `start()` (or as a context manager); inspect `calls`; script `fail(...)`."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.updates: deque[dict[str, Any]] = deque()  # served by getUpdates
        self._failures: dict[str, deque[tuple[int, str, int | None]]] = defaultdict(deque)
        # Telegram's own rules, always on: a user who blocked the bot stays blocked (403),
        # texts over 4096 characters are refused, an edit to the same text is "not modified".
        self.blocked_chats: set[int] = set()
        self.texts: dict[tuple[int, int], str] = {}
        self.member_status = "member"  # the bot in the staff group (getChatMember)
        self.files: dict[str, bytes] = {}  # file_id -> bytes served by getFile's download URL
        self.sent_file_ids: set[str] = set()  # ids of files this bot sent (valid to re-send)
        self.max_upload = 50 * 1024 * 1024  # multipart upload, any file (413 beyond)
        self.max_photo = 10 * 1024 * 1024  # sendPhoto upload
        self.max_download = 20 * 1024 * 1024  # getFile
        self._ids = itertools.count(5001)
        self._delivered: list[tuple[str, str, Upload | str]] = []
        self._lock = threading.Condition()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self.port = 0

    # -- scripting and inspection --------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def fail(
        self, method: str, status: int, description: str, *, retry_after: int | None = None
    ) -> None:
        """Answer the next call of `method` with this error (queue several for several calls;
        status 0 lets that call through, to fail a later one)."""
        self._failures[method].append((status, description, retry_after))

    def blocked(self, method: str = "sendMessage") -> None:
        self.fail(method, 403, "Forbidden: bot was blocked by the user")

    def flood(self, retry_after: int, method: str = "sendMessage") -> None:
        self.fail(
            method, 429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
        )

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [c.params for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int, timeout: float = 10.0) -> None:
        """Block until `method` was called `count` times (for code running in the background)."""
        with self._lock:
            done = self._lock.wait_for(
                lambda: sum(c.method == method for c in self.calls) >= count, timeout
            )
        assert done, f"{method} called fewer than {count} times within {timeout} s"

    def sent_texts(self) -> list[str]:
        return [p["text"] for p in self.calls_to("sendMessage")]

    def delivered_to(self, chat: int) -> list[tuple[str, Upload | str]]:
        """What `chat` actually got, in order (refused calls excluded): ("sendMessage", text),
        ("sendPhoto" / "sendDocument", the uploaded file or the file id sent)."""
        with self._lock:
            return [(m, v) for m, c, v in self._delivered if c == str(chat)]

    def sent_documents(self) -> list[tuple[str, Upload, str | None]]:
        """(chat_id, uploaded file, caption) of each sendDocument upload (refused ones too)."""
        return [
            (str(p["chat_id"]), p["document"], p.get("caption"))
            for p in self.calls_to("sendDocument")
            if isinstance(p.get("document"), Upload)
        ]

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    # -- the API ---------------------------------------------------------------------------------
    async def _endpoint(self, request: Request) -> JSONResponse:
        token, method = request.path_params["token"], request.path_params["method"]
        if token != TOKEN:
            return JSONResponse(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, 401
            )
        params = await self._params(request)
        with self._lock:
            self.calls.append(Call(method, params))
            self._lock.notify_all()
            failure = self._failures[method].popleft() if self._failures[method] else None
        if failure is not None and failure[0] == 0:
            failure = None
        if failure is None:
            failure = self._rule(method, params)
        if failure is not None:
            status, description, retry_after = failure
            body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
            if retry_after is not None:
                body["parameters"] = {"retry_after": retry_after}
            return JSONResponse(body, status)
        return JSONResponse({"ok": True, "result": self._result(method, params)})

    def _rule(self, method: str, params: dict[str, Any]) -> tuple[int, str, int | None] | None:
        chat = params.get("chat_id")
        sends = method in ("sendMessage", "sendDocument", "sendPhoto")
        if sends and chat is not None and int(chat) in self.blocked_chats:
            return 403, "Forbidden: bot was blocked by the user", None
        if method in ("sendDocument", "sendPhoto"):
            field = "photo" if method == "sendPhoto" else "document"
            value = params.get(field)
            if isinstance(value, Upload):
                if len(value.content) > self.max_upload:
                    return 413, "Request Entity Too Large", None
                if method == "sendPhoto" and len(value.content) > self.max_photo:
                    return 400, "Bad Request: PHOTO_SAVE_FILE_INVALID", None
            elif value is not None and str(value) not in (*self.files, *self.sent_file_ids):
                return 400, "Bad Request: wrong file identifier/HTTP URL specified", None
        if method == "getFile" and len(self.files.get(str(params.get("file_id")), b"")) > (
            self.max_download
        ):
            return 400, "Bad Request: file is too big", None
        if method == "sendMessage" and len(str(params.get("text", ""))) > 4096:
            return 400, "Bad Request: message is too long", None
        if method == "editMessageText" and chat is not None:
            key = (int(chat), int(params.get("message_id") or 0))
            if self.texts.get(key) == params.get("text"):
                return (
                    400,
                    "Bad Request: message is not modified: specified new message content and "
                    "reply markup are exactly the same as a current content and reply markup "
                    "of the message",
                    None,
                )
        return None

    def received(self, chat: int) -> list[str]:
        """The texts `chat` actually got, in order (refused calls excluded)."""
        with self._lock:
            return [
                text
                for (c, _), text in sorted(self.texts.items(), key=lambda kv: kv[0][1])
                if c == chat
            ]

    @staticmethod
    async def _params(request: Request) -> dict[str, Any]:
        if request.headers.get("content-type", "").startswith("application/json"):
            data: dict[str, Any] = await request.json()
            return data
        params: dict[str, Any] = {}
        async with request.form() as form:
            for k, v in form.items():
                if isinstance(v, UploadFile):  # a multipart file part (sendDocument ...)
                    params[k] = Upload(v.filename, v.content_type, await v.read())
                else:
                    params[k] = json.loads(v) if k in _JSON_PARAMS else v
        return params

    async def _recorded(self, _request: Request) -> JSONResponse:
        def shown(value: Any) -> Any:
            if isinstance(value, Upload):
                return {"filename": value.filename, "bytes": len(value.content)}
            return value

        with self._lock:
            return JSONResponse(
                [
                    {"method": c.method, "params": {k: shown(v) for k, v in c.params.items()}}
                    for c in self.calls
                ]
            )

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            with self._lock:
                batch = list(self.updates)
                self.updates.clear()
            return batch
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        if method == "getFile":
            file_id = str(params.get("file_id"))
            size = len(self.files.get(file_id, b""))
            return {
                "file_id": file_id,
                "file_unique_id": f"U{file_id[-6:]}",
                "file_size": size,
                "file_path": f"files/{file_id}",
            }
        if method == "getChatMember":
            member: dict[str, Any] = {"status": self.member_status, "user": BOT_USER}
            if self.member_status == "administrator":  # the rights an administrator has
                rights = (
                    "can_be_edited can_manage_chat can_delete_messages can_manage_video_chats "
                    "can_restrict_members can_promote_members can_change_info can_invite_users "
                    "can_post_stories can_edit_stories can_delete_stories is_anonymous"
                )
                member |= dict.fromkeys(rights.split(), False)
            return member
        if method in ("sendMessage", "editMessageText"):
            chat_id = int(params["chat_id"])
            message_id = int(params.get("message_id") or next(self._ids))
            with self._lock:
                self.texts[(chat_id, message_id)] = str(params.get("text", ""))
                if method == "sendMessage":
                    self._delivered.append((method, str(chat_id), str(params.get("text", ""))))
            return {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                "from": BOT_USER,
                "text": params.get("text", ""),
                **({"reply_markup": params["reply_markup"]} if "reply_markup" in params else {}),
            }
        if method == "sendPhoto":
            chat_id, sent = int(params["chat_id"]), params.get("photo")
            file_id = sent if isinstance(sent, str) else f"AgACAgIAAxkBAAI{next(self._ids)}"
            size = len(sent.content) if isinstance(sent, Upload) else 0
            with self._lock:
                self.sent_file_ids.add(file_id)
                self._delivered.append((method, str(chat_id), sent or ""))
            return {
                "message_id": next(self._ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                "from": BOT_USER,
                "photo": [{"file_id": file_id, "file_unique_id": f"P{file_id[-6:]}",
                           "width": 800, "height": 600, "file_size": size}],
            }  # fmt: skip
        if method == "sendDocument":
            chat_id, upload = int(params["chat_id"]), params.get("document")
            name = upload.filename if isinstance(upload, Upload) else None
            size = len(upload.content) if isinstance(upload, Upload) else 0
            doc_id = upload if isinstance(upload, str) else f"BQACAgIAAxkBAAI{size}"
            with self._lock:
                self.sent_file_ids.add(doc_id)
                self._delivered.append((method, str(chat_id), upload or ""))
            return {
                "message_id": next(self._ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                "from": BOT_USER,
                "document": {
                    "file_id": doc_id,
                    "file_unique_id": f"AgAD{size}",
                    "file_name": name,
                    "mime_type": upload.content_type if isinstance(upload, Upload) else None,
                    "file_size": size,
                },
                **({"caption": params["caption"]} if "caption" in params else {}),
            }
        return True  # answerCallbackQuery, setWebhook, deleteWebhook, setMyCommands ...

    async def _file(self, request: Request) -> Response:
        # getFile's download URL: the bytes a test put in `files` under that file id.
        path = request.path_params["path"]
        file_id = path.rsplit("/", 1)[-1]
        if request.path_params["token"] != TOKEN or file_id not in self.files:
            return Response(b"Not Found", 404)
        return Response(self.files[file_id], 200, media_type="application/octet-stream")

    # -- the server ------------------------------------------------------------------------------
    def start(self, port: int = 0) -> FakeBotApi:
        app = Starlette(
            routes=[
                Route("/file/bot{token}/{path:path}", self._file, methods=["GET"]),
                Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"]),
                Route("/_calls", self._recorded),  # for trying tmbot by hand: what was sent
            ]
        )
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", port))
        self._sock = sock
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="off", ws="none")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake Bot API did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        if self._sock is not None:
            self._sock.close()

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


if __name__ == "__main__":
    import sys

    fake = FakeBotApi().start(int(sys.argv[1]) if len(sys.argv) > 1 else 8081)
    print(f"fake Bot API on {fake.base_url} (token {TOKEN}); calls at /_calls")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()
