"""Experts of the station and their availability: weekly rules plus dated exceptions.

`ExpertIn` validates one expert as typed by an admin or read from an import file; rules are
written like ``tue 14:00-17:00 /30 +10`` (weekday, local window, slot minutes, buffer).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import BaseModel, field_validator, model_validator
from pydantic import Field as PydField
from sqlalchemy import JSON, Column
from sqlmodel import Field, Session, SQLModel, col, delete, select

from storage.models import utcnow

__all__ = (
    "MODES",
    "SPECIALTIES",
    "AvailabilityException",
    "AvailabilityRule",
    "Expert",
    "ExpertIn",
    "RuleIn",
    "count_experts",
    "exceptions_of",
    "format_rule",
    "list_experts",
    "parse_rule",
    "rules_of",
    "save_expert",
)

# The fixed specialty list of issue 7 (also the booking flow's topics), in display order.
SPECIALTIES: tuple[str, ...] = (
    "registration",
    "renewal",
    "madrid",
    "opposition_invalidation",
    "infringement_litigation",
    "brand_strategy",
    "geographic_indications",
    "collective_certification",
)
MODES: tuple[str, ...] = ("on_site", "phone", "video")
LANGUAGES: tuple[str, ...] = ("zh", "en")
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Expert(SQLModel, table=True):
    """A lawyer, agent or brand specialist who gives consultations at the station."""

    __tablename__ = "expert"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    name_en: str = Field(default="", max_length=120)
    organisation: str = Field(default="", max_length=200)
    organisation_en: str = Field(default="", max_length=200)
    specialties: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    bio_zh: str = Field(default="", max_length=1000)
    bio_en: str = Field(default="", max_length=1000)
    active: bool = True
    mode: str = Field(default="on_site", max_length=10)  # on_site | phone | video
    location: str = Field(default="", max_length=300)  # address (on site) or meeting link
    email: str = Field(default="", max_length=200)  # for booking notices, when e-mail is set up
    telegram_chat: str = Field(default="", max_length=64)  # ditto, through the staff bot
    account: str = Field(default="", max_length=64, index=True)  # the expert's login (role expert)
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class AvailabilityRule(SQLModel, table=True):
    """A weekly window (station local time), cut into slots of `slot_minutes` plus a buffer."""

    __tablename__ = "availability_rule"
    id: int | None = Field(default=None, primary_key=True)
    expert_id: int = Field(foreign_key="expert.id", index=True, ondelete="CASCADE")
    weekday: int = Field(ge=0, le=6)  # 0 = Monday
    start: dt.time
    end: dt.time
    slot_minutes: int = Field(default=30, ge=10, le=240)
    buffer_minutes: int = Field(default=0, ge=0, le=120)


class AvailabilityException(SQLModel, table=True):
    """One date off (`leave`, the whole day when no times) or with extra hours (`extra`)."""

    __tablename__ = "availability_exception"
    id: int | None = Field(default=None, primary_key=True)
    expert_id: int = Field(foreign_key="expert.id", index=True, ondelete="CASCADE")
    day: dt.date = Field(index=True)
    kind: str = Field(default="leave", max_length=10)  # leave | extra
    start: dt.time | None = None
    end: dt.time | None = None
    slot_minutes: int = Field(default=30, ge=10, le=240)
    buffer_minutes: int = Field(default=0, ge=0, le=120)
    note: str = Field(default="", max_length=200)


_RULE_RE = re.compile(
    r"^\s*(?P<wd>[a-z]{3})\w*\s+(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})"
    r"(?:\s*/\s*(?P<slot>\d+))?(?:\s*\+\s*(?P<buf>\d+))?\s*$",
    re.IGNORECASE,
)


class RuleIn(BaseModel):
    """One weekly availability window, validated."""

    weekday: int = PydField(ge=0, le=6)
    start: dt.time
    end: dt.time
    slot_minutes: int = PydField(default=30, ge=10, le=240)
    buffer_minutes: int = PydField(default=0, ge=0, le=120)

    @model_validator(mode="after")
    def _ordered(self) -> RuleIn:
        if self.end <= self.start:
            raise ValueError(f"{format_rule(self)}: the end must be after the start")
        return self


def parse_rule(value: str | dict[str, Any]) -> RuleIn:
    """A rule from ``tue 14:00-17:00 /30 +10`` or from a mapping with the same fields."""
    if isinstance(value, dict):
        data = dict(value)
        if isinstance(data.get("weekday"), str):
            data["weekday"] = _weekday(data["weekday"])
        return RuleIn.model_validate(data)
    match = _RULE_RE.match(str(value))
    if not match:
        raise ValueError(
            f"availability {value!r}: write it like 'tue 14:00-17:00 /30 +10' "
            "(weekday, start-end, optional slot minutes and buffer minutes)"
        )
    return RuleIn(
        weekday=_weekday(match["wd"]),
        start=dt.time.fromisoformat(match["start"].zfill(5)),
        end=dt.time.fromisoformat(match["end"].zfill(5)),
        slot_minutes=int(match["slot"] or 30),
        buffer_minutes=int(match["buf"] or 0),
    )


def _weekday(name: str) -> int:
    key = name.strip().lower()[:3]
    if key not in WEEKDAYS:
        raise ValueError(f"weekday {name!r}: use one of {', '.join(WEEKDAYS)}")
    return WEEKDAYS.index(key)


def format_rule(rule: RuleIn | AvailabilityRule) -> str:
    """The rule in the ``tue 14:00-17:00 /30 +10`` notation."""
    return (
        f"{WEEKDAYS[rule.weekday]} {rule.start:%H:%M}-{rule.end:%H:%M} "
        f"/{rule.slot_minutes} +{rule.buffer_minutes}"
    )


def _split(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [v.strip() for v in re.split(r"[;,，；\n]", value) if v.strip()]
    return [str(v).strip() for v in value]


class ExpertIn(BaseModel):
    """An expert as an admin form or an import file gives it; every field checked."""

    name: str = PydField(min_length=1, max_length=80)
    name_en: str = PydField(default="", max_length=120)
    organisation: str = PydField(default="", max_length=200)
    organisation_en: str = PydField(default="", max_length=200)
    specialties: list[str] = PydField(min_length=1)
    languages: list[str] = PydField(default_factory=lambda: ["zh"], min_length=1)
    bio_zh: str = PydField(default="", max_length=1000)
    bio_en: str = PydField(default="", max_length=1000)
    active: bool = True
    mode: str = "on_site"
    location: str = PydField(default="", max_length=300)
    email: str = PydField(default="", max_length=200, pattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$")
    telegram_chat: str = PydField(default="", max_length=64, pattern=r"^$|^-?\d+$")
    account: str = PydField(default="", max_length=64, pattern=r"^$|^[A-Za-z0-9_.@-]+$")
    availability: list[RuleIn] = PydField(default_factory=list)

    @field_validator("specialties", "languages", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> list[str]:
        return _split(value)

    @field_validator("availability", mode="before")
    @classmethod
    def _rules(cls, value: Any) -> list[RuleIn]:
        items = value if isinstance(value, list) else _split(value)
        return [r if isinstance(r, RuleIn) else parse_rule(r) for r in items]

    @field_validator("specialties")
    @classmethod
    def _known_specialties(cls, value: list[str]) -> list[str]:
        unknown = [v for v in value if v not in SPECIALTIES]
        if unknown:
            raise ValueError(f"unknown specialty {unknown[0]!r}; use {', '.join(SPECIALTIES)}")
        return list(dict.fromkeys(value))

    @field_validator("languages")
    @classmethod
    def _known_languages(cls, value: list[str]) -> list[str]:
        if any(v not in LANGUAGES for v in value):
            raise ValueError(f"languages must be among {', '.join(LANGUAGES)}")
        return list(dict.fromkeys(value))

    @field_validator("mode")
    @classmethod
    def _known_mode(cls, value: str) -> str:
        if value not in MODES:
            raise ValueError(f"mode {value!r}: use one of {', '.join(MODES)}")
        return value

    @model_validator(mode="after")
    def _video_has_link(self) -> ExpertIn:
        if self.mode == "video" and not self.location.startswith(("https://", "http://")):
            raise ValueError("a video expert needs the meeting link (https://...) as location")
        return self


def list_experts(
    *, session: Session, specialty: str | None = None, active_only: bool = True
) -> list[Expert]:
    """Experts by name, optionally only the active ones offering `specialty`."""
    query = select(Expert).order_by(col(Expert.id))
    if active_only:
        query = query.where(col(Expert.active).is_(True))
    experts = list(session.exec(query))
    return [e for e in experts if specialty is None or specialty in e.specialties]


def count_experts(*, session: Session) -> int:
    """How many experts exist (active or not)."""
    return len(list(session.exec(select(Expert.id))))


def rules_of(*, session: Session, expert_id: int) -> list[AvailabilityRule]:
    """The expert's weekly rules."""
    query = select(AvailabilityRule).where(AvailabilityRule.expert_id == expert_id)
    return list(session.exec(query.order_by(col(AvailabilityRule.weekday))))


