"""The text of one FAQ answer as users see it: rendered figures, official sources, law notice."""

from __future__ import annotations

import datetime as dt

from bot.core.settings import Settings
from bot.core.texts import t
from knowledge.figures import render_answer
from knowledge.laws import version_notice
from knowledge.schema import FaqEntry
from knowledge.sources import official_link, source_names

__all__ = ("answer_text",)


def answer_text(entry: FaqEntry, lang: str, today: dt.date, settings: Settings) -> str:
    """The answer with its placeholders resolved, its source line and any law-version notice.

    The source line names the legal texts by version and links one official page; private
    references (a code-hosting mirror, secondary reports) are never shown.
    """
    station = {"fees_zh": settings.station_fees_zh, "fees_en": settings.station_fees_en}
    text = render_answer(entry.answer.get(lang).strip(), lang, station=station)
    notice = version_notice(entry, today, lang)
    if notice:
        text += "\n" + notice
    link = official_link(entry)
    if entry.as_of and (link or entry.laws):
        names = source_names(entry, lang)
        if names and link:
            text += "\n" + t(
                "source_line", lang, as_of=entry.as_of.isoformat(), names=names, link=link
            )
        elif link:
            text += "\n" + t("source_line_link", lang, as_of=entry.as_of.isoformat(), link=link)
        else:
            text += "\n" + t("source_line_names", lang, as_of=entry.as_of.isoformat(), names=names)
    return text
