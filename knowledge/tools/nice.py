"""Nice class finder: from a description of what an enterprise sells to the likely classes.

Two signals are combined:
1. a small map of business types to classes (``knowledge/data/nice_keywords.yaml``), which
   knows that a 奶茶店 is first a class 43 service and then class 30 goods;
2. fuzzy matching of the description against ~1,300 common goods and services terms
   (``knowledge/data/nice_terms.csv``): Chinese is segmented with jieba, English is compared
   word-wise with rapidfuzz.

The result lists classes with the matched terms and a score; the final choice of classes and
items is always the applicant's (or an expert's), and ``explain_suggestions`` says so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from knowledge import segmenter
from knowledge.tools.nice_data import HAN as _HAN
from knowledge.tools.nice_data import NiceClass, NiceData, NiceTerm, load_nice

__all__ = (
    "ClassSuggestion",
    "NiceClass",
    "NiceData",
    "NiceTerm",
    "explain_suggestions",
    "load_nice",
    "suggest_classes",
)

MIN_SCORE = 55.0  # below this a class is noise (a shared word such as 服装 in 服装加工)
KEYWORD_MIN_SCORE = 40.0  # a class the business-type map names on purpose may score lower
TERM_MIN_SCORE = 40.0  # weaker term matches are still listed under a class that qualifies
_ZH_STOP = {
    "我们",
    "我的",
    "你们",
    "公司",
    "企业",
    "注册",
    "商标",
    "申请",
    "哪一类",
    "一类",
    "哪类",
    "类别",
    "什么",
    "哪些",
    "需要",
    "应该",
    "可以",
    "要",
    "想",
    "做",
    "卖",
    "开",
    "的",
    "是",
    "了",
    "和",
    "一个",
    "产品",
    "品牌",
    "业务",
    "经营",
    "主要",
    "销售",
    "请问",
    "哪个",
    "怎么",
    "如何",
    # How it is made, not what it is: "手工皂" is soap, not the hand tools of class 8.
    "手工",
    "纯手工",
    "手作",
    "自制",
}
_EN_STOP = {
    # where and how it is sold, and the question about the class ("in my douyin shop", "for
    # export", "what class do they fall in"): not what it is
    *("go", "goes", "fall", "falls", "belong", "belongs", "come", "comes", "under", "into"),
    *("export", "exports", "exporting", "abroad", "overseas", "they", "them", "these", "those"),
    *("douyin", "taobao", "tmall", "amazon", "etsy", "shopify", "ebay", "jd", "pinduoduo"),
    *("tiktok", "instagram", "wechat", "wholesale", "retail", "it", "cover", "covers"),
    "a",
    "an",
    "the",
    "to",
    "for",
    "of",
    "and",
    "or",
    "in",
    "on",
    "my",
    "our",
    "we",
    "i",
    "is",
    "are",
    "what",
    "which",
    "class",
    "classes",
    "register",
    "registration",
    "trademark",
    "mark",
    "should",
    "do",
    "does",
    "need",
    "sell",
    "selling",
    "sells",
    # What clerks say of their trade, not what it is: "we make phone cases", "we produce tea".
    *("make", "makes", "making", "produce", "produces", "manufacture", "manufactures"),
    *("run", "runs", "own", "have", "open", "opening", "start", "starting", "want", "plan"),
    *("also", "just", "like", "some", "kind", "kinds", "type", "types", "stuff", "things"),
    *("us", "you", "they", "them", "their", "its", "im", "were", "going", "gonna", "if"),
    "company",
    "business",
    "brand",
    "products",
    "goods",
    "services",
    "service",
    "with",
    "about",
    "how",
    "into",
    "that",
    "this",
    "it",
    "be",
}
# Words that say how, not what: sharing only these with a term is no evidence for its class.
_EN_WEAK = {
    "handmade",
    "homemade",
    "online",
    "mobile",
    "electronic",
    "digital",
    "smart",
    "new",
    "custom",
    "store",
    "shop",
    "providing",
}
_PAREN = re.compile(r"[（(][^）)]*[）)]")


@dataclass(frozen=True)
class ClassSuggestion:
    """A suggested class with why: the matched terms, the reasons and a 0-100 score."""

    class_no: int
    heading: str
    short: str
    matched_terms: tuple[str, ...]
    score: float
    reasons: tuple[str, ...] = ()


# Where a description goes on to another line of business ("we sell phone cases and also do
# phone repair", "卖手机壳 也修手机", "奶茶店; 另外还卖T恤"): each part is looked up on its own too.
_ANOTHER = re.compile(
    r"\b(?:and also|also|as well as|plus|in addition|besides)\b|[,，;；、\n]"
    r"|另外|同时|以及|并且|此外|(?:也|还)(?:想|要|打算|准备|计划|会|可能)?(?=[卖做开经营提供有修搞接兼种养])",
    re.IGNORECASE,
)
# What is not the goods themselves: the class question ("which class should we file in": "file"
# is no downloadable file) and the packaging goods are sold in ("roasted beans in bags", "honey
# in glass jars", "袋装", "用礼盒装"): bags there are no class 18 goods.
_NOT_GOODS = re.compile(
    r"\b(?:(?<=we )|(?<=i )|(?<=you )|(?<=to )|(?<=should )|(?<=can )|(?<=must )|(?<=will )"
    r"|(?<=would ))fil(?:e|ing)\b(?:\s+(?:it|them))?(?:\s+(?:in|under|for))?"
    r"|\b(?:in|into)\s+(?:(?:small|little|big|large|paper|plastic|glass|kraft|gift|nice|our"
    r"|own|branded|printed|sealed|resealable|\d+\s*(?:g|kg|ml|l))\s+){0,3}"
    r"(?:bags?|jars?|box(?:es)?|bottles?|cans|tins?|packs?|pouch(?:es)?|sachets?|packets?"
    r"|cartons?|packaging|tubs?|containers?)\b"
    r"|(?:用|装在|装进|放在|放进)\S{0,4}?(?:袋子|纸袋|袋|礼盒|盒子|盒|罐子|罐|瓶子|瓶|箱子|包装)(?:里|中|内)?(?:装)?的?"
    r"|(?:袋|盒|礼盒|罐|瓶|箱|桶)装的?",
    re.IGNORECASE,
)


def suggest_classes(
    description: str, lang: str = "zh", *, limit: int = 6, data: NiceData | None = None
) -> list[ClassSuggestion]:
    """Suggest Nice classes for what the enterprise sells ('奶茶店', 'mobile game app').

    A description of several lines of business is also read part by part: a class any part
    names is suggested, at the best score it gets.
    """
    d = data or load_nice()
    text = unicodedata.normalize("NFKC", description).strip()
    goods = re.sub(r"\s{2,}", " ", _NOT_GOODS.sub(" ", text)).strip()
    text = goods if re.search(r"\w", goods) else text
    if not text:
        return []
    parts = [p.strip() for p in _ANOTHER.split(text) if p and p.strip()]
    if len(parts) < 2:
        return _suggest(text, lang, limit, d)
    best: dict[int, ClassSuggestion] = {}
    heads: list[int] = []  # each part's first class is shown, however many the others fill
    for part in (text, *parts):
        for n, found in enumerate(_suggest(part, lang, limit, d)):
            if n == 0 and found.class_no not in heads:
                heads.append(found.class_no)
            if found.class_no not in best or found.score > best[found.class_no].score:
                best[found.class_no] = found
    ranked = sorted(best.values(), key=lambda c: (-c.score, c.class_no))
    kept = {c.class_no for c in ranked[: max(0, limit - len(heads))]} | set(heads)
    return [c for c in ranked if c.class_no in kept]


def _suggest(text: str, lang: str, limit: int, d: NiceData) -> list[ClassSuggestion]:
    kw_scores, reasons = _keyword_scores(text, d, lang)
    term_hits = _term_hits(text, d)
    scores: dict[int, float] = {}
    for cls in set(kw_scores) | set(term_hits):
        hits = term_hits.get(cls, [])
        term_score = 0.0
        if hits:
            term_score = hits[0][0] * 0.9 + min(10.0, 3.0 * (len(hits) - 1))
        score = max(kw_scores.get(cls, 0.0), term_score)
        if cls in kw_scores and hits:
            score += 5.0  # both signals agree
        scores[cls] = min(100.0, round(score, 1))
    ranked = sorted(
        (c for c in scores if scores[c] >= MIN_SCORE or kw_scores.get(c, 0.0) >= KEYWORD_MIN_SCORE),
        key=lambda c: (-scores[c], c),
    )
    out: list[ClassSuggestion] = []
    for cls in ranked[:limit]:
        nc = d.classes[cls]
        terms = tuple(t.label(lang) for _, t in term_hits.get(cls, [])[:5])
        out.append(
            ClassSuggestion(
                cls,
                nc.heading(lang),
                nc.short(lang),
                terms,
                scores[cls],
                tuple(reasons.get(cls, [])),
            )
        )
    return out


def explain_suggestions(suggestions: Sequence[ClassSuggestion], lang: str = "zh") -> str:
    """Render suggestions for the chat, ending with the applicant-decides reminder."""
    en = lang == "en"
    if not suggestions:
        lines = [
            "I could not tell the class from this description. Tell me the goods or services in a few words (e.g. 'milk tea shop', 'clothing sold online')."
            if en
            else "暂时无法从这段描述判断类别，请用几个词说明具体卖什么商品或提供什么服务（例如“奶茶店”“网上卖服装”）。"
        ]
    else:
        lines = ["Likely classes:" if en else "可能涉及的类别："]
        for s in suggestions:
            why = "; ".join(s.reasons) if en else "；".join(s.reasons)
            terms = ", ".join(s.matched_terms) if en else "、".join(s.matched_terms)
            head = f"- Class {s.class_no} ({s.short})" if en else f"- 第{s.class_no}类（{s.short}）"
            detail = [
                x
                for x in (why, (f"e.g. {terms}" if en else f"例如：{terms}") if terms else "")
                if x
            ]
            lines.append(
                head + (": " if en else "：") + ("; ".join(detail) if en else "；".join(detail))
            )
    lines.append(
        "These are suggestions only: you decide the final classes and items, using the standard item "
        "names of CNIPA's similar goods and services table (Nice 13th edition, 2026 text). If unsure, book an expert."
        if en
        else "以上仅供参考：最终申报哪些类别和商品/服务项目由申请人自行决定，申报时请使用《类似商品和服务区分表》"
        "（尼斯分类第十三版2026文本）中的规范名称；拿不准的话可以预约专家咨询。"
    )
    return "\n".join(lines)


# --- scoring ---------------------------------------------------------------------------------


def _keyword_scores(
    text: str, d: NiceData, lang: str
) -> tuple[dict[int, float], dict[int, list[str]]]:
    hits: list[tuple[int, int, int]] = []  # (start, end, keyword index)
    for i, kw in enumerate(d.keywords):
        for pat in kw.patterns:
            for m in _pattern(pat).finditer(text):
                hits.append((m.start(), m.end(), i))
    # A longer business type wins over the shorter one inside it: 奶茶店 over 奶茶.
    kept = [
        h
        for h in hits
        if not any(
            o is not h and o[0] <= h[0] and h[1] <= o[1] and (o[1] - o[0]) > (h[1] - h[0])
            for o in hits
        )
    ]
    scores: dict[int, float] = {}
    reasons: dict[int, list[str]] = {}
    # In the order of the text, then of the keyword file (a set's order changes with the hash
    # seed, and it orders the reasons shown).
    for _, _, i in sorted(set(kept), key=lambda h: (h[0], h[2])):
        for cls, (weight, why_zh, why_en) in d.keywords[i].classes.items():
            scores[cls] = max(scores.get(cls, 0.0), weight * 100.0)
            why = why_en if lang == "en" else why_zh
            if why not in reasons.setdefault(cls, []):
                reasons[cls].append(why)
    return scores, reasons


_T_WORD = re.compile(r"\b([a-z]) (?=[a-z]{3,})")  # "t shirts" (from "T-shirts") as "tshirts"


def _singular(word: str) -> str:
    """A plural noun's singular, roughly ("lamps", "hoodies", "boxes"): both sides alike."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _en_words(text: str) -> list[str]:
    """English words as the terms are compared: lower case, "t shirt" joined, singular."""
    return [_singular(w) for w in _T_WORD.sub(r"\1", default_process(text)).split()]


