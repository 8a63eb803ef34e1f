"""Text normalisation, language detection and tokenisation shared by retrieval and analytics."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import opencc

from knowledge import segmenter

__all__ = (
    "CJK_RE",
    "STOP_EN",
    "STOP_ZH",
    "add_words",
    "detect_lang",
    "has_cjk",
    "normalize",
    "stem_en",
    "tokenize",
    "words_taught",
)

CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_RE = re.compile(r"[a-z]", re.IGNORECASE)
_WORD_RE = re.compile(r"[a-z0-9]+(?:['.][a-z0-9]+)*|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_SPACE_RE = re.compile(r"\s+")
_T2S = opencc.OpenCC("t2s")


# Function words that carry no topic; kept short on purpose, since 多少/多久/怎么 distinguish
# "how much" from "how long" questions and must stay.
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_ZH = _words(
    "的 了 吗 呢 吧 啊 呀 嘛 哈 呃 嗯 哦 我 我们 你 你们 您 他 她 它 是 在 有 和 与 及 或 就 都 也 "
    "还 请问 请 问 一下 下 想 想要 需要 要 能 能不能 可以 可不可以 会 该 这个 那个 这 那 这是 那是 "
    "就是 个 一个 什么 啥 一 公司 咱们 咱 谢谢 到底 的话 具体 一些 有些 是否 这样 那样 如果 但是 "
    "因为 所以 然后 已经 还是 或者 比如 关于 对于 应该 目前 情况 问题 里 说 指"
)
STOP_EN = _words(
    "a an the is are was were be been am do does did i we you my our your it its this that to of "
    "in on for at by with and or can could should would will shall me us please hi hello there any "
    "some about get got have has had if so just whats what's isn't aren't don't doesn't didn't "
    "can't won't it's i'm we're there's yet still also really actually"
)


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """NFKC (full-width to half-width), lower case, one space between words, and traditional
    Chinese characters as simplified ones (商標續展 -> 商标续展) for users from HK, Macao, TW.

    Cached: retrieval and its off-topic checks normalise the same message in one turn."""
    text = unicodedata.normalize("NFKC", text).lower()
    if CJK_RE.search(text):
        text = _T2S.convert(text)
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


_taught = 0  # how many times add_words taught the segmenter something new


def add_words(words: Iterable[str]) -> None:
    """Teach the segmenter domain terms (马德里, 宽展期, ...) so they stay one token."""
    global _taught
    added = False
    for word in words:
        if has_cjk(word) and len(word) > 1 and not segmenter.has_word(word):
            segmenter.add_word(word, 2000)
            added = True
    if added:
        _cut.cache_clear()
        _taught += 1


def words_taught() -> int:
    """A number that changes whenever `tokenize` may cut a text differently than before (the
    segmenter learnt words): part of the key of anything memoised from a text's tokens."""
    return _taught


SPLIT_LONGER_THAN = 99  # words longer than this also give their dictionary sub-words

_EN_KEEP = _words("class process business access address status basis goods")
_EN_IRREGULAR = {"using": "use", "used": "use", "uses": "use", "fees": "fee", "paid": "pay"}


@lru_cache(maxsize=65536)
def stem_en(word: str) -> str:
    """A light English stemmer: plurals, -ing, -ed and a final -e, so that file/filing/filed,
    class/classes and licence/licences meet. Derivations (register/registration) are left to
    the glossary, which knows which ones are synonyms in this domain."""
    if word.endswith("'s"):
        word = word[:-2]
    if word in _EN_IRREGULAR:
        return _EN_IRREGULAR[word]
    if len(word) <= 3 or word in _EN_KEEP or not word.isalpha():
        return word
    if word.endswith(("ies", "ied")) and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # stopped -> stop
            break
    if word.endswith("e") and len(word) >= 4:
        word = word[:-1]
    return word


@lru_cache(maxsize=16384)
def _cut(chunk: str) -> tuple[str, ...]:
    return tuple(segmenter.cut_for_search(chunk))


def _zh_tokens(chunk: str, out: list[str]) -> None:
    # Words, long ones also split (注册商标 also gives 注册 and 商标), then bigrams within each run of
    # content words: they make matching robust to segmentation differences and one-character
    # typos. Bigrams are marked with "~" so retrieval can ignore those it has never seen.
    run: list[str] = []
    for word in segmenter.cut(chunk):
        if word in STOP_ZH:
            _bigrams("".join(run), out)
            run = []
            continue
        run.append(word)
        out.append(word)
        if len(word) > SPLIT_LONGER_THAN:
            out.extend(w for w in _cut(word) if w != word and w not in STOP_ZH)
    _bigrams("".join(run), out)


def _bigrams(text: str, out: list[str]) -> None:
    out.extend(f"~{text[i]}{text[i + 1]}" for i in range(len(text) - 1))


def tokenize(text: str) -> list[str]:
    """Tokens of an already normalised text: jieba words and CJK bigrams, stemmed English words."""
    out: list[str] = []
    previous = ""  # English word pairs ("individual fee") are marked like Chinese bigrams
    for chunk in _WORD_RE.findall(text):
        if CJK_RE.match(chunk):
            _zh_tokens(chunk, out)
            previous = ""
        elif chunk not in STOP_EN:
            word = stem_en(chunk)
            out.append(word)
            if previous:
                out.append(f"~{previous} {word}")
            previous = word
    return out
