"""The audit's "wrong today" and "stated as certain" findings stay fixed (issue 13)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.settings import BUNDLED_CORPUS, Settings
from bot.faq.answer import answer_text
from knowledge.figures import render_answer
from knowledge.loader import load_corpus
from knowledge.schema import FaqEntry
from knowledge.tools.deadlines import renewal_status
from knowledge.tools.fees import load_fee_table
from knowledge.tools.procedural import rejection_review_deadline

TODAY = dt.date(2026, 12, 4)


@pytest.fixture(scope="module")
def corpus() -> dict[str, FaqEntry]:
    return {e.id: e for e in load_corpus(BUNDLED_CORPUS)}


def _both(e: FaqEntry) -> tuple[str, str]:
    return e.answer.zh, e.answer.en


def test_infringement_fine_is_discretionary(corpus: dict[str, FaqEntry]) -> None:
    zh, en = _both(corpus["infringement-remedies"])
    assert "并处罚款" not in zh and "可以处以罚款" in zh and "第60条" in zh
    assert "may impose a fine" in en and "discretionary" in en
    assert "trademark-law-2019" in corpus["infringement-remedies"].laws


def test_customs_shall_release(corpus: dict[str, FaqEntry]) -> None:
    zh, en = _both(corpus["customs-detention"])
    assert "可能被放行" not in zh and "海关不得扣留货物，应当放行" in zh
    assert "may be released" not in en and "must release them" in en
    assert corpus["customs-detention"].laws == ["customs-ipr-2018"]


def test_agency_rule_only_without_residence_or_business_place(
    corpus: dict[str, FaqEntry],
) -> None:
    zh, en = _both(corpus["filing-language"])
    assert "外国申请人须通过" not in zh
    assert "在中国没有经常居所或者营业所的外国人或者外国企业" in zh and "实施条例第5条" in zh
    assert "without a habitual residence or business place in China" in en


def test_deemed_receipt_exception_is_entry_into_the_electronic_system(
    corpus: dict[str, FaqEntry],
) -> None:
    zh, en = _both(corpus["office-action-amend"])
    assert "更早收到" not in zh and "能够证明文件进入其电子系统日期的除外" in zh
    assert "earlier receipt" not in en and "entered your electronic system" in en
    # The deadline tool says the same for an electronic notice, and "actual receipt" by mail.
    e = rejection_review_deadline(today=TODAY, sent=dt.date(2026, 12, 1))
    assert "电子系统" in e.explain("zh") and "electronic system" in e.explain("en")
    assert "更早收到" not in e.explain("zh") and "arrived earlier" not in e.explain("en")
    mail = rejection_review_deadline(today=TODAY, sent=dt.date(2026, 12, 1), electronic=False)
    assert "实际收到日" in mail.explain("zh") and "electronic system" not in mail.explain("en")


def test_collective_fee_unit_agrees_with_the_fee_table(corpus: dict[str, FaqEntry]) -> None:
    item = load_fee_table().item("collective_certification")
    assert (item.unit, item.unit_verified) == ("per_class", False)
    zh, en = _both(corpus["collective-certification-marks"])
    # The amount is rendered from the fee table, so answer and table cannot disagree.
    assert "每类{{fee:collective_certification.paper}}元" in zh
    zh = render_answer(zh, "zh")
    assert "每件" not in zh and f"每类{item.paper}元" in zh and "未经核实" in zh
    assert "per class" in en and "unverified" in en


def test_station_fees_come_from_the_settings(corpus: dict[str, FaqEntry]) -> None:
    settings = Settings(station_fees_zh="本站咨询不收费。", station_fees_en="Advice here is free.")
    for entry_id in ("station-what-is", "station-services", "self-filing-vs-agent-cost"):
        e = corpus[entry_id]
        assert "免费" not in e.answer.zh and "free" not in e.answer.en.replace("freely", "")
        assert "本站咨询不收费。" in answer_text(e, "zh", TODAY, settings)
        assert "Advice here is free." in answer_text(e, "en", TODAY, settings)
        assert "{{" not in answer_text(e, "zh", TODAY, Settings())


def test_unconfirmed_claims_are_hedged(corpus: dict[str, FaqEntry]) -> None:
    revision = corpus["law-revision-2027"]
    assert "第二十三次会议" not in revision.answer.zh and "23rd session" not in revision.answer.en
    changes = corpus["what-changes-2027"]
    assert "未经核实" in changes.answer.zh and "unverified" in changes.answer.en
    assert "据报道提高" not in changes.answer.zh
    damages = corpus["statutory-damages"]
    assert "再次提高上限" not in damages.answer.zh and "raise it again" not in damages.answer.en
    # The one-year bar of Art. 50 names no exception for the former owner.
    lost = renewal_status(today=TODAY, registration_date=dt.date(2010, 1, 4))
    assert "不受此限" not in lost.explain("zh") and "not barred" not in lost.explain("en")
    assert "没有为原注册人规定例外" in lost.explain("zh")


def test_no_entry_cites_the_unopened_cnipa_page(corpus: dict[str, FaqEntry]) -> None:
    unopened = "https://www.cnipa.gov.cn/art/2026/6/26/art_3685_206939.html"
    assert [e.id for e in corpus.values() if unopened in e.sources] == []
