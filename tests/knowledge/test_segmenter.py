"""The compact segmenter dictionary cuts tmbot's texts as jieba's whole dictionary does."""

import subprocess
import sys

import rjieba

from knowledge import segmenter
from knowledge.segmenter_build import BLOCK, own_texts


def test_own_texts_are_cut_as_the_whole_dictionary_cuts_them() -> None:
    compact, whole = segmenter.load(), rjieba.Jieba()
    blocks = {block for text in own_texts() for block in BLOCK.findall(text)}
    differ = [
        b
        for b in sorted(blocks)
        if compact.cut(b) != whole.cut(b) or compact.cut_for_search(b) != whole.cut_for_search(b)
    ]
    assert len(blocks) > 5000
    assert not differ, (
        f"{len(differ)} texts cut differently, e.g. {differ[:5]}: rebuild the dictionary "
        "(python -m knowledge.segmenter_build, see its docstring)"
    )


def test_a_rare_word_outside_the_compact_dictionary_is_cut_by_the_hmm() -> None:
    compact, whole = segmenter.load(), rjieba.Jieba()
    assert whole.has_word("作品版权") and not compact.has_word("作品版权")
    assert compact.cut("美术作品版权登记") == ["美术作品", "版权", "登记"]


def test_a_worker_does_not_load_the_whole_dictionary() -> None:
    code = (
        "import sys, webhook\n"
        "from knowledge.normalize import tokenize\n"
        "assert tokenize('商标续展要多少钱')[:2] == ['商标', '续展'], tokenize('商标续展要多少钱')\n"
        "assert 'rjieba' not in sys.modules, 'the rjieba package (whole dictionary) was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
