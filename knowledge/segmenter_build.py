"""Build `knowledge/data/segmenter_words.txt`, the segmenter's compact dictionary.

    pip download jieba==0.42.1 --no-deps --no-binary :all: -d /tmp/jieba
    tar xzf /tmp/jieba/jieba-0.42.1.tar.gz -C /tmp/jieba jieba-0.42.1/jieba/dict.txt
    python -m knowledge.segmenter_build /tmp/jieba/jieba-0.42.1/jieba/dict.txt

jieba 0.42.1's `dict.txt` is the dictionary rjieba embeds. Kept: every word used at least
`--min-freq` times; every word that is not purely Chinese (C++, T恤: 71 words); every word that
occurs in the texts of bot/, knowledge/, handlers/ and storage/ (as written, lower-cased and in
simplified characters, as `normalize` hands them over). Rebuild after adding texts with rare
words (tests/knowledge/test_segmenter.py says when).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

from knowledge.segmenter import WORDS_FILE

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("bot", "knowledge", "handlers", "storage")
SUFFIXES = (".py", ".yaml", ".csv", ".md", ".html", ".txt")
MIN_FREQ = 100
# What jieba cuts as one block (its RE_HAN_DEFAULT): a dictionary word never spans two blocks.
BLOCK = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6dfa-zA-Z0-9+#&._%-]+"
)
_CHINESE = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")


def read_dictionary(path: Path) -> dict[str, int]:
    """jieba's "word frequency [tag]" lines as {word: frequency}."""
    words: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            word, freq = line.split()[:2]
            words[word] = int(freq)
    return words


def own_texts(root: Path = ROOT) -> Iterator[str]:
    """tmbot's texts, each also as `normalize` would give it to the segmenter."""
    from knowledge.normalize import normalize

    for folder in SOURCES:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in SUFFIXES and path.is_file() and path != WORDS_FILE:
                text = path.read_text(encoding="utf-8")
                yield text
                yield normalize(text)


def words_in(texts: Iterator[str], dictionary: dict[str, int]) -> set[str]:
    """The dictionary words that occur in the texts."""
    longest = max(map(len, dictionary))
    found: set[str] = set()
    for text in texts:
        for block in BLOCK.findall(text):
            for i in range(len(block)):
                for j in range(i + 1, min(len(block), i + longest) + 1):
                    if block[i:j] in dictionary:
                        found.add(block[i:j])
    return found


def build(dictionary: dict[str, int], min_freq: int = MIN_FREQ) -> str:
    """The compact dictionary's text."""
    keep = {w for w, f in dictionary.items() if f >= min_freq or not _CHINESE.match(w)}
    keep |= words_in(own_texts(), dictionary)
    total = sum(dictionary.values())
    lines = [
        "# tmbot's segmenter dictionary: built by knowledge/segmenter_build.py from jieba 0.42.1's",
        f"# dict.txt (MIT licence; {len(dictionary)} words), min frequency {min_freq}, plus tmbot's own words.",
        f"# total {total}",
    ]
    lines += [f"{w} {dictionary[w]}" for w in sorted(keep)]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dictionary", type=Path, help="jieba 0.42.1's jieba/dict.txt")
    parser.add_argument("--min-freq", type=int, default=MIN_FREQ)
    args = parser.parse_args()
    WORDS_FILE.write_text(build(read_dictionary(args.dictionary), args.min_freq), encoding="utf-8")


if __name__ == "__main__":
    main()
