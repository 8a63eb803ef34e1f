"""YAML parsing for the bundled data files, with libyaml's C parser where PyYAML has it."""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ("parse_yaml",)

# The corpus and the data tables are parsed at every start and every test's seeding; the C
# parser is several times faster than the pure-Python one and builds the same safe types.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """The document in `text`, safe types only (raises yaml.YAMLError like yaml.safe_load)."""
    return yaml.load(text, Loader=_LOADER)
