"""FAQ follow-ups and stories told before the question, by class of phrasing (issue 21, blind
batches b13a/b13b).

Each case is (first message, follow-up, the entry that must answer the follow-up), or one
message and its entry:
- customs having found suspect goods and told the owner is the detention, not the recordal
  (facet `detained`);
- a foreign applicant with no office in China filing itself is the agent rule (facet `foreign`,
  agent colloquial words; a qualifier, bot/faq/facets.py `QUALIFIERS`);
- the infringer going on after the owner's warning is the punitive damages (facet `warned`,
  which subsumes `accused`: the letter is the user's); an accused seller who did not know is
  the innocent seller (`unaware` subsumes `accused`); "our registered logo" copied;
- invoices and contracts offered as evidence are no tax matter (bot/core/understand.py
  `_offtopic`); "算不算我们用了" asks what counts as use;
- a brand sold for years then filed by another, now in the gazette, is squatting; what can still
  be done once it is registered is no effect of an invalidation;
- a refusal citing a mark nobody uses, asked to remove it, is the non-use cancellation;
- the ® on a mark not yet registered is the penalty (facet `r_early`), and when it will be
  registered is the registration's question;
- similar marks kept back from an assignment, the day the assignee owns it, a lost original
  (正 typed for 证), a simpler way than a replacement, "证明商标还有效" (no certification mark);
- typos "撤3", "提意义".
The runtime and fixtures of tests/bot/test_dialogues.py.
"""

from __future__ import annotations

import pytest

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.support.dialog import after, turn

rt, chat = dialogues.rt, dialogues.chat

_FOLLOW_UPS = [
    ("海关备案怎么办", "要是海关通知我们查到疑似假货 我们得几天内回复", "customs-detention"),
    (
        "海关知识产权备案现在还收钱吗 备一次管几年",
        "回到刚才海关那个 要是海关真查到一批可疑的货 通知我们了 我们得多快回复",
        "customs-detention",
    ),
    (
        "how do we record our trademark with customs",
        "say customs finds a suspicious shipment one day, what do we do then",
        "customs-detention",
    ),
    (
        "someone sells fakes of our brand, what can we do",
        "we sent a cease and desist but they still kept selling, how much can we claim",
        "punitive-damages",
    ),
    ("别人仿冒我们的商标 怎么维权", "我们发了律师函以后他们还在卖 能多赔点吗", "punitive-damages"),
    (
        "商标侵权怎么维权",
        "我们另一个店反过来被人投诉侵权了 货都是从厂家正规进的有发票 这种要赔钱吗",
        "innocent-seller",
    ),
    (
        "撤三怎么应对",
        "我们的货基本都是经销商在卖 他们开的发票算不算我们用了",
        "use-definition",
    ),
    (
        "商标被抢注了怎么办",
        "万一公告期过了没赶上 他注册下来了 还能补救不",
        "invalidation-time-limit",
    ),
    (
        "what is the fine for marking an unregistered mark with the r",
        "so when is it actually registered and we get the cert",
        "registration-certificate",
    ),
    (
        "商标怎么转让",
        "子公司还有几个跟这些长得差不多的商标 没打算转 这样可以吗",
        "assignment-procedure",
    ),
    ("商标转让流程是什么", "到底哪天开始算受让方的", "assignment-effective-date"),
    (
        "商标注册证丢了怎么办",
        "其实就是投标要用 能证明商标还有效就行 有没有简单点的",
        "lost-certificate",
    ),
]

# The office asking to explain or amend is a subject of its own (`officeaction`); the refusal
# an opposition ends in is the opposition's outcome, whose answer gives the review fee too.
_OFFICE_ACTION_AND_OPPOSITION = [
    (
        "商标局发了个审查意见书 说我们有两个商品名称不规范 让说明或者修正 咋办",
        "不理它会怎样",
        "office-action-amend",
    ),
    (
        "cnipa wants us to clarify our goods, what do we do",
        "what if we ignore it",
        "office-action-amend",
    ),
    (
        "our application was opposed by a company with a similar name, how long does this take",
        "if they win and our mark gets refused can we appeal that",
        "opposition-outcome-appeal",
    ),
    (
        "商标被人异议了 多久出结果",
        "要是异议成立了 我们的商标被驳回 还能复审吗",
        "opposition-outcome-appeal",
    ),
    (
        "our mark was opposed, how long until cnipa decides",
        "if the opponent wins, can we appeal, and what is the fee for that",
        "opposition-outcome-appeal",
    ),
    ("商标异议怎么提", "异议费用多少", "opposition-how"),
]

