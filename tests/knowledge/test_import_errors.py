"""An import names every problem at once, in Chinese and English, and blank or over-long
answers are refused."""

from __future__ import annotations

import pytest

from bot.core.settings import BUNDLED_CORPUS
from knowledge.exchange import entry_to_row, from_csv, from_xlsx, to_csv, to_xlsx
from knowledge.loader import load_corpus
from knowledge.schema import FaqEntry
from storage.errors import CorpusError

CORPUS = load_corpus(BUNDLED_CORPUS)


def _broken() -> list[FaqEntry]:
    entries = [e.model_copy(deep=True) for e in CORPUS[:4]]
    # model_copy skips validation: these reach the file as a spreadsheet user would type them.
    entries[0].answer.en = "   "
    entries[1].answer.zh = "长" * 2001
    entries[3] = entries[2]
    return entries


@pytest.mark.parametrize(("write", "read"), [(to_csv, from_csv), (to_xlsx, from_xlsx)])
def test_every_problem_is_reported(write, read) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CorpusError) as info:
        read(write(_broken()))
    message = str(info.value)
    assert message.startswith("3 处问题 / problem(s)")
    assert (
        f"({CORPUS[0].id}): 答案 answer · 英文 English: 不能只有空白 / must not be only spaces"
        in (message)
    )
    assert f"({CORPUS[1].id}): 答案 answer: 答案（zh）有 2001 字，最多 2000 字" in message
    assert f"编号重复 id {CORPUS[2].id} appears twice" in message


def test_a_clean_file_still_round_trips() -> None:
    assert from_csv(to_csv(CORPUS)) == CORPUS
    assert entry_to_row(CORPUS[0])["id"] == CORPUS[0].id
