"""Retrieval benchmark: tmbot's FaqIndex against two baselines, on the dev set.

    /work/venv/bin/python -m benchmarks.retrieval [--sizes real,5000] [--repeat 3]
        [--devset tests/data/heldout.yaml] [--details]

For each system and corpus size it prints top-1 topic accuracy on the in-scope dev questions,
out-of-scope refusal (top score below the system's refusal cutoff), p50/p99 latency per
question and the peak memory (tracemalloc) of building the index and answering every question.
tmbot's cutoffs are its default settings; each baseline gets the cutoff that suits it best on
this same dev set (generous to the baselines). Padded corpora: `benchmarks/padding.py`.
`--devset` measures another labelled set of the same format (the held-out set); `--details`
adds tmbot's answer breakdown on the real corpus (top-3, suggested, declined) and lists the
in-scope questions it would answer directly with a wrong entry and the out-of-scope ones it
does not decline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from benchmarks.baselines import Bm25Baseline, WRatioBaseline
from benchmarks.padding import pad_corpus
from bot.core.settings import BUNDLED_CORPUS, Settings
from knowledge.glossary import load_glossary
from knowledge.index import FaqIndex
from knowledge.loader import load_corpus
from knowledge.schema import FaqEntry

DEVSET = Path(__file__).resolve().parent.parent / "tests" / "data" / "devset.yaml"
TODAY = dt.date(2026, 11, 25)

Hit = tuple[FaqEntry | None, float]  # best entry and its score


class TmbotSystem:
    """tmbot's own index, as the FAQ skill uses it."""

    name = "tmbot FaqIndex"

    def __init__(self, entries: Sequence[FaqEntry]) -> None:
        self.index = FaqIndex(entries, load_glossary())

    def top(self, question: str) -> Hit:
        matches = self.index.rank(question, today=TODAY, limit=3)
        return (matches[0].entry, matches[0].score) if matches else (None, 0.0)


@dataclass
class Row:
    system: str
    size: int
    top1: float
    refusal: float
    cutoff: float
    p50_ms: float
    p99_ms: float
    best_p99_ms: float  # p99 over questions of each question's fastest run (less scheduling noise)
    cpu_p99_ms: float  # thread CPU time: what the search costs, whatever else the machine runs
    peak_mib: float
    build_s: float
    direct: float | None = None  # tmbot: answered directly and right
    wrong: float | None = None  # tmbot: answered directly and wrong


