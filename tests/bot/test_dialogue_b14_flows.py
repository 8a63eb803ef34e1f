"""Flows of the b14 round (issue 21): cancel words with a reason said after them, a question
asked inside the booking flow without a question word, one's own booking asked about in words.

The same runtime and fixtures as tests/bot/test_dialogues.py (clock Monday 2026-12-07 10:00).
"""

from __future__ import annotations

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.bot.test_dialogues import Chat, _text

rt, chat = dialogues.rt, dialogues.chat


def _at_contact(user: Chat, lang: str) -> None:
    if lang == "zh":
        for text in ("预约专家", "地理标志", "赵宏", "4天以后", "10", "某某茶业有限公司"):
            user.say(text)
    else:
        for text in ("book an expert", "opposition", "Li Jing", "in two days", "4 o'clock", "Acme"):
            user.say(text)


def test_a_cancel_word_with_a_reason_after_it_ends_the_booking_at_any_step(rt: Runtime) -> None:
    for n, words in enumerate(
        [
            "算了 先不约了 我回去跟老板商量下",
            "取消吧 我得先跟合伙人商量一下",
            "不约了 我直接打电话问吧",
            "hold on, cancel that, need to check with my boss first",
            "never mind, I have to talk to my partner first",
            "cancel please, we will phone the station instead",
        ]
    ):
        user = Chat(rt.conversation, f"r{n}")
        user.say("预约专家")
        user.say("续展")
        assert user.say(words).outcome == "cancelled", words
    for n, (lang, words) in enumerate(
        [
            ("zh", "算了 我回头跟财务确认下预算"),
            ("en", "actually cancel it, ill just call you instead"),
        ]
    ):
        user = Chat(rt.conversation, f"k{n}")
        _at_contact(user, lang)
        said = user.say(words)
        assert said.outcome == "cancelled", (words, _text(said))  # not an invalid phone number


def test_a_cancel_word_with_a_question_after_it_is_no_plain_cancel(rt: Runtime) -> None:
    user = Chat(rt.conversation, "q1")
    user.say("预约专家")
    user.say("续展")
    assert user.say("算了 我要先问问续展多少钱").outcome != "cancelled"
    assert user.say("cancel. does my partner need to sign?").outcome != "cancelled"


def test_a_question_without_a_question_word_inside_the_booking_is_answered(rt: Runtime) -> None:
    zh = Chat(rt.conversation, "a1")
    zh.say("预约专家")
    zh.say("地理标志那个")
    said = zh.say("等下先问个 地理标志商标是企业自己去申请还是得协会出面")
    assert said.intent == "faq" and "协会" in _text(said) and "赵宏" in _text(said)
    assert "12月" in _text(zh.say("赵老师"))  # the step goes on
    zh2 = Chat(rt.conversation, "a2")
    zh2.say("预约专家")
    zh2.say("续展")
    said = zh2.say("顺便问下 续展是自己办还是找代理")
    assert said.intent == "faq" and "王明远" in _text(said)
    en = Chat(rt.conversation, "a3")
    en.say("book an expert")
    en.say("madrid")
    said = en.say("before that, how long does a madrid designation take to be refused")
    assert said.intent == "faq" and "Chen Xiao" in _text(said)


def test_ones_own_booking_asked_about_in_words_is_listed(rt: Runtime) -> None:
    for n, words in enumerate(
        [
            "对了我之前是不是约过一次 帮我看看还在不在",
            "我是不是已经约过专家了",
            "is my appointment still on?",
            "did we already book a consultation with you last week",
        ]
    ):
        said = Chat(rt.conversation, f"m{n}").say(words)
        assert said.intent == "booking" and said.outcome != "started", words
        assert "没有待进行的预约" in _text(said) or "no upcoming bookings" in _text(said)


def test_items_said_by_class_number_go_to_that_class(rt: Runtime) -> None:
    en = Chat(rt.conversation, "f1")
    said = en.say("ok class 25 and 35 online, 13 items in 25 and 8 in 35. total?")
    assert said.result is not None and said.result["total"] == 621
    assert "class 25: 3 items beyond 10" in _text(said) and "class 35" in _text(said)
    assert en.say("and by paper?").result["total"] == 690
    zh = Chat(rt.conversation, "f2")
    assert zh.say("想在网上报商标 3个类 官费一共多少").result["total"] == 810
    said = zh.say("其中35类要报15个小项")  # one of the three, not one class
    assert (said.result["classes"], said.result["total"]) == (3, 945)
    assert "第35类超出的5个项目" in _text(said)
    assert zh.say("纸质递交的话呢").result["total"] == 1050
    zh2 = Chat(rt.conversation, "f3")
    zh2.say("第9类和第42类 网上申请多少钱")
    said = zh2.say("9类报了14个小项呢")  # class 9 of those two, not nine classes
    assert (said.result["classes"], said.result["total"]) == (2, 648)
    said = Chat(rt.conversation, "f4").say("25类13项 35类8项 网上多少钱")
    assert (said.result["classes"], said.result["total"]) == (2, 621)


def test_the_class_finder_reads_plural_goods_and_several_in_one_message(rt: Runtime) -> None:
    for n, (text, cls) in enumerate(
        [
            (
                "i sell tshirts and hoodies in my douyin shop, which class does the trademark go in",
                25,
            ),
            ("we make LED lamps and ceiling lights for export, what class do they fall in", 11),
            ("we sell leather handbags and wallets on taobao, which class should we register", 18),
            ("which class covers mobile apps", 9),
            ("我们做LED灯和吸顶灯出口 属于第几类", 11),
        ]
    ):
        said = Chat(rt.conversation, f"n{n}").say(text)
        assert said.intent == "tool" and said.result is not None, text
        assert cls in [s["class"] for s in said.result.get("suggestions", [])], text


def test_why_a_figure_of_an_estimate_is_what_it_is_answers_that_line(rt: Runtime) -> None:
    en = Chat(rt.conversation, "w1")
    en.say("Germany and Italy via madrid, 2 classes, black and white. how much roughly")
    assert en.say("sorry we actually need 5 classes").result["total_chf"] == 1053
    said = en.say("why does the total jump by 200 just for the extra classes")
    assert (said.intent, said.faq_id) == ("faq", "madrid-supplementary-complementary")
    zh = Chat(rt.conversation, "w2")
    zh.say("马德里 指定德国和意大利 5个类 黑白 多少钱")
    said = zh.say("为啥多了两个类就贵了200")
    assert (said.intent, said.faq_id) == ("faq", "madrid-supplementary-complementary")
