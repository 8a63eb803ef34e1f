"""Which messages the tools skill takes (the user's own facts) and which stay with the FAQ."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from bot.tools.detect import choose, date_role, date_tool, read_facts

TODAY = dt.date(2026, 11, 25)
DEVSET = Path(__file__).parent.parent / "data" / "devset.yaml"


def tool_for(text: str) -> str | None:
    return choose(read_facts(text, TODAY))


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("我的商标是2016年3月7日核准注册的，什么时候续展？要交多少钱？", "renewal"),
        ("registered 7 Mar 2016 when do I renew", "renewal"),
        ("商标2026年9月到期了还能续吗", "renewal"),  # month only: answered with a question
        ("注册日是2016年3月7日，什么时候到期", "renewal"),
        ("our trademark was registered in China on 7 March 2016. When must we renew?", "renewal"),
        ("我的商标什么时候续展", "renewal"),  # own mark, no date: we ask for it
        ("我们的商标还有多久到期", "renewal"),
        ("对方商标2026年10月27日初审公告，我们异议截止哪天", "opposition"),
        (
            "we received the refusal on 2026-11-12, what's the deadline for review",
            "rejection_review",
        ),
        ("我们商标被驳回了，复审期限到什么时候", "rejection_review"),
        ("IR date 2023-06-01, when does the madrid dependency end", "madrid_dependency"),
        ("我们商标2022年5月14日注册的，什么时候可能被撤三", "nonuse"),
        ("注册2个类别每类12个商品网上申请多少钱", "fee_national"),
        ("filing fee for 3 classes paper", "fee_national"),
        ("我想注册第9类和第42类，多少钱", "fee_national"),
        ("第30类2个商品多少钱", "fee_national"),
        ("续展3个类要多少钱", "fee_renewal"),
        ("three classes renewal in the grace period, how much", "fee_renewal"),
        ("Madrid filing to the US, EU and Japan, how much?", "fee_madrid"),
        ("马德里指定美国日本欧盟 3个类 彩色 多少钱", "fee_madrid"),
        ("马德里申请3个类多少钱", "fee_madrid"),  # asks for the countries
        ("卖奶茶要注册哪一类？", "classes"),
        ("which class for a mobile game app", "classes"),
        ("跨境电商服装注册什么类", "classes"),
    ],
)
def test_tool_requests(text: str, tool: str) -> None:
    assert tool_for(text) == tool


@pytest.mark.parametrize(
    "text",
    [
        "续展要多少钱",
        "什么时候可以续展",
        "续展官费多少一类",
        "商标续展什么时候办",
        "注册一个类商标官费多少",  # one class, no items: the FAQ's answer
        "一个类别里报了15个商品，超出10个的怎么收费",
        "马德里国际注册多少钱",
        "彩色商标马德里基础费贵多少",
        "我们公司2020年3月成立，想注册商标",  # a date, but no registration date
        "2027年1月1日新商标法施行后续展有变化吗",
        "our TM application got refused, how many days to file a review",
        "我们商标被人申请撤三了 要在多久内交使用证据",
        "国际注册10年到期了怎么续展",
        "商标分多少类啊",
        "one application covering class 9 and class 42 at the same time, allowed?",
        "转让3个商标多少钱",
    ],
)
def test_general_questions_are_not_taken(text: str) -> None:
    assert tool_for(text) is None


def test_no_dev_set_question_is_taken() -> None:
    questions = yaml.safe_load(DEVSET.read_text(encoding="utf-8"))["questions"]
    taken = [q["q"] for q in questions if tool_for(q["q"])]
    assert taken == []


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("商标2026年9月13日到期", "expiry"),
        ("到期日是2026年9月13日", "expiry"),
        ("the mark expires on 13 Sep 2026", "expiry"),
        ("2016年3月7日核准注册", "other"),
        ("驳回通知发文日期2026年11月3日", "sent"),
        ("refusal sent on 2026-11-03", "sent"),
        ("2026年11月10日收到驳回通知", "other"),
    ],
)
def test_date_roles(text: str, role: str) -> None:
    facts = read_facts(text, TODAY)
    found = date_tool(facts)
    assert found is not None
    assert date_role(facts, found[1]) == role


@pytest.mark.parametrize(
    ("text", "classes"),
    [
        # Class numbers in a list, or a lone number past 10 with no 个, are the classes named.
        ("就注册30类跟43类 多少钱", 2),
        ("30和43类多少钱", 2),
        ("9、35类", 2),
        ("注册30类要多少", 1),
        ("第9类和第42类", 2),
        # Counts: a small number, or any number with 个.
        ("注册3类多少钱", 3),
        ("注册3个类", 3),
        ("注册12个类多少钱", 12),
        ("宽展期内续3个类多少钱", 3),
    ],
)
def test_class_numbers_are_not_counts(text: str, classes: int) -> None:
    assert read_facts(text, TODAY).classes == classes


def test_facts_extracted() -> None:
    f = read_facts("马德里指定美国、欧盟和日本，三个类，彩色商标，纸质，要多少钱", TODAY)
    assert [p.code for p in f.parties] == ["US", "EU", "JP"]
    assert (f.classes, f.colour, f.paper, f.asks_cost) == (3, True, True, True)
    f = read_facts("2 classes, 12 items each, black and white", TODAY)
    assert (f.classes, f.items, f.colour) == (2, [12], False)


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        # Protection abroad priced without the word Madrid: the Madrid estimate, not the
        # national filing fee.
        ("我们想去美国和日本注册商标要多少钱", "fee_madrid"),
        ("how much to protect our mark in the EU and UK", "fee_madrid"),
        # A foreign company filing in China, and a currency, are not filings abroad.
        ("美国公司在中国注册商标要多少钱", None),
        ("瑞士法郎汇率多少", None),
    ],
)
def test_filing_abroad_is_priced_as_madrid(text: str, tool: str | None) -> None:
    assert tool_for(text) == tool


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("宽展期内续3个类多少钱", "fee_renewal"),  # was priced as a new filing
        ("续3个类要多少钱", "fee_renewal"),
        ("3个类的商标注册手续费多少钱", "fee_national"),  # 手续费 is not 续费 (renewal fee)
    ],
)
def test_colloquial_renewal_is_priced_as_renewal(text: str, tool: str) -> None:
    assert tool_for(text) == tool


@pytest.mark.parametrize(
    ("text", "classes"),
    [
        # One count checked in a question, then another asked about: the later is priced.
        ("一个类别吗？如果申请三个类别呢", 3),
        ("是一个类的价格吗 三个类多少", 3),
        ("is that for one class? what about three classes", 3),
        # No question closed between them: the first count, as before.
        ("3个类 每类10项", 3),
        ("3个类还是2个类便宜", 3),
        ("两个类吗? 两个类呢", 2),
    ],
)
def test_the_count_asked_about_after_a_checked_one(text: str, classes: int) -> None:
    assert read_facts(text, TODAY).classes == classes