_EN_STOP_ONE = frozenset(_EN_STOP | {_singular(w) for w in _EN_STOP})


def _query(text: str) -> tuple[list[str], str]:
    """A description as the terms are compared with it: its Chinese tokens, its English words."""
    en_words = (w for w in _en_words(text) if w not in _EN_STOP_ONE and not _HAN.search(w))
    return _zh_tokens(text), " ".join(en_words)


def _term_hits(text: str, d: NiceData) -> dict[int, list[tuple[float, NiceTerm]]]:
    zh_tokens, en_query = _query(text)
    table = _term_table(d)
    by_class: dict[int, list[tuple[float, NiceTerm]]] = {}
    for n in table.candidates(text, zh_tokens, en_query):
        row = table.rows[n]
        score = _score_term(text, zh_tokens, en_query, row)
        if score >= TERM_MIN_SCORE:
            by_class.setdefault(row.term.class_no, []).append((score, row.term))
    for hits in by_class.values():
        hits.sort(key=lambda h: (-h[0], h[1].zh))
    return by_class


@dataclass(frozen=True)
class _TermRow:
    """A term as it is compared: its Chinese without the bracketed part, its English words."""

    term: NiceTerm
    core: str
    words: frozenset[str]
    joined: str  # the words sorted, as rapidfuzz compares them


