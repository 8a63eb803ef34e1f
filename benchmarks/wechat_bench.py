"""Throughput and latency of encrypted WeChat text messages through POST /wechat, beside a bare
FastAPI endpoint returning a fixed XML on the same server, with the same client, in one run.

    python benchmarks/wechat_bench.py [--requests 2000] [--concurrency 4] [--seconds 60]
                                      [--syscalls]

Starts one uvicorn worker on 127.0.0.1 (a fresh SQLite database in a temporary folder, safe
mode on), warms the endpoints up, then measures each; loopback only, bounded in count and time.
`adapter` is the same POST /wechat path (signature, decryption, parsing, delivery claim, reply,
encryption) over a core that answers at once, to separate the WeChat layer from the core.
`--syscalls` also counts the server's system calls per request with `perf stat` (Linux; needs
root or kernel.perf_event_paranoid <= 1).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

ROOT = Path(__file__).resolve().parent.parent
TOKEN, APPID = "bench-token", "wx2c2769f8efd9abc2"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
QUESTIONS = ["续展要交多少钱", "商标注册要多久", "马德里国际注册怎么申请", "how much is renewal"]
PATHS = {"bare": "/bare", "wechat": "/wechat", "adapter": "/echo/wechat"}
FIXED_XML = (
    "<xml><ToUserName><![CDATA[o]]></ToUserName><FromUserName><![CDATA[gh]]></FromUserName>"
    "<CreateTime>0</CreateTime><MsgType><![CDATA[text]]></MsgType>"
    "<Content><![CDATA[ok]]></Content></xml>"
)


class _EchoCore:
    """A conversation core that answers at once: isolates the WeChat layer's own cost."""

    def __init__(self, clock: object, engine: object) -> None:
        self.clock = clock
        self.engine = engine

    def handle_turn(self, _inbound: object, *, seal: object = None, bind: object = None) -> object:
        from bot.core.messages import Reply
        from bot.core.ports import Outcome
        from storage.light import light_scope
        from storage.turn_rows import TurnSession

        outcome = Outcome([Reply("ok")], "faq")
        # The WeChat layer stores its answer in a transaction as the core's (bot/core/conversation.py).
        with light_scope(bind or self.engine, TurnSession) as session:  # type: ignore[arg-type]
            seal(session, outcome)  # type: ignore[operator]
        return outcome


def bench_app():  # type: ignore[no-untyped-def]
    """The tmbot app, the bare endpoint, and /echo/wechat: the same WeChat adapter over a core
    that answers at once (uvicorn factory, run in the server process)."""
    from fastapi import FastAPI
    from fastapi.responses import Response

    from bot.core.runtime import Runtime, build_runtime
    from bot.core.settings import get_settings
    from handlers.wechat import adapter as wechat
    from webhook import create_app

    runtime = build_runtime(get_settings(), migrate=False)
    runtime.conversation.index.warm(runtime.engine)  # as `tmbot serve` does at start-up
    app = create_app(runtime.settings, runtime=runtime)
    echo = FastAPI()
    echo.include_router(wechat.router)
    wechat.install_lane(echo)  # as create_app does
    core = _EchoCore(runtime.conversation.clock, runtime.engine)
    echo.state.runtime = Runtime(runtime.settings, runtime.engine, core)  # type: ignore[arg-type]
    app.mount("/echo", echo)
    _echo_in_lane(app, echo)

    @app.post("/bare")
    async def bare() -> Response:
        return Response(FIXED_XML, media_type="application/xml")

    # The bench's two routes first, as the real webhook nearly is (the second router): added
    # last, every request to them walked the app's ~100 routes first (about 0.2-0.3 ms), a cost
    # neither the real /wechat nor a bare endpoint of a real app pays.
    routes = app.router.routes
    routes[:0] = [routes.pop(), routes.pop()]
    return app


