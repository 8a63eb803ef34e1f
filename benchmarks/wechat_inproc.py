"""The cost of one encrypted WeChat message through POST /wechat, in process: no socket, no HTTP
parser, no client on the same cores; optionally counted in instructions (callgrind).

    python -m benchmarks.wechat_inproc [--requests 1000] [--path /wechat]
    python -m benchmarks.wechat_inproc --instructions [--requests 100]
    python -m benchmarks.wechat_inproc --path /api/chat [--instructions]

`--path /api/chat` sends the same questions as web-chat messages (JSON, 500 signed visitor
cookies) instead: the web chat's cost measured the same way.

`--texts new` sends texts the process has not seen instead of the four questions: the messages
of the conversations `benchmarks/turn_mix.py` measures (the warm-up sends those it warms up
with), each once while there are enough (the figure without any memo of a repeated text).

Migrates a fresh SQLite database, builds the app as `benchmarks/wechat_bench.py` serves it
(`/bare` and `/echo/wechat` included), warms it up with 300 messages, then sends `--requests`
signed, encrypted text messages (the WeChat benchmark's questions, 500 users, each MsgId new)
straight to the ASGI app, one after the other. Prints the CPU per request of the process and of
the event-loop thread (the rest ran in the worker threads).

The window starts after a full garbage collection, so a rare full collection of the start-up's
objects does not land in one run's window and not in another's.

`--instructions` runs the same under valgrind's callgrind with instrumentation switched on only
for the measured requests, and prints the instructions per request: deterministic on a shared,
noisy machine, where CPU times move by 30 % between runs. Callgrind counts user-space
instructions only (a thread's creation, mostly in the kernel, does not show) and runs about
50 times slower, so a few hundred requests are enough.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks import callgrind

ROOT = Path(__file__).resolve().parent.parent


async def _call(
    app: Any, path: str, params: dict[str, str], body: bytes, cookie: str = ""
) -> tuple[int, bytes]:
    """One POST through the ASGI app; its status and body."""
    headers = [
        (b"host", b"127.0.0.1"),
        (b"content-type", b"application/json" if cookie else b"text/xml"),
        (b"content-length", str(len(body)).encode()),
    ]
    if cookie:
        headers.append((b"cookie", f"tmbot_chat={cookie}".encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": urllib.parse.urlencode(params).encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    pending = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if pending:
            return pending.pop()
        await asyncio.Event().wait()  # the client never disconnects
        raise AssertionError

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


def _chat_requests(count: int, offset: int) -> list[tuple[dict[str, str], bytes, str]]:
    """Web-chat messages: the WeChat benchmark's questions from 500 signed visitors."""
    import json

    from benchmarks.wechat_bench import QUESTIONS
    from bot.core.settings import get_settings
    from handlers.web.visitor import sign_visitor

    secret = get_settings().secret_key
    cookies = [sign_visitor(f"w{i:032x}", secret) for i in range(500)]
    return [
        (
            {},
            json.dumps({"text": QUESTIONS[i % len(QUESTIONS)]}, ensure_ascii=False).encode(),
            cookies[i % 500],
        )
        for i in range(offset, offset + count)
    ]


def _wechat_requests(count: int, offset: int) -> list[tuple[dict[str, str], bytes, str]]:
    from benchmarks import wechat_bench as bench

    return [(params, body, "") for params, body in bench._requests(count, offset)]


def _cycled(texts: list[str], offset: int) -> list[str]:
    """`texts` turned so that the message numbered `offset` (the requests number theirs from an
    offset, and take text `i % len`) is the first of them."""
    turn = offset % len(texts)
    return texts[-turn:] + texts[:-turn] if turn else texts