def load_devset(path: Path = DEVSET) -> list[dict[str, str | None]]:
    """The labelled dev questions: q, lang, topic (None = out of scope)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]


def best_cutoff(hits: list[tuple[Hit, str | None]]) -> float:
    """The refusal cutoff that maximises right answers kept plus out-of-scope refused."""
    candidates = sorted({round(h[1], 3) for h, _ in hits} | {0.0})

    def gain(cut: float) -> int:
        kept = sum(1 for (e, s), t in hits if t and e and e.topic == t and s >= cut)
        return kept + sum(1 for (_, s), t in hits if t is None and s < cut)

    return max(candidates, key=gain)


def measure(
    name: str,
    make: Callable[[Sequence[FaqEntry]], object],
    entries: Sequence[FaqEntry],
    dev: list[dict[str, str | None]],
    repeat: int,
    cutoff: float | None,
) -> tuple[Row, list[tuple[Hit, str | None]]]:
    """Accuracy, refusal, latency and memory of one system on one corpus."""
    started = time.perf_counter()
    system = make(entries)
    build_s = time.perf_counter() - started
    hits = [(system.top(str(q["q"])), q["topic"]) for q in dev]  # type: ignore[attr-defined]
    timings, cpu = [], []
    gc.disable()
    for _ in range(repeat):
        for q in dev:
            t0, c0 = time.perf_counter(), time.thread_time()
            system.top(str(q["q"]))  # type: ignore[attr-defined]
            cpu.append((time.thread_time() - c0) * 1000.0)
            timings.append((time.perf_counter() - t0) * 1000.0)
    gc.enable()
    del system
    gc.collect()
    tracemalloc.start()
    system = make(entries)
    for q in dev:
        system.top(str(q["q"]))  # type: ignore[attr-defined]
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    del system
    if cutoff is None:
        cutoff = best_cutoff(hits)
    ins = [(h, t) for h, t in hits if t]
    oos = [(h, t) for h, t in hits if t is None]
    top1 = sum(1 for (e, _), t in ins if e and e.topic == t) / len(ins)
    refusal = sum(1 for (_, s), _ in oos if s < cutoff) / len(oos)
    p50 = statistics.median(timings)
    best = [min(timings[i :: len(dev)]) for i in range(len(dev))]
    row = Row(
        name,
        len(entries),
        top1,
        refusal,
        cutoff,
        p50,
        _p99(timings),
        _p99(best),
        _p99(cpu),
        peak,
        build_s,
    )
    return row, hits


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def run(sizes: list[str], repeat: int, devset: Path = DEVSET) -> list[Row]:
    """Every system at every size; prints and returns the rows."""
    settings = Settings()
    real = load_corpus(BUNDLED_CORPUS)
    dev = load_devset(devset)
    rows = []
    for size in sizes:
        entries = real if size == "real" else pad_corpus(real, int(size))
        systems: list[tuple[str, Callable[[Sequence[FaqEntry]], object], float | None]] = [
            (TmbotSystem.name, TmbotSystem, settings.suggest_threshold),
            (WRatioBaseline.name, WRatioBaseline, None),
            (Bm25Baseline.name, Bm25Baseline, None),
        ]
        for name, make, cutoff in systems:
            row, hits = measure(name, make, entries, dev, repeat, cutoff)
            if make is TmbotSystem:
                ins = [(h, t) for h, t in hits if t]
                answered = [(e, t) for (e, s), t in ins if s >= settings.answer_threshold]
                row.direct = sum(1 for e, t in answered if e and e.topic == t) / len(ins)
                row.wrong = sum(1 for e, t in answered if not e or e.topic != t) / len(ins)
            rows.append(row)
    return rows


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    head = (
        "| system | entries | top-1 | refusal (cutoff) | direct right / wrong | p50 ms | p99 ms "
        "| best-of-N p99 ms | CPU p99 ms | peak MiB | build s |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|"
    )
    lines = [head]
    for r in rows:
        direct = f"{r.direct:.3f} / {r.wrong:.3f}" if r.direct is not None else "-"
        lines.append(
            f"| {r.system} | {r.size} | {r.top1:.3f} | {r.refusal:.3f} ({r.cutoff:g}) | {direct} "
            f"| {r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.best_p99_ms:.2f} | {r.cpu_p99_ms:.2f} "
            f"| {r.peak_mib:.1f} "
            f"| {r.build_s:.2f} |"
        )
    return "\n".join(lines)


def details(devset: Path = DEVSET) -> str:
    """tmbot on the real corpus at the default thresholds: what each question gets."""
    settings = Settings()
    index = FaqIndex(load_corpus(BUNDLED_CORPUS), load_glossary())
    answer, suggest = settings.answer_threshold, settings.suggest_threshold
    counts = dict.fromkeys(("right", "wrong", "suggested", "missed", "declined", "top3"), 0)
    refused, wrong, offered = 0, [], []
    dev = load_devset(devset)
    for q in dev:
        matches = index.search(str(q["q"]), today=TODAY, limit=3)
        score = matches[0].score if matches else 0.0
        got = [m.entry.topic for m in matches]
        if q["topic"] is None:
            refused += score < suggest
            if score >= suggest:
                how = "answered" if score >= answer else "suggested"
                offered.append(f"- {q['q']} -> {how} {got[0]} ({score:.1f})")
            continue
        counts["top3"] += q["topic"] in got
        if score >= answer and got[0] == q["topic"]:
            counts["right"] += 1
        elif score >= answer:
            counts["wrong"] += 1
            wrong.append(f"- {q['q']} -> {q['topic']} / answered {got[0]} ({score:.1f})")
        elif score >= suggest:
            counts["suggested" if q["topic"] in got else "missed"] += 1
        else:
            counts["declined"] += 1
    ins = sum(1 for q in dev if q["topic"])
    oos = len(dev) - ins
    lines = [
        f"{devset.name}: {ins} in scope, {oos} out of scope; thresholds {answer}/{suggest}",
        f"in scope: {counts['right']} direct right, {counts['wrong']} direct wrong, "
        f"{counts['suggested']} right one suggested, {counts['missed']} suggestions miss it, "
        f"{counts['declined']} declined; top-3 {counts['top3'] / ins:.3f}",
        f"out of scope: {refused} of {oos} declined",
        "wrong direct answers (question -> expected / answered):",
        *(wrong or ["- none"]),
        "out of scope, not declined (question -> answered or suggested, best entry's topic):",
        *(offered or ["- none"]),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="real,5000", help="'real' and/or entry counts")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over the dev set")
    parser.add_argument(
        "--devset", type=Path, default=DEVSET, help="labelled questions (default: the dev set)"
    )
    parser.add_argument(
        "--details", action="store_true", help="tmbot's answer breakdown and wrong answers"
    )
    args = parser.parse_args()
    rows = run([s.strip() for s in args.sizes.split(",") if s.strip()], args.repeat, args.devset)
    print(table(rows))
    if args.details:
        print()
        print(details(args.devset))


if __name__ == "__main__":
    main()
