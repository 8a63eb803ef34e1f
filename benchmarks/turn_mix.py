"""The CPU of one core turn over VARIED messages: the tuned dialogues' messages, each sent once in
the measured run, so that nothing cached by the message text makes the figure look better.

    python -m benchmarks.turn_mix [--turns 800] [--profile [--sort tottime] [--save FILE]]
    python -m benchmarks.turn_mix --instructions [--turns 400]

Migrates a fresh SQLite database, builds the runtime as a server does (`webhook.create_app`,
the FAQ index built), then sends the messages of every fourth conversation of
tests/data/dialogs/tuned.yaml (one user per conversation, the messages in order) to
`Conversation.handle_turn`. The warm-up sends those of other conversations (every fourth,
starting at the third), so the measured texts are new to the process unless two conversations
share a message. Prints the CPU per turn (`time.process_time`); `--profile` adds a cProfile of
the measured turns, `--instructions` counts them with valgrind's callgrind instead
(deterministic; about 50 times slower).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from benchmarks import callgrind

ROOT = Path(__file__).resolve().parent.parent
DIALOGS = ROOT / "tests" / "data" / "dialogs" / "tuned.yaml"


def _conversations(start: int, turns: int) -> list[list[str]]:
    """The messages of every fourth conversation from `start`, at most `turns` in all."""
    data = yaml.safe_load(DIALOGS.read_text(encoding="utf-8"))
    picked: list[list[str]] = []
    left = turns
    for conversation in data["conversations"][start::4]:
        says = [str(turn["say"]) for turn in conversation["turns"]][:left]
        if says:
            picked.append(says)
        left -= len(says)
        if left <= 0:
            break
    return picked


def _measure(
    turns: int, warm_up: int, profile: bool, sort: str, save: str, instructions: bool
) -> None:
    import webhook
    from bot.core.messages import Inbound
    from bot.core.runtime import build_runtime
    from bot.core.settings import get_settings
    from storage.db import session_scope

    runtime = build_runtime(get_settings(), migrate=False)
    webhook.create_app(runtime=runtime)
    conversation = runtime.conversation
    with session_scope(runtime.engine) as session:
        conversation.index.get(session)  # the build a server does at start-up

    def run(dialogues: list[list[str]], prefix: str) -> int:
        sent = 0
        for number, says in enumerate(dialogues):
            for text in says:
                inbound = Inbound(channel="wechat", user_ref=f"{prefix}{number}", text=text)
                conversation.handle_turn(inbound)
                sent += 1
        return sent

    run(_conversations(2, warm_up), "warm")
    measured = _conversations(0, turns)
    profiler = cProfile.Profile() if profile else None
    gc.collect()  # a rare full collection inside one run's window and not another's (wechat_inproc)
    if instructions:
        callgrind.control("on")
    if profiler:
        profiler.enable()
    started = time.process_time()
    sent = run(measured, "user")
    spent = time.process_time() - started
    if profiler:
        profiler.disable()
    if instructions:
        callgrind.control("off")
    print(f"turns: {sent} in {len(measured)} conversations")
    if not instructions:
        print(f"turn: {spent / sent * 1000:.3f} ms CPU (Conversation.handle_turn)")
    if profiler:
        stats = pstats.Stats(profiler)
        if save:
            stats.dump_stats(save)
        stats.sort_stats(sort).print_stats(60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=0, help="800, or 400 with --instructions")
    parser.add_argument("--warm-up", type=int, default=300)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the run")
    parser.add_argument("--sort", default="cumulative", help="the cProfile's order")
    parser.add_argument("--save", default="", help="write the cProfile's statistics to this file")
    parser.add_argument("--instructions", action="store_true", help="count them with callgrind")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    turns = args.turns or (400 if args.instructions else 800)
    if args.child:
        _measure(turns, args.warm_up, args.profile, args.sort, args.save, args.instructions)
        return
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            TMBOT_DATABASE_URL=f"sqlite:///{tmp}/mix.db",
            TMBOT_RUN_WORKER="false",
            PYTHONPATH=str(ROOT),
        )
        cli = [sys.executable, "-m", "handlers.cli.app", "db", "upgrade"]
        subprocess.run(cli, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        child = [sys.executable, "-m", "benchmarks.turn_mix", "--child", "--turns", str(turns)]
        child += ["--warm-up", str(args.warm_up), "--sort", args.sort]
        child += ["--profile"] if args.profile else []
        child += ["--save", str(Path(args.save).resolve())] if args.save else []
        if not args.instructions:
            subprocess.run(child, env=env, cwd=ROOT, check=True)
            return
        log = Path(tmp) / "callgrind.log"
        collected = callgrind.count([*child, "--instructions"], env, ROOT, log)
        print(f"turn: {collected / turns / 1e6:.2f} M instructions per turn ({turns})")


if __name__ == "__main__":
    main()
