"""Read experts from YAML or CSV files (`tmbot experts import`, the demo set), with errors that
name the file and the entry or row."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from sqlmodel import Session

from knowledge.yamltext import parse_yaml
from storage.errors import TmbotError
from storage.experts import AvailabilityException, Expert, ExpertIn, count_experts, save_expert

__all__ = (
    "CSV_COLUMNS",
    "DEMO_EXPERTS",
    "ExpertFileError",
    "describe_error",
    "import_experts",
    "read_experts",
    "seed_demo_experts",
)

logger = logging.getLogger(__name__)
DEMO_EXPERTS = Path(__file__).resolve().parents[2] / "knowledge" / "data" / "demo_experts.yaml"
CSV_COLUMNS = (
    "name",
    "name_en",
    "organisation",
    "organisation_en",
    "specialties",
    "languages",
    "mode",
    "location",
    "bio_zh",
    "bio_en",
    "email",
    "telegram_chat",
    "account",
    "active",
    "availability",
)


class ExpertFileError(TmbotError):
    """An expert file cannot be read; the message names the file and the entry."""


def describe_error(exc: ValidationError) -> str:
    """The first validation problem, e.g. "specialties: unknown specialty 'x'"."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ()))
    message = str(first.get("msg", "invalid")).replace("Value error, ", "")
    return f"{where}: {message}" if where else message


def _exceptions(raw: Any, where: str) -> list[dict[str, Any]]:
    out = []
    for item in raw or []:
        if not isinstance(item, dict) or item.get("kind", "leave") not in ("leave", "extra"):
            raise ExpertFileError(f"{where}: exceptions need day and kind leave|extra")
        day = item.get("day")
        day = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
        times = {
            k: dt.time.fromisoformat(str(item[k]).zfill(5)) for k in ("start", "end") if item.get(k)
        }
        if item.get("kind") == "extra" and len(times) != 2:
            raise ExpertFileError(f"{where}: extra hours need start and end")
        out.append({"day": day, "kind": item.get("kind", "leave"), **times})
    return out


def read_experts(path: Path) -> list[tuple[ExpertIn, list[dict[str, Any]]]]:
    """Validated experts (with their dated exceptions) from a .yaml/.yml or .csv file."""
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ExpertFileError(f"{path}: cannot read: {exc}") from exc
    if path.suffix.lower() == ".csv":
        rows: list[dict[str, Any]] = list(csv.DictReader(io.StringIO(raw)))
        unknown = set(rows[0]) - set(CSV_COLUMNS) if rows else set()
        if unknown:
            raise ExpertFileError(f"{path}: unknown columns {sorted(unknown)}; use {CSV_COLUMNS}")
        label = "row {n}"
        start = 2  # the header is row 1
    else:
        try:
            data = parse_yaml(raw) or {}
        except yaml.YAMLError as exc:
            raise ExpertFileError(f"{path}: not valid YAML: {exc}") from exc
        listed = data.get("experts") if isinstance(data, dict) else None
        if not isinstance(listed, list):
            raise ExpertFileError(f"{path}: expected a mapping with an 'experts' list")
        rows, label, start = listed, "expert {n}", 1
    result = []
    for n, row in enumerate(rows, start):
        where = f"{path}: {label.format(n=n)}"
        if not isinstance(row, dict):
            raise ExpertFileError(f"{where}: expected a mapping")
        fields = {k: v for k, v in row.items() if k != "exceptions" and v not in (None, "")}
        if isinstance(fields.get("active"), str):
            fields["active"] = fields["active"].strip().lower() not in ("0", "no", "false", "否")
        try:
            expert = ExpertIn.model_validate(fields)
        except (ValidationError, ValueError) as exc:
            reason = describe_error(exc) if isinstance(exc, ValidationError) else str(exc)
            raise ExpertFileError(f"{where} ({row.get('name', '?')}): {reason}") from exc
        result.append((expert, _exceptions(row.get("exceptions"), where)))
    return result


def import_experts(*, session: Session, path: Path) -> list[Expert]:
    """Create or update every expert of the file (matched by name + organisation)."""
    saved = []
    for data, exceptions in read_experts(path):
        expert = save_expert(session=session, data=data)
        assert expert.id is not None
        for item in exceptions:
            session.add(AvailabilityException(expert_id=expert.id, **item))
        saved.append(expert)
    session.flush()
    return saved


def seed_demo_experts(*, session: Session, path: Path = DEMO_EXPERTS) -> int:
    """Load the demo experts into a database that has none; returns how many were added."""
    if count_experts(session=session) or not path.exists():
        return 0
    saved = import_experts(session=session, path=path)
    logger.info("loaded %d demo experts from %s", len(saved), path)
    return len(saved)
