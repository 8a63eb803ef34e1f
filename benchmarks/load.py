"""Mixed load (half `/api/chat`, half encrypted `/wechat`) on `tmbot serve --workers N`, beside a
bare endpoint (GET /healthz) served by the same processes, in one run.

    python -m benchmarks.load [--workers 1 2] [--concurrency 1 4 16 64] [--seconds 10]
                              [--database-url postgresql+psycopg://.../scratch]
                              [--worker-cpu 0.4] [--json out.jsonl]

For each worker count: a fresh database (a temporary SQLite file, or the given disposable
database, migrated by `tmbot serve` itself), a warm-up, then each concurrency level for a bounded
time, one connection per caller. Prints req/s, p50/p99, errors, server CPU per request (master
and workers, from /proc); per worker the requests it served, its CPU per request and (capped)
how often it was throttled; the client's CPU per request and how busy the machine was; on
PostgreSQL the connections opened and closed during each level; each worker's resident memory
after the run. Loopback only; the client shares the machine, so it is kept cheap: every request
of a level is built before it starts, and each caller writes them on one keep-alive connection
(asyncio protocol on uvloop, responses read by httptools), checks each answer (status 200; a
WeChat message answered by an encrypted reply or `success`; /api/chat by its replies) and counts
what is wrong as errors, by kind. `--worker-cpu F` caps each worker
at F of a core in a cgroup of its own (`benchmarks/cpu_cap.py`), so 1 worker against 2 compares
capacity on a fixed CPU budget rather than who got a core.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import itertools
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlencode

import httptools
import httpx
import uvloop

from benchmarks.cpu_cap import CpuCapError, CpuCaps
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


def _machine() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, all cores (/proc/stat)."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    hz = os.sysconf("SC_CLK_TCK")
    return (sum(ticks) - idle) / hz, sum(ticks) / hz


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


class _Postgres:
    """Connections to the benchmark database, read on one connection held for the whole run (so
    sampling opens none): open now (pg_stat_activity) and ever opened (pg_stat_database.sessions,
    which moves with every new connection: a pool that churns shows as a growing count)."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        self.engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        self.conn = self.engine.connect()

    def sample(self) -> tuple[int, int]:
        from sqlalchemy import text

        now = self.conn.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        ).scalar_one()
        ever = self.conn.execute(
            text("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        ).scalar_one()
        return int(now) - 1, int(ever)  # not this connection

    def backends(self) -> list[int]:
        """The server processes of the benchmark database's connections (this host's pids)."""
        from sqlalchemy import text

        rows = self.conn.execute(
            text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        )
        return [int(pid) for (pid,) in rows]

    def own_pid(self) -> int:
        from sqlalchemy import text

        return int(self.conn.execute(text("SELECT pg_backend_pid()")).scalar_one())

    def close(self) -> None:
        self.conn.close()
        self.engine.dispose()


@dataclass
class _Server:
    """What a level reads about the server: its processes, their caps, its database."""

    pid: int
    port: int
    workers: list[int]
    caps: CpuCaps | None = None
    pg: _Postgres | None = None


def _connections_by_worker(server: _Server) -> dict[int, int]:
    """Client port -> worker pid, for the connections open to the server now: the server side of
    each connection in /proc/net/tcp{,6} (local port = the server's), its socket inode, and the
    worker holding that inode among its file descriptors."""
    inodes: dict[str, int] = {}
    for pid in server.workers:
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    target = os.readlink(fd)
                    if target.startswith("socket:["):
                        inodes[target[8:-1]] = pid
    found: dict[int, int] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for row in Path(table).read_text().splitlines()[1:]:
                cols = row.split()
                local, remote, inode = cols[1], cols[2], cols[9]
                if int(local.rsplit(":", 1)[1], 16) == server.port and inode in inodes:
                    found[int(remote.rsplit(":", 1)[1], 16)] = inodes[inode]
    return found


async def _sample_pg(server: _Server, peak: list[int], stop: asyncio.Event) -> None:
    """Connections open, every half second; with caps, the backends of connections the pool
    opened meanwhile join the favoured group too."""
    assert server.pg
    while not stop.is_set():
        peak.append((await asyncio.to_thread(server.pg.sample))[0])
        if server.caps:
            server.caps.favour(await asyncio.to_thread(server.pg.backends))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.5)


def _http(method: str, path: str, host: str, body: bytes = b"", *headers: str) -> bytes:
    """One HTTP/1.1 request as bytes, as a client writes it on a keep-alive connection."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "User-Agent: tmbot-load", "Accept: */*"]
    if method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join([*lines, *headers]) + "\r\n\r\n").encode() + body


class _Prepared:
    """Every request of a level, built before it starts (WeChat signatures, encrypted bodies with
    fresh MsgIds, signed visitor cookies, JSON bodies), so the timed loop only writes bytes.
    Request n of a mixed level is the next WeChat message when n is odd, else visitor n % 500's
    web-chat message (the same requests the client built in the loop before)."""

    def __init__(self, kind: str, host: str, seconds: float, offset: int) -> None:
        from handlers.web.visitor import COOKIE, sign_visitor

        self.kind = kind
        self.bare = _http("GET", "/healthz", host)
        self.chat: list[bytes] = []
        self.wechat: Iterator[bytes] = iter(())
        if kind == "bare":
            return
        for n in range(500):
            visitor = "w" + hashlib.sha256(f"load-{offset}-{n}".encode()).hexdigest()[:32]
            # httpx's JSON body: UTF-8, compact.
            text = json.dumps(
                {"text": QUESTIONS[n % len(QUESTIONS)]}, ensure_ascii=False, separators=(",", ":")
            )
            self.chat.append(
                _http(
                    "POST",
                    "/api/chat",
                    host,
                    text.encode(),
                    "Content-Type: application/json",
                    f"Cookie: {COOKIE}={sign_visitor(visitor, SECRET)}",
                )
            )
        self.wechat = iter(
            [
                _http("POST", f"/wechat?{urlencode(params)}", host, body)
                for params, body in _requests(int(seconds * 2000) + 100, offset)
            ]
        )

    def pick(self, n: int) -> tuple[str, bytes] | None:
        """Request n's kind and bytes; None once the level has sent every WeChat message."""
        if self.kind == "bare":
            return "bare", self.bare
        if n % 2:
            data = next(self.wechat, None)
            return None if data is None else ("wechat", data)
        return "chat", self.chat[n % 500]


def _problem(kind: str, status: int, body: bytes) -> str | None:
    """What is wrong with a response, or None: a WeChat message is answered by an encrypted
    passive reply or `success`, a web-chat message by its replies, each with 200."""
    if status != 200:
        return f"status {status}"
    if kind == "wechat" and body != b"success":
        if not (body.startswith(b"<xml>") and b"<Encrypt>" in body):
            return "WeChat answer neither an encrypted reply nor success"
    elif kind == "chat":
        try:
            replies = json.loads(body)["replies"]
        except (ValueError, KeyError, TypeError):
            return "/api/chat answer without a replies list"
        if not replies:
            return "/api/chat answered no reply"
    return None


class _Connection(asyncio.Protocol):
    """One caller's keep-alive connection: writes a request's bytes and reads the response with
    httptools' parser (the one uvicorn serves with). httpx cost the client about 1.1 ms of CPU a
    request, a quarter of the machine it measured; see docs/benchmarks.md, session 13."""

    def __init__(self) -> None:
        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.port = 0  # the client side's port: which worker serves it (_connections_by_worker)
        self.body: list[bytes] = []
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self.open = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports have asyncio.Transport's methods without being its subclasses.
        self.transport = cast(asyncio.Transport, transport)
        self.open = True
        self.port = transport.get_extra_info("sockname")[1]

    def request(self, data: bytes) -> asyncio.Future[tuple[int, bytes]]:
        """The response's status and body, once all of it has come."""
        assert self.transport
        self.waiter = asyncio.get_running_loop().create_future()
        self.body = []
        self.transport.write(data)
        return self.waiter

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(exc)

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        if not self.parser.should_keep_alive():  # the caller's next request opens another
            self.close()
        if self.waiter and not self.waiter.done():
            self.waiter.set_result((self.parser.get_status_code(), b"".join(self.body)))

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(exc or ConnectionResetError("connection closed before the response"))

    def _fail(self, exc: Exception) -> None:
        self.close()
        if self.waiter and not self.waiter.done():
            self.waiter.set_exception(exc)

    def close(self) -> None:
        self.open = False
        if self.transport:
            self.transport.close()


async def _level(
    base: str, server: _Server, concurrency: int, seconds: float, kind: str, offset: int
) -> dict[str, Any]:
    """One concurrency level for `seconds`: `kind` is "mixed" or "bare"."""
    latencies: list[float] = []
    by_port: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    prepared = _Prepared(kind, base.split("//", 1)[1], seconds, offset)
    counter = itertools.count()
    loop = asyncio.get_running_loop()

    async def connect() -> _Connection:
        return (await loop.create_connection(_Connection, "127.0.0.1", server.port))[1]

    async def caller(conn: _Connection) -> _Connection:
        while time.perf_counter() < deadline:
            picked = prepared.pick(next(counter))
            if picked is None:
                errors["ran out of prepared WeChat messages"] += 1
                break
            what, data = picked
            start = time.perf_counter()
            try:
                if not conn.open:
                    conn = await connect()
                status, body = await conn.request(data)
            except (OSError, httptools.HttpParserError) as exc:
                errors[type(exc).__name__] += 1
                continue
            latencies.append(time.perf_counter() - start)
            by_port[conn.port] += 1
            problem = _problem(what, status, body)
            if problem:
                errors[problem] += 1
        return conn  # still open: the server's side names the worker that served it

    # One connection per caller, opened before the level, as a proxy's upstream connections
    # are used (one shared httpx pool put every request on its first idle connections).
    connections = [await connect() for _ in range(concurrency)]
    pids = _pids(server.pid)
    if server.caps and server.pg:  # connections opened since the last level included
        server.caps.favour(server.pg.backends())
    pg_before = server.pg.sample() if server.pg else None
    # The CPU of the database's server processes (this host's): those open now, and any the
    # pool opens during the level (counted from 0); one closed before the end is not counted.
    backends = (
        {p: _cpu([p]) for p in server.pg.backends() if p != server.pg.own_pid()}
        if server.pg
        else {}
    )
    stop, peak = asyncio.Event(), []  # type: ignore[var-annotated]
    sampler = asyncio.create_task(_sample_pg(server, peak, stop)) if server.pg else None
    caps_before = {p: server.caps.stat(p) for p in server.workers} if server.caps else {}
    per_worker = {p: _cpu([p]) for p in server.workers}
    supervisor = _cpu([server.pid])
    machine, own = _machine(), time.process_time()
    started, cpu = time.perf_counter(), _cpu(pids)
    deadline = started + seconds
    callers = [asyncio.create_task(caller(conn)) for conn in connections]
    # A response not come 30 s after the level's end is an error, as httpx's timeout made it.
    done, late = await asyncio.wait(callers, timeout=seconds + 30)
    elapsed, cpu = time.perf_counter() - started, _cpu(pids) - cpu
    own = time.process_time() - own
    machine = tuple(b - a for a, b in zip(machine, _machine(), strict=True))
    per_worker = {p: _cpu([p]) - c for p, c in per_worker.items()}
    supervisor = _cpu([server.pid]) - supervisor
    owners = _connections_by_worker(server)  # before the client closes its connections
    for task in late:
        task.cancel()
        errors["no response within 30 s"] += 1
    for conn in connections + [task.result() for task in done]:
        conn.close()
    stop.set()
    if sampler:
        await sampler
    pg_after = server.pg.sample() if server.pg else None
    if server.pg:
        watcher = server.pg.own_pid()
        backends = {
            p: _cpu([p]) - backends.get(p, 0.0) for p in server.pg.backends() if p != watcher
        }
    latencies.sort()
    n = max(len(latencies), 1)
    served = Counter(dict.fromkeys(server.workers, 0))
    for port, count in by_port.items():
        served[owners.get(port, 0)] += count  # 0: a connection closed before the end
    workers = []
    for p in server.workers:
        stat = {}
        if server.caps:
            before, after = caps_before[p], server.caps.stat(p)
            periods = after.get("nr_periods", 0) - before.get("nr_periods", 0)
            throttled = after.get("nr_throttled", 0) - before.get("nr_throttled", 0)
            stat = {"throttled": throttled / periods if periods else 0.0}
        workers.append(
            {
                "pid": p,
                "n": served[p],
                "cpu_s": per_worker[p],
                "cores": per_worker[p] / elapsed,
                "cpu": per_worker[p] / served[p] * 1000 if served[p] else 0.0,
                **stat,
            }
        )
    result: dict[str, Any] = {
        "n": len(latencies),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p99": latencies[min(n - 1, int(n * 0.99))] * 1000 if latencies else 0.0,
        "cpu": cpu / n * 1000,
        "client_cpu": own / n * 1000,
        # Cores busy on the whole machine (server, client, other sessions), out of all of them.
        "machine_busy": machine[0] / elapsed,
        "machine_cores": machine[1] / elapsed,
        "supervisor_cpu_s": supervisor if server.workers != [server.pid] else None,
        "unattributed": served[0],
        "workers": workers,
    }
    if pg_before and pg_after:
        opened = pg_after[1] - pg_before[1]
        result |= {
            "pg_open": pg_after[0],
            "pg_peak": max(peak or [0]),
            "pg_opened": opened,
            # Opened and closed again within the level: the pool's churn (growth is not).
            "pg_closed": opened - (pg_after[0] - pg_before[0]),
            "pg_cpu": sum(backends.values()) / n * 1000,
        }
    return result


def _serve(workers: int, url: str, port: int, outbox: bool) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        TMBOT_DATABASE_URL=url,
        TMBOT_RUN_WORKER=str(outbox).lower(),  # each worker's outbox loop, as served
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


def _workers(server: int, count: int) -> list[int]:
    """The processes serving requests: with one worker uvicorn serves in the server process
    itself; with more, its supervisor's children (not multiprocessing's resource tracker)."""
    if count == 1:
        return [server]
    return sorted(p for p in _pids(server)[1:] if _is_worker(p))


def _wait_ready(base: str, server: subprocess.Popen[bytes], count: int) -> list[int]:
    for _ in range(600):
        if server.poll() is not None:
            raise SystemExit(f"the server exited ({server.returncode}) before it served")
        with contextlib.suppress(httpx.HTTPError):
            ok = httpx.get(f"{base}/healthz", timeout=1).status_code == 200
            workers = _workers(server.pid, count)
            if ok and len(workers) == count:
                return workers
        time.sleep(0.2)
    raise SystemExit("the server did not come up within 2 minutes")


def _wait_idle(pids: list[int], limit: float = 120.0) -> None:
    """Until no worker uses CPU (each has built its index): a capped worker starts slowly."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = [_cpu([p]) for p in pids]
        time.sleep(0.5)
        if all(_cpu([p]) - b < 0.02 for p, b in zip(pids, before, strict=True)):
            return


def _run_workers(workers: int, url: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with contextlib.ExitStack() as stack:
        caps = stack.enter_context(CpuCaps(args.worker_cpu)) if args.worker_cpu else None
        server_proc = _serve(workers, url, port, args.outbox)

        def stop() -> None:
            server_proc.terminate()
            try:
                server_proc.wait(30)
            except subprocess.TimeoutExpired:
                server_proc.kill()
                server_proc.wait(10)

        stack.callback(stop)  # runs before the caps are removed
        pids = _wait_ready(base, server_proc, workers)
        if caps:
            for pid in pids:
                caps.cap(pid)
            caps.favour([os.getpid()])  # the client: uncapped, as heavy as a capped worker
        _wait_idle(pids)
        pg = (
            stack.enter_context(contextlib.closing(_Postgres(url)))
            if url.startswith("postgresql")
            else None
        )
        server = _Server(server_proc.pid, port, pids, caps, pg)
        results = uvloop.run(_measure(base, server, workers, args))
        if _workers(server.pid, workers) != pids:
            print("  WARNING: the worker processes changed during the run (a worker restarted)")
        print("  worker RSS MiB: " + ", ".join(f"{_rss_mib(p):.0f}" for p in pids))
        return results


def _fresh() -> int:
    """The first WeChat MsgId and web visitor of a level: never one an earlier level or run on
    the same database sent (fixed offsets made the second worker count's WeChat messages
    retries of the first's, answered from the stored reply without a turn). A level sends at
    most about 2,000 a second; this moves by 100,000 a second."""
    return time.time_ns() // 10_000


async def _measure(
    base: str, server: _Server, workers: int, args: argparse.Namespace
) -> list[dict[str, Any]]:
    cap = f", each worker capped at {args.worker_cpu} core" if args.worker_cpu else ""
    await _level(base, server, 4, 3.0, "mixed", _fresh())  # warm-up: index, caches
    print(f"workers {workers}{cap}")
    results = []
    bare = await _level(base, server, 16, args.seconds, "bare", 0)
    _print("bare c=16", bare)
    results.append({"kind": "bare", "concurrency": 16, **bare})
    for concurrency in args.concurrency:
        result = await _level(base, server, concurrency, args.seconds, "mixed", _fresh())
        _print(f"mixed c={concurrency}", result)
        results.append({"kind": "mixed", "concurrency": concurrency, **result})
    return [{**r, "worker_count": workers, "worker_cpu": args.worker_cpu} for r in results]


def _print(name: str, r: dict[str, Any]) -> None:
    print(
        f"  {name:13s} {r['n']:7.0f} req  {r['rps']:7.1f} req/s  p50 {r['p50']:7.2f} ms  "
        f"p99 {r['p99']:8.2f} ms  errors {r['errors']:.0f}  server CPU {r['cpu']:5.2f} ms/req"
    )
    for w in r["workers"]:
        throttled = f", throttled in {w['throttled']:.0%} of periods" if "throttled" in w else ""
        print(
            f"      worker {w['pid']}: {w['n']:6d} req, {w['cores']:.2f} core, "
            f"{w['cpu']:5.2f} ms CPU/req{throttled}"
        )
    extra = [
        f"client {r['client_cpu']:.2f} ms CPU/req; machine {r['machine_busy']:.1f} of "
        f"{r['machine_cores']:.0f} cores busy"
    ]
    if r["supervisor_cpu_s"] is not None:
        extra.append(f"supervisor {r['supervisor_cpu_s']:.2f} s CPU")
    if r["error_kinds"]:
        extra.append("errors: " + ", ".join(f"{k} {v}" for k, v in r["error_kinds"].items()))
    if r["unattributed"]:
        extra.append(f"{r['unattributed']} req on connections closed before the end")
    if "pg_opened" in r:
        extra.append(
            f"PostgreSQL: {r['pg_opened']} connections opened, {r['pg_closed']} closed, "
            f"{r['pg_open']} open at the end (peak {r['pg_peak']}), backends "
            f"{r['pg_cpu']:.2f} ms CPU/req"
        )
    print("      " + "; ".join(extra))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16, 64])
    parser.add_argument("--seconds", type=float, default=10.0, help="per level")
    parser.add_argument("--database-url", default="", help="a disposable database (is written)")
    parser.add_argument(
        "--worker-cpu",
        type=float,
        default=0.0,
        metavar="CORES",
        help="cap each worker process at this fraction of a core (own cgroup v1 cpu group; "
        "the supervisor and this client stay uncapped)",
    )
    parser.add_argument(
        "--outbox", action="store_true", help="run each worker's outbox loop, as `tmbot serve` does"
    )
    parser.add_argument("--json", type=Path, help="append each level's figures here (JSON lines)")
    args = parser.parse_args()
    # A `kill` runs the same clean-up as Ctrl-C: the server stops, the cgroups go away.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        if args.worker_cpu:
            CpuCaps(args.worker_cpu)  # fail before starting anything
    except CpuCapError as exc:
        parser.exit(2, f"benchmarks.load: {exc}\n")
    for workers in args.workers:
        with tempfile.TemporaryDirectory() as tmp:
            url = args.database_url or f"sqlite:///{tmp}/load.db"
            results = _run_workers(workers, url, args)
        if args.json:
            with args.json.open("a") as out:
                for r in results:
                    out.write(json.dumps({"database": url.split(":", 1)[0], **r}) + "\n")


if __name__ == "__main__":
    main()
