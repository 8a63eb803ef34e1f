"""Masking of phone numbers, e-mail addresses and ID numbers in free text."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from knowledge.lint import lint_corpus
from knowledge.pii import find_pii, has_pii, mask_pii
from knowledge.schema import FaqEntry


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("电话 138 1234 5678", "电话 138****5678"),
        ("+86-138-1234-5678 call me", "138****5678 call me"),
        ("mail Li.Na@example.com now", "mail L***@example.com now"),
        ("身份证110101199003071234", "身份证[ID]"),
        ("座机010-12345678", "座机010****5678"),
    ],
)
def test_contacts_are_masked(text: str, masked: str) -> None:
    assert mask_pii(text) == masked
    assert has_pii(text) and has_pii(masked)  # a masked one is refused as FAQ text too


@pytest.mark.parametrize(
    "text",
    ["续展要交多少钱", "2016年3月7日注册的商标", "第12345678号商标", "3个类 450元", "2016-03-07"],
)
def test_trademark_questions_are_left_alone(text: str) -> None:
    assert mask_pii(text) == text and not has_pii(text)


def test_find_returns_each_value_once_normalised() -> None:
    found = find_pii("138-1234-5678 或 a@b.cn，证件110101199003071234")
    assert found == ["a@b.cn", "110101199003071234", "13812345678"]


def test_an_entry_cannot_carry_a_users_contact_in_its_phrasings(tmp_path: Path) -> None:
    base = {
        "id": "transfer-who",
        "question": {"zh": "商标转让找谁办？", "en": "Who handles a transfer?"},
        "alternates": {"zh": ["转让找谁"], "en": ["transfer office"]},
        "answer": {"zh": "向商标局申请。", "en": "Apply to the Trademark Office."},
    }
    FaqEntry.model_validate(base)
    bad = {**base, "alternates": {"zh": ["转让找谁 我电话13812345678"], "en": ["x"]}}
    with pytest.raises(
        ValidationError, match=r"phone number, e-mail or ID number.*138\*\*\*\*5678"
    ):
        FaqEntry.model_validate(bad)
    (tmp_path / "t.yaml").write_text(yaml.safe_dump({"entries": [bad]}, allow_unicode=True))
    findings = lint_corpus(tmp_path)
    assert any("phone number, e-mail or ID number" in f.message for f in findings)
