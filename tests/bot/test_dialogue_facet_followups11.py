"""Facet follow-ups over the whole corpus, by class of phrasing (issue 21, blind batches b11b/b11c).

Each case is (first message, follow-up, the entry that must answer the follow-up):
- a subject with few entries borrows the facets it lacks from the entry its answer sends the
  user to: a geographical indication's fee and documents are the collective / certification
  mark's (bot/faq/facets.yaml `fills`);
- facet words for a meaning with its variants (bot/core/understanding.yaml): what it is good
  for (`benefit`), whose it is meanwhile (`effective`), a remedy left (`appeal`), being the
  target of an opposition or a non-use action (`accused`), selling on what is in stock
  (`keep_selling`), goods stopped at the border (`seized`), whether something counts
  (`counts`), a party added to an international registration (`add`), a deadline "before when";
- pinyin homophones and dialect ("商表", "驳会", "海观", "异意", "多少前", "咋整") put right before
  understanding (`zh_typos`, bot/core/spelling.py `correct_zh`);
- renewal named with the subject whose term it is (an IR, the customs recordal) is that term;
- another subject named only to compare ("跟许可备案一样") or on the way, with nothing of its
  own answering what is asked ("被许可人用也算吗" during a non-use cancellation), leaves the
  conversation's subject in place;
- the subject of the clause that asks, not of the situation told first ("a lawyer's letter" names
  no agency);
- an entry on two subjects together (bot/faq/facets.yaml `with`): a name change not recorded
  and the renewal, the renewal after a lost certificate;
- what the station can do for one (main's `services`, asked after another subject).
The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from bot.core.spelling import correct_zh
from bot.core.understand import facet_of
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import after, turn

rt, chat = dialogues.rt, dialogues.chat

_FILLED = [
    ("地理标志怎么保护", "申请要交多少钱", "collective-certification-marks"),
    ("我们想给本地特产申请地理标志", "官费多少 纸质的", "collective-certification-marks"),
    ("地标商标怎么注册", "得准备哪些材料", "collective-certification-marks"),
    (
        "how do we protect a geographical indication",
        "what's the fee",
        "collective-certification-marks",
    ),
    ("gi protection in china?", "which documents do we file", "collective-certification-marks"),
    ("地理标志怎么保护", "农民合作社能申请吗 谁可以申请", "geographical-indication"),
]
_WORDS = [
    ("驰名商标怎么认定", "认定了有什么好处", "well-known-mark"),
    ("驰名商标怎么申请", "认下来到底有啥用", "well-known-mark"),
    ("how is a well-known mark recognised", "what's the benefit of having it", "well-known-mark"),
    ("商标转让怎么办理", "核准之前这段时间商标归谁", "assignment-effective-date"),
    ("商标转让要啥材料", "公告之前商标算谁的", "assignment-effective-date"),
    ("国内基础商标被驳回了 马德里会怎样", "还有什么补救的路子吗", "madrid-dependency"),
    (
        "what happens to my IR if the basic mark is refused",
        "can we save it somehow",
        "madrid-dependency",
    ),
    ("商标被人提了异议 怎么办", "大概多久出结果", "opposition-decision-time"),
    ("收到商标异议通知了 有人对我们的申请提了异议", "我们要做啥", "opposition-decision-time"),
    ("有人对我们商标申请了撤三 咋办", "证据几天内交", "nonuse-defence-evidence"),
    ("不知情卖了侵权的货要赔吗", "那库存还能继续卖吗", "innocent-seller"),
    (
        "do resellers pay damages if they didn't know",
        "can we keep selling the rest",
        "innocent-seller",
    ),
    ("海关备案怎么做", "要是海关扣了我们发现的假货 要干啥", "customs-detention"),
    (
        "how do i record my mark with customs",
        "if they seize a shipment how fast must we act",
        "customs-detention",
    ),
    ("商标侵权怎么维权", "别人用了个很像的logo 这个算不算侵权", "infringement-acts"),
    ("收到撤三通知怎么应对", "我们只在网店页面上挂过 这也算用了吗", "use-definition"),
    ("马德里怎么申请", "当时只指定了日本 现在想把韩国也加上", "madrid-subsequent-designation"),
    (
        "how do i file a madrid application",
        "we want to add korea to the IR now, fee?",
        "madrid-subsequent-designation",
    ),
    ("商标许可要备案吗", "什么时候之前要备案", "licence-recordal"),
]
_TYPOS = [
    ("我个人能注册商表吗", None, "who-can-apply"),
    ("商标被驳会了怎么办", None, "rejection-review-deadline"),
    ("商标注册证丢了怎么办", "补证多少前", "lost-certificate"),
    ("海观备案怎么做", None, "customs-recordal"),
    ("商标异意怎么提", None, "opposition-how"),
    ("收到律师函说我们侵权 咋整", None, "received-infringement-claim"),
]
_AFTERMATH = [
    ("海关发现侵权货物后权利人要做什么", "要是我们没按时回复呢", "customs-detention"),
    (
        "customs found suspected fakes of our brand, what must we do",
        "and if we don't reply in time?",
        "customs-detention",
    ),
    ("商标注册证丢了怎么办", "证书丢了对商标权有影响吗", "lost-certificate"),
    (
        "we lost our trademark certificate, what now",
        "does losing it affect our rights at all?",
        "lost-certificate",
    ),
]
_TOGETHER = [
    ("续展要准备什么材料", "公司名字改过了还没办变更 会影响续展吗", "renewal-documents"),
    ("商标续展多少钱", "营业执照上地址变了没去改 影响续展不", "renewal-documents"),
    (
        "what documents do we need to renew",
        "we changed our company name but never recorded it, problem for renewal?",
        "renewal-documents",
    ),
    ("公司改名了商标要变更吗", "快到期了 续展前要先办变更吗", "renewal-documents"),
    ("商标注册证丢了怎么办", "会影响续展吗", "lost-certificate"),
    ("注册证坏了能补吗", "那转让会受影响不", "lost-certificate"),
    ("商标续展费多少", "变更呢", "change-fee"),  # a facet of the change alone
]
_HELP_AND_CLAUSE = [
    ("商标续展多少钱", "你们指导站能帮我们企业做点啥", "station-services"),
    (
        "how much is the renewal fee",
        "what can you guys help us with at the station",
        "station-services",
    ),
    (
        "商标侵权怎么维权",
        "我们店收到一封律师函 说我们卖的东西侵权 让赔钱 咋办",
        "received-infringement-claim",
    ),
    (
        "how do i record my mark with customs",
        "we found fakes leaving the port. can we record our mark with customs somehow?",
        "customs-recordal",
    ),
]
_TERM = [
    ("马德里国际注册快到期了 咋续", "madrid-validity-renewal"),
    ("国际注册满10年了 怎么续展", "madrid-validity-renewal"),
    (
        "our international registration expires next year, how do we renew it",
        "madrid-validity-renewal",
    ),
]
_KEPT = [
    ("商标能质押贷款吗", "要去哪登记 跟许可备案一样双方都得去吗", "trademark-pledge"),
    ("商标质押怎么办", "跟转让一样要交钱吗", "trademark-pledge"),
    ("别人商标三年没用能撤销吗", "对方拿被许可人的使用证据答辩 这也算吗", "use-definition"),
    ("异议后决定不予注册可以复审吗", "那个复审要交多少", "opposition-outcome-appeal"),
    ("被异议了多久出结果", "最后要是不给注册 不服咋办", "opposition-outcome-appeal"),
]


@pytest.mark.parametrize(
    ("first", "then", "entry"), _FILLED + _WORDS + _KEPT + _AFTERMATH + _TOGETHER + _HELP_AND_CLAUSE
)
def test_the_follow_up_takes_the_entry_of_its_class(
    rt: Runtime, first: str, then: str, entry: str
) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", entry)


@pytest.mark.parametrize(("first", "then", "entry"), _TYPOS)
def test_homophone_typos_are_put_right(
    rt: Runtime, first: str, then: str | None, entry: str
) -> None:
    got = after(rt.conversation, first, then) if then else turn(rt.conversation, first, user="ty")
    assert (got.intent, got.faq_id) == ("faq", entry)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("能注册商表吗", "能注册商标吗"),
        ("被驳会了", "被驳回了"),
        ("补一本多少前", "补一本多少钱"),
        ("咋整", "咋办"),
        ("双方协商表示同意", "双方协商表示同意"),  # 协商 + 表示: no typo
        ("重复申请可以吗", "重复申请可以吗"),  # 重复 + 申请: no typo
        ("多少前年注册的", "多少前年注册的"),
    ],
)
def test_correct_zh_leaves_real_words(typed: str, meant: str) -> None:
    assert correct_zh(typed) == meant


@pytest.mark.parametrize(("text", "entry"), _TERM)
def test_renewal_named_with_an_ir_is_its_term(rt: Runtime, text: str, entry: str) -> None:
    got = turn(rt.conversation, text, user="term")
    assert (got.intent, got.faq_id) == ("faq", entry)


@pytest.mark.parametrize(
    "then",
    ["官费多少", "要等它注册满几年才能提", "一般多久出结果"],
)
def test_the_clause_that_asks_names_the_subject(rt: Runtime, then: str) -> None:
    # The refusal is the situation told; removing the cited mark nobody uses is what is asked.
    turn(rt.conversation, "我们的申请被驳回了 引证商标在市面上从来没见过 能把它撤掉吗", user="cl")
    got = turn(rt.conversation, then, user="cl")
    assert (got.intent, got.faq_id) == ("faq", "nonuse-cancellation")


@pytest.mark.parametrize(
    ("text", "facet"),
    [
        ("这个算侵权吗", "counts"),
        ("被许可人用也算吗", "counts"),
        ("does that count as use", "counts"),
        ("海关要是查到假货了", "seized"),
        ("if customs stops a container", "seized"),
        ("店里剩下的货还能接着卖不", "keep_selling"),
        ("can we keep selling", "keep_selling"),
        ("认下来有啥用", "benefit"),
        ("这段时间商标算谁的", "effective"),
        ("还有啥补救的办法没", "appeal"),
        ("啥时候之前要办完", "time"),
        ("our licensee uses it, does that count?", "counts"),
        ("什么才算用了", "counts"),
        ("海关说扣到一批可疑的货", "seized"),
        ("from what point is it legally ours", "effective"),
        ("does losing it affect our rights in the mark", "effect"),
        ("and if we're already past expiry?", "expired"),
        ("你们能帮我们企业做点啥", "services"),
    ],
)
def test_new_facet_words(text: str, facet: str) -> None:
    assert facet_of(text) == facet
