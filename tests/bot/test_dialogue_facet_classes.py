"""Follow-ups answered by a class of phrasing (issue 21, blind batches b8a/b8d).

Each case is (first message, follow-up, the entry that must answer the follow-up):
- whose side the asker is on decides the infringement entry whatever else is asked: accused of
  infringing (a lawyer's letter, a suit), a seller who did not know, damages for infringing on
  purpose (bot/core/understanding.yaml `accused`, `innocent`, `punitive`; bot/faq/facets.py
  `FRAMING`);
- facet word classes: "how long have we got", "也能提吗" (who may), how long an invalidation
  takes to decide (bot/faq/facets.yaml);
- an earlier filing date kept for China is the priority claim (colloquial), not Madrid;
- paying more for being late is the late renewal fee or the Madrid renewal's 50 % (`surcharge`);
  renewal named after the Madrid renewal answer stays Madrid unless a national mark is set
  against it; HK / macau are Hong Kong and Macao (glossary); "注销以后..." with no subject of its
  own is the conversation's when retrieval puts it well ahead there;
- the revised Trademark Law is a subject of its own, asked after any other;
- adding countries later is the Madrid subsequent designation (`add`: its "几个" is "a few"),
  and a name filed the same day is a mark (bot/faq/facets.py `_ANCHOR`).
The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import after, turn

rt, chat = dialogues.rt, dialogues.chat

_SIDES = [
    (
        "别人仿冒我们的商标 怎么维权",
        "今天收到一封警告函 说我们侵犯了他们的商标 咋整",
        "received-infringement-claim",
    ),
    ("侵权赔偿最多多少", "我们被人起诉侵权了 要我们赔10万 怎么应对", "received-infringement-claim"),
    (
        "what can we do about counterfeits of our brand",
        "now a company sent us a cease and desist, how do we respond",
        "received-infringement-claim",
    ),
    (
        "what are the statutory damages for infringement",
        "we got a demand letter saying we infringe, they want 50k. what now",
        "received-infringement-claim",
    ),
    ("商标侵权怎么处罚", "我是开小超市的 不知道进的货是假的 也要赔钱吗", "innocent-seller"),
    (
        "what are the remedies for infringement",
        "our shop sold them unknowingly, do we have to pay damages too",
        "innocent-seller",
    ),
    ("侵权能赔多少", "对方是故意仿的 能判得更多吗", "punitive-damages"),
    (
        "how much can a court award for infringement",
        "they copied us deliberately, can we get more than that",
        "punitive-damages",
    ),
]
_FACET_WORDS = [
    (
        "someone filed a non-use cancellation against our mark, what do we do",
        "how much time have we got to answer",
        "nonuse-defence-evidence",
    ),
    (
        "customs detained goods with our trademark, what should we do",
        "how long have we got to reply",
        "customs-detention",
    ),
    ("怎么提商标异议", "我们不是在先权利人 也可以提吗", "opposition-period"),
    ("商标异议怎么提交", "跟对方没关系的公司也能提吗", "opposition-period"),
    ("怎么申请宣告商标无效", "大概多久能出结果", "invalidation-time-limit"),
    (
        "how do i request invalidation of a mark",
        "and how long until they decide",
        "invalidation-time-limit",
    ),
]
_PRIORITY = [
    (
        "how do foreign companies file a trademark in china",
        "we filed the same mark in japan last month, can we keep that filing date here",
        "priority-claim",
    ),
    ("外国公司怎么在中国申请商标", "我们在韩国先报了 申请日能沿用吗", "priority-claim"),
    ("申请商标要什么材料", "上个月在日本报过了 能用那边的申请日吗", "priority-claim"),
    (
        "what documents do we need to file a mark",
        "we applied in the US 3 months ago, can china count from that earlier date",
        "priority-claim",
    ),
]
_LATE_AND_LAPSE = [
    ("宽展期有多长", "那要多交钱吗", "renewal-late-fee"),
    ("过期了还能续展吗", "晚了要加收多少", "renewal-late-fee"),
    ("马德里国际注册怎么续展", "晚了几个月续要加收钱吗", "madrid-validity-renewal"),
    (
        "how do i renew a madrid registration",
        "and if we renew a bit late, is there an additional fee?",
        "madrid-validity-renewal",
    ),
    ("马德里商标怎么续展", "国内商标续展多少钱", "renewal-fee"),
    ("how do i file a madrid application", "does that cover HK as well?", "madrid-hk-macao"),
    ("how long does a madrid registration last", "macau too?", "madrid-hk-macao"),
    ("商标到期没续展会怎样", "注销了别人多久能注册这个名字", "not-renewed"),
]
_LAW = [
    (
        "how do i record a licence",
        "different question: when does the revised law come into force?",
        "law-revision-2027",
    ),
    (
        "how much is the renewal fee",
        "off topic, is it true the trademark law was amended? when does that apply",
        "law-revision-2027",
    ),
    ("商标转让怎么办理", "另外问下 商标法修订了吗 哪天生效", "law-revision-2027"),
    ("商标续展要多少钱", "换个问题 新法什么时候开始施行", "law-revision-2027"),
    (
        "what documents do i need for an assignment",
        "so when does the new law kick in",
        "law-revision-2027",
    ),
]
_ADD_AND_SAME_DAY = [
    ("马德里国际注册怎么申请", "注册下来以后还能增加指定国吗", "madrid-subsequent-designation"),
    (
        "how much does a madrid filing cost",
        "can we add more countries later on",
        "madrid-subsequent-designation",
    ),
    ("马德里要多久能批", "以后想再加两个国家 怎么弄", "madrid-subsequent-designation"),
    (
        "what is the madrid basic fee",
        "is it possible to add another country after registration",
        "madrid-subsequent-designation",
    ),
    ("马德里补充费多少", "注册好了 想再加几个国家 能办吗", "madrid-subsequent-designation"),
    ("马德里国际注册有效期多久", "马德里有几个成员", "madrid-members-count"),
    ("商标注册要多久", "有人跟我们同一天申请了一样的名字 怎么处理", "same-day-filing"),
    (
        "how do i file a mark",
        "another company filed the same name on the same day as us, what happens",
        "same-day-filing",
    ),
]


@pytest.mark.parametrize(
    ("first", "then", "entry"),
    _SIDES + _FACET_WORDS + _PRIORITY + _LATE_AND_LAPSE + _LAW + _ADD_AND_SAME_DAY,
)
def test_the_follow_up_takes_the_entry_of_its_class(
    rt: Runtime, first: str, then: str, entry: str
) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", entry)


@pytest.mark.parametrize(
    "text",
    [
        "need use foreign agent or we do self",
        "korean company here, need local agent or we do it self",
        "need a local agent or we can do self?",
        "startup from spain, need chinese agent or we handle self",
    ],
)
def test_an_agent_set_against_oneself_is_no_request_for_staff(rt: Runtime, text: str) -> None:
    # "agent" beside filing oneself is a trademark agent (bot/core/understand.py `_TM_AGENT`).
    got = turn(rt.conversation, text, user="agent-q")
    assert got.intent not in ("handoff", "booking")


@pytest.mark.parametrize(
    ("first", "then", "entry"),
    [
        ("马德里的补充费是多少", "换个问题 一般要多久能下来", "typical-pendency"),
        (
            "how do i renew my mark",
            "unrelated question - how long does it take to get through",
            "typical-pendency",
        ),
        ("商标异议怎么提", "再问个 一般多久能拿到证", "registration-certificate"),
    ],
)
def test_a_new_question_is_read_alone(rt: Runtime, first: str, then: str, entry: str) -> None:
    # "换个问题", "unrelated question": no follow-up of the last subject (understand `_SWITCH`);
    # answered or offered, the entry is the one the message alone asks.
    got = after(rt.conversation, first, then)
    offered = [got.faq_id] if got.intent == "faq" else [s.get("faq_id") for s in got.suggestions]
    assert offered[:1] == [entry]