def _score_term(text: str, zh_tokens: list[str], en_query: str, row: _TermRow) -> float:
    best = 0.0
    core = row.core
    if zh_tokens and core:
        if len(core) >= 2 and core in text:
            best = 95.0
        for tok in zh_tokens:
            if tok == core:
                best = 100.0
            elif tok in core:
                # Part of a longer term (服装 in 服装加工): worth less the more the term adds.
                best = max(best, 35.0 + 45.0 * len(tok) / len(core))
    if en_query:
        query_words = set(en_query.split())
        shared = row.words & query_words
        if shared - _EN_WEAK:
            # words of how ("online", "shop") say nothing of what: they do not dilute either
            said = len(query_words - (_EN_WEAK - shared)) or 1
            coverage = 0.5 + 0.5 * min(1.0, len(shared) / said)
            best = max(best, fuzz.token_set_ratio(en_query, row.joined) * coverage)
    return best


class _TermTable:
    """The terms made ready for comparison once per data set, with indexes of the terms a
    description can score above zero with: those whose Chinese holds one of its tokens or lies
    in it, and those sharing one of its English words (not only a weak one). Every other term
    scores 0 in `_score_term`, so only these are scored."""

    def __init__(self, terms: Sequence[NiceTerm]) -> None:
        rows = []
        for term in terms:
            words = frozenset(
                w for w in _en_words(_PAREN.sub("", term.en)) if w not in _EN_STOP_ONE
            )
            core = _PAREN.sub("", term.zh).strip()
            rows.append(_TermRow(term, core, words, " ".join(sorted(words))))
        self.rows: tuple[_TermRow, ...] = tuple(rows)
        self.by_part: dict[str, list[int]] = {}  # every piece of 2+ characters of a Chinese core
        self.by_core: dict[str, list[int]] = {}  # the Chinese cores of 2+ characters
        self.by_word: dict[str, list[int]] = {}
        for n, row in enumerate(self.rows):
            core = row.core
            parts = {core[i:j] for i in range(len(core)) for j in range(i + 2, len(core) + 1)}
            for part in parts:
                self.by_part.setdefault(part, []).append(n)
            if len(core) >= 2:
                self.by_core.setdefault(core, []).append(n)
            for word in row.words:
                self.by_word.setdefault(word, []).append(n)
        self.longest = max((len(r.core) for r in self.rows), default=0)

    def candidates(self, text: str, zh_tokens: Sequence[str], en_query: str) -> list[int]:
        """The rows that may score above zero, in the terms' order."""
        found: set[int] = set()
        if zh_tokens:
            for tok in zh_tokens:
                found.update(self.by_part.get(tok, ()))
            for i in range(len(text)):
                for j in range(i + 2, min(len(text), i + self.longest) + 1):
                    found.update(self.by_core.get(text[i:j], ()))
        for word in set(en_query.split()) - _EN_WEAK:
            found.update(self.by_word.get(word, ()))
        return sorted(found)


