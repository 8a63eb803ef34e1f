"""`tmbot corpus check`: what makes a corpus folder wrong or risky, with file and entry.

Errors (the check fails): a file or entry that does not load, a duplicate id, a missing
language, fewer than `min_alternates` alternates per language, a phrasing that (nearly)
duplicates one of another entry that can be served on the same day, a fee, period or count in an
answer without `sources` and `as_of`, overlapping validity for one topic, related ids that do not
exist, answers too long for a chat message, topics of the topic list not covered, a `laws` key that
laws.yaml does not know, an answer citing a statute (商标法, 实施条例, 海关保护条例) without naming
that text in `laws`, a code-hosting site in an answer, an unknown placeholder or a hand-written
figure that disagrees with the fee or period table (knowledge/figures.py).
Warnings (reported, never fatal): an `as_of` older than `max_age_days`, a topic id the topic list
does not know, a topic list that is absent, an entry served on `today` that rests on a text no
longer in force (users see the law-version notice; write a counterpart valid from that day).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import ValidationError
from rapidfuzz import fuzz, process, utils

from knowledge.figures import figure_findings
from knowledge.laws import cited_kinds, load_laws, outdated_texts, unversioned_kinds
from knowledge.normalize import normalize
from knowledge.schema import FaqEntry
from knowledge.sources import is_code_hosting

__all__ = ("BUNDLED_TOPICS", "SHARED_TOPICS", "Finding", "LintConfig", "lint_corpus")

BUNDLED_TOPICS = Path(__file__).resolve().parent / "topics.yaml"
# The project-wide topic list lives outside the repository, beside it: ../shared/.
SHARED_TOPICS = Path(__file__).resolve().parent.parent.parent / "shared" / "faq-topics.yaml"
LANGS = ("zh", "en")
# A number with a unit of money, time or share: a fact that needs a source and a date.
FACT_RE = re.compile(
    r"\d[\d,.]*\s*(?:万?元|个月|年|天|日|%|％|CHF|CNY|RMB|瑞郎|years?\b|months?\b|days?\b"
    r"|working days?\b)|(?:CNY|CHF|RMB|¥|￥)\s*\d[\d,.]*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    """One problem: `level` is "error" or "warning"."""

    level: str
    path: str
    entry: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: {self.entry}" if self.entry else self.path
        return f"{where}: {self.level}: {self.message}"


@dataclass
class LintConfig:
    """Limits of the check; `topic_files` that do not exist are skipped with a warning."""

    today: dt.date = field(default_factory=dt.date.today)
    max_age_days: int = 365
    min_alternates: int = 4
    max_answer_zh: int = 1000
    max_answer_en: int = 1600
    near_duplicate: float = 90.0  # rapidfuzz ratio on normalised phrasings
    topic_files: list[Path] = field(default_factory=lambda: [BUNDLED_TOPICS, SHARED_TOPICS])


@dataclass
class _Run:
    config: LintConfig
    findings: list[Finding] = field(default_factory=list)
    entries: list[tuple[str, FaqEntry]] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)  # every id seen, loadable or not

    def add(self, level: str, path: str, entry: str | None, message: str) -> None:
        self.findings.append(Finding(level, path, entry, message))


def lint_corpus(directory: Path, config: LintConfig | None = None) -> list[Finding]:
    """Every finding for the `*.yaml` corpus files in `directory`, errors and warnings."""
    run = _Run(config or LintConfig())
    files = sorted(directory.glob("*.yaml")) if directory.is_dir() else []
    if not files:
        run.add("error", str(directory), None, "no corpus files (*.yaml) found")
    for path in files:
        _load_file(run, path)
    published = [(p, e) for p, e in run.entries if e.status == "published"]
    _check_entries(run)
    _check_duplicates(run, published)
    _check_validity(run, published)
    _check_topics(run, published)
    _check_laws(run, published)
    _check_figures(run, published)
    return run.findings


def _check_laws(run: _Run, published: list[tuple[str, FaqEntry]]) -> None:
    laws = load_laws()
    for path, e in run.entries:
        for key in e.laws:
            if key not in laws:
                run.add("error", path, e.id, f"laws: {key!r} is not in knowledge/data/laws.yaml")
        named = {laws[k].kind for k in e.laws if k in laws}
        for lang in LANGS:
            answer = e.answer.get(lang)
            for kind in sorted(cited_kinds(answer) - named):
                run.add(
                    "error",
                    path,
                    e.id,
                    f"answer.{lang} cites the {kind} but `laws` names no version of it",
                )
            for kind in sorted(unversioned_kinds(answer)):
                run.add(
                    "error",
                    path,
                    e.id,
                    f"answer.{lang} cites the {kind} without naming its version "
                    "(e.g. 《商标法》（2019年修正）, Regulations (2014))",
                )
            if is_code_hosting(answer):
                run.add("error", path, e.id, f"answer.{lang} names a code-hosting site")
            for marker, key in (
                ("{{fee:", "cnipa-fee-standard"),
                ("{{madrid:", "wipo-madrid-fees"),
            ):
                if marker in answer and key not in e.laws:
                    run.add(
                        "error",
                        path,
                        e.id,
                        f"answer.{lang} uses {marker}...}} but `laws` lacks {key}",
                    )
    day = run.config.today
    for path, e in published:
        if e.valid_on(day) and (old := outdated_texts(e, day, laws)):
            names = ", ".join(t.en for t in old)
            run.add(
                "warning",
                path,
                e.id,
                f"on {day} rests on {names}, no longer in force, and has no counterpart valid "
                "that day: users see the law-version notice",
            )


def _check_figures(run: _Run, published: list[tuple[str, FaqEntry]]) -> None:
    paths = {e.id: p for p, e in published}
    for f in figure_findings(e for _, e in published):
        run.add("error", paths[f.entry], f.entry, f"answer.{f.lang} {f.message}")


def _load_file(run: _Run, path: Path) -> None:
    name = path.name
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        run.add("error", name, None, f"not valid YAML: {exc}")
        return
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), list):
        run.add("error", name, None, "expected a mapping with an 'entries' list")
        return
    seen = {e.id: p for p, e in run.entries}
    for i, raw in enumerate(doc["entries"]):
        label = raw.get("id") if isinstance(raw, dict) else None
        label = str(label or f"#{i + 1}")
        if not isinstance(raw, dict):
            run.add("error", name, label, "entry is not a mapping")
            continue
        missing = _missing_languages(raw)
        for what in missing:
            run.add("error", name, label, f"missing language: {what}")
        try:
            entry = FaqEntry.model_validate({"theme": str(doc.get("theme") or path.stem), **raw})
        except ValidationError as exc:
            run.ids.add(label)
            if not missing:
                problems = "; ".join(
                    f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
                )
                run.add("error", name, label, f"invalid entry: {problems}")
            continue
        if entry.id in seen:
            run.add("error", name, entry.id, f"id already used in {seen[entry.id]}")
            continue
        seen[entry.id] = name
        run.ids.add(entry.id)
        run.entries.append((name, entry))


def _missing_languages(raw: dict[str, Any]) -> list[str]:
    out = []
    for key in ("question", "answer"):
        value = raw.get(key)
        if not isinstance(value, dict):
            value = {}
        out += [f"{key}.{lang}" for lang in LANGS if not str(value.get(lang) or "").strip()]
    return out


def _check_entries(run: _Run) -> None:
    cfg = run.config
    limits = {"zh": cfg.max_answer_zh, "en": cfg.max_answer_en}
    for path, e in run.entries:
        for lang in LANGS:
            count = len([a for a in getattr(e.alternates, lang) if a.strip()])
            if count == 0:
                run.add("error", path, e.id, f"missing language: no alternates in {lang}")
            elif count < cfg.min_alternates:
                run.add(
                    "error",
                    path,
                    e.id,
                    f"{count} alternates in {lang} (at least {cfg.min_alternates})",
                )
            answer = e.answer.get(lang)
            if len(answer) > limits[lang]:
                run.add(
                    "error",
                    path,
                    e.id,
                    f"answer.{lang} is {len(answer)} characters, too long for a chat message (max {limits[lang]})",
                )
            fact = FACT_RE.search(answer)
            if fact and not (e.sources and e.as_of):
                lacks = " and ".join(
                    k for k, v in (("sources", e.sources), ("as_of", e.as_of)) if not v
                )
                run.add(
                    "error",
                    path,
                    e.id,
                    f"answer.{lang} states {fact.group(0).strip()!r} without {lacks}",
                )
        if e.as_of and (cfg.today - e.as_of).days > cfg.max_age_days:
            run.add(
                "warning",
                path,
                e.id,
                f"as_of {e.as_of} is more than {cfg.max_age_days} days old: re-check the facts",
            )
        for rid in e.related:
            if rid not in run.ids:
                run.add("error", path, e.id, f"related id {rid!r} does not exist")


def _same_day(a: FaqEntry, b: FaqEntry) -> bool:
    """True when both entries can be served on one day (dated siblings never are)."""
    start = max(a.valid_from or dt.date.min, b.valid_from or dt.date.min)
    end = min(a.valid_until or dt.date.max, b.valid_until or dt.date.max)
    return start <= end


def _check_duplicates(run: _Run, published: list[tuple[str, FaqEntry]]) -> None:
    for lang in LANGS:
        items = [(i, p) for i, (_, e) in enumerate(published) for p in e.phrasings(lang)]
        texts = [utils.default_process(normalize(p)) for _, p in items]
        if len(texts) < 2:
            continue
        cutoff = run.config.near_duplicate
        sims = process.cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.uint8)
        reported: set[tuple[int, int]] = set()
        for x, y in zip(*np.nonzero(sims), strict=True):
            (i, phr_a), (j, phr_b) = items[int(x)], items[int(y)]
            if i >= j or (i, j) in reported:
                continue
            (path, a), (_, b) = published[i], published[j]
            if _same_day(a, b):
                reported.add((i, j))
                msg = f"{lang} phrasing {phr_a!r} nearly duplicates {phr_b!r} of {b.id} (ratio {int(sims[x, y])})"
                run.add("error", path, a.id, msg)


def _check_validity(run: _Run, published: list[tuple[str, FaqEntry]]) -> None:
    by_topic: dict[str, list[tuple[str, FaqEntry]]] = defaultdict(list)
    for path, e in published:
        if e.topic:
            by_topic[e.topic].append((path, e))
    for topic, group in by_topic.items():
        for (path, a), (_, b) in itertools.combinations(group, 2):
            if _same_day(a, b):
                msg = f"topic {topic}: valid_from/valid_until overlap with {b.id} (both served on one day)"
                run.add("error", path, a.id, msg)


def load_topic_ids(path: Path) -> list[str]:
    """Topic ids of a topic list: `topics:` of ids or of mappings with an `id`."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items = doc.get("topics", []) if isinstance(doc, dict) else []
    return [str(t["id"] if isinstance(t, dict) else t) for t in items]


def _check_topics(run: _Run, published: list[tuple[str, FaqEntry]]) -> None:
    covered = {e.topic for _, e in published if e.topic}
    lists: dict[str, str] = {}  # topic id -> the first list naming it
    for topic_file in run.config.topic_files:
        if not topic_file.exists():
            run.add("warning", str(topic_file), None, "topic list not found: coverage skipped")
            continue
        ids = load_topic_ids(topic_file)
        if lists and (stale := sorted(set(ids) - set(lists))):
            run.add(
                "warning", topic_file.name, None, f"topics missing from the other list(s): {stale}"
            )
        for topic in ids:
            lists.setdefault(topic, topic_file.name)
    for topic, name in lists.items():
        if topic not in covered:
            run.add("error", name, topic, "topic not covered by any published entry")
    for path, e in published:
        if lists and e.topic and e.topic not in lists:
            run.add("warning", path, e.id, f"topic {e.topic!r} is in no topic list")


def summary(findings: Iterable[Finding]) -> tuple[int, int]:
    """(errors, warnings)."""
    items = list(findings)
    return sum(f.level == "error" for f in items), sum(f.level == "warning" for f in items)
