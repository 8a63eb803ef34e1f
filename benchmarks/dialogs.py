"""Dialogue benchmark: multi-turn conversations through the real conversation core.

    .venv/bin/python -m benchmarks.dialogs [--part tuned|heldout|all] [--details] [--json]
        [--file PATH ...]

Each conversation of tests/data/dialogs/{tuned,heldout}.yaml (format: benchmarks/dialog_spec.py
and docs/benchmarks.md) runs in-process, as one user of a fresh copy of a scratch SQLite
database holding the bundled corpus and the demo experts, with the clock fixed at 2026-12-07
10:00 Asia/Shanghai (a Monday; a turn's `wait` moves it on). Printed per part: turns right,
conversations wholly right, the same per failure kind, the CPU time per turn
(time.process_time) and the p50/p99 wall latency of a turn; `--details` lists every wrong turn
with what was expected and what came back; `--json` prints the figures as one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.dialog_spec import KINDS, Conversation, Got, check_turn, load_dialogs
from bot.core.messages import Inbound
from bot.core.runtime import build_runtime, prepare_database
from bot.core.settings import BUNDLED_CORPUS, Settings
from knowledge.loader import load_corpus
from storage.db import make_engine

__all__ = ("PARTS", "Report", "main", "run_conversations", "run_file")

DIALOGS = Path(__file__).resolve().parent.parent / "tests" / "data" / "dialogs"
PARTS = {"tuned": DIALOGS / "tuned.yaml", "heldout": DIALOGS / "heldout.yaml"}
# Monday 2026-12-07 10:00 at the station (Asia/Shanghai = UTC+8).
START = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)


class MovingClock:
    """A fixed clock that a turn's `wait` moves forward."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def now(self) -> dt.datetime:
        return self.at


@dataclass
class Miss:
    """One wrong turn."""

    conversation: str
    number: int
    say: str
    problems: list[str]
    got: str


@dataclass
class Report:
    """The figures of one part."""

    name: str
    turns: int = 0
    turns_right: int = 0
    conversations: int = 0
    conversations_right: int = 0
    by_kind: dict[str, list[int]] = field(
        default_factory=dict
    )  # kind -> [turns, right, convs, right]
    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    misses: list[Miss] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        """The report as JSON-able figures."""

        def ratio(a: int, b: int) -> float:
            return round(a / b, 3) if b else 0.0

        wall = sorted(self.wall)
        return {
            "part": self.name,
            "turns": self.turns,
            "turns_right": self.turns_right,
            "turns_ratio": ratio(self.turns_right, self.turns),
            "conversations": self.conversations,
            "conversations_right": self.conversations_right,
            "conversations_ratio": ratio(self.conversations_right, self.conversations),
            "by_kind": {
                k: {
                    "turns": v[0],
                    "turns_right": v[1],
                    "conversations": v[2],
                    "conversations_right": v[3],
                }
                for k, v in sorted(self.by_kind.items(), key=lambda kv: KINDS.index(kv[0]))
            },
            "cpu_ms_per_turn": round(1000 * statistics.fmean(self.cpu), 2) if self.cpu else 0.0,
            "cpu_p50_ms": round(1000 * _quantile(sorted(self.cpu), 0.50), 2),
            "wall_p50_ms": round(1000 * _quantile(wall, 0.50), 2),
            "wall_p99_ms": round(1000 * _quantile(wall, 0.99), 2),
        }


