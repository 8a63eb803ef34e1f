"""Domain synonyms (续展=续期=延期, 马德里=国际注册=Madrid) mapped to one canonical term."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from knowledge.normalize import has_cjk, normalize

__all__ = ("BUNDLED_GLOSSARY", "Glossary", "load_glossary")

BUNDLED_GLOSSARY = Path(__file__).resolve().parent / "glossary.yaml"


@dataclass
class Glossary:
    """Rewrites every synonym in a normalised text to its group's canonical term."""

    groups: list[list[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        mapping: dict[str, str] = {}
        for group in self.groups:
            terms = [normalize(t) for t in group if t.strip()]
            for term in terms:
                # Canonical terms map to themselves so a synonym inside one (复审 in
                # 驳回复审) is never rewritten: the longest match wins.
                mapping.setdefault(term, terms[0])
        self.mapping = mapping
        # Longest first, so 连续三年不使用撤销 wins over 撤销.
        alternatives = sorted(mapping, key=len, reverse=True)
        parts = [_alternative(t) for t in alternatives]
        self._pattern = re.compile("|".join(parts)) if parts else None

    @property
    def terms(self) -> list[str]:
        """Every term of every group, canonical ones included."""
        return [normalize(t) for group in self.groups for t in group]

    def canonicalize(self, text: str) -> str:
        """Replace synonyms in a normalised text by canonical terms."""
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self.mapping[m.group(0)], text)


def _alternative(term: str) -> str:
    # Chinese terms match anywhere; others as whole words (\b only next to a word character,
    # so that a symbol such as ® matches too).
    if has_cjk(term):
        return re.escape(term)
    left = r"\b" if term[0].isalnum() else ""
    right = r"\b" if term[-1].isalnum() else ""
    return f"{left}{re.escape(term)}{right}"


def load_glossary(path: Path | None = None) -> Glossary:
    """Load `knowledge/glossary.yaml` (or `path`); an absent file means no synonyms."""
    path = path or BUNDLED_GLOSSARY
    if not path.exists():
        return Glossary()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return Glossary(groups=[list(map(str, g)) for g in data.get("groups", [])])
