"""The text of one FAQ answer as users see it: rendered figures, official sources, law notice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

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

__all__ = ("ANSWERS_KEPT", "answer_text", "served_answer_text")

# Answer texts memoised per index: (entry, language, day, station texts) of the entries asked.
ANSWERS_KEPT = 1024


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


# A memoised text with what it was rendered from: the entry object and the three tables.
_Rendered = tuple[FaqEntry, FeeTable, Mapping[str, Period], Mapping[str, LawText], str]


@per_index
def _rendered(_index: FaqIndex) -> Memo[_Rendered]:
    # On the index: an edit swaps in a new index (bot/faq/corpus.py), and its entries' texts.
    return Memo(ANSWERS_KEPT)


def served_answer_text(
    index: FaqIndex, entry: FaqEntry, lang: str, today: dt.date, settings: Settings
) -> str:
    """`answer_text` of an entry of `index`, memoised on the index: a repeated question gives
    the same text. Keyed by all it reads (the entry, language, day, the station's fee texts);
    a hit counts only when the entry and the fee, period and law tables are still the very
    objects it was rendered from (a table reloaded or replaced renders afresh)."""
    fees, periods, laws = load_fee_table(), load_periods(), load_laws()
    key = (entry.id, lang, today, settings.station_fees_zh, settings.station_fees_en)
    memo = _rendered(index)
    found = memo.get(key)
    if (
        found is not None
        and found[0] is entry
        and found[1] is fees
        and found[2] is periods
        and found[3] is laws
    ):
        return found[4]
    text = answer_text(entry, lang, today, settings, fees=fees, periods=periods, laws=laws)
    memo.put(key, (entry, fees, periods, laws, text))
    return text
