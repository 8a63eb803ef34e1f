"""The text of one FAQ answer as users see it: rendered figures, official sources, law notice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.messages import Choice
from bot.core.settings import Settings
from bot.core.texts import t
from knowledge.figures import render_answer
from knowledge.index import FaqIndex
from knowledge.laws import LawText, load_laws, version_notice
from knowledge.memo import Memo
from knowledge.per_index import per_index
from knowledge.schema import FaqEntry
from knowledge.sources import official_link, source_names
from knowledge.tools.fees import FeeTable, load_fee_table
from knowledge.tools.periods import Period, load_periods

__all__ = ("ANSWERS_KEPT", "ServedAnswer", "answer_text", "served_answer")

# Answers memoised per index: (entry, language, day, station texts) of the entries asked
# (~2 KiB each; both languages of every entry of the bundled corpus fit).
ANSWERS_KEPT = 256


def answer_text(
    entry: FaqEntry,
    lang: str,
    today: dt.date,
    settings: Settings,
    *,
    fees: FeeTable | None = None,
    periods: Mapping[str, Period] | None = None,
    laws: Mapping[str, LawText] | None = None,
) -> str:
    """The answer with its placeholders resolved, its source line and any law-version notice.

    The source line names the legal texts by version and links one official page; private
    references (a code-hosting mirror, secondary reports) are never shown. The tables default
    to the bundled ones.
    """
    station = {"fees_zh": settings.station_fees_zh, "fees_en": settings.station_fees_en}
    text = render_answer(
        entry.answer.get(lang).strip(), lang, station=station, fees=fees, periods=periods
    )
    notice = version_notice(entry, today, lang, laws)
    if notice:
        text += "\n" + notice
    link = official_link(entry, laws)
    if entry.as_of and (link or entry.laws):
        names = source_names(entry, lang, laws)
        if names and link:
            text += "\n" + t(
                "source_line", lang, as_of=entry.as_of.isoformat(), names=names, link=link
            )
        elif link:
            text += "\n" + t("source_line_link", lang, as_of=entry.as_of.isoformat(), link=link)
        else:
            text += "\n" + t("source_line_names", lang, as_of=entry.as_of.isoformat(), names=names)
    return text


@dataclass(frozen=True, slots=True)
class ServedAnswer:
    """An entry's answer as a turn serves it on one day, in one language, with what it was
    rendered from (`served_answer` checks those are still the tables in use)."""

    entry: FaqEntry
    tables: tuple[FeeTable, Mapping[str, Period], Mapping[str, LawText]]
    reply: str  # `answer_text`, then the related questions listed
    text_end: int  # where `answer_text` ends in `reply` (kept once: memos hold thousands)
    related: tuple[FaqEntry, ...]  # the first three related entries valid that day, not itself
    choices: tuple[Choice, ...]  # the related questions' buttons and the feedback ones

    @property
    def text(self) -> str:
        """`answer_text`: the answer without the related questions."""
        return self.reply[: self.text_end]


@per_index
def _served(_index: FaqIndex) -> Memo[ServedAnswer]:
    # On the index: an edit swaps in a new index (bot/faq/corpus.py), and its entries' texts.
    return Memo(ANSWERS_KEPT)


def served_answer(
    index: FaqIndex, entry: FaqEntry, lang: str, today: dt.date, settings: Settings
) -> ServedAnswer:
    """An entry of `index` answered, memoised on the index: a repeated question is served
    the same answer. Keyed by all it reads (the entry, language, day, the station's fee
    texts); a hit counts only when the entry and the fee, period and law tables are still the
    very objects it was rendered from (a table reloaded or replaced renders afresh)."""
    tables = (load_fee_table(), load_periods(), load_laws())
    key = (entry.id, lang, today, settings.station_fees_zh, settings.station_fees_en)
    memo = _served(index)
    found = memo.get(key)
    if (
        found is not None
        and found.entry is entry
        and all(a is b for a, b in zip(found.tables, tables, strict=True))
    ):
        return found
    served = _serve(index, entry, lang, today, settings, tables)
    memo.put(key, served)
    return served


def _serve(
    index: FaqIndex,
    entry: FaqEntry,
    lang: str,
    today: dt.date,
    settings: Settings,
    tables: tuple[FeeTable, Mapping[str, Period], Mapping[str, LawText]],
) -> ServedAnswer:
    fees, periods, laws = tables
    text = answer_text(entry, lang, today, settings, fees=fees, periods=periods, laws=laws)
    resolved: dict[str, FaqEntry] = {}
    for rid in entry.related:
        r = index.resolve(rid, today)
        if r is not None and r.id != entry.id:
            resolved.setdefault(r.id, r)
    related = tuple(resolved.values())[:3]
    reply = text
    if related:
        reply += "\n\n" + t("related", lang)
        reply += "".join(f"\n{i}. {r.question.get(lang)}" for i, r in enumerate(related, 1))
    choices = (
        *(Choice(r.question.get(lang), f"faq:{r.id}") for r in related),
        Choice(t("feedback.up", lang), "feedback:up"),
        Choice(t("feedback.down", lang), "feedback:down"),
    )
    return ServedAnswer(entry, tables, reply, len(text), related, choices)