# Subjects named in a follow-up that leans on nothing: the language of a filing (not an English
# word as a mark); marks filed by the dozen, few used (bad faith).
_NAMED_ANEW = [
    (
        "we're a german company, no office or subsidiary in china. can we file a chinese "
        "trademark ourselves or do we need an agent",
        "also can the application be done in english",
        "filing-language",
    ),
    ("外国公司在中国申请商标必须委托代理吗", "申请材料能用英文填吗", "filing-language"),
    (
        "heard china has a new trademark law from jan 2027, when exactly and what changes",
        "we filed ~40 marks as a reserve, using maybe 5. is that a problem",
        "bad-faith-filing",
    ),
]

_ALONE = [
    (
        "we're a german company, no office or subsidiary in china. can we file a chinese "
        "trademark ourselves or do we need an agent",
        "agent-required-foreign",
    ),
    (
        "small exporter from italy here, olive oil, no office in china. can we file our tm at "
        "cnipa ourselves?",
        "agent-required-foreign",
    ),
    (
        "we are a us company without a branch in china, do we need an agent",
        "agent-required-foreign",
    ),
    ("我们是德国企业 在中国没有分公司 能自己申请商标吗", "agent-required-foreign"),
    ("国内企业需要找代理吗", "agent-required-domestic"),
    (
        "we make kids scooters. found a factory in yiwu selling copies with our registered logo "
        "on 1688. what are our options",
        "infringement-remedies",
    ),
    (
        "our shop resold some handbags from a supplier that turned out to be fakes, we had no "
        "idea. do we pay damages?",
        "innocent-seller",
    ),
    (
        "今天收到国知局一个通知 说有人对我们的商标申请撤3了 让我们交使用证据 这个咋整",
        "nonuse-defence-evidence",
    ),
    (
        "我们是做茶叶的 这个牌子在本地卖了七八年了一直没去注册 上礼拜有个人在30类申请了一模一样的 "
        "已经初审公告了 我们现在咋办",
        "prior-rights-squatting",
    ),
    (
        "cnipa refused our mark because of an older registration, but that company closed down "
        "years ago and nobody uses the mark anymore. can we get it removed",
        "nonuse-cancellation",
    ),
    ("我们商标被驳回了 引证的那个商标其实早就没人用了 能弄掉吗", "nonuse-cancellation"),
    ("我们的商标被驳回了 怎么办", "rejection-review-deadline"),
    (
        "our mark was just published for preliminary approval. marketing wants to print ® on "
        "the new boxes now, is that ok?",
        "false-r-penalty",
    ),
    ("我们以前包装上印了个R 其实商标还在审 这样会不会被罚", "false-r-penalty"),
    ("whats the diff between tm and r", "r-symbol-usage"),
    ("注册正原件找不到了 补一个要多少钱", "lost-certificate"),
    ("证明商标怎么申请", "collective-certification-marks"),
    ("我们公司注册了30多个商标 只用了3个 有风险吗", "bad-faith-filing"),
    (
        "我们是县茶叶协会的 想把本地红茶这个名字保护起来 不让外地的乱用 有啥办法",
        "geographical-indication",
    ),
    ("我们镇的特色米想保护一下 不让外地的随便用 怎么弄", "geographical-indication"),
    ("对方律师发函了 让我们赔5万 这个咋回", "received-infringement-claim"),
]


@pytest.mark.parametrize(
    ("first", "then", "entry"), _FOLLOW_UPS + _OFFICE_ACTION_AND_OPPOSITION + _NAMED_ANEW
)
def test_the_follow_up_takes_the_entry_of_its_class(
    rt: Runtime, first: str, then: str, entry: str
) -> None:
    got = after(rt.conversation, first, then)
    assert (got.intent, got.faq_id) == ("faq", entry)


@pytest.mark.parametrize(("text", "entry"), _ALONE)
def test_a_story_told_before_the_question_takes_its_entry(
    rt: Runtime, text: str, entry: str
) -> None:
    got = turn(rt.conversation, text)
    assert (got.intent, got.faq_id) == ("faq", entry)


def test_a_tax_question_on_invoices_stays_off_topic(rt: Runtime) -> None:
    got = turn(rt.conversation, "开发票要交多少税")
    assert got.intent == "unknown"