_tables: dict[int, tuple[NiceData, _TermTable]] = {}


def _term_table(d: NiceData) -> _TermTable:
    """`d`'s term table, made on first use (the data sets loaded are few and live for good)."""
    held = _tables.get(id(d))
    if held is None or held[0] is not d:
        if len(_tables) >= 8:
            _tables.clear()
        held = _tables[id(d)] = (d, _TermTable(d.terms))
    return held[1]


def _zh_tokens(text: str) -> list[str]:
    if not _HAN.search(text):
        return []
    toks = {t.strip() for t in segmenter.cut_for_search(text)}
    return sorted(t for t in toks if len(t) >= 2 and _HAN.search(t) and t not in _ZH_STOP)


@lru_cache(maxsize=8192)
def _pattern(pat: str) -> re.Pattern[str]:
    # Cached here: the business-type map's 430 patterns and the bot's other dynamic ones
    # overflow `re`'s own cache (512, oldest out first), so every scan compiled them again.
    if _HAN.search(pat):
        return re.compile(re.escape(pat))
    flags = 0 if (pat.isupper() and len(pat) <= 3) else re.IGNORECASE
    # An English business type in the plural too ("we run cafes", "two coffee shops").
    if pat.lower().endswith("s"):
        word = re.escape(pat)
    elif pat.lower().endswith("y") and len(pat) > 3:
        word = re.escape(pat[:-1]) + "(?:y|ies)"  # "bakeries"
    else:
        word = re.escape(pat) + "(?:s|es)?"
    return re.compile(r"(?<![A-Za-z])" + word + r"(?![A-Za-z])", flags)
