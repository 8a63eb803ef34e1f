"""The legal texts the corpus cites, with versions, and the notice for a superseded text.

Each corpus entry names the texts it rests on (``laws:``, keys of ``knowledge/data/laws.yaml``).
Answers show those names ("《商标法》（2019年修正）"), and an entry served on a day after one of
its texts stopped being in force (the 2019 law from 2027-01-01) gets a one-line notice: it has
no counterpart valid that day, else the index would have served the counterpart instead.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from knowledge.schema import FaqEntry
from knowledge.tools._data import DATA_DIR, ToolDataError
from knowledge.yamltext import parse_yaml

__all__ = (
    "DEFAULT_LAWS_FILE",
    "LAW_NOTICE",
    "LawText",
    "cited_kinds",
    "load_laws",
    "outdated_texts",
    "unversioned_kinds",
    "version_notice",
)

DEFAULT_LAWS_FILE = DATA_DIR / "laws.yaml"

LAW_NOTICE = {
    "zh": "本答复依据修订前的商标法；新法自2027年1月1日起施行，具体以新法和商标局公告为准。",
    "en": (
        "This answer rests on the Trademark Law before its revision; the revised law applies "
        "from 1 January 2027, so the new law and CNIPA notices prevail."
    ),
}

# What an answer cites, recognised in its text: kind -> pattern. An entry whose answer cites a
# kind must name a text of that kind in `laws` (knowledge/lint.py).
_CITES: dict[str, re.Pattern[str]] = {
    "regulations": re.compile(
        r"实施条例|Implementing Regulations|\bReg\.\s*Arts?\.|\bRegulations 2014"
    ),
    "customs": re.compile(r"海关保护条例|Customs IPR Regulations"),
    "trademark-law": re.compile(r"商标法(?!实施条例)|Trademark Law(?! Implementing)"),
}
# How an answer names the version of what it cites ("《商标法》（2019年修正）", "Regulations (2014)").
_VERSIONS: dict[str, re.Pattern[str]] = {
    "trademark-law": re.compile(r"2019|2026|2027|新法|新《商标法》|修订后|[Rr]evised|new law"),
    "regulations": re.compile(r"2014"),
    "customs": re.compile(r"2018"),
}
# The kind of each text key (its prefix).
_KIND_OF = {"trademark-law": "trademark-law", "regulations": "regulations", "customs": "customs"}


@dataclass(frozen=True)
class LawText:
    """One legal text in one version."""

    key: str
    zh: str
    en: str
    link: str
    in_force_from: dt.date | None = None
    in_force_until: dt.date | None = None
    superseded_by: str | None = None

    def name(self, lang: str) -> str:
        """The text's name with its version, in `lang`."""
        return self.en if lang == "en" else self.zh

    @property
    def kind(self) -> str:
        """'trademark-law', 'regulations', 'customs' or the key itself."""
        return next((k for p, k in _KIND_OF.items() if self.key.startswith(p)), self.key)


def load_laws(path: Path | str | None = None) -> Mapping[str, LawText]:
    """The texts of `path` (default: the bundled laws.yaml), by key; cached per path."""
    return _load(str(path or DEFAULT_LAWS_FILE))


@lru_cache(maxsize=4)
def _load(path: str) -> Mapping[str, LawText]:
    try:
        raw = parse_yaml(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ToolDataError(f"{path}: cannot read the law list: {exc}") from exc
    texts = raw.get("texts") if isinstance(raw, dict) else None
    if not isinstance(texts, dict):
        raise ToolDataError(f"{path}: expected a mapping with a 'texts' key")
    out: dict[str, LawText] = {}
    for key, v in texts.items():
        if not isinstance(v, dict) or not v.get("zh") or not v.get("en") or not v.get("link"):
            raise ToolDataError(f"{path}: text {key}: needs zh, en and link")
        out[str(key)] = LawText(
            key=str(key),
            zh=str(v["zh"]),
            en=str(v["en"]),
            link=str(v["link"]),
            in_force_from=v.get("in_force_from"),
            in_force_until=v.get("in_force_until"),
            superseded_by=v.get("superseded_by"),
        )
    for t in out.values():
        if t.superseded_by and t.superseded_by not in out:
            raise ToolDataError(f"{path}: text {t.key}: superseded_by {t.superseded_by!r} unknown")
    return out


def cited_kinds(text: str) -> set[str]:
    """The kinds of legal text an answer cites ('trademark-law', 'regulations', 'customs')."""
    return {kind for kind, pattern in _CITES.items() if pattern.search(text)}


def unversioned_kinds(text: str) -> set[str]:
    """The kinds of legal text `text` cites without naming the version anywhere."""
    return {kind for kind in cited_kinds(text) if not _VERSIONS[kind].search(text)}


def outdated_texts(
    entry: FaqEntry, day: dt.date, laws: Mapping[str, LawText] | None = None
) -> list[LawText]:
    """The texts `entry` rests on that are no longer in force on `day`."""
    table = laws or load_laws()
    return [
        t
        for key in entry.laws
        if (t := table.get(key)) is not None and t.in_force_until and day > t.in_force_until
    ]


def version_notice(
    entry: FaqEntry, day: dt.date, lang: str, laws: Mapping[str, LawText] | None = None
) -> str:
    """The one-line law-version notice for `entry` served on `day`, or ''."""
    return LAW_NOTICE["en" if lang == "en" else "zh"] if outdated_texts(entry, day, laws) else ""
