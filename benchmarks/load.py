"""Mixed load (half `/api/chat`, half encrypted `/wechat`) on `tmbot serve --workers N`, beside a
bare endpoint (GET /healthz) served by the same processes, in one run.

    python -m benchmarks.load [--workers 1 2] [--concurrency 1 4 16 64] [--seconds 10]
                              [--database-url postgresql+psycopg://.../scratch]

For each worker count: a fresh database (a temporary SQLite file, or the given disposable
database, migrated by `tmbot serve` itself), a warm-up, then each concurrency level for a bounded
time. Prints req/s, p50/p99, errors, server CPU per request (master and workers, from /proc) and
the resident memory of each worker after the run. Loopback only; the client shares the machine,
so on a small machine it competes with the workers for CPU (the CPU per request is the server's).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import itertools
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.wechat_bench import AES_KEY, APPID, QUESTIONS, TOKEN, _requests

ROOT = Path(__file__).resolve().parent.parent
SECRET = "load-bench-secret-0123456789abcdef0123456789"


def _pids(root: int) -> list[int]:
    """`root` and all its descendants (uvicorn's supervisor spawns the workers)."""
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        for task in Path(f"/proc/{pid}/task").glob("*"):
            with contextlib.suppress(OSError):
                todo += [int(c) for c in (task / "children").read_text().split()]
    return found


def _cpu(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _is_worker(pid: int) -> bool:
    """A uvicorn worker, not multiprocessing's resource tracker."""
    try:
        return b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _pg_sessions(url: str) -> tuple[int, int] | None:
    """(connections open now, connections ever opened) to the benchmark database; None for
    SQLite. The second moves with every new connection: churn shows as a growing count."""
    if not url.startswith("postgresql"):
        return None
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            now = conn.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
            ).scalar_one()
            ever = conn.execute(
                text("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
            ).scalar_one()
            return int(now) - 1, int(ever)
    finally:
        engine.dispose()


async def _level(
    base: str, server: int, concurrency: int, seconds: float, kind: str, offset: int
) -> dict[str, float]:
    """One concurrency level for `seconds`: `kind` is "mixed" or "bare"."""
    from handlers.web.visitor import COOKIE, sign_visitor

    latencies: list[float] = []
    errors = 0
    wechat = iter(_requests(int(seconds * 2000) + 100, offset))
    counter = itertools.count()
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def one(n: int) -> httpx.Response:
            if kind == "bare":
                return await client.get("/healthz")
            if n % 2:
                params, body = next(wechat)
                return await client.post("/wechat", params=params, content=body)
            visitor = "w" + hashlib.sha256(f"load-{offset}-{n % 500}".encode()).hexdigest()[:32]
            cookies = {COOKIE: sign_visitor(visitor, SECRET)}
            payload = {"text": QUESTIONS[n % len(QUESTIONS)]}
            return await client.post("/api/chat", json=payload, cookies=cookies)

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                try:
                    resp = await one(next(counter))
                except httpx.HTTPError:
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - start)
                errors += resp.status_code != 200

        pids = _pids(server)
        started, cpu = time.perf_counter(), _cpu(pids)
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed, cpu = time.perf_counter() - started, _cpu(pids) - cpu
    latencies.sort()
    n = max(len(latencies), 1)
    return {
        "n": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p99": latencies[min(n - 1, int(n * 0.99))] * 1000 if latencies else 0.0,
        "cpu": cpu / n * 1000,
    }


def _serve(workers: int, url: str, port: int) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        TMBOT_DATABASE_URL=url,
        TMBOT_RUN_WORKER="false",
        TMBOT_SECRET_KEY=SECRET,
        # One client address sends everything: the per-address limits would refuse most of it.
        TMBOT_RATE_LIMIT_CHAT="10000000/minute",
        TMBOT_RATE_LIMIT_WEBHOOK="10000000/minute",
        TMBOT_WECHAT_TOKEN=TOKEN,
        TMBOT_WECHAT_APPID=APPID,
        TMBOT_WECHAT_AES_KEY=AES_KEY,
        PYTHONPATH=str(ROOT),
    )
    cmd = [sys.executable, "-m", "handlers.cli.app", "serve", "--port", str(port)]
    return subprocess.Popen(
        [*cmd, "--workers", str(workers)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_workers(workers: int, url: str, args: argparse.Namespace) -> None:
    port = _free_port()
    server = _serve(workers, url, port)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            time.sleep(0.2)
        time.sleep(1.0)  # every worker up
        before = _pg_sessions(url)
        asyncio.run(_measure(base, server.pid, workers, args))
        after = _pg_sessions(url)
        workers_rss = [_rss_mib(p) for p in _pids(server.pid)[1:] if _is_worker(p)]
        workers_rss = workers_rss or [_rss_mib(server.pid)]  # one worker: uvicorn runs in-process
        print("  worker RSS MiB: " + ", ".join(f"{m:.0f}" for m in workers_rss))
        if before and after:
            print(
                f"  PostgreSQL: {after[0]} connections open after the run, "
                f"{after[1] - before[1]} opened during it"
            )
    finally:
        server.terminate()
        server.wait(20)


async def _measure(base: str, pid: int, workers: int, args: argparse.Namespace) -> None:
    await _level(base, pid, 4, 3.0, "mixed", 9_000_000)  # warm-up: index, caches
    print(f"workers {workers}")
    _print("bare c=16", await _level(base, pid, 16, args.seconds, "bare", 0))
    for level, concurrency in enumerate(args.concurrency):
        offset = (level + 1) * 1_000_000
        result = await _level(base, pid, concurrency, args.seconds, "mixed", offset)
        _print(f"mixed c={concurrency}", result)


def _print(name: str, r: dict[str, float]) -> None:
    print(
        f"  {name:13s} {r['n']:7.0f} req  {r['rps']:7.1f} req/s  p50 {r['p50']:7.2f} ms  "
        f"p99 {r['p99']:8.2f} ms  errors {r['errors']:.0f}  server CPU {r['cpu']:5.2f} ms/req"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16, 64])
    parser.add_argument("--seconds", type=float, default=10.0, help="per level")
    parser.add_argument("--database-url", default="", help="a disposable database (is written)")
    args = parser.parse_args()
    for workers in args.workers:
        with tempfile.TemporaryDirectory() as tmp:
            url = args.database_url or f"sqlite:///{tmp}/load.db"
            _run_workers(workers, url, args)


if __name__ == "__main__":
    main()
