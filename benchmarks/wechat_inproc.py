"""The cost of one encrypted WeChat message through POST /wechat, in process: no socket, no HTTP
parser, no client on the same cores; optionally counted in instructions (callgrind).

    python -m benchmarks.wechat_inproc [--requests 1000] [--path /wechat]
    python -m benchmarks.wechat_inproc --instructions [--requests 100]
    python -m benchmarks.wechat_inproc --path /api/chat [--instructions]

`--path /api/chat` sends the same questions as web-chat messages (JSON, 500 signed visitor
cookies) instead: the web chat's cost measured the same way.

`--database-url URL` runs it on that database instead of a new SQLite file: a disposable one,
empty (created for the run; the benchmark migrates it and refuses one already migrated, whose
MsgIds would be retries). On PostgreSQL the run also prints what the database did per request:
the CPU of the server's backends (utime + stime from /proc, this host's server), and with
`--statements` what crossed the wire (libpq's protocol trace of every pooled connection: round
trips, statements by kind, BEGIN/COMMIT) beside SQLAlchemy's events (statements it executed,
transactions begun and committed, pool checkouts). The trace costs time: without
`--statements` nothing is traced.

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
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks import callgrind

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

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


class _Wire:
    """What the app's database connections did (`--statements`): SQLAlchemy's events, and each
    pooled PostgreSQL connection's libpq protocol trace, read per window."""

    def __init__(self, engine: Engine, folder: Path) -> None:
        from sqlalchemy import event

        self.events: Counter[str] = Counter()
        self.folder = folder
        self.traces: list[Path] = []
        for name in ("begin", "commit", "rollback", "before_cursor_execute"):
            event.listen(engine, name, partial(self._event, name))
        event.listen(engine.pool, "checkout", partial(self._event, "checkout"))
        event.listen(engine.pool, "connect", self._connect)
        engine.pool.dispose()  # connections made from now on are traced
        self.start()

    def _event(self, name: str, *_args: Any) -> None:
        self.events[name] += 1

    def _connect(self, dbapi: Any, _record: Any) -> None:
        from psycopg.pq import Trace

        path = self.folder / f"trace-{len(self.traces)}.txt"
        self.traces.append(path)
        dbapi.pgconn.trace(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        dbapi.pgconn.set_trace_flags(Trace.SUPPRESS_TIMESTAMPS)

    def start(self) -> None:
        self.events.clear()
        self.sizes = {p: p.stat().st_size for p in self.traces}

    def report(self, count: int) -> None:
        """Per request: round trips (ReadyForQuery), statements sent by kind, events."""
        wire: Counter[str] = Counter()
        names: dict[str, str] = {}  # prepared statement name -> its SQL's kind
        for path in self.traces:
            data = path.read_bytes()
            start = self.sizes.get(path, 0)
            # The whole trace is read for the names of statements prepared before the window.
            for line in _messages(data[:start]):
                _traced(line, names)
            for line in _messages(data[start:]):
                wire.update(_traced(line, names))
        print(f"per request, on the wire ({count} requests):")
        for kind, n in sorted(wire.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  {n / count:6.2f}  {kind}")
        print("per request, SQLAlchemy's events:")
        for kind, n in sorted(self.events.items()):
            print(f"  {n / count:6.2f}  {kind}")


def _messages(data: bytes) -> list[str]:
    """The protocol messages of a trace, one a line: a statement's SQL may span several."""
    lines: list[str] = []
    for line in data.decode("utf-8", "replace").split("\n"):
        if line[:2] in ("F\t", "B\t") or not lines:
            lines.append(line)
        else:
            lines[-1] += " " + line
    return lines


_QUOTED = re.compile(r'"((?:[^"]|"")*)"')


def _traced(line: str, names: dict[str, str]) -> list[str]:
    """What one line of libpq's trace counts for: a round trip (the server's ReadyForQuery),
    a statement sent (Query; Parse, or Bind of a prepared one, by its SQL's first words)."""
    parts = line.split("\t", 3)
    if len(parts) < 3:
        return []
    side, kind, rest = parts[0], parts[2], parts[3] if len(parts) > 3 else ""
    if side == "B":
        return ["round trips"] if kind == "ReadyForQuery" else []
    quoted = _QUOTED.findall(rest)
    if kind == "Query":
        return [f"statement (simple) {_kind(quoted[0] if quoted else '')}"]
    if kind == "Parse" and len(quoted) >= 2:
        sql = _kind(quoted[1])
        if quoted[0]:  # a named statement: prepared now, bound by name from here on
            names[quoted[0]] = sql
            return [f"PREPARE {sql}"]
        return [f"statement {sql}"]
    if kind == "Bind" and len(quoted) >= 2 and quoted[1]:
        return [f"statement (prepared) {names.get(quoted[1], quoted[1])}"]
    return []


def _kind(sql: str) -> str:
    words = sql.replace('""', '"').split()
    head = " ".join(words[:3]) if words[:1] in (["INSERT"], ["DELETE"]) else " ".join(words[:2])
    return head[:60]


def _backends(url: str) -> tuple[Any, list[int]]:
    """A connection of our own to the benchmark's database, and the server processes of the
    database's other connections (the app's pool)."""
    import psycopg

    conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
    rows = conn.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        " AND pid <> pg_backend_pid()"
    ).fetchall()
    return conn, [int(pid) for (pid,) in rows]


def _cpu_seconds(pids: list[int]) -> dict[int, float]:
    """utime + stime of each process (gone ones left out)."""
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return found


async def _measure(path: str, count: int, instructions: bool, texts: str, statements: bool) -> None:
    from benchmarks import wechat_bench as bench

    requests = _chat_requests if path == "/api/chat" else _wechat_requests
    warm, new = _new_texts(count) if texts == "new" else ([], [])
    app = bench.bench_app()
    url = os.environ["TMBOT_DATABASE_URL"]
    pg = url.startswith("postgresql")
    folder = tempfile.TemporaryDirectory()
    async with app.router.lifespan_context(app):
        wire = _Wire(app.state.runtime.engine, Path(folder.name)) if statements else None
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
        if pg:
            watcher, pids = _backends(url)
            backends = _cpu_seconds(pids)
        if wire:
            wire.start()
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
        if pg:
            after = _cpu_seconds(list(backends))
            watcher.close()
            spent = sum(after[p] - backends[p] for p in after)
            print(
                f"PostgreSQL backends: {spent / count * 1000:.3f} ms CPU per request "
                f"({len(after)} of {len(backends)} backends still open)"
            )
        if wire:
            wire.report(count)
    folder.cleanup()
    print(f"answers: {dict(answers)}")
    if not instructions:
        print(
            f"{path}: {cpu / count * 1000:.3f} ms CPU per request (event loop {loop / count * 1000:.3f})"
        )


def _migrated(url: str) -> bool:
    """Whether the database at `url` holds tmbot's schema already (a run's MsgIds, users and
    visitors are fixed: on a used database they would be retries and known users)."""
    from sqlalchemy import create_engine, inspect

    engine = create_engine(url)
    try:
        return inspect(engine).has_table("alembic_version")
    finally:
        engine.dispose()


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
    parser.add_argument(
        "--database-url",
        default="",
        help="a disposable, empty database (is migrated and written) instead of a new SQLite file",
    )
    parser.add_argument(
        "--statements", action="store_true", help="PostgreSQL: trace what each request sends"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    count = args.requests or (100 if args.instructions else 1000)
    if args.child:
        asyncio.run(_measure(args.path, count, args.instructions, args.texts, args.statements))
        return
    from benchmarks.wechat_bench import AES_KEY, APPID, TOKEN

    if args.database_url and _migrated(args.database_url):
        parser.exit(2, "benchmarks.wechat_inproc: the database is not empty: recreate it\n")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            TMBOT_DATABASE_URL=args.database_url or f"sqlite:///{tmp}/inproc.db",
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
        child += ["--statements"] if args.statements else []
        if not args.instructions:
            subprocess.run(child, env=env, cwd=ROOT, check=True)
            return
        log = Path(tmp) / "callgrind.log"
        collected = callgrind.count([*child, "--instructions"], env, ROOT, log)
        print(f"{args.path}: {collected / count / 1e6:.2f} M instructions per request ({count})")


if __name__ == "__main__":
    main()
