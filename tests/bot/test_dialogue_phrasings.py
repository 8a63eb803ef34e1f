"""Facet follow-ups and subjects in new phrasings (issue 21), as whole conversations.

The same runtime and fixtures as tests/bot/test_dialogues.py: the bundled corpus, a database of
its own per test, the clock at Monday 2026-12-07 10:00 in Shanghai.
"""

from __future__ import annotations

from bot.core.runtime import Runtime
from tests.bot import test_dialogues as dialogues
from tests.bot.test_dialogues import Chat

# The fixtures of test_dialogues.py (a database per test, the clock, one user's chat).
rt, chat = dialogues.rt, dialogues.chat


def test_renewing_after_expiry_is_the_grace_period_and_its_late_fee(chat: Chat) -> None:
    first = chat.say("到期以后咋续")  # refused before: "到期以后" is the expired facet
    assert (first.intent, first.faq_id) == ("faq", "renewal-grace-period")
    assert chat.say("要多交多少钱").faq_id == "renewal-late-fee"
    assert chat.say("宽展也过了咋整").faq_id == "renewal-missed-grace"


def test_filing_in_other_countries_without_saying_madrid(rt: Runtime) -> None:
    zh = Chat(rt.conversation, "abroad-zh")
    assert zh.say("想在美国日本注册商标").faq_id == "madrid-route"
    assert zh.say("大概要花多少钱").faq_id in ("madrid-fee-calculator", "madrid-cost-example")
    assert zh.say("那边多久能批下来").faq_id == "madrid-refusal-period"
    en = Chat(rt.conversation, "abroad-en")
    assert en.say("we want to register our brand in the US and Japan").faq_id == "madrid-route"
    # A foreign applicant coming to China is no filing abroad.
    foreign = Chat(rt.conversation, "foreign")
    agent = foreign.say("does a foreign company need an agent")
    assert (agent.intent, agent.faq_id) == ("faq", "agent-required-foreign")


def test_what_enforcing_costs_is_not_the_damages_awarded(chat: Chat) -> None:
    assert chat.say("被人侵权了咋维权").faq_id == "infringement-remedies"
    cost = chat.say("要花多少钱")  # no entry gives it: not the statutory damages
    assert cost.intent == "unknown" and cost.faq_id is None
    assert chat.say("对方会坐牢吗").faq_id == "criminal-counterfeiting"


def test_the_term_of_an_international_registration_and_its_lapse(chat: Chat) -> None:
    assert chat.say("how long is an IR valid").faq_id == "madrid-validity-renewal"
    assert chat.say("and if it lapses?").faq_id == "madrid-validity-renewal"


def test_customs_detention_follow_ups_stay_on_the_detention(rt: Runtime) -> None:
    held = Chat(rt.conversation, "held")
    first = held.say("customs held some fake goods with our logo, what do we do")
    assert first.faq_id == "customs-detention"
    assert held.say("how many days do we have").faq_id == "customs-detention"
    assert held.say("do we need to pay a bond").faq_id == "customs-detention"
    recordal = Chat(rt.conversation, "recordal")
    assert recordal.say("想在海关那边备个案 怎么搞").faq_id == "customs-recordal"
    assert recordal.say("多少钱").faq_id == "customs-recordal"
    assert recordal.say("管几年").faq_id == "customs-recordal"


def test_a_new_question_on_the_subject_is_not_the_entry_just_answered(chat: Chat) -> None:
    assert chat.say("马德里国际注册有啥条件").faq_id == "madrid-eligibility"
    assert chat.say("国内还没注册下来能申请吗").faq_id == "madrid-basic-mark"


def test_colloquial_time_and_online_words_as_follow_ups(rt: Runtime) -> None:
    when = Chat(rt.conversation, "when")
    assert when.say("想注册个商标 得准备啥").faq_id == "required-documents"
    assert when.say("官费咋收的").faq_id == "filing-fee"
    assert when.say("多会儿能下来").faq_id in ("typical-pendency", "examination-time-limit")
    online = Chat(rt.conversation, "online")
    assert online.say("个体户能申请商标不").faq_id == "who-can-apply"
    assert online.say("必须找代理吗").faq_id == "agent-required-domestic"
    assert online.say("网上咋弄").faq_id == "online-filing"


def test_a_fee_the_last_answer_gives_is_that_answer(chat: Chat) -> None:
    # Its tags say the subsequent designation's answer gives its fee: not the fee overview.
    assert chat.say("马德里后期指定咋办").faq_id == "madrid-subsequent-designation"
    assert chat.say("收费吗").faq_id == "madrid-subsequent-designation"


def test_the_entry_for_the_facet_over_a_see_also_retrieval_does_not_rank(chat: Chat) -> None:
    assert chat.say("工商罚款一般罚多少").faq_id == "admin-fines"
    assert chat.say("那赔偿呢").faq_id == "statutory-damages"
    assert chat.say("恶意的呢").faq_id == "punitive-damages"


