"""Pad the corpus to a larger size with synthetic entries made deterministically from real ones.

Each synthetic entry recombines halves of phrasings of two real entries (Chinese cut by
characters, English by words) under a new id and no topic. The synthetic entries share the
real ones' vocabulary, so they are realistic distractors, and the real entries keep their ids
and topics, so accuracy on the real dev questions is still measurable at 5,000 entries.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from knowledge.schema import Bilingual, BilingualList, FaqEntry

__all__ = ("pad_corpus",)


def _splice(first: str, second: str, lang: str) -> str:
    if lang == "en":
        a, b = first.split(), second.split()
        return " ".join(a[: max(1, len(a) // 2)] + b[len(b) // 2 :])
    return first[: max(1, len(first) // 2)] + second[len(second) // 2 :]


def _mix(a: FaqEntry, b: FaqEntry, lang: str, rng: random.Random) -> list[str]:
    pa, pb = a.phrasings(lang), b.phrasings(lang)
    return [_splice(rng.choice(pa), rng.choice(pb), lang) for _ in range(max(len(pa), len(pb)))]


def pad_corpus(entries: Sequence[FaqEntry], size: int) -> list[FaqEntry]:
    """The real entries followed by synthetic ones, `size` entries in all (never fewer)."""
    real = [e for e in entries if e.status == "published"]
    out = list(real)
    rng = random.Random(20261125)  # fixed seed: the same padded corpus on every run
    k = 0
    while len(out) < size and len(real) > 1:
        a, b = rng.sample(real, 2)
        zh, en = _mix(a, b, "zh", rng), _mix(a, b, "en", rng)
        out.append(
            FaqEntry(
                id=f"synthetic-{k:05d}",
                topic=None,
                theme="synthetic",
                question=Bilingual(zh=zh[0], en=en[0]),
                alternates=BilingualList(zh=zh[1:], en=en[1:]),
                answer=Bilingual(zh=f"合成条目 {k}", en=f"Synthetic entry {k}"),
            )
        )
        k += 1
    return out
