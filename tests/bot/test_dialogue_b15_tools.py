"""Tool follow-ups, the class finder, flows and small talk of the b15 round (issue 21): a count
changed with no noun ("cut it down to 10", "类别改成2个"), whether a place can be covered asked
after a Madrid estimate, a mark's fee "filing online" after its dates, another line of business
with a modal ("还想卖"), goods sold in packaging, a cancel with any party to check with, a first
visit said beside a greeting, barcodes and logo design out of scope.

The same runtime and fixtures as tests/bot/test_dialogues.py (clock Monday 2026-12-07 10:00).
"""

from __future__ import annotations

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.bot.test_dialogues import Chat, _text

rt, chat = dialogues.rt, dialogues.chat


def test_items_cut_down_with_no_noun_after_a_national_fee(rt: Runtime) -> None:
    for n, (first, then, total) in enumerate(
        [
            ("how much is the govt fee to file in one class if we list 15 products, online",
             "and if we cut it down to 10", 270),
            ("one class with 15 items online, what's the official fee",
             "what if we only list 12", 324),
            ("1个类报15个小项 网上官费多少", "那减到10个呢", 270),
            ("1个类报15个小项 网上官费多少", "精简到8个的话", 270),
        ]
    ):  # fmt: skip
        user = Chat(rt.conversation, f"i{n}")
        assert user.say(first).result["tool"] == "fee_national"
        said = user.say(then)
        assert said.intent == "tool", (then, _text(said))
        assert (said.result["classes"], said.result["total_online"]) == (1, total), then
    # With no items listed, a count cut down is the classes.
    user = Chat(rt.conversation, "i9")
    user.say("3个类网上官费多少")
    said = user.say("cut it down to 2")
    assert (said.result["classes"], said.result["total_online"]) == (2, 540)


def test_the_class_count_changed_in_words_after_a_madrid_estimate(rt: Runtime) -> None:
    for n, words in enumerate(
        ["类别改成2个", "类别数改为2", "大类换成两个吧", "change the classes to 2"]
    ):
        user = Chat(rt.conversation, f"m{n}")
        user.say("马德里指定美国 韩国 越南 就报1个类 黑白商标 大概要多少瑞郎")
        user.say("彩色的呢")
        said = user.say(words)
        assert said.result["tool"] == "fee_madrid", (words, _text(said))
        assert said.result["parties"] == ["US", "KR", "VN"] and said.result["colour"] is True
        assert (said.result["classes"], said.result["total_chf"]) == (2, 2663), words


def test_whether_a_place_is_covered_after_a_madrid_estimate_is_the_faq(rt: Runtime) -> None:
    for n, words in enumerate(
        [
            "对了 走马德里能把香港也覆盖进去不",
            "澳门也能一起指定不",
            "does it cover hong kong too",
            "is taiwan included in that",
        ]
    ):
        user = Chat(rt.conversation, f"h{n}")
        user.say("马德里指定美国 韩国 越南 就报1个类 黑白商标 大概要多少瑞郎")
        said = user.say(words)
        assert (said.intent, said.faq_id) == ("faq", "madrid-hk-macao"), (words, _text(said))
    user = Chat(rt.conversation, "h9")
    user.say("madrid fee for US, Japan, 2 classes")
    assert user.say("add hong kong too").intent == "tool"  # added: the estimate says it is none


def test_a_marks_fee_filing_online_after_its_dates_is_the_renewal_fee(rt: Runtime) -> None:
    for n, (words, total) in enumerate(
        [
            ("ugh ok. what will that one cost us, its in 3 classes, filing online", 2025),
            ("that one has 4 classes, we'd file online - total?", 2700),
            ("那这个续下来要多少钱 3个类 网上申请", 2025),
        ]
    ):
        user = Chat(rt.conversation, f"r{n}")
        assert user.say("next one, registered 2 Sept 2016").result["phase"] == "grace_period"
        said = user.say(words)
        assert said.result["tool"] == "fee_renewal", (words, _text(said))
        assert said.result["online_total"] == total, words  # with the late fee, in grace
    user = Chat(rt.conversation, "r9")
    user.say("next one, registered 2 Sept 2016")
    assert user.say("重新申请3个类要多少").result["tool"] == "fee_national"


def test_another_line_of_business_said_with_a_modal_after_a_class_lookup(rt: Runtime) -> None:
    for n, (first, then, wanted) in enumerate(
        [
            ("我家种大米卖大米的 商标该注册哪个类", "还想卖新鲜水果蔬菜", 31),
            ("我们开了个烘焙店 注册哪类", "另外还打算卖袋装咖啡豆", 30),
            ("卖手机壳注册哪类", "也准备做手机维修", 37),
        ]
    ):
        user = Chat(rt.conversation, f"c{n}")
        user.say(first)
        said = user.say(then)
        assert said.result["tool"] == "classes", (then, _text(said))
        assert f"第{wanted}类" in _text(said), then


def test_goods_sold_in_bags_are_the_goods_not_bags(rt: Runtime) -> None:
    for n, (first, then) in enumerate(
        [
            ("we're opening a small coffee shop, which class should we file in",
             "we'll also sell our own roasted beans in bags"),
            ("which class for a bakery", "we also plan to sell coffee beans in gift boxes"),
        ]
    ):  # fmt: skip
        user = Chat(rt.conversation, f"g{n}")
        first_said = _text(user.say(first))
        assert "Class 9 " not in first_said  # "file in" is no downloadable file
        said = _text(user.say(then))
        assert "Class 30" in said and "Class 18" not in said, said


def test_a_cancel_with_any_party_to_check_with_ends_the_booking(rt: Runtime) -> None:
    for n, words in enumerate(
        [
            "actually cancel, need to check with our legal team first",
            "never mind, have to run it past our IP counsel",
            "cancel - need to clear it with the board first",
            "算了 先不约了 得跟我们法务部门确认一下",
            "取消吧 我先问问我们财务总监",
        ]
    ):
        user = Chat(rt.conversation, f"x{n}")
        user.say("预约专家" if n > 2 else "book an expert")
        user.say("续展" if n > 2 else "renewal")
        assert user.say(words).outcome == "cancelled", words
    user = Chat(rt.conversation, "x9")
    user.say("book an expert")
    user.say("renewal")
    assert user.say("cancel, our team has a question about madrid fees").outcome != "cancelled"


def test_a_first_visit_said_beside_a_greeting_is_small_talk(rt: Runtime) -> None:
    for n, words in enumerate(
        ["你好 第一次来问hh", "第一次来 哈哈哈", "hi, first time here lol", "您好，我是新手小白"]
    ):
        said = Chat(rt.conversation, f"s{n}").say(words)
        assert said.intent == "smalltalk", (words, _text(said))
    said = Chat(rt.conversation, "s9").say("first time here, how do i register a trademark")
    assert said.intent != "smalltalk"


def test_barcodes_and_logo_design_are_declined_not_suggested(rt: Runtime) -> None:
    for n, words in enumerate(
        [
            "那商品条形码去哪申请",
            "where do we get EAN barcodes for our products",
            "can you recommend someone to design our logo",
            "能帮我们设计个logo吗",
            "logo找谁设计比较好",
        ]
    ):
        said = Chat(rt.conversation, f"o{n}").say(words)
        assert said.intent == "unknown" and not said.suggestions, (words, _text(said))
    said = Chat(rt.conversation, "o9").say("should i patent or trademark my logo")
    assert said.faq_id == "trademark-vs-patent-copyright"
