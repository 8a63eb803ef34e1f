"""Domain synonyms (续展=续期=延期, 马德里=国际注册=Madrid) mapped to one canonical term."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.normalize import has_cjk, normalize
from knowledge.yamltext import parse_yaml

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
        for group in self.groups:
            terms = [normalize(t) for t in group if t.strip()]
            for term in terms:
                # "opposes", "renews", "assigns": the third person / plural of a one-word
                # English term is the same term (added after every group so that a form
                # listed in a group of its own keeps its own canonical term).
                if term.isascii() and term.isalpha() and len(term) > 3:
                    mapping.setdefault(_plural(term), terms[0])
        self.mapping = mapping
        # One trie-shaped pattern that prefers the longest term at each position, so
        # 连续三年不使用撤销 wins over 撤销 (and it is fast: one pass, no long alternation).
        self._pattern = re.compile(_trie_pattern(mapping)) if mapping else None

    @property
    def terms(self) -> list[str]:
        """Every term of every group, canonical ones included."""
        return [normalize(t) for group in self.groups for t in group]

    def canonicalize(self, text: str) -> str:
        """Replace synonyms in a normalised text by canonical terms."""
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self.mapping[m.group(0)], text)


def _plural(word: str) -> str:
    return word + ("es" if word.endswith(("s", "x", "ch", "sh")) else "s")


_WORD_EDGE = "\\b"  # trie key of a word boundary


def _trie_pattern(terms: Iterable[str]) -> str:
    # Chinese terms match anywhere; others as whole words (\b only next to a word character,
    # so that a symbol such as ® matches too).
    trie: dict[str, Any] = {}
    for term in terms:
        bounded = not has_cjk(term)
        keys = [_WORD_EDGE] if bounded and term[0].isalnum() else []
        keys += list(term)
        keys += [_WORD_EDGE] if bounded and term[-1].isalnum() else []
        node = trie
        for key in keys:
            node = node.setdefault(key, {})
        node[""] = {}  # a term ends here
    return _node_pattern(trie)


def _node_pattern(node: dict[str, Any]) -> str:
    # Longer continuations first, a word boundary last, and ending here only if nothing longer
    # matches (a greedy optional group).
    keys = sorted((k for k in node if k), key=lambda k: (k == _WORD_EDGE, k))
    alts = [(k if k == _WORD_EDGE else re.escape(k)) + _node_pattern(node[k]) for k in keys]
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return f"(?:{body})?" if "" in node else body


def load_glossary(path: Path | None = None) -> Glossary:
    """Load `knowledge/glossary.yaml` (or `path`); an absent file means no synonyms."""
    path = path or BUNDLED_GLOSSARY
    if not path.exists():
        return Glossary()
    data = parse_yaml(path.read_text(encoding="utf-8")) or {}
    return Glossary(groups=[list(map(str, g)) for g in data.get("groups", [])])
