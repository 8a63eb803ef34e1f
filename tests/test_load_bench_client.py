"""`benchmarks.load`'s own HTTP client: the requests it builds before a level are the ones the
httpx client sent (body, cookie, signed query), a keep-alive connection reads responses that come
in pieces or chunked, a connection the server closes fails the request in flight, and a response
that is not the answer the route owes counts as an error."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from urllib.parse import parse_qs

import httptools
import pytest

from benchmarks.load import SECRET, _Connection, _Prepared, _problem
from benchmarks.wechat_bench import QUESTIONS, TOKEN, _sign, perf_count
from handlers.web.visitor import COOKIE, read_visitor

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class _Request:
    """A request parsed back by httptools' server-side parser."""

    def __init__(self, data: bytes) -> None:
        self.url, self.headers, self.body, self.done = b"", {}, b"", False
        parser = httptools.HttpRequestParser(self)
        parser.feed_data(data)
        self.method = parser.get_method()

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers[name.decode().lower()] = value.decode()

    def on_body(self, body: bytes) -> None:
        self.body += body

    def on_message_complete(self) -> None:
        self.done = True


def test_a_web_chat_request_is_visitor_n_s_question_as_json() -> None:
    prepared = _Prepared("mixed", "127.0.0.1:8000", 0.01, 42)
    kind, data = prepared.pick(502) or ("", b"")
    request = _Request(data)
    assert (kind, request.method, request.url, request.done) == (
        "chat",
        b"POST",
        b"/api/chat",
        True,
    )
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.body) == {"text": QUESTIONS[2]}
    cookie = request.headers["cookie"].removeprefix(f"{COOKIE}=")
    visitor = "w" + hashlib.sha256(b"load-42-2").hexdigest()[:32]  # n % 500
    assert read_visitor(cookie, SECRET) == visitor


def test_wechat_requests_are_signed_and_each_has_its_own_message() -> None:
    prepared = _Prepared("mixed", "127.0.0.1:8000", 0.01, 42)
    first, second = _Request(prepared.pick(1)[1]), _Request(prepared.pick(3)[1])  # type: ignore[index]
    assert first.body != second.body
    path, query = first.url.decode().split("?")
    q = {k: v[0] for k, v in parse_qs(query).items()}
    assert path == "/wechat" and q["encrypt_type"] == "aes" and q["nonce"] == "100042"
    assert q["signature"] == _sign(TOKEN, q["timestamp"], q["nonce"])
    encrypt = first.body.split(b"<Encrypt><![CDATA[")[1].split(b"]]>")[0].decode()
    assert q["msg_signature"] == _sign(TOKEN, q["timestamp"], q["nonce"], encrypt)


def test_a_level_that_sent_every_wechat_message_picks_none() -> None:
    prepared = _Prepared("mixed", "127.0.0.1:8000", 0.0, 0)  # 100 messages
    sent = [prepared.pick(n) for n in range(1, 202, 2)]
    assert all(sent[:100]) and sent[100] is None
    assert prepared.pick(0) is not None  # web chat goes on


@pytest.mark.parametrize(
    ("kind", "status", "body", "problem"),
    [
        ("wechat", 200, b"success", None),
        ("wechat", 200, b"<xml>\n<Encrypt><![CDATA[abc]]></Encrypt>\n</xml>", None),
        ("wechat", 200, b"<xml><Content>plain</Content></xml>", "neither an encrypted"),
        ("wechat", 503, b"temporarily unavailable", "status 503"),
        ("chat", 200, b'{"replies":[{"text":"hi"}],"lang":"zh"}', None),
        ("chat", 200, b'{"replies":[],"lang":"zh"}', "no reply"),
        ("chat", 200, b'{"detail":"x"}', "without a replies list"),
        ("chat", 200, b"<html>", "without a replies list"),
        ("chat", 429, b"{}", "status 429"),
        ("bare", 200, b'{"status":"ok"}', None),
    ],
)
def test_an_answer_the_route_does_not_owe_is_a_problem(
    kind: str, status: int, body: bytes, problem: str | None
) -> None:
    found = _problem(kind, status, body)
    assert found == problem if problem is None else problem in (found or "")


@contextlib.asynccontextmanager
async def _serve(handler: Handler) -> AsyncIterator[_Connection]:
    """A connection to a server answering with `handler`; the server side closes once the
    client has (and the test waits for it)."""
    finished = asyncio.Event()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await handler(reader, writer)
        await reader.read()  # until the client closes
        writer.close()
        await writer.wait_closed()
        finished.set()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        _, conn = await asyncio.get_running_loop().create_connection(_Connection, "127.0.0.1", port)
        try:
            yield conn
        finally:
            conn.close()
            await finished.wait()


async def test_responses_in_pieces_and_chunked_on_one_connection() -> None:
    ports: list[int] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        ports.append(writer.get_extra_info("peername")[1])
        await reader.readuntil(b"\r\n\r\n")
        for piece in (b"HTTP/1.1 200 OK\r\nContent-Len", b"gth: 7\r\n\r\nsuc", b"cess"):
            writer.write(piece)
            await writer.drain()
            await asyncio.sleep(0.01)
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
        )
        await writer.drain()

    async with _serve(handler) as conn:
        assert await conn.request(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n") == (200, b"success")
        assert await conn.request(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n") == (201, b"abc")
        assert conn.open and ports == [conn.port]


async def test_a_connection_closed_before_the_response_fails_the_request() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")
        writer.write_eof()  # the server's side ends before the body does

    async with _serve(handler) as conn:
        with pytest.raises(ConnectionError):
            await conn.request(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert not conn.open


async def test_connection_close_from_the_server_ends_the_connection_after_the_response() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        await writer.drain()

    async with _serve(handler) as conn:
        assert await conn.request(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n") == (200, b"ok")
        assert not conn.open  # the caller opens another for its next request


def test_the_system_calls_are_read_from_perf_stat_s_report() -> None:
    report = "# started on Sun Dec  6\n\n81594,,raw_syscalls:sys_enter,6776825626,100.00,,\n"
    assert perf_count(report, "raw_syscalls:sys_enter") == 81594
    # Not allowed to count (perf_event_paranoid), or no such event: not a number, not zero.
    refused = "<not supported>,,raw_syscalls:sys_enter,0,100.00,,\n"
    assert math.isnan(perf_count(refused, "raw_syscalls:sys_enter"))
    assert math.isnan(perf_count("", "raw_syscalls:sys_enter"))
