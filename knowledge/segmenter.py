"""Chinese word segmentation: jieba (rjieba) on a compact dictionary.

`import rjieba` loads jieba's whole dictionary (349,046 words), about 32 MiB in every process.
tmbot segments with a compact one instead (`data/segmenter_words.txt`, built by
`python -m knowledge.segmenter_build`): the words jieba's reference corpus uses often, every
dictionary word found in tmbot's own texts (FAQ corpus, glossary, tool data, understanding
rules) and the dictionary's total frequency. jieba picks the most probable segmentation from the
frequencies of the words a text contains and that total, so a text made of those words is cut
exactly as the whole dictionary cuts it; a rarer word is cut as jieba cuts a word it does not
know (its HMM), the same way in the FAQ index and in the question.

The dictionary is read on first use (a command that never segments does not pay for it).
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
import threading
from pathlib import Path
from typing import Any

__all__ = ("WORDS_FILE", "add_word", "cut", "cut_for_search", "has_word")

WORDS_FILE = Path(__file__).parent / "data" / "segmenter_words.txt"
_EXTENSION = "rjieba.rjieba"

_lock = threading.Lock()
_jieba: Any = None


def _extension() -> Any:
    """rjieba's compiled module without the package's `__init__`, which builds the default
    segmenter on the whole dictionary. Registered under its own name, so a later `import rjieba`
    (the BM25 baseline of the benchmarks) reuses it."""
    if _EXTENSION in sys.modules:
        return sys.modules[_EXTENSION]
    package = importlib.util.find_spec("rjieba")  # a top-level name: found, not imported
    folders = package.submodule_search_locations if package else None
    for folder in folders or ():
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = Path(folder) / f"rjieba{suffix}"
            if path.is_file():
                loader = importlib.machinery.ExtensionFileLoader(_EXTENSION, str(path))
                spec = importlib.util.spec_from_file_location(_EXTENSION, path, loader=loader)
                assert spec is not None
                module = importlib.util.module_from_spec(spec)
                sys.modules[_EXTENSION] = module
                loader.exec_module(module)
                return module
    import rjieba  # an unusual install: correct, only heavier

    return rjieba


def load(path: Path = WORDS_FILE) -> Any:
    """A segmenter on the words of `path` ("word frequency" lines; "# total N" is the whole
    dictionary's total frequency, kept by one placeholder word no text contains)."""
    jieba = _extension().Jieba.empty()
    total = 0
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("# total "):
                total = int(line.split()[2])
            elif line.strip() and not line.startswith("#"):
                word, freq = line.split()
                total -= jieba.add_word(word, int(freq), None)
    if total > 0:
        jieba.add_word("\ue000", total, None)  # a private-use character: never in a message
    return jieba


def _segmenter() -> Any:
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                _jieba = load()
    return _jieba


def cut(text: str) -> list[str]:
    """jieba's default mode (with its HMM for unknown words)."""
    return _segmenter().cut(text)  # type: ignore[no-any-return]


def cut_for_search(text: str) -> list[str]:
    """jieba's search mode: the words, and the dictionary words inside the long ones."""
    return _segmenter().cut_for_search(text)  # type: ignore[no-any-return]


def has_word(word: str) -> bool:
    """True when the dictionary holds `word`."""
    return bool(_segmenter().has_word(word))


def add_word(word: str, freq: int) -> None:
    """Add a domain word (马德里, 宽展期) with its frequency."""
    _segmenter().add_word(word, freq, None)
