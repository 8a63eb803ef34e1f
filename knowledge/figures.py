"""One source for every figure: answers refer to the fee and period tables by name.

An answer writes ``{{fee:renewal.online}}`` (a CNIPA fee, CNY; sums and multiples too:
``{{fee:renewal.online*2+renewal_late.online*2}}``), ``{{period:opposition}}`` (a
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
    "indexable_answer",
    "render_answer",
)

PLACEHOLDER_RE = re.compile(r"\{\{\s*(fee|madrid|period|station):([a-z0-9_.*+ ]+?)\s*\}\}")
_TERM = re.compile(r"^([a-z0-9_]+?)(?:\.(online|paper))?(?:\*(\d+(?:\.\d+)?))?$")
_MADRID_KEYS = (
    "basic_fee_bw",
    "basic_fee_colour",
    "supplementary_fee_per_class_beyond_3",
    "complementary_fee_per_party",
    "subsequent_designation_basic_fee",
)


def _terms(expression: str) -> list[tuple[str, str | None, float]] | None:
    out = []
    for term in expression.replace(" ", "").split("+"):
        m = _TERM.match(term)
        if m is None:
            return None
        out.append((m.group(1), m.group(2), float(m.group(3) or 1)))
    return out


def fee_value(kind: str, expression: str, fees: FeeTable) -> float | None:
    """The amount of 'renewal.online*2+renewal_late.online*2' (kind 'fee', CNY) or of
    'basic_fee_bw+complementary_fee_per_party*2' (kind 'madrid', CHF); None if it names none."""
    terms = _terms(expression)
    if not terms:
        return None
    total = 0.0
    for key, channel, times in terms:
        if kind == "fee":
            item = fees.items.get(key)
            if item is None or channel is None:
                return None
            total += (item.online if channel == "online" else item.paper) * times
        else:
            value = fees.madrid.get(key) if key in _MADRID_KEYS and channel is None else None
            if not isinstance(value, int | float):
                return None
            total += float(value) * times
    return total


def fee_keys(expression: str) -> set[str]:
    """The table rows an expression uses."""
    return {key for key, _, _ in _terms(expression) or []}


def _amount(value: float, lang: str) -> str:
    if value != int(value):
        return f"{value:,.2f}" if lang == "en" else f"{value:.2f}"
    return f"{int(value):,}" if lang == "en" else str(int(value))


def _resolve(
    match: re.Match[str],
    lang: str,
    fees: FeeTable,
    periods: Mapping[str, Period],
    station: Mapping[str, str],
) -> str | None:
    kind, name = match.group(1), match.group(2).strip()
    if kind in ("fee", "madrid"):
        amount = fee_value(kind, name, fees)
        return None if amount is None else _amount(amount, lang)
    if kind == "period":
        period = periods.get(name)
        return period.text(lang) if period else None
    return station.get(f"{name}_{lang}") or station.get(name)


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


def indexable_answer(entry: FaqEntry, lang: str) -> str:
    """The answer as the search index sees it: figures rendered, station texts left out."""
    return PLACEHOLDER_RE.sub(" ", render_answer(entry.answer.get(lang), lang))


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
# A fee amount written by hand: CNY ("450元", "CNY 450") or CHF ("653瑞士法郎", "CHF 653").
_HAND_CNY = re.compile(r"(?<![\d.,{])(\d[\d,]*)\s*元|CNY\s*(\d[\d,]*)")
_HAND_CHF = re.compile(r"(?<![\d.,{])(\d[\d,.]*)\s*(?:瑞士法郎|瑞郎)|CHF\s*(\d[\d,.]*\d|\d)")
_FEE_WORDS = re.compile(r"费|[Ff]ees?\b|costs?\b|[Pp]ay\b")
_NOT_FEES = re.compile(r"罚|赔偿|融资|经营额|[Ff]ine|damages|financing|turnover")
_SENTENCE = re.compile(r"(?<=[。；;\n])|(?<=\. )")


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
    """Unknown placeholders, fees written by hand, and hand-written periods that disagree."""
    table, rows = fees or load_fee_table(), periods or load_periods()
    known_station = set(station_keys)
    out: list[FigureFinding] = []
    for e in entries:
        for lang in ("zh", "en"):
            text = e.answer.get(lang)
            for m in PLACEHOLDER_RE.finditer(text):
                if m.group(1) == "station":
                    ok = m.group(2) in known_station
                else:
                    ok = _resolve(m, lang, table, rows, {}) is not None
                if not ok:
                    out.append(FigureFinding(e.id, lang, f"unknown placeholder {m.group(0)}"))
            out += _period_mismatches(e, lang, text, rows)
            out += _hand_fees(e, lang, text, table)
    return out


def _period_mismatches(
    e: FaqEntry, lang: str, text: str, rows: Mapping[str, Period]
) -> list[FigureFinding]:
    out: list[FigureFinding] = []
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


def _table_amounts(table: FeeTable) -> tuple[set[float], set[float]]:
    cny = {float(v) for i in table.items.values() for v in (i.online, i.paper)}
    chf = {float(v) for k in _MADRID_KEYS if isinstance(v := table.madrid.get(k), int | float)}
    return cny, chf


def _hand_fees(e: FaqEntry, lang: str, text: str, table: FeeTable) -> list[FigureFinding]:
    """Fee amounts must come from the fee table: a hand-written one is an error, and the
    message says whether it even agrees with a row of the table."""
    out: list[FigureFinding] = []
    cny, chf = _table_amounts(table)
    for sentence in _SENTENCE.split(text):
        if not _FEE_WORDS.search(sentence) or _NOT_FEES.search(sentence):
            continue
        for pattern, known, currency in ((_HAND_CNY, cny, "fee"), (_HAND_CHF, chf, "madrid")):
            for m in pattern.finditer(sentence):
                raw = (m.group(1) or m.group(2)).replace(",", "").rstrip(".")
                try:
                    value = float(raw)
                except ValueError:
                    continue
                verdict = (
                    "agrees with a row of the fee table"
                    if value in known
                    else "DISAGREES with every row of the fee table"
                )
                out.append(
                    FigureFinding(
                        e.id,
                        lang,
                        f"states the fee {m.group(0).strip()!r} by hand ({verdict}); write "
                        f"{{{{{currency}:ROW}}}} so the answer follows knowledge/data/fees.yaml",
                    )
                )
    return out


def affected_entries(entries: Iterable[FaqEntry], key: str) -> list[str]:
    """Ids of the answers a change of the table row `key` (a fee item, a Madrid fee or a
    period) affects."""
    kind, _, name = key.rpartition(":")  # "fee:opposition" or just "opposition"
    out = []
    for e in entries:
        text = e.answer.zh + "\n" + e.answer.en
        if any(
            name in fee_keys(m.group(2)) and kind in ("", m.group(1))
            for m in PLACEHOLDER_RE.finditer(text)
        ):
            out.append(e.id)
    return out
