"""A legal subject told in a small-business owner's words (bot/core/understanding.yaml, the
subjects' `colloquial` lists): a name "抢先注册"ed by a former distributor, "我们的logo被一家
小厂仿了", the office that "said no", a mark that "ran out", the company's name changed on its
licence. A situation told afresh, asking nothing of its own, asks what to do about it: the
subject's main entry; a facet asked next is asked of that subject.
The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from bot.core.understand import subjects_of
from tests.bot import test_dialogues as dialogues
from tests.bot.test_dialogues import Chat

rt, chat = dialogues.rt, dialogues.chat

SQUAT_TIME = {"opposition-period", "opposition-period-2027", "invalidation-time-limit"}


def _talk(rt: Runtime, user: str, first: str, then: str) -> tuple[str | None, str | None]:
    c = Chat(rt.conversation, user)
    return c.say(first).faq_id, c.say(then).faq_id


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("我们用了十年的店名被隔壁抢先注册了 怎么办", "有时间限制吗"),
        ("以前的经销商用他自己公司的名义把我们的牌子注册了", "多久之内要提"),
        ("合作伙伴偷偷把我们品牌抢先申请了", "有没有期限"),
        ("我们的字号被同行抢先申请成商标了", "最晚什么时候提"),
        ("a former partner registered our brand under their own company name", "is there a deadline to act"),
        ("our old supplier trademarked our name in china behind our back", "how long do we have"),
        ("we have been using our name since 2015 and someone else registered it last year", "any deadline?"),
        ("they sent us a notice to stop using our own name, they trademarked it", "is there a time limit"),
    ],
)  # fmt: skip
def test_a_name_registered_first_by_another_is_squatting(
    rt: Runtime, first: str, then: str
) -> None:
    opened, after = _talk(rt, "squat", first, then)
    assert opened in ("prior-rights-squatting", "received-infringement-claim"), first
    assert after in SQUAT_TIME, (then, after)


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("有人做了一模一样的包装冒充我们在卖", "能让他们赔多少"),
        ("我们的logo被一家小厂仿了", "最多能赔多少钱"),
        ("我们的牌子被别人盗用了 外地到处在卖", "能要多少赔偿"),
        ("隔壁店在卖高仿我们的东西 用的也是我们的名字", "赔偿怎么算"),
        ("someone at the market is selling bags with our logo on them", "how much compensation can we get"),
        ("a factory is copying our packaging and our brand", "what damages could a court give us"),
        ("rip-offs of our product turned up in a few shops", "how much can we claim"),
        ("people keep selling knockoffs with our name on them online", "what compensation is there"),
    ],
)  # fmt: skip
def test_someone_using_our_mark_is_infringement(rt: Runtime, first: str, then: str) -> None:
    opened, after = _talk(rt, "copied", first, then)
    assert opened == "infringement-remedies", first
    assert after == "statutory-damages", then


@pytest.mark.parametrize(
    "text",
    [
        "a market stall near us sells knockoffs with our brand on them. what are our options",
        "sellers on jd are putting out counterfeits of our brand, what can we do",
        "a store in our town is selling fakes of our product, what options do we have",
        "someone keeps selling knock-offs of our bags on taobao. what can we do about it",
        "楼下有家店在卖我们牌子的假货 我们有什么办法",
        "网上有人卖我们商标的假货 我们能做什么",
        "隔壁商场有人卖我们品牌的仿品 有啥办法",
        "a factory is making knock-offs of our shoes with our logo, what options do we have",
    ],
)
def test_fakes_of_our_brand_and_what_we_can_do_is_the_remedies(rt: Runtime, text: str) -> None:
    # Another's fakes of our brand and "what are our options" asks what we can do against it.
    got = Chat(rt.conversation, "fakes").say(text)
    assert (got.intent, got.faq_id) == ("faq", "infringement-remedies"), text


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("我们的商标申请被打回来了 说跟人家的撞了", "官费多少"),
        ("商标局没给我们通过 说有近似的", "最晚什么时候要提"),
        ("商标局把我们的商标给驳回了 说跟别家的太像", "要交多少钱"),
        ("审查员没让我们的标过", "几天内得办"),
        ("the office said no to our trademark application", "what is the fee for that"),
        ("cnipa turned our mark down because of an older one", "how long do we have"),
        ("our trademark got knocked back by the examiner", "whats the deadline"),
        ("they said no to our logo, too close to another mark", "how much does it cost"),
    ],
)  # fmt: skip
def test_a_refusal_told_asks_for_the_review(rt: Runtime, first: str, then: str) -> None:
    opened, after = _talk(rt, "refused", first, then)
    assert (opened, after) == ("rejection-review-deadline", "rejection-review-deadline")


@pytest.mark.parametrize(
    ("first", "then", "entry"),
    [
        ("our mark ran out last month and nobody renewed it", "how much extra do we pay now", "renewal-late-fee"),
        ("我们的商标过期了两个月 还有救吗", "要多交多少钱", "renewal-late-fee"),
        ("商标到期好几周了 一直忘了弄", "现在续的话要加多少钱", "renewal-late-fee"),
        ("our registration expired a few weeks ago, can we still save it", "what's the extra fee", "renewal-late-fee"),
        ("公司营业执照上的名称换了 商标要跟着动吗", "收费吗", "change-fee"),
        ("我们企业改了个名 以前的商标怎么办", "要交钱吗", "change-fee"),
        ("we changed our company name last month, what happens with our trademark", "is there a fee", "change-fee"),
        ("our company's name has changed, does the trademark need updating", "does that cost anything", "change-fee"),
    ],
)  # fmt: skip
def test_a_lapse_or_a_new_company_name_told_in_lay_words(
    rt: Runtime, first: str, then: str, entry: str
) -> None:
    opened, after = _talk(rt, "told", first, then)
    assert opened in ("renewal-grace-period", "change-name-address"), (first, opened)
    assert after == entry, (then, after)


@pytest.mark.parametrize(
    "text",
    [
        "what do you guys do exactly",
        "你们是做什么的 政府的吗",
        "what is this service, are you a government thing",
        "so are you guys an official body or what",
        "你们是干嘛的",
        "这是什么机构啊",
        "hi, what is this station about",
        "do you guys charge for advice",
    ],
)
def test_the_station_asked_about_in_lay_words(rt: Runtime, text: str) -> None:
    got = Chat(rt.conversation, "station").say(text)
    assert got.faq_id in ("station-what-is", "station-services"), (text, got.intent)


def test_lay_words_give_way_to_the_corpus_words_and_the_conversation(rt: Runtime) -> None:
    # A mark never used is non-use's, though it was "registered by someone" first.
    assert subjects_of("我们想用的名字早就被人注册了 可他们从来没用过")[0] == "nonuse"
    # Letting a factory use the mark is a licence, not someone copying it.
    assert subjects_of("我们想让代工厂用我们的牌子生产 要去备案吗")[0] == "licence"
    # Removing a mark, after its non-use, is the non-use cancellation.
    c = Chat(rt.conversation, "unused")
    assert c.say("那个商标注册了好几年一直没用过").faq_id == "nonuse-cancellation"
    assert c.say("申请撤掉它要多少钱").faq_id == "nonuse-cancellation"


@pytest.mark.parametrize(
    "text",
    [
        "can you help us file a design patent for the packaging",
        "你们能帮忙申请个外观专利吗",
        "你们可以顺便帮我们申请专利吗",
        "can you file a copyright for our logo artwork",
        "can you guys also do a patent for our new gadget",
        "您这边能帮申请实用新型专利吗",
        "你们能帮我们办版权登记吗",
        "could you apply for a patent on our bottle design as well",
    ],
)
def test_another_ip_right_asked_of_the_station_is_its_own_question(rt: Runtime, text: str) -> None:
    # A patent or a copyright asked of us: what the station does and where patents go.
    got = Chat(rt.conversation, "patent").say(text)
    offered = [s["faq_id"] for s in got.suggestions or []]
    assert got.faq_id == "trademark-vs-patent-copyright" or offered[:1] == [
        "trademark-vs-patent-copyright"
    ], (text, got.intent)


@pytest.mark.parametrize(
    "text",
    [
        "can you get us a business licence",
        "你们能帮我们注册域名吗",
        "can you help us get a work visa",
    ],
)
def test_other_paperwork_asked_of_the_station_stays_unknown(rt: Runtime, text: str) -> None:
    assert Chat(rt.conversation, "paper").say(text).intent == "unknown"


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("商标和专利有什么区别", "那你们能帮忙申请专利吗"),
        ("how does a trademark differ from a patent", "can you guys file the patent for us then"),
        ("logo申请版权还是商标", "你们可以帮我们办版权登记吗"),
        ("trademark vs copyright for a logo?", "can you register the copyright for us"),
    ],
)
def test_the_same_ip_right_asked_again_right_after_its_answer_adds_nothing(
    rt: Runtime, first: str, then: str
) -> None:
    # The answer just given says where patents and copyright go; the same again is no answer.
    c = Chat(rt.conversation, "again")
    assert c.say(first).faq_id == "trademark-vs-patent-copyright", first
    assert c.say(then).intent == "unknown", then