def _echo_in_lane(app, echo):  # type: ignore[no-untyped-def]
    """POST /echo/wechat answered where the real POST /wechat is: in a lane right behind the
    guard. Through the mount it also paid the app's session, exception and routing middleware
    and the echo app's own stack (about 0.1 ms a message), which the real route skips."""
    from starlette.middleware import Middleware

    from handlers.wechat import adapter as wechat

    lane = wechat._Lane(echo)

    class _EchoLane:
        def __init__(self, inner):  # type: ignore[no-untyped-def]
            self.inner = inner

        async def __call__(self, scope, receive, send):  # type: ignore[no-untyped-def]
            if scope["type"] == "http" and scope["path"] == "/echo/wechat":
                # As the mount would pass it on: the echo app's runtime, its root path.
                scope = dict(scope, app=echo, root_path="/echo")
                await lane(scope, receive, send)
                return
            await self.inner(scope, receive, send)

    kinds = [m.cls for m in app.user_middleware]
    app.user_middleware.insert(kinds.index(wechat._Lane), Middleware(_EchoLane))


def _sign(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return str(signer.signature)


def _requests(count: int, offset: int) -> list[tuple[dict[str, str], bytes]]:
    """Encrypted, signed text messages, each with its own MsgId (prepared before timing)."""
    crypto = WeChatCrypto(TOKEN, AES_KEY, APPID)
    prepared = []
    for i in range(offset, offset + count):
        ts, nonce = str(int(time.time())), str(100000 + i)
        xml = (
            "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName>"
            f"<FromUserName><![CDATA[o_bench_user_{i % 500:05d}]]></FromUserName>"
            f"<CreateTime>{ts}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{QUESTIONS[i % len(QUESTIONS)]}]]></Content>"
            f"<MsgId>{7_000_000_000 + i}</MsgId></xml>"
        )
        encrypt = xmltodict.parse(crypto.encrypt_message(xml, nonce, ts))["xml"]["Encrypt"]
        body = f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
        params = {
            "signature": _sign(TOKEN, ts, nonce),
            "timestamp": ts,
            "nonce": nonce,
            "encrypt_type": "aes",
            "msg_signature": _sign(TOKEN, ts, nonce, encrypt),
        }
        prepared.append((params, body.encode()))
    return prepared


def _cpu_seconds(pid: int) -> tuple[float, float, float, int]:
    """The server process's CPU so far (Linux /proc; zeros elsewhere): user and system seconds,
    the event-loop thread's (the main thread) seconds, and context switches of all threads.
    Callgrind counts only the user part of what the loop and the turn threads do."""
    tick = os.sysconf("SC_CLK_TCK")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        loop = Path(f"/proc/{pid}/task/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0, 0.0, 0.0, 0
    switches = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            status = (task / "status").read_text()
        except OSError:  # a thread that ended meanwhile
            continue
        switches += sum(
            int(line.split()[1]) for line in status.splitlines() if "ctxt_switches" in line
        )
    return (
        int(fields[11]) / tick,
        int(fields[12]) / tick,
        (int(loop[11]) + int(loop[12])) / tick,
        switches,
    )


def _perf_syscalls(pid: int) -> subprocess.Popen[str] | None:
    """`perf stat` counting the server's system calls (all threads) until interrupted."""
    perf = shutil.which("perf")
    if perf is None:
        return None
    counter = subprocess.Popen(
        [perf, "stat", "-x,", "-e", "raw_syscalls:sys_enter", "-p", str(pid)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    return counter


def _syscalls_counted(counter: subprocess.Popen[str] | None) -> float:
    """What `counter` counted (NaN without perf, or where the kernel would not let it count)."""
    if counter is None:
        return math.nan
    counter.send_signal(signal.SIGINT)
    _, report = counter.communicate(timeout=10)
    return perf_count(report, "raw_syscalls:sys_enter")


def perf_count(report: str, event: str) -> float:
    """`event`'s count in a `perf stat -x,` report (NaN when it was not counted)."""
    for line in report.splitlines():
        fields = line.split(",")
        if len(fields) > 2 and fields[2] == event and fields[0].isdigit():
            return float(fields[0])
    return math.nan


async def _run(
    client: httpx.AsyncClient,
    pid: int,
    path: str,
    reqs: list[tuple[dict[str, str], bytes]],
    concurrency: int,
    seconds: float,
    syscalls: bool = False,
) -> dict[str, float]:
    latencies: list[float] = []
    failures = deferred = 0
    queue = iter(reqs)
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal failures, deferred
        for params, body in queue:
            if time.perf_counter() > deadline:
                return
            start = time.perf_counter()
            try:
                resp = await client.post(path, params=params, content=body)
            except httpx.HTTPError:
                failures += 1
                continue
            latencies.append(time.perf_counter() - start)
            if resp.status_code != 200:
                failures += 1
            elif path != "/bare" and "<Encrypt>" not in resp.text:
                deferred += 1  # `success`: answered later through the customer-service API

    counter = _perf_syscalls(pid) if syscalls else None
    if counter is not None:
        await asyncio.sleep(0.5)  # attached by then (an idle server makes a few calls a second)
    started, before = time.perf_counter(), _cpu_seconds(pid)
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    user, system, loop, switches = (b - a for a, b in zip(before, _cpu_seconds(pid), strict=True))
    calls = _syscalls_counted(counter)
    per = 1000 / max(len(latencies), 1)  # ms per request
    latencies.sort()
    return {
        "n": len(latencies),
        "failures": failures,
        "deferred": deferred,
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "cpu": (user + system) * per,  # server CPU ms per request
        "user": user * per,
        "system": system * per,
        "loop": loop * per,
        "switches": switches * per / 1000,  # context switches per request
        "syscalls": calls * per / 1000,  # system calls per request (NaN: not counted)
    }


async def _measure(base: str, pid: int, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    limits = httpx.Limits(
        max_connections=args.concurrency, max_keepalive_connections=args.concurrency
    )
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        results = {}
        for n, path in enumerate(PATHS.values()):
            warm = _requests(50, n * 1_000_000)
            await _run(client, pid, path, warm, args.concurrency, args.seconds)
        for n, (name, path) in enumerate(PATHS.items()):
            reqs = _requests(args.requests, n * 1_000_000 + 100)
            results[name] = await _run(
                client, pid, path, reqs, args.concurrency, args.seconds, args.syscalls
            )
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=60.0, help="cap per endpoint")
    parser.add_argument(
        "--syscalls", action="store_true", help="count the server's system calls (perf stat)"
    )
    parser.add_argument(
        "--database-url",
        default="",
        help="a disposable database to migrate and write to (default: a fresh SQLite file)",
    )
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            TMBOT_DATABASE_URL=args.database_url or f"sqlite:///{tmp}/bench.db",
            TMBOT_RUN_WORKER="false",
            TMBOT_WECHAT_TOKEN=TOKEN,
            TMBOT_WECHAT_APPID=APPID,
            TMBOT_WECHAT_AES_KEY=AES_KEY,
            # One client address sends everything: the per-address limit would refuse most of it.
            TMBOT_RATE_LIMIT_WEBHOOK="10000000/minute",
            PYTHONPATH=str(ROOT),
        )
        subprocess.run(
            [sys.executable, "-m", "handlers.cli.app", "db", "upgrade"],
            env=env,
            cwd=ROOT,
            check=True,
        )
        server = subprocess.Popen(
            [
                *(
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "--factory",
                    "benchmarks.wechat_bench:bench_app",
                ),
                *("--host", "127.0.0.1", "--port", str(port), "--workers", "1"),
                *("--log-level", "warning", "--no-access-log"),
            ],
            env=env,
            cwd=ROOT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            results = asyncio.run(_measure(base, server.pid, args))
        finally:
            server.terminate()
            server.wait(10)
    for name, r in results.items():
        print(
            f"{name:8s} {r['n']:6.0f} requests  {r['rps']:8.1f} req/s  "
            f"p50 {r['p50']:7.2f} ms  p99 {r['p99']:7.2f} ms  server CPU {r['cpu']:5.2f} ms/req  "
            f"failures {r['failures']:.0f}  deferred {r['deferred']:.0f}\n"
            f"{'':8s} server CPU: user {r['user']:.2f}, system {r['system']:.2f}, event-loop "
            f"thread {r['loop']:.2f} ms/req; {r['switches']:.1f} context switches/req"
            + ("" if math.isnan(r["syscalls"]) else f", {r['syscalls']:.1f} system calls/req")
        )
    bare = results["bare"]["rps"]
    print(f"ratio wechat/bare: {results['wechat']['rps'] / bare:.2f} (goal >= 0.5)")
    print(f"ratio adapter/bare: {results['adapter']['rps'] / bare:.2f} (WeChat layer alone)")


if __name__ == "__main__":
    main()