def test_new_words_for_the_subject_and_the_facet(rt: Runtime) -> None:
    renewal = Chat(rt.conversation, "renewal")
    assert renewal.say("续展要准备什么").faq_id == "renewal-documents"
    assert renewal.say("贵不").faq_id == "renewal-fee"
    licence = Chat(rt.conversation, "licence")
    first = licence.say("we let a distributor use our brand, do we have to register that somewhere")
    assert first.faq_id == "licence-recordal"  # not the squatting entry sharing "register"
    letter = Chat(rt.conversation, "letter")
    said = "we received a letter saying we infringe someone's trademark, what should we do"
    assert letter.say(said).faq_id == "received-infringement-claim"
    address = Chat(rt.conversation, "address")
    assert address.say("商标证上的地址要改 咋弄").faq_id == "change-name-address"


def test_a_telling_facet_finds_its_entry_when_retrieval_ranks_it_low(rt: Runtime) -> None:
    appeal = Chat(rt.conversation, "appeal")
    assert appeal.say("异议结果出来了 不服咋整").faq_id == "opposition-outcome-appeal"
    assert appeal.say("期限几天").faq_id == "opposition-outcome-appeal"  # its own deadlines
    # Retrieval far surer of the entry whose own question it is keeps it over the map's.
    certificate = Chat(rt.conversation, "certificate")
    assert certificate.say("商标注册证多久能拿到").faq_id == "registration-certificate"


def test_the_ones_left_out_are_what_was_just_asked_about(chat: Chat) -> None:
    assert chat.say("what are the madrid supplementary fees").faq_id == (
        "madrid-supplementary-complementary"
    )
    assert chat.say("and the individual ones?").faq_id == "madrid-individual-fee"


def test_a_price_per_class_said_with_no_subject_is_not_the_renewal_fee(rt: Runtime) -> None:
    """ "一个类多少钱" after the class finder asks what filing costs; the renewal entry (whose
    alternates say 一个类) was answered directly at 90. After a renewal answer it is renewal."""
    tea = Chat(rt.conversation, "tea")
    assert tea.say("我们是做奶茶的 商标应该注册哪些类").intent == "tool"
    assert tea.say("一个类多少钱").faq_id == "filing-fee"
    assert Chat(rt.conversation, "fresh").say("一个类多少钱").faq_id != "renewal-fee"
    renewing = Chat(rt.conversation, "renewing")
    assert renewing.say("续展窗口期是什么时候").faq_id == "renewal-window"
    assert renewing.say("一个类多少钱").faq_id == "renewal-fee"
    assert Chat(rt.conversation, "synonym").say("商标延期费用").faq_id == "renewal-fee"


def test_the_opposed_party_gets_the_reply_deadline_not_how_to_oppose(rt: Runtime) -> None:
    opposed = Chat(rt.conversation, "opposed")
    assert opposed.say("收到商标异议通知书了").faq_id == "opposition-decision-time"
    en = Chat(rt.conversation, "opposed-en")
    assert en.say("we received an opposition notice").faq_id == "opposition-decision-time"
    assert Chat(rt.conversation, "opposer").say("商标异议咋提").faq_id == "opposition-how"


def test_what_filing_needs_is_not_what_a_change_of_name_needs(rt: Runtime) -> None:
    """ "商标注册要啥材料" shares every word but one with the change entry's "商标变更需要什么
    材料" (answered at 71 before); naming the change still gets the change."""
    assert Chat(rt.conversation, "docs").say("商标注册要啥材料").faq_id == "required-documents"
    assert Chat(rt.conversation, "rename").say("注册商标改名要啥材料").faq_id == (
        "change-name-address"
    )
    assert Chat(rt.conversation, "fee").say("注册商标转让要多少钱").faq_id == "assignment-fee"


def test_a_place_name_question_is_about_place_names(rt: Runtime) -> None:
    en = Chat(rt.conversation, "tea")
    asked = "our county makes famous tea, can we protect the region name as a trademark"
    assert en.say(asked).faq_id == "place-name-marks"  # refused before
    county = Chat(rt.conversation, "county").say("用县名当商标行不行")
    assert county.faq_id != "distinctiveness-art11"  # answered so, directly, at 73 before


def test_a_shop_that_sold_fakes_unknowingly_gets_the_innocent_seller_entry(rt: Runtime) -> None:
    """Shops are named every way (超市, 网店, shop) and goods bought in (进的货): the glossary's
    groups carry them to the innocent seller's entry (refused before)."""
    for n, asked in enumerate(
        [
            "我们是小超市 进的货被说是假冒的 要赔钱吗",
            "网店卖了假货 但我们不知道 要赔吗",
            "we are a small shop and sold fake goods without knowing, do we pay damages",
        ]
    ):
        assert Chat(rt.conversation, f"shop{n}").say(asked).faq_id == "innocent-seller", asked


def test_a_competitor_registering_our_brand_is_squatting_and_cancelling_it_invalidation(
    chat: Chat,
) -> None:
    first = chat.say("a competitor registered our brand 3 years ago, can we still cancel it")
    assert first.faq_id == "prior-rights-squatting"  # a suggestion of non-use before
    then = chat.say("and if it's cancelled, what happens to licences they signed")
    assert then.faq_id == "invalidation-effect"  # the bad-faith entry, directly, before
