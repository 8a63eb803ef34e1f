"""Text normalisation, language detection and tokenisation shared by retrieval and analytics."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import rjieba

__all__ = ("CJK_RE", "add_words", "detect_lang", "has_cjk", "normalize", "tokenize")

CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_RE = re.compile(r"[a-z]", re.IGNORECASE)
_WORD_RE = re.compile(r"[a-z0-9]+(?:['.][a-z0-9]+)*|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_SPACE_RE = re.compile(r"\s+")

# Function words that carry no topic; kept short on purpose, since 多少/多久/怎么 distinguish
# "how much" from "how long" questions and must stay.
STOP_ZH = frozenset(
    [
        "的",
        "了",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "嘛",
        "我",
        "我们",
        "你",
        "你们",
        "您",
        "他",
        "她",
        "它",
        "是",
        "在",
        "有",
        "和",
        "与",
        "及",
        "或",
        "就",
        "都",
        "也",
        "还",
        "请问",
        "请",
        "问",
        "一下",
        "下",
        "想",
        "想要",
        "需要",
        "要",
        "能",
        "能不能",
        "可以",
        "可不可以",
        "会",
        "该",
        "这个",
        "那个",
        "这",
        "那",
        "个",
        "一个",
        "什么",
        "一",
        "，",
        "。",
        "？",
        "！",
        "呃",
        "嗯",
        "哦",
        "哈",
        "公司",
        "咱们",
        "咱",
        "谢谢",
    ]
)
STOP_EN = frozenset(
    [
        "a",
        "an",
        "the",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "am",
        "do",
        "does",
        "did",
        "i",
        "we",
        "you",
        "my",
        "our",
        "your",
        "it",
        "its",
        "this",
        "that",
        "to",
        "of",
        "in",
        "on",
        "for",
        "at",
        "by",
        "with",
        "and",
        "or",
        "can",
        "could",
        "should",
        "would",
        "will",
        "shall",
        "me",
        "us",
        "please",
        "hi",
        "hello",
        "there",
        "any",
        "some",
        "about",
        "get",
        "got",
        "have",
        "has",
        "had",
        "if",
        "so",
        "just",
    ]
)


def normalize(text: str) -> str:
    """NFKC (full-width to half-width), lower case, one space between words."""
    text = unicodedata.normalize("NFKC", text).lower()
    return _SPACE_RE.sub(" ", text).strip()


def has_cjk(text: str) -> bool:
    """True when the text holds at least one CJK ideograph."""
    return CJK_RE.search(text) is not None


def detect_lang(text: str) -> str | None:
    """'zh' or 'en' by script, None when the text has neither (emoji, digits only)."""
    cjk = len(CJK_RE.findall(text))
    latin = len(_LATIN_RE.findall(text))
    if cjk == 0 and latin == 0:
        return None
    # One Chinese character carries about as much as a short English word.
    return "zh" if cjk * 3 >= latin else "en"


def add_words(words: Iterable[str]) -> None:
    """Teach the segmenter domain terms (马德里, 宽展期, ...) so they stay one token."""
    for word in words:
        if has_cjk(word) and len(word) > 1 and not rjieba.has_word(word):
            rjieba.add_word(word, 2000, None)


def _stem_en(word: str) -> str:
    # A light stemmer: enough to meet renew/renewal/renewing without a dependency.
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ed", ""), ("al", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + repl
    return word


def tokenize(text: str) -> list[str]:
    """Tokens of an already normalised text: jieba words and CJK bigrams, stemmed English words."""
    out: list[str] = []
    for chunk in _WORD_RE.findall(text):
        if CJK_RE.match(chunk):
            words = [w for w in rjieba.cut(chunk) if w not in STOP_ZH]
            out.extend(words)
            # Bigrams make matching robust to segmentation differences and one-character typos.
            # Marked with "~" so retrieval can ignore bigrams it has never seen.
            out.extend(f"~{chunk[i]}{chunk[i + 1]}" for i in range(len(chunk) - 1))
        elif chunk not in STOP_EN:
            out.append(_stem_en(chunk))
    return out
