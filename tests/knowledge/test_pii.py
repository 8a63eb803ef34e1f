"""Masking of phone numbers, e-mail addresses and ID numbers in free text."""

from __future__ import annotations

import pytest

from knowledge.pii import find_pii, has_pii, mask_pii


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
