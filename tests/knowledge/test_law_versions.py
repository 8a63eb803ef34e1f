"""Law versions: every citation names its text; from 2027-01-01 the notice; sources users trust."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.core.settings import BUNDLED_CORPUS, Settings
from bot.faq.answer import answer_text
from handlers.cli.app import app
from knowledge.index import FaqIndex
from knowledge.laws import LAW_NOTICE, load_laws
from knowledge.lint import LintConfig, lint_corpus
from knowledge.loader import load_corpus
from knowledge.schema import FaqEntry
from knowledge.sources import is_code_hosting, official_link

D = dt.date
runner = CliRunner()
NEW_LAW = D(2027, 1, 1)


@pytest.fixture(scope="module")
def corpus() -> list[FaqEntry]:
    return load_corpus(BUNDLED_CORPUS)


@pytest.fixture(scope="module")
def by_id(corpus: list[FaqEntry]) -> dict[str, FaqEntry]:
    return {e.id: e for e in corpus}


def test_the_notice_is_appended_from_2027_only(by_id: dict[str, FaqEntry]) -> None:
    entry = by_id["infringement-acts"]  # rests on the 2019 law, no 2027 counterpart
    assert entry.laws == ["trademark-law-2019", "regulations-2014"]
    settings = Settings()
    assert LAW_NOTICE["zh"] not in answer_text(entry, "zh", D(2026, 12, 31), settings)
    zh = answer_text(entry, "zh", NEW_LAW, settings)
    assert "本答复依据修订前的商标法；新法自2027年1月1日起施行，具体以新法和商标局公告为准" in zh
    assert LAW_NOTICE["en"] in answer_text(entry, "en", D(2027, 3, 1), settings)


def test_a_2027_counterpart_carries_no_notice(by_id: dict[str, FaqEntry]) -> None:
    entry = by_id["opposition-period-2027"]
    assert entry.laws == ["trademark-law-2027"]
    assert LAW_NOTICE["zh"] not in answer_text(entry, "zh", NEW_LAW, Settings())


@pytest.mark.parametrize(
    "entry_id",
    [
        "opposition-period",  # the 3-month opposition period
        "opposition-how",
        "opposition-decision-time",  # pendency
        "typical-pendency",
        "examination-time-limit",
        "opposition-outcome-appeal",  # appeal routes
        "rejection-review-deadline",
        "invalidation-effect",
    ],
)
def test_period_pendency_and_appeal_entries_have_a_counterpart_or_the_notice(
    corpus: list[FaqEntry], entry_id: str
) -> None:
    served = FaqIndex(corpus).resolve(entry_id, NEW_LAW)
    assert served is not None
    counterpart = served.valid_from is not None and served.valid_from >= NEW_LAW
    assert counterpart or LAW_NOTICE["zh"] in answer_text(served, "zh", NEW_LAW, Settings())


def test_corpus_check_lists_the_entries_on_2027_01_01() -> None:
    result = runner.invoke(app, ["corpus", "check", str(BUNDLED_CORPUS), "--today", "2027-01-01"])
    assert result.exit_code == 0, result.output
    listed = re.findall(r": (\S+): warning: on 2027-01-01 rests on Trademark Law", result.output)
    assert "infringement-acts" in listed and "opposition-period" not in listed
    assert "opposition-period-2027" not in listed
    today = runner.invoke(app, ["corpus", "check", str(BUNDLED_CORPUS), "--today", "2026-12-04"])
    assert "rests on" not in today.output


def test_every_statute_cited_is_named_with_its_version(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    shutil.copytree(BUNDLED_CORPUS, folder)
    path = folder / "enforcement.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("    laws: [customs-ipr-2018]\n", "    laws: []\n", 1)
    text = text.replace("《商标法》（2019年修正）第57条", "《商标法》第57条", 1)
    text = text.replace("    laws: [trademark-law-2019]\n", "    laws: [trademark-law-1982]\n", 1)
    text = text.replace(
        "可以继续问“被侵权了怎么维权”",
        "详见 github.com 上的法规镜像；可以继续问“被侵权了怎么维权”",
        1,
    )
    path.write_text(text, encoding="utf-8")
    errors = [
        f for f in lint_corpus(folder, LintConfig(today=D(2026, 12, 4))) if f.level == "error"
    ]
    messages = " | ".join(f.message for f in errors)
    assert "cites the customs but `laws` names no version of it" in messages
    assert "'trademark-law-1982' is not in knowledge/data/laws.yaml" in messages
    assert "names a code-hosting site" in messages
    assert "answer.zh cites the trademark-law without naming its version" in messages


def test_no_user_visible_answer_names_a_code_hosting_site(corpus: list[FaqEntry]) -> None:
    settings = Settings()
    for entry in corpus:
        assert official_link(entry) is None or not is_code_hosting(official_link(entry) or "")
        for lang in ("zh", "en"):
            for day in (D(2026, 12, 4), NEW_LAW):
                text = answer_text(entry, lang, day, settings).lower()
                for host in ("github", "gitlab", "gitee", "bitbucket"):
                    assert host not in text, (entry.id, lang, host)


def test_answers_show_official_sources_by_name(by_id: dict[str, FaqEntry]) -> None:
    settings = Settings()
    zh = answer_text(by_id["infringement-remedies"], "zh", D(2026, 12, 4), settings)
    assert "依据：《商标法》（2019年修正）" in zh and "官方来源：https://www.cnipa.gov.cn/" in zh
    fee = answer_text(by_id["filing-fee"], "zh", D(2026, 12, 4), settings)
    assert "商标局《商标注册申请收费标准》" in fee
    madrid = answer_text(by_id["madrid-basic-fee"], "zh", D(2026, 12, 4), settings)
    assert "WIPO 马德里费用表" in madrid and "wipo.int" in madrid
    customs = answer_text(by_id["customs-detention"], "en", D(2026, 12, 4), settings)
    assert "Regulations on Customs Protection of IPR (2018 revision)" in customs
    assert "customs.gov.cn" in customs


def test_law_texts_link_official_pages_only() -> None:
    for text in load_laws().values():
        assert re.match(
            r"https://(flk\.npc\.gov\.cn|www\.cnipa\.gov\.cn|sbj\.cnipa\.gov\.cn|www\.wipo\.int)/",
            text.link,
        )
