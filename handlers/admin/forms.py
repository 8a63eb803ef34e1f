"""The FAQ entry edit form: entry ↔ form fields, validation, side-by-side revision diffs."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml
from markupsafe import Markup

from knowledge.loader import entry_to_dict
from knowledge.schema import FaqEntry
from storage.errors import CorpusError

__all__ = ("blank_form", "diff_table", "entry_from_form", "form_from_entry", "revision_text")

# knowledge.exchange (the file formats) and difflib are imported by the functions that use
# them: a worker that serves chat turns only never loads them.
_COMMA_LISTS = ("tags", "related")
_SPLIT_RE = re.compile(r"[,，、\n]+")


def blank_form(**prefill: str) -> dict[str, str]:
    """An empty form for a new entry (a draft until published)."""
    from knowledge.exchange import COLUMNS

    values = dict.fromkeys(COLUMNS, "")
    values.update(status="draft", theme="general", needs_staff="false")
    values.update({k: v for k, v in prefill.items() if k in values})
    return values


def form_from_entry(entry: FaqEntry) -> dict[str, str]:
    """Form values of an existing entry; tags and related are comma-separated."""
    from knowledge.exchange import entry_to_row

    values = entry_to_row(entry)
    for key in _COMMA_LISTS:
        values[key] = ", ".join(values[key].splitlines())
    return values


def entry_from_form(form: Mapping[str, Any], entry_id: str | None = None) -> FaqEntry:
    """A validated entry from posted fields; CorpusError lists every problem."""
    from knowledge.exchange import COLUMNS, row_to_entry

    row = {key: str(form.get(key) or "") for key in COLUMNS}
    if entry_id is not None:
        row["id"] = entry_id  # the id of an existing entry never changes (revisions hang on it)
    for key in _COMMA_LISTS:
        row[key] = "\n".join(part.strip() for part in _SPLIT_RE.split(row[key]) if part.strip())
    # Browsers post textarea lines with CRLF; the corpus stores LF.
    for key in ("answer_zh", "answer_en", "changes"):
        row[key] = row[key].replace("\r\n", "\n")
    row["needs_staff"] = "true" if form.get("needs_staff") in ("true", "on", "1") else "false"
    return row_to_entry(row, "form")


def revision_text(data: dict[str, Any]) -> str:
    """One revision as YAML in corpus-file order, for diffs."""
    try:
        entry = FaqEntry.model_validate(data)
        body: dict[str, Any] = {"theme": entry.theme, **entry_to_dict(entry)}
    except ValueError:
        body = data  # an old revision of a since-changed schema: show it as stored
    return yaml.dump(body, Dumper=_DiffDumper, allow_unicode=True, sort_keys=False, width=10_000)


class _DiffDumper(yaml.SafeDumper):
    """Multi-line texts as literal blocks, one answer line per diff line; no folding."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_DiffDumper.add_representer(str, _str)


def diff_table(old: str, new: str, old_label: str, new_label: str) -> Markup:
    """A side-by-side HTML diff (difflib escapes the texts itself)."""
    import difflib

    differ = difflib.HtmlDiff(tabsize=2)  # the page wraps long lines (CSS pre-wrap)
    html = differ.make_table(
        old.splitlines(), new.splitlines(), old_label, new_label, context=True, numlines=3
    )
    # difflib.HtmlDiff escapes &, < and > in every line it prints.
    return Markup(html)


def check_related(entry: FaqEntry, known: set[str]) -> None:
    """Refuse related ids that do not exist (a typo would silently drop a suggestion)."""
    missing = [rid for rid in entry.related if rid not in known and rid != entry.id]
    if missing:
        raise CorpusError(f"related: unknown entry id(s) {', '.join(missing)}")
