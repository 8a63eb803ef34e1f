"""Data of the Nice class finder: the 45 classes, the common terms and the business-type map.

Files live in ``knowledge/data/`` (see its README); admins extend them without code changes.
Each loader refuses a malformed file with the file name and row.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.tools._data import DATA_DIR, ToolDataError
from knowledge.yamltext import parse_yaml

__all__ = (
    "CLASSES_FILE",
    "KEYWORDS_FILE",
    "TERMS_FILE",
    "Keyword",
    "NiceClass",
    "NiceData",
    "NiceTerm",
    "load_nice",
)

CLASSES_FILE = DATA_DIR / "nice_classes.yaml"
TERMS_FILE = DATA_DIR / "nice_terms.csv"
KEYWORDS_FILE = DATA_DIR / "nice_keywords.yaml"
HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class NiceClass:
    """One of the 45 classes with its headings."""

    number: int
    short_zh: str
    short_en: str
    heading_zh: str
    heading_en: str

    def heading(self, lang: str) -> str:
        """The full heading in `lang`."""
        return self.heading_en if lang == "en" else self.heading_zh

    def short(self, lang: str) -> str:
        """The short name in `lang`."""
        return self.short_en if lang == "en" else self.short_zh


@dataclass(frozen=True)
class NiceTerm:
    """A common goods or services term with its class and, if known, similar group."""

    zh: str
    en: str
    class_no: int
    similar_group: str = ""

    def label(self, lang: str) -> str:
        """The term in `lang`, with its similar group when known."""
        text = self.en if lang == "en" else self.zh
        return f"{text} [{self.similar_group}]" if self.similar_group else text


@dataclass(frozen=True)
class Keyword:
    patterns: tuple[str, ...]
    classes: dict[int, tuple[float, str, str]]  # class -> (weight, why zh, why en)


@dataclass(frozen=True)
class NiceData:
    """Classes, terms and the business-type map, loaded once."""

    classes: dict[int, NiceClass]
    terms: tuple[NiceTerm, ...]
    keywords: tuple[Keyword, ...]


def load_nice(
    classes_file: Path | str | None = None,
    terms_file: Path | str | None = None,
    keywords_file: Path | str | None = None,
) -> NiceData:
    """Load the class headings, terms and keyword map (bundled files by default); cached."""
    return _load(
        str(classes_file or CLASSES_FILE),
        str(terms_file or TERMS_FILE),
        str(keywords_file or KEYWORDS_FILE),
    )


@lru_cache(maxsize=4)
def _load(classes_file: str, terms_file: str, keywords_file: str) -> NiceData:
    classes = _load_classes(classes_file)
    terms = _load_terms(terms_file, classes)
    keywords = _load_keywords(keywords_file, classes)
    return NiceData(classes, terms, keywords)


def _read_yaml(path: str) -> Any:
    try:
        return parse_yaml(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ToolDataError(f"{path}: cannot read: {exc}") from exc


def _load_classes(path: str) -> dict[int, NiceClass]:
    raw = _read_yaml(path)
    try:
        out = {
            int(n): NiceClass(
                int(n), str(v["short"]), str(v["short_en"]), str(v["zh"]), str(v["en"])
            )
            for n, v in raw["classes"].items()
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise ToolDataError(f"{path}: malformed class list ({exc!r})") from exc
    if sorted(out) != list(range(1, 46)):
        raise ToolDataError(f"{path}: expected classes 1 to 45, got {sorted(out)}")
    return out


def _load_terms(path: str, classes: dict[int, NiceClass]) -> tuple[NiceTerm, ...]:
    try:
        lines = [
            ln
            for ln in Path(path).read_text(encoding="utf-8").splitlines()
            if not ln.startswith("#")
        ]
    except OSError as exc:
        raise ToolDataError(f"{path}: cannot read: {exc}") from exc
    out: list[NiceTerm] = []
    for lineno, row in enumerate(csv.DictReader(lines), start=2):
        try:
            cls = int(row["class"])
            group = (row.get("similar_group") or "").strip()
            term = NiceTerm(row["term_zh"].strip(), row["term_en"].strip(), cls, group)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ToolDataError(f"{path}: data row {lineno}: {exc!r}") from exc
        if cls not in classes or not term.zh or not term.en:
            raise ToolDataError(f"{path}: data row {lineno}: bad class or empty term")
        if group and not (len(group) == 4 and group.isdigit() and int(group[:2]) == cls):
            raise ToolDataError(
                f"{path}: data row {lineno}: similar group {group} does not belong to class {cls}"
            )
        out.append(term)
    return tuple(out)


def _load_keywords(path: str, classes: dict[int, NiceClass]) -> tuple[Keyword, ...]:
    raw = _read_yaml(path)
    out: list[Keyword] = []
    try:
        for entry in raw["keywords"]:
            pats = tuple(str(p) for p in entry["match"])
            cls_map = {
                int(c): (float(v["weight"]), str(v["why"]["zh"]), str(v["why"]["en"]))
                for c, v in entry["classes"].items()
            }
            if any(c not in classes for c in cls_map):
                raise ValueError(f"unknown class in {pats}")
            if any(HAN.search(p) and len(p) < 2 for p in pats):
                raise ValueError(f"single-character Chinese keyword in {pats} matches too much")
            out.append(Keyword(pats, cls_map))
    except (KeyError, TypeError, ValueError) as exc:
        raise ToolDataError(f"{path}: malformed keyword map ({exc!r})") from exc
    return tuple(out)
