"""The server CPU of one turn without HTTP or a client on the same cores, and the memory of a
serving process, in one run.

    python -m benchmarks.turn_cost [--turns 2000] [--database-url postgresql+psycopg://.../scratch]

Migrates a fresh database (a temporary SQLite file, or the given disposable one), then measures
in a new process that imports what `tmbot serve`'s workers import (`webhook`):

- resident memory after the imports, after the FAQ index is built and after the turns;
- `turn`: CPU per `Conversation.handle_turn` (the WeChat benchmark's four questions from 500
  users, `time.process_time`, after 200 turns of warm-up);
- `wechat layer`: CPU per delivery of the WeChat layer's database work over a core that answers
  at once (the claim with its window upsert, the answer stored: `TurnRunner` as POST /wechat
  runs it, minus HTTP, signature and AES).

Steadier than the HTTP benchmarks on a shared machine (no client competing for the cores), but
not a substitute for them. For a before/after, copy this file into a checkout of the older commit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ["续展要交多少钱", "商标注册要多久", "马德里国际注册怎么申请", "how much is renewal"]


def _rss_mib() -> float:
    for line in Path(f"/proc/{os.getpid()}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cpu_ms(step: Callable[[int], None], count: int, warm_up: int = 200) -> float:
    """CPU milliseconds per `step(i)`, after `warm_up` untimed steps."""
    for i in range(warm_up):
        step(i)
    started = time.process_time()
    for i in range(warm_up, warm_up + count):
        step(i)
    return (time.process_time() - started) / count * 1000


def _measure(turns: int) -> None:
    """In the child process: memory, then the two CPU figures."""
    print(f"RSS after start            {_rss_mib():6.1f} MiB")
    import webhook
    from benchmarks.wechat_bench import _EchoCore
    from bot.core.messages import Inbound
    from bot.core.runtime import build_runtime
    from bot.core.settings import get_settings
    from handlers.wechat.handover import Handover
    from handlers.wechat.inbound import _seen
    from handlers.wechat.turns import TurnRunner
    from storage.db import session_scope

    print(f"RSS after imports          {_rss_mib():6.1f} MiB")
    runtime = build_runtime(get_settings(), migrate=False)
    webhook.create_app(runtime=runtime)
    conversation = runtime.conversation
    with session_scope(runtime.engine) as session:
        conversation.index.get(session)  # the build a server does at start-up
    print(f"RSS after the FAQ index    {_rss_mib():6.1f} MiB")
    run = f"{time.time_ns()}"

    def turn(i: int) -> None:
        user = f"o{run}{i % 500}"
        conversation.handle_turn(Inbound(channel="wechat", user_ref=user, text=QUESTIONS[i % 4]))

    per_turn = _cpu_ms(turn, turns)
    print(f"RSS after {200 + turns} turns     {_rss_mib():6.1f} MiB")

    runner = TurnRunner(runtime.engine, _EchoCore(conversation.clock, runtime.engine), budget=4.5)  # type: ignore[arg-type]
    now = dt.datetime.now(dt.UTC)

    def delivery(i: int) -> None:
        openid = f"o{run}{i % 500}"
        inbound = Inbound(channel="wechat", user_ref=openid, text="hi")
        effects = (_seen(openid, "message", now),)
        runner._claim_and_run(f"{run}:{i}", openid, effects, inbound, "", Handover())

    per_delivery = _cpu_ms(delivery, turns)
    print(f"turn          {per_turn:5.2f} ms CPU  (Conversation.handle_turn, {turns} turns)")
    print(f"wechat layer  {per_delivery:5.2f} ms CPU  (claim + stored answer, {turns} deliveries)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=2000)
    parser.add_argument("--database-url", default="", help="a disposable database (is written)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _measure(args.turns)
        return
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            TMBOT_DATABASE_URL=args.database_url or f"sqlite:///{tmp}/turns.db",
            TMBOT_RUN_WORKER="false",
            PYTHONPATH=str(ROOT),
        )
        cli = [sys.executable, "-m", "handlers.cli.app", "db", "upgrade"]
        subprocess.run(cli, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        child = [
            sys.executable,
            "-m",
            "benchmarks.turn_cost",
            "--child",
            "--turns",
            str(args.turns),
        ]
        subprocess.run(child, env=env, cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