def exceptions_of(
    *, session: Session, expert_id: int, start: dt.date, end: dt.date
) -> list[AvailabilityException]:
    """The expert's exceptions between `start` and `end` inclusive."""
    query = select(AvailabilityException).where(
        AvailabilityException.expert_id == expert_id,
        col(AvailabilityException.day) >= start,
        col(AvailabilityException.day) <= end,
    )
    return list(session.exec(query))


def save_expert(*, session: Session, data: ExpertIn, expert_id: int | None = None) -> Expert:
    """Create or update an expert (matched by id, else by name + organisation) and its rules."""
    expert = session.get(Expert, expert_id) if expert_id else None
    if expert is None and expert_id is None:
        query = select(Expert).where(
            Expert.name == data.name, Expert.organisation == data.organisation
        )
        expert = session.exec(query).first()
    fields = data.model_dump(exclude={"availability"})
    if expert is None:
        expert = Expert(**fields)
    else:
        for key, value in fields.items():
            setattr(expert, key, value)
        expert.updated_at = utcnow()
    session.add(expert)
    session.flush()
    assert expert.id is not None
    session.exec(delete(AvailabilityRule).where(col(AvailabilityRule.expert_id) == expert.id))
    for rule in data.availability:
        session.add(AvailabilityRule(expert_id=expert.id, **rule.model_dump()))
    session.flush()
    return expert
