"""Read marks typed or pasted in chat, one per line: number, name, classes, a date.

``12345678 华星 9;35;42 2016-03-07`` or ``23456789 Huaxing class 9 expires 2027-05-20``. The date
is read by the tools' parser (`knowledge.tools.find_dates`), which never guesses: an ambiguous
date (``03/07/2016``) comes back as a question for the user. A date is the registration date
unless the line says it is the expiry (到期, 届满, 有效期至, expires, valid until).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from knowledge.tools import Ambiguous, Invalid, ParsedDate, find_dates, parse_date

__all__ = (
    "Draft",
    "LineError",
    "parse_classes",
    "parse_date_answer",
    "parse_line",
    "parse_lines",
)

_NUMBER = re.compile(
    r"^\s*(?:注册号|注册证号|reg(?:istration)?\.?\s*(?:no\.?|number)?|no\.?)?\s*[:：#]?\s*(\d{5,10})(?!\d)",
    re.I,
)
_EXPIRY = re.compile(r"到期|届满|有效期至|截止|expir|valid\s+until|until", re.I)
_CLASS_LIST = r"\d{1,2}(?:\s*[;；,，、/和及&]\s*\d{1,2})*"
_CLASSES = (
    re.compile(rf"第\s*({_CLASS_LIST})\s*类"),
    re.compile(rf"(?:classes|class|cl\.|类别|类)\s*[:：]?\s*({_CLASS_LIST})", re.I),
    re.compile(r"(?<![\d.\-/])(\d{1,2}(?:\s*[;；,，、/]\s*\d{1,2})+)(?![\d.\-/])"),
    re.compile(r"(?<![\w.\-/])(\d{1,2})(?![\w.\-/])"),
)
_FILLER = re.compile(
    r"核准注册日期?|注册日期?|注册于|有效期至|到期日?|届满日?|截止日?|商标名称|商标|名称|类别|"
    r"\b(?:registered|registration|date|on|expires?|expiry|valid|until|mark|name|classes|class)\b",
    re.I,
)
_PUNCT = re.compile(r"^[\s,，;；:：、()（）\-—]+|[\s,，;；:：、()（）\-—]+$")


@dataclass
class Draft:
    """A mark read from one line; `date` is None while its date is still to be asked."""

    line: int
    number: str
    name: str
    classes: list[int]
    date_kind: str  # registration | expiry
    date: dt.date | None = None
    question: Ambiguous | None = field(default=None, compare=False)

    def as_dict(self) -> dict[str, object]:
        """JSON for the conversation state."""
        return {
            "line": self.line,
            "number": self.number,
            "name": self.name,
            "classes": self.classes,
            "date_kind": self.date_kind,
            "date": self.date.isoformat() if self.date else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Draft:
        """Back from the conversation state."""
        raw = data.get("date")
        return cls(
            line=int(str(data["line"])),
            number=str(data["number"]),
            name=str(data["name"]),
            classes=[int(c) for c in data["classes"]],  # type: ignore[attr-defined]
            date_kind=str(data["date_kind"]),
            date=dt.date.fromisoformat(str(raw)) if raw else None,
        )


@dataclass(frozen=True)
class LineError:
    """A line that could not be read, and why (a text key of bot/marks/texts.py, or a question)."""

    line: int
    text: str
    reason: str
    question: Invalid | None = None


def parse_classes(raw: str) -> list[int] | None:
    """'9;35;42', '9、35', '9/35' -> [9, 35, 42]; None when a class is not 1-45."""
    parts = [p for p in re.split(r"[^\d]+", raw) if p]
    values = sorted({int(p) for p in parts})
    if not values or any(not 1 <= v <= 45 for v in values):
        return None
    return values


def parse_line(text: str, line: int, today: dt.date) -> Draft | LineError:
    """One mark from one line."""
    norm = unicodedata.normalize("NFKC", text).strip()
    m = _NUMBER.match(norm)
    if not m:
        return LineError(line, text, "err.number")
    rest = norm[m.end() :]
    found = [d for d in find_dates(rest, today) if not isinstance(d, Invalid)]
    invalid = [d for d in find_dates(rest, today) if isinstance(d, Invalid) and d.start < d.end]
    if not found:
        return LineError(line, text, "err.date", invalid[0] if invalid else None)
    first = found[0]
    kind = "expiry" if _EXPIRY.search(rest) else "registration"
    rest = rest[: first.start] + " " + rest[first.end :]
    classes: list[int] | None = []
    for pattern in _CLASSES:
        cm = pattern.search(rest)
        if cm:
            classes = parse_classes(cm.group(1))
            rest = rest[: cm.start()] + " " + rest[cm.end() :]
            break
    if classes is None:
        return LineError(line, text, "err.classes")
    name = _PUNCT.sub("", _FILLER.sub(" ", rest))
    name = re.sub(r"\s+", " ", name).strip()
    if not name:
        return LineError(line, text, "err.name")
    date = first.value if isinstance(first, ParsedDate) else None
    question = first if isinstance(first, Ambiguous) else None
    return Draft(line, m.group(1), name[:200], classes or [], kind, date, question)


def parse_lines(text: str, today: dt.date) -> list[Draft | LineError]:
    """Every non-empty line of a message."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return [parse_line(ln, i, today) for i, ln in enumerate(lines, 1)]


def parse_date_answer(text: str, today: dt.date, lang: str) -> dt.date | str:
    """The user's answer to a date question: the date, or the next question to ask."""
    result = parse_date(text, today)
    if isinstance(result, ParsedDate):
        return result.value
    return result.question(lang)
