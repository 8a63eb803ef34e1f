"""Read and write the corpus files (`knowledge/corpus/*.yaml`), one file per theme."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from knowledge.schema import FaqEntry
from knowledge.yamltext import parse_yaml
from storage.errors import CorpusError

__all__ = ("dump_corpus", "entry_to_dict", "load_corpus", "load_file")


def load_file(path: Path) -> list[FaqEntry]:
    """Entries of one theme file; CorpusError names the file and entry on any problem."""
    try:
        doc = parse_yaml(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise CorpusError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), list):
        raise CorpusError(f"{path}: expected a mapping with an 'entries' list")
    theme = str(doc.get("theme") or path.stem)
    entries = []
    for i, raw in enumerate(doc["entries"]):
        if not isinstance(raw, dict):
            raise CorpusError(f"{path}: entry #{i + 1} is not a mapping")
        raw = {"theme": theme, **raw}
        try:
            entries.append(FaqEntry.model_validate(raw))
        except ValidationError as exc:
            raise CorpusError(f"{path}: entry {raw.get('id', f'#{i + 1}')}: {exc}") from exc
    return entries


def load_corpus(directory: Path) -> list[FaqEntry]:
    """All entries of every `*.yaml` file in `directory`; ids must be unique."""
    if not directory.is_dir():
        raise CorpusError(f"{directory}: corpus directory not found")
    entries: list[FaqEntry] = []
    seen: dict[str, Path] = {}
    for path in sorted(directory.glob("*.yaml")):
        for entry in load_file(path):
            if entry.id in seen:
                raise CorpusError(f"{path}: entry {entry.id}: id already used in {seen[entry.id]}")
            seen[entry.id] = path
            entries.append(entry)
    return entries


def entry_to_dict(entry: FaqEntry) -> dict[str, Any]:
    """The entry as plain data in file order, without the theme (the file carries it)."""
    data = entry.model_dump(mode="json")
    data.pop("theme")
    return data


class _Dumper(yaml.SafeDumper):
    pass


def _str_repr(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Multi-line answers stay readable as literal blocks in review diffs.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_repr)


def dump_corpus(entries: Iterable[FaqEntry], directory: Path) -> list[Path]:
    """Write entries as one `THEME.yaml` per theme into `directory`; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    by_theme: dict[str, list[FaqEntry]] = defaultdict(list)
    for entry in entries:
        by_theme[entry.theme].append(entry)
    written = []
    for theme, items in sorted(by_theme.items()):
        path = directory / f"{theme}.yaml"
        doc = {"theme": theme, "entries": [entry_to_dict(e) for e in items]}
        text = yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
