"""One source for every figure: answers refer to the fee and period tables by name.

An answer writes ``{{fee:renewal.online}}`` (a CNIPA fee, CNY), ``{{period:opposition}}`` (a
statutory period from ``knowledge/data/periods.yaml``, rendered "3个月" / "3 months") or
``{{station:fees}}`` (a station setting); ``render_answer`` resolves them when the answer is
served, in the answer's language. ``figure_findings`` is the check behind ``tmbot corpus check``:
an unknown placeholder, and a figure stated by hand that disagrees with the table, are errors;
``affected_entries`` says which answers a table change touches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from knowledge.schema import FaqEntry
from knowledge.tools.fees import FeeTable, load_fee_table
from knowledge.tools.periods import Period, load_periods

__all__ = (
    "PLACEHOLDER_RE",
    "affected_entries",
    "figure_findings",
    "render_answer",
)

PLACEHOLDER_RE = re.compile(r"\{\{\s*(fee|period|station):([a-z0-9_]+)(?:\.([a-z_]+))?\s*\}\}")


def _resolve(
    match: re.Match[str],
    lang: str,
    fees: FeeTable,
    periods: Mapping[str, Period],
    station: Mapping[str, str],
) -> str | None:
    kind, name, field = match.group(1), match.group(2), match.group(3)
    if kind == "fee":
        item = fees.items.get(name)
        if item is None or field not in ("online", "paper"):
            return None
        return str(item.online if field == "online" else item.paper)
    if kind == "period":
        period = periods.get(name)
        return period.text(lang) if period and field is None else None
    value = station.get(f"{name}_{lang}") or station.get(name)
    return value if value is not None else None


def render_answer(
    text: str,
    lang: str,
    *,
    station: Mapping[str, str] | None = None,
    fees: FeeTable | None = None,
    periods: Mapping[str, Period] | None = None,
) -> str:
    """`text` with every placeholder replaced from the tables; an unknown one stays visible."""
    if "{{" not in text:
        return text
    table, rows, facts = fees or load_fee_table(), periods or load_periods(), station or {}

    def sub(m: re.Match[str]) -> str:
        value = _resolve(m, lang, table, rows, facts)
        return m.group(0) if value is None else value

    return PLACEHOLDER_RE.sub(sub, text)


# --- the check --------------------------------------------------------------------------------

# Phrases that state a period by hand: the period key, the words around the figure (zh, en).
_PERIOD_PHRASES: dict[str, tuple[re.Pattern[str], ...]] = {
    "opposition": (
        re.compile(r"异议期(?:为|是)?(\d+)个月"),
        re.compile(r"opposition period (?:is|of) (\d+) months"),
    ),
    "renewal_grace": (
        re.compile(r"(\d+)个月(?:的)?宽展期"),
        re.compile(r"(\d+)-month grace period"),
    ),
    "rejection_review": (
        re.compile(r"驳回复审[^。\n]{0,12}?(\d+)(?:日|天)"),
        re.compile(r"refusal review[^.\n]{0,20}?within (\d+) days"),
    ),
    "customs_detention": (
        re.compile(r"(\d+)个工作日内提出扣留申请"),
        re.compile(r"within (\d+) working days of receiving the notice"),
    ),
}
# Fees stated by hand: the fee item, the channel and the words around the figure.
_FEE_PHRASES: dict[tuple[str, str], tuple[re.Pattern[str], ...]] = {
    ("application", "online"): (
        re.compile(r"网上申请每类(\d+)元"),
        re.compile(r"CNY (\d+) per class online"),
    ),
    ("application", "paper"): (re.compile(r"纸质每类(\d+)元"),),
    ("collective_certification", "paper"): (
        re.compile(r"纸质每[类件](\d+)元"),
        re.compile(r"CNY ([\d,]+) (?:per class )?on paper"),
    ),
}
# The answers each fee phrase is checked in (an answer about renewal quotes "每类450元" for the
# renewal fee, which is not the filing fee).
_FEE_SCOPE = {
    "application": {"filing-fee", "self-filing-vs-agent-cost", "multi-class-application"},
    "collective_certification": {"collective-certification-marks"},
}


@dataclass(frozen=True)
class FigureFinding:
    """A figure problem in one answer."""

    entry: str
    lang: str
    message: str


def figure_findings(
    entries: Iterable[FaqEntry],
    *,
    station_keys: Iterable[str] = ("fees",),
    fees: FeeTable | None = None,
    periods: Mapping[str, Period] | None = None,
) -> list[FigureFinding]:
    """Unknown placeholders, and hand-written figures that disagree with the tables."""
    table, rows = fees or load_fee_table(), periods or load_periods()
    known_station = set(station_keys)
    out: list[FigureFinding] = []
    for e in entries:
        for lang in ("zh", "en"):
            text = e.answer.get(lang)
            for m in PLACEHOLDER_RE.finditer(text):
                ok = (m.group(1) == "station" and m.group(2) in known_station) or _resolve(
                    m, lang, table, rows, {}
                ) is not None
                if not ok:
                    out.append(FigureFinding(e.id, lang, f"unknown placeholder {m.group(0)}"))
            out += _period_mismatches(e, lang, text, rows)
            out += _fee_mismatches(e, lang, text, table)
    return out


def _period_mismatches(
    e: FaqEntry, lang: str, text: str, rows: Mapping[str, Period]
) -> list[FigureFinding]:
    out = []
    # Entries valid from 2027 discuss the draft's 2-month period beside the old 3 months.
    if e.valid_from is not None:
        return out
    for key, patterns in _PERIOD_PHRASES.items():
        period = rows.get(key)
        if period is None:
            continue
        for pattern in patterns:
            for m in pattern.finditer(text):
                if int(m.group(1)) != period.amount:
                    out.append(
                        FigureFinding(
                            e.id,
                            lang,
                            f"states {m.group(0)!r} by hand; the period table says "
                            f"{period.key} = {period.text(lang)} (use {{{{period:{period.key}}}}})",
                        )
                    )
    return out


def _fee_mismatches(e: FaqEntry, lang: str, text: str, table: FeeTable) -> list[FigureFinding]:
    out = []
    for (item_key, channel), patterns in _FEE_PHRASES.items():
        item = table.items.get(item_key)
        if e.id not in _FEE_SCOPE.get(item_key, ()) or item is None:
            continue
        want = item.online if channel == "online" else item.paper
        for pattern in patterns:
            for m in pattern.finditer(text):
                if int(m.group(1).replace(",", "")) != want:
                    out.append(
                        FigureFinding(
                            e.id,
                            lang,
                            f"states {m.group(0)!r} by hand; the fee table says {item_key} "
                            f"{channel} = {want} (use {{{{fee:{item_key}.{channel}}}}})",
                        )
                    )
    return out


def affected_entries(entries: Iterable[FaqEntry], key: str) -> list[str]:
    """Ids of the answers a change of the table row `key` (a fee item or a period) affects."""
    out = []
    for e in entries:
        text = e.answer.zh + "\n" + e.answer.en
        if any(m.group(2) == key for m in PLACEHOLDER_RE.finditer(text)):
            out.append(e.id)
    return out
