"""Questions naming their own subject, answered from the subject's entry (issue 21, round 6).

Two classes of phrasing the words alone rank wrongly: a subject the corpus has one entry on
(place names, the pledge, same-day filings), named among words a broader entry shares ("用县名当
商标行不行": the distinctiveness rule has more of them), and an entry of the named subject that
retrieval ranks 6th-10th ("who can apply for a madrid registration"). The runtime and fixtures
of tests/bot/test_dialogues.py: the bundled corpus, a database per test, Monday 2026-12-07.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.bot.test_dialogues import Chat

rt, chat = dialogues.rt, dialogues.chat


@pytest.mark.parametrize(
    ("first", "question", "entry"),
    [
        (None, "我们想用镇的名字做品牌 能不能注册", "place-name-marks"),
        (None, "用我们市的名字注册商标可以不", "place-name-marks"),
        (None, "is it ok to use a province name as our trademark", "place-name-marks"),
        (None, "can i register my hometown's city name", "place-name-marks"),
        # After an answer on registering in general, the subject named is the new one.
        ("声音能注册商标吗", "用县名当商标行不行", "place-name-marks"),
        ("how do i apply for a trademark", "can we use the name of our county", "place-name-marks"),
        (None, "商标拿去抵押贷款行不行", "trademark-pledge"),
        (None, "同一天两家都申请了一样的商标 咋算", "same-day-filing"),
        (None, "是不是驰名商标能随便写在包装上", "well-known-mark"),
        (None, "who can apply for a madrid registration", "madrid-eligibility"),
        (None, "which companies are eligible to file under madrid", "madrid-eligibility"),
    ],
)
def test_a_named_subject_finds_its_entry(
    rt: Runtime, first: str | None, question: str, entry: str
) -> None:
    talk = Chat(rt.conversation, "own-subject")
    if first is not None:
        assert talk.say(first).intent == "faq"
    got = talk.say(question)
    assert (got.intent, got.faq_id) == ("faq", entry)


def test_a_broad_answer_still_wins_a_question_on_no_single_subject(chat: Chat) -> None:
    # No subject of its own beyond registering: retrieval's reading is kept.
    assert chat.say("描述性的词能注册商标吗").faq_id == "distinctiveness-art11"
    assert chat.say("声音能注册商标吗").faq_id == "registrable-signs"


@pytest.mark.parametrize(
    ("first", "question"),
    [
        # The answer on a refusal's review, a Madrid fee or the review fee is about filing too;
        # a registration announced as the user's own is still a new filing, not the refusal's.
        ("商标被驳回了怎么办", "我想注册一个商标"),
        ("复审费用多少", "我们公司想注册个商标"),
        ("马德里费用", "我想注册一个商标"),
        ("my application was refused", "we want to register a new trademark"),
    ],
)
def test_a_filing_of_ones_own_leaves_the_last_subject(
    rt: Runtime, first: str, question: str
) -> None:
    talk = Chat(rt.conversation, "own-filing")
    assert talk.say(first).intent == "faq"
    got = talk.say(question)
    assert (got.intent, got.faq_id) == ("faq", "registration-process-overview")


def test_registering_after_the_review_is_still_the_reviews_question(chat: Chat) -> None:
    # A bare 注册 in a follow-up ("注册下来") stays on the conversation's subject.
    assert chat.say("商标被驳回了怎么办").faq_id == "rejection-review-deadline"
    assert chat.say("复审通过了多久能注册下来").faq_id == "rejection-review-deadline"