def _new_texts(count: int) -> tuple[list[str], list[str]]:
    """The warm-up's texts and the measured ones, as `benchmarks/turn_mix.py` picks them; the
    measured ones without repeats and without any the warm-up sent."""
    from benchmarks.turn_mix import _conversations

    warm = [text for says in _conversations(2, 300) for text in says]
    sent = set(warm)
    measured = [t for start in (0, 1, 3) for says in _conversations(start, count) for t in says]
    return warm, [t for t in dict.fromkeys(measured) if t not in sent][:count]


async def _measure(path: str, count: int, instructions: bool, texts: str) -> None:
    from benchmarks import wechat_bench as bench

    requests = _chat_requests if path == "/api/chat" else _wechat_requests
    warm, new = _new_texts(count) if texts == "new" else ([], [])
    app = bench.bench_app()
    async with app.router.lifespan_context(app):
        if warm:  # the requests take their texts from QUESTIONS
            bench.QUESTIONS = _cycled(warm, 5_000_000)
        for params, body, cookie in requests(300, 5_000_000):
            await _call(app, path, params, body, cookie)
        if new:
            bench.QUESTIONS = _cycled(new, 6_000_000)
            print(f"texts: {len(new)} new ones for {count} requests")
        prepared = requests(count, 6_000_000)
        answers: Counter[str] = Counter()
        # A full collection of the start-up's objects costs some 55 M instructions and comes
        # rarely (none in 3,000 requests of steady state): one falling inside a short window
        # or not moved the figure by 0.5 M a request. Collected here, runs compare.
        gc.collect()
        if instructions:
            callgrind.control("on")
        cpu, loop = time.process_time(), time.thread_time()
        for params, body, cookie in prepared:
            status, text = await _call(app, path, params, body, cookie)
            kind = "reply" if b"<Encrypt>" in text or b'"replies"' in text else "success"
            answers[f"{status} {kind}"] += 1
        cpu, loop = time.process_time() - cpu, time.thread_time() - loop
        if instructions:
            callgrind.control("off")
    print(f"answers: {dict(answers)}")
    if not instructions:
        print(
            f"{path}: {cpu / count * 1000:.3f} ms CPU per request (event loop {loop / count * 1000:.3f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=0, help="1000, or 100 with --instructions")
    parser.add_argument(
        "--path", default="/wechat", help="/wechat, /echo/wechat, /bare or /api/chat"
    )
    parser.add_argument("--instructions", action="store_true", help="count them with callgrind")
    parser.add_argument(
        "--texts", choices=("bench", "new"), default="bench", help="new: texts never sent before"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    count = args.requests or (100 if args.instructions else 1000)
    if args.child:
        asyncio.run(_measure(args.path, count, args.instructions, args.texts))
        return
    from benchmarks.wechat_bench import AES_KEY, APPID, TOKEN

    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            TMBOT_DATABASE_URL=f"sqlite:///{tmp}/inproc.db",
            TMBOT_RUN_WORKER="false",
            TMBOT_WECHAT_TOKEN=TOKEN,
            TMBOT_WECHAT_APPID=APPID,
            TMBOT_WECHAT_AES_KEY=AES_KEY,
            TMBOT_RATE_LIMIT_WEBHOOK="10000000/minute",
            TMBOT_RATE_LIMIT_CHAT="10000000/minute",
            TMBOT_RATE_LIMIT_IDENTITY="10000000/minute",
            PYTHONPATH=str(ROOT),
        )
        cli = [sys.executable, "-m", "handlers.cli.app", "db", "upgrade"]
        subprocess.run(cli, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        child = [sys.executable, "-m", "benchmarks.wechat_inproc", "--child"]
        child += ["--requests", str(count), "--path", args.path, "--texts", args.texts]
        if not args.instructions:
            subprocess.run(child, env=env, cwd=ROOT, check=True)
            return
        log = Path(tmp) / "callgrind.log"
        collected = callgrind.count([*child, "--instructions"], env, ROOT, log)
        print(f"{args.path}: {collected / count / 1e6:.2f} M instructions per request ({count})")


if __name__ == "__main__":
    main()
