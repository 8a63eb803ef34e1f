"""The corpus entry model: one FAQ entry, bilingual, sourced and date-aware."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from knowledge.pii import has_pii, mask_pii

__all__ = ("ENTRY_ID_RE", "Bilingual", "BilingualList", "FaqEntry", "Status")

ENTRY_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
Status = Literal["draft", "published", "retired"]


ANSWER_MAX = 2000  # characters per language: one chat message on every channel


class Bilingual(BaseModel):
    """A text in Chinese and English."""

    model_config = ConfigDict(extra="forbid")
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    @field_validator("zh", "en")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        # A text of spaces would be saved and shown to users as an empty bubble.
        if not value.strip():
            raise ValueError("不能只有空白 / must not be only spaces")
        return value

    def get(self, lang: str) -> str:
        """Return the text in `lang`, Chinese for anything but 'en'."""
        return self.en if lang == "en" else self.zh


class BilingualList(BaseModel):
    """Alternate phrasings per language."""

    model_config = ConfigDict(extra="forbid")
    zh: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)


class FaqEntry(BaseModel):
    """One FAQ entry as written in `knowledge/corpus/*.yaml` and stored in the database."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=2, max_length=80)
    topic: str | None = None
    theme: str = "general"
    status: Status = "published"
    tags: list[str] = Field(default_factory=list)
    question: Bilingual
    alternates: BilingualList = Field(default_factory=BilingualList)
    answer: Bilingual
    sources: list[str] = Field(default_factory=list)
    # The legal texts the answer rests on, with versions: keys of knowledge/data/laws.yaml.
    laws: list[str] = Field(default_factory=list)
    as_of: dt.date | None = None
    changes: str | None = None  # where a stated fact is known to change (fees, the 2027 law)
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    related: list[str] = Field(default_factory=list)
    needs_staff: bool = False

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not ENTRY_ID_RE.match(value):
            raise ValueError(
                "编号须为小写字母、数字和连字符 / id must be lower-case kebab-case, e.g. 'renewal-fee'"
            )
        return value

    @field_validator("sources")
    @classmethod
    def _urls(cls, value: list[str]) -> list[str]:
        for url in value:
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"来源须为网址 / source is not a URL: {url!r}")
        return value

    @model_validator(mode="after")
    def _validity(self) -> FaqEntry:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValueError("失效日期早于生效日期 / valid_until is before valid_from")
        return self

    @model_validator(mode="after")
    def _no_personal_data(self) -> FaqEntry:
        # Phrasings often come from users' own words (the unanswered queue): never publish a
        # phone number, e-mail address or ID number someone typed (PIPL).
        for lang in ("zh", "en"):
            for text in self.phrasings(lang):
                if has_pii(text):
                    raise ValueError(
                        f"question/alternate holds a phone number, e-mail or ID number: {mask_pii(text)!r}"
                        " (问法含电话/邮箱/证件号，不能发布)"
                    )
        return self

    @field_validator("answer")
    @classmethod
    def _answer_fits_one_message(cls, value: Bilingual) -> Bilingual:
        # Sent as one chat message: longer texts are cut or refused by the channels.
        for lang in ("zh", "en"):
            size = len(value.get(lang))
            if size > ANSWER_MAX:
                raise ValueError(
                    f"答案（{lang}）有 {size} 字，最多 {ANSWER_MAX} 字 / the {lang} answer has "
                    f"{size} characters, at most {ANSWER_MAX}"
                )
        return value

    def valid_on(self, day: dt.date) -> bool:
        """True when the entry's text applies on `day`."""
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_until and day > self.valid_until)

    def phrasings(self, lang: str) -> list[str]:
        """The main question and its alternates in one language."""
        main = self.question.en if lang == "en" else self.question.zh
        alts = self.alternates.en if lang == "en" else self.alternates.zh
        return [main, *alts]