def _quantile(ordered: Sequence[float], q: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _template(workdir: Path) -> Path:
    """A migrated database with the bundled corpus and demo experts, copied per conversation."""
    path = workdir / "template.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    prepare_database(_settings(url), engine)
    engine.dispose()
    return path


def _settings(url: str) -> Settings:
    return Settings(
        database_url=url, corpus_dir=BUNDLED_CORPUS, run_worker=False, booking_demo_experts=True
    )


def _got(outcome: Any) -> Got:
    # The one place that reads the core's Outcome: adapt here when the core's types change.
    return Got(
        intent=str(outcome.intent),
        outcome=str(getattr(outcome, "outcome", "")),
        faq_id=outcome.faq_id if outcome.intent == "faq" else None,
        suggestions=[str(s.get("faq_id") or s.get("id")) for s in outcome.suggestions or []],
        result=outcome.result,
        answer="\n\n".join(r.text for r in outcome.replies),
        buttons=[c.label for r in outcome.replies for c in r.choices],
    )


def run_conversations(conversations: Sequence[Conversation], name: str) -> Report:
    """Run each conversation on its own fresh database and mark every turn."""
    report = Report(name)
    with tempfile.TemporaryDirectory(prefix="tmbot-dialogs-") as tmp:
        workdir = Path(tmp)
        template = _template(workdir)
        shared_index: Any = None
        for n, conv in enumerate(conversations):
            db = workdir / f"c{n}.db"
            shutil.copyfile(template, db)
            clock = MovingClock(START)
            runtime = build_runtime(_settings(f"sqlite:///{db}"), clock=clock, migrate=False)
            # Every copy holds the same corpus: share the FAQ index when the core lets us, and
            # warm up with another user's message, so the figures are of turns, not of index
            # builds.
            core = runtime.conversation
            if shared_index is not None and hasattr(core, "index"):
                core.index = shared_index
            shared_index = getattr(core, "index", None)
            core.handle_turn(Inbound(channel="cli", user_ref="warm-up", text="商标续展"))
            user = f"dlg-{uuid.uuid4().hex[:8]}"
            kind = report.by_kind.setdefault(conv.kind, [0, 0, 0, 0])
            all_right = True
            try:
                for i, turn in enumerate(conv.turns, 1):
                    clock.at += dt.timedelta(minutes=turn.wait)
                    inbound = Inbound(
                        channel="cli", user_ref=user, text=turn.say, is_callback=turn.callback
                    )
                    cpu0, wall0 = time.process_time(), time.perf_counter()
                    outcome = runtime.conversation.handle_turn(inbound)
                    report.wall.append(time.perf_counter() - wall0)
                    report.cpu.append(time.process_time() - cpu0)
                    got = _got(outcome)
                    problems = check_turn(turn, got)
                    report.turns += 1
                    kind[0] += 1
                    if problems:
                        all_right = False
                        report.misses.append(Miss(conv.id, i, turn.say, problems, got.brief()))
                    else:
                        report.turns_right += 1
                        kind[1] += 1
            finally:
                runtime.engine.dispose()
                db.unlink(missing_ok=True)
            report.conversations += 1
            kind[2] += 1
            if all_right:
                report.conversations_right += 1
                kind[3] += 1
    return report


def run_file(path: Path, name: str | None = None) -> Report:
    """Load, check the labels against the bundled corpus, and run one dialogue file."""
    known = {e.id for e in load_corpus(BUNDLED_CORPUS)}
    return run_conversations(load_dialogs(path, known), name or path.stem)


def _print(report: Report, details: bool) -> None:
    f = report.figures()
    print(f"== {f['part']}")
    print(
        f"turns right         {f['turns_right']}/{f['turns']} ({f['turns_ratio']:.3f})\n"
        f"conversations right {f['conversations_right']}/{f['conversations']}"
        f" ({f['conversations_ratio']:.3f})"
    )
    print(f"{'kind':<16} {'turns':>12} {'conversations':>16}")
    for kind, k in f["by_kind"].items():
        t = f"{k['turns_right']}/{k['turns']}"
        c = f"{k['conversations_right']}/{k['conversations']}"
        print(f"{kind:<16} {t:>12} {c:>16}")
    print(
        f"CPU per turn {f['cpu_ms_per_turn']:.2f} ms (p50 {f['cpu_p50_ms']:.2f}); wall p50 {f['wall_p50_ms']:.2f} ms,"
        f" p99 {f['wall_p99_ms']:.2f} ms"
    )
    if details:
        for m in report.misses:
            print(f"- {m.conversation} #{m.number} {m.say!r}")
            print(f"    expected: {'; '.join(m.problems)}")
            print(f"    got:      {m.got}")
    print()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.dialogs", description=__doc__)
    parser.add_argument("--part", choices=["tuned", "heldout", "all"], default="all")
    parser.add_argument("--file", type=Path, action="append", help="Run this file instead.")
    parser.add_argument("--details", action="store_true", help="List every wrong turn.")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    if args.file:
        targets = [(p.stem, p) for p in args.file]
    else:
        names = ["tuned", "heldout"] if args.part == "all" else [args.part]
        targets = [(n, PARTS[n]) for n in names]
    reports = [run_file(path, name) for name, path in targets]
    if args.json:
        out = [r.figures() | {"misses": [m.__dict__ for m in r.misses]} for r in reports]
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        for r in reports:
            _print(r, args.details)
    return 0


if __name__ == "__main__":
    sys.exit(main())
