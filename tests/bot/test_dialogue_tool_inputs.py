"""Tool inputs as blind writers type them (bot/tools/detect.py, bot/tools/followup.py).

- A cost asked for foreign Madrid members with a class count is the Madrid estimate, though
  the message names neither Madrid nor filing abroad; "black white" is black and white, and
  "pls" / "ballpark" are no country.
- "再加一个类", "多报两个类", "one more class" add classes to those already counted.
- "why is it more" after an estimate asks about the figure: the FAQ answers, nothing is recomputed.
The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import turn

rt, chat = dialogues.rt, dialogues.chat


def _talk(rt: Runtime, *texts: str) -> tuple[str, dict[str, Any]]:
    got = None
    for text in texts:
        got = turn(rt.conversation, text, user="ti")
    assert got is not None
    return got.intent, got.result or {}


@pytest.mark.parametrize(
    ("text", "parties", "classes", "colour"),
    [
        ("越南 泰国 两个类 大概要多少钱", ["VN", "TH"], 2, None),
        ("美国和英国 一个类 费用多少", ["US", "GB"], 1, None),
        ("日本 韩国 新加坡 3个类 黑白的 一共多少", ["JP", "KR", "SG"], 3, False),
        ("澳大利亚一个类彩色的大概多少钱", ["AU"], 1, True),
        ("cost for Japan and Korea, 3 classes, black-white logo pls", ["JP", "KR"], 3, False),
        ("ballpark for germany + france, 2 classes?", ["DE", "FR"], 2, None),
        ("price for singapore and vietnam, one class, black white", ["SG", "VN"], 1, False),
        ("how much is it for the UK, 2 classes, logo in colour", ["GB"], 2, True),
    ],
)
def test_countries_classes_and_a_cost_are_the_madrid_estimate(
    rt: Runtime, text: str, parties: list[str], classes: int, colour: bool | None
) -> None:
    intent, r = _talk(rt, text)
    assert (intent, r.get("tool"), r.get("parties"), r.get("classes")) == (
        "tool",
        "fee_madrid",
        parties,
        classes,
    )
    if colour is not None:
        assert r["colour"] is colour


@pytest.mark.parametrize(
    ("first", "then", "classes"),
    [
        ("注册商标报2个类 网上申请多少钱", "再加一个类呢", 3),
        ("注册3个类网上申请多少钱", "多报两个类", 5),
        ("网上申请一个类多少钱", "还要再报一个类 还是网上", 2),
        ("2 classes online filing fee?", "add one more class", 3),
        ("filing fee for 3 classes online", "and 2 more classes?", 5),
        ("madrid fee for US, 1 class", "one more class", 2),
        ("马德里 指定美国 日本 2个类 多少钱", "再加一个类", 3),
        ("madrid estimate for korea, 2 classes", "add another class", 3),
    ],
)
def test_classes_added_count_on(rt: Runtime, first: str, then: str, classes: int) -> None:
    intent, r = _talk(rt, first, then)
    assert (intent, r.get("classes")) == ("tool", classes)


@pytest.mark.parametrize(
    "why",
    [
        "why does japan cost more",
        "为什么彩色的贵",
        "how come colour is more expensive",
        "为啥日本那么贵",
    ],
)
def test_a_why_after_an_estimate_is_no_new_input(rt: Runtime, why: str) -> None:
    intent, _ = _talk(rt, "madrid fee for US and japan, 2 classes", why)
    assert intent != "tool"


@pytest.mark.parametrize(
    ("first", "then", "classes"),
    [
        ("开奶茶店的 商标报哪个类", "那报43和35两个类多少钱", 2),
        ("卖衣服的报哪个类", "25和35这两个类 网上多少钱", 2),
        ("开面包店选哪个类", "30、35、43三个类多少钱", 3),
        ("做软件开发的属于哪类", "9跟42两个类要多少钱", 2),
        ("开火锅店的报什么类", "43和35两个类纸质的多少", 2),
        ("we make phone cases, which class", "how much for both classes", 2),
        ("we sell coffee, which class", "price for both classes online?", 2),
        ("we run a bakery, which class", "fee for both classes", 2),
    ],
)
def test_a_cost_after_a_class_lookup_counts_the_classes_named(
    rt: Runtime, first: str, then: str, classes: int
) -> None:
    intent, r = _talk(rt, first, then)
    assert (intent, r.get("tool"), r.get("classes")) == ("tool", "fee_national", classes)
