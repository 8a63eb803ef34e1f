"""Issue 14's fault findings, reproduced in-process, with the figure each gives after the fix.

    python benchmarks/faults.py [--url postgresql+psycopg://...] [--stall 25]

Runs on a temporary SQLite file, or on the PostgreSQL database named by --url (it is WIPED:
never point it at a database you care about). Prints one table:
1. 100 handoffs at concurrency 16 -> tickets, errors
2. double-click 转人工 (5 clicks at once, 10 users who chatted before) -> active tickets per user
3. a 15-minute notifier outage on an injected clock -> each notice delivered once after recovery
4. a worker killed mid-send (abandoned claim) and a slow live send -> duplicates
5. WeChat during a database stall (a held lock for --stall seconds) -> answers that arrive
6. WeCom pacing: 60 notices at once -> robot messages in the first minute, each notice once
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import Session, col, select

from bot.core.messages import Inbound
from bot.core.ports import FixedClock
from bot.core.runtime import Runtime, build_runtime
from bot.core.settings import Settings
from bot.delivery.worker import OutboxWorker, TemporaryFailure
from storage.outbox import LEASE, OutboxMessage, claim_due, enqueue
from storage.tickets import ACTIVE, Ticket

ROOT = Path(__file__).resolve().parent.parent
T0 = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)  # a Wednesday, 10:00 in Beijing


def _runtime(url: str, clock: FixedClock | None = None) -> Runtime:
    if url.startswith("postgresql"):
        from tests.support.pg import reset_pg

        reset_pg(url)
    settings = Settings(
        database_url=url, corpus_dir=ROOT / "tests/fixtures/corpus", run_worker=False
    )
    return build_runtime(settings, clock=clock or FixedClock(T0))


def _say(rt: Runtime, user: str, text: str) -> None:
    rt.conversation.handle(Inbound(channel="web", user_ref=user, text=text))


def _tickets(rt: Runtime) -> list[Ticket]:
    with Session(rt.engine) as session:
        return list(session.exec(select(Ticket)))


def handoff_burst(url: str) -> str:
    rt = _runtime(url)
    errors = 0

    def one(n: int) -> None:
        nonlocal errors
        try:
            _say(rt, f"burst-{n:03d}", "转人工，我的商标被抢注了")
        except Exception:
            errors += 1

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(one, range(100)))
    numbers = {t.number for t in _tickets(rt)}
    rt.engine.dispose()
    return f"{len(numbers)} tickets, {errors} errors"


def double_click(url: str) -> str:
    rt = _runtime(url)
    counts = []
    for r in range(10):
        user = f"clicker-{r}"
        _say(rt, user, "续展要交多少钱")  # a user who has chatted before
        barrier = threading.Barrier(5)

        def click(u: str = user, b: threading.Barrier = barrier) -> None:
            b.wait()
            _say(rt, u, "转人工")

        threads = [threading.Thread(target=click) for _ in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        counts.append(sum(1 for t in _tickets(rt) if t.user_ref == user and t.status in ACTIVE))
    rt.engine.dispose()
    return f"active tickets per user: max {max(counts)}, min {min(counts)} (10 rounds x 5 clicks)"


class _Robot:
    name = "wecom"

    def __init__(self) -> None:
        self.down, self.sent = True, []

    def send(self, recipient: str, payload: dict) -> None:
        del recipient
        if self.down:
            raise TemporaryFailure("wecom: connection refused")
        self.sent.append(payload["text"])


def outage(url: str) -> str:
    clock = FixedClock(T0)
    rt = _runtime(url, clock)
    robot = _Robot()
    worker = OutboxWorker(rt.engine, {"wecom": robot}, clock=clock)
    with Session(rt.engine) as session:
        for n in range(5):
            enqueue(session=session, sender="wecom", recipient="group", payload={"text": f"n{n}"})
        session.commit()
    while clock.at < T0 + dt.timedelta(minutes=15):
        worker.run_once()
        clock.at += dt.timedelta(seconds=30)
    with Session(rt.engine) as session:
        failed = len(
            session.exec(select(OutboxMessage).where(OutboxMessage.status == "failed")).all()
        )
    robot.down = False
    recovered_at = clock.at
    while len(robot.sent) < 5 and clock.at < recovered_at + dt.timedelta(minutes=10):
        worker.run_once()
        clock.at += dt.timedelta(seconds=30)
    after = (clock.at - recovered_at).total_seconds()
    once = all(robot.sent.count(f"n{n}") == 1 for n in range(5))
    rt.engine.dispose()
    return (
        f"{failed} failed during the outage; {len(robot.sent)}/5 delivered "
        f"{'once each' if once else 'NOT once'} within {after:.0f} s of recovery"
    )


class _Slow:
    name = "slow"

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.gate, self.sent, self.started = gate, [], threading.Event()

    def send(self, recipient: str, payload: dict) -> None:
        del recipient
        self.started.set()
        if self.gate is not None:
            self.gate.wait(30)
        self.sent.append(payload["text"])


def killed_worker(url: str) -> str:
    clock = FixedClock(T0)
    rt = _runtime(url, clock)
    with Session(rt.engine) as session:
        for n in range(10):
            enqueue(session=session, sender="slow", recipient=f"r{n}", payload={"text": f"d{n}"})
        session.commit()
    with Session(rt.engine, expire_on_commit=False) as session:
        dead = claim_due(session=session, now=T0, limit=5)  # claimed, then kill -9
    gate = threading.Event()
    live_sender, other = _Slow(gate), _Slow()
    live = OutboxWorker(rt.engine, {"slow": live_sender}, clock=clock, heartbeat_every=0.05)
    rival = OutboxWorker(rt.engine, {"slow": other}, clock=clock, heartbeat_every=0.05)
    running = threading.Thread(target=live.run_once, kwargs={"limit": 1, "max_passes": 1})
    running.start()
    live_sender.started.wait(10)
    clock.at = T0 + LEASE  # the dead worker's lease ends; the live send has been renewed
    time.sleep(0.3)  # a few heartbeats at the new time
    clock.at = T0 + LEASE + dt.timedelta(seconds=1)
    time.sleep(0.3)
    rival.run_once()
    gate.set()
    running.join(10)
    rival.run_once()
    sent = live_sender.sent + other.sent
    duplicates = len(sent) - len(set(sent))
    rt.engine.dispose()
    return (
        f"{len(dead)} rows of a dead worker back after {LEASE.total_seconds():.0f} s; "
        f"{len(set(sent))}/10 sent, {duplicates} duplicates"
    )


def wechat_stall(url: str, seconds: float) -> str:
    from handlers.wechat.sender import WeChatSender
    from tests.support.stall import stalled
    from tests.support.wechat import FakeWeChatApi, Wire, fixture
    from tests.support.wechat_app import app_client, wechat_settings

    clock = FixedClock(T0)
    rt = _runtime(url, clock)
    base = rt.settings
    rt.engine.dispose()
    api = FakeWeChatApi().start()
    try:
        settings = wechat_settings(base, api)
        with app_client(settings, clock) as (client, runtime):
            worker = client.app.state.worker
            worker.register(WeChatSender(runtime.settings, runtime.engine, clock=clock))
            wire = Wire(client)
            wire.post(fixture("event_subscribe.xml"))
            started = time.monotonic()
            replies: list[str] = []
            with stalled(settings.database_url):
                resp = wire.post(fixture("text.xml"))
                answered = time.monotonic() - started
                replies.append(resp.text)
                time.sleep(max(seconds - answered, 0))
            deadline = time.monotonic() + 150
            while not api.sent() and time.monotonic() < deadline:
                worker.run_once()
                time.sleep(0.2)
            for _ in range(3):
                worker.run_once()
            passive = sum(1 for r in replies if r != "success")
            answers = passive + len(api.sent())
    finally:
        api.stop()
    return (
        f"request answered in {answered:.1f} s ({replies[0][:7]}); "
        f"{answers} answer(s) arrived after a {seconds:.0f} s stall"
    )


def wecom_pacing(url: str) -> str:
    from tests.support.wecom import FakeWeCom

    clock = FixedClock(T0)
    rt = _runtime(url, clock)
    wecom = FakeWeCom()
    settings = rt.settings.model_copy(
        update={"wecom_webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}
    )
    worker = OutboxWorker(rt.engine, {"wecom": wecom.sender(settings)}, clock=clock)
    with Session(rt.engine) as session:
        for n in range(60):
            enqueue(
                session=session, sender="wecom", recipient="group", payload={"text": f"T{n:03d}"}
            )
        session.commit()
    worker.run_once(max_passes=200)
    first_minute = len(wecom.posts)
    clock.at += dt.timedelta(seconds=61)
    worker.run_once(max_passes=200)
    text = "\n".join(wecom.texts())
    once = all(text.count(f"T{n:03d}") == 1 for n in range(60))
    with Session(rt.engine) as session:
        left = len(
            session.exec(select(OutboxMessage).where(col(OutboxMessage.status) != "sent")).all()
        )
    rt.engine.dispose()
    return (
        f"{first_minute} robot messages in the first minute (limit 20), {len(wecom.posts)} in all; "
        f"60 notices {'once each' if once else 'NOT once'}, {left} unsent"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a PostgreSQL URL it may wipe (default: temporary SQLite)")
    parser.add_argument("--stall", type=float, default=25.0, help="seconds the database stalls")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        counter = iter(range(100))

        def url() -> str:
            return args.url or f"sqlite:///{Path(tmp) / f'faults-{next(counter)}.db'}"

        rows = [
            ("1 handoff burst, 100 at concurrency 16", lambda: handoff_burst(url())),
            ("2 double-click 转人工", lambda: double_click(url())),
            ("3 notifier outage 15 min (injected clock)", lambda: outage(url())),
            ("4 worker killed mid-send", lambda: killed_worker(url())),
            ("5 WeChat during a database stall", lambda: wechat_stall(url(), args.stall)),
            ("6 WeCom 20/minute pacing", lambda: wecom_pacing(url())),
        ]
        print(f"database: {'PostgreSQL' if args.url else 'SQLite'}")
        for name, run in rows:
            try:
                figure = run()
            except Exception as exc:  # a finding that cannot run here is reported, not hidden
                figure = f"ERROR {type(exc).__name__}: {exc}"[:200]
            print(f"| {name:<44} | {figure} |", flush=True)


if __name__ == "__main__":
    main()
