"""Is a question about trademarks at all? Domain anchoring for retrieval's confidence.

Out-of-scope questions that still score well share a shape: the words they have in common with
the corpus are generic (fee, renew, register, apply, 多少钱, 申请) while what they are really about
is a word the corpus does not know (passport, 域名, visa) or a neighbouring subject the corpus
only mentions to tell it apart (patent, copyright, business licence). Two rules catch them:

1. *Neighbour without anchor*: the question names a neighbouring subject (`NEIGHBOURS`) and no
   trademark word (`ANCHORS`): "发明专利申请费多少钱", "how to register software copyright".
   "商标和专利有什么区别" keeps its anchor and stays in scope.
2. *Generic match, strong stranger*: every word the best entry matches is generic (`GENERIC`)
   and the question holds a content word the corpus has never seen: "how do i renew my
   passport", ".cn域名续费多少钱".

The lists are short on purpose and written in the form the text has after the glossary has
canonicalised it (see `knowledge/glossary.yaml`: 续费 -> 续展, cost -> fee, tm -> trademark).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from knowledge.glossary import Glossary
from knowledge.normalize import normalize, tokenize

__all__ = ("ANCHORS", "GENERIC", "NEIGHBOURS", "Scope")

# Words that make a question about trademarks whatever else it says; looked up in the question as
# typed (before the glossary: 续费 is generic, 续展 is trademark jargon).
ANCHORS = (
    "商标 马德里 品牌 续展 宽展 尼斯 区分表 撤三 注册证 ® ™ trademark mark tm madrid brand logo"
)

# Neighbouring subjects: other IP rights, and the other registrations, permits and paperwork a
# business asks about at the same desks. English entries match as word prefixes (licen: licence,
# license).
NEIGHBOURS = (
    *("专利", "版权", "著作权", "软著", "域名", "营业执照", "许可证", "签证", "护照", "税", "社保"),
    *("驾照", "银行开户", "patent", "copyright", "domain", "visa", "passport", "tax"),
    # a loan as such ("利息最低的银行贷款"); a loan on a mark names the mark (质押, pledge)
    *("贷款", "利息", "loan", "interest rate"),
    *("bank account", "business licen", "import licen", "driving licen", "driver's licen"),
)

# Words that occur in trademark questions but just as much in any other paperwork question.
GENERIC = (
    "申请 注册 办理 办 怎么 怎样 如何 多少 多少钱 钱 费用 费 收费 官费 交 缴 多久 时间 流程 手续 "
    "材料 提交 需要 哪些 哪里 中国 国内 续展 网上申请 新 名字 名称 "
    "how what when where which who why much many long fee renewal renew register registration "
    "apply application china chinese online document form time process procedure need require "
    "name new file make pay year month day cost"
)


# Other IP rights, and a question put to the station itself ("can you", "你们能", "do you guys").
_IP_RIGHTS = re.compile(r"专利|版权|著作权|软著|\b(?:patent|copyright)\w*")
_OF_US = re.compile(
    r"你们|您|贵站|\b(?:can|could|will|would|do) you\b|\byou guys\b|\byour (?:station|office|team)\b"
)


def _pattern(terms: Iterable[str], latin_tail: str) -> re.Pattern[str]:
    # Chinese terms match anywhere; English ones as words followed by `latin_tail`.
    parts = sorted({normalize(t) for t in terms}, key=lambda t: (-len(t), t))  # stable order
    alts = [re.escape(p) if not p.isascii() else rf"\b{re.escape(p)}{latin_tail}" for p in parts]
    return re.compile("|".join(alts))


class Scope:
    """The two rules above, with the word lists run through the index's own glossary."""

    def __init__(self, glossary: Glossary) -> None:
        canon = glossary.canonicalize
        self._anchors = _pattern(ANCHORS.split(), r"s?\b")  # mark, marks; not market
        self._neighbours = _pattern(NEIGHBOURS, r"\w*")  # patent, patents, patented
        self.generic = frozenset(
            tok for word in GENERIC.split() for tok in tokenize(canon(normalize(word)))
        )

    def neighbour_without_anchor(self, normalized: str) -> bool:
        """Rule 1 on a normalised question (before the glossary)."""
        if not self._neighbours.search(normalized) or self._anchors.search(normalized):
            return False
        # Another IP right asked of the station ("can you file a patent for us", "你们能办专利吗")
        # is the station's own question: what it does and where patents go (not a visa or a
        # domain, which it has nothing to say about).
        others = self._neighbours.sub("", _IP_RIGHTS.sub("", normalized))
        return not (_OF_US.search(normalized) and _IP_RIGHTS.search(normalized)) or bool(
            self._neighbours.search(others)
        )

    def right_asked_of_us(self, normalized: str) -> bool:
        """Another IP right asked of the station ("你们能帮忙申请专利吗"), no trademark word."""
        return (
            bool(_OF_US.search(normalized) and _IP_RIGHTS.search(normalized))
            and not self._anchors.search(normalized)
            and not self.neighbour_without_anchor(normalized)
        )

    def generic_only(self, matched: Iterable[str]) -> bool:
        """Rule 2's first half: no matched token (bigrams aside) is specific to the domain."""
        words = [t for t in matched if not t.startswith("~")]
        return all(t in self.generic for t in words)
