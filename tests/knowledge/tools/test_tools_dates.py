"""Date parsing: every accepted form, sentences, and the ambiguous or impossible ones."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from knowledge.tools import dates
from knowledge.tools.dates import Ambiguous, Invalid, ParsedDate, find_dates, parse_date

TODAY = dt.date(2026, 11, 25)
D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016-03-07", D(2016, 3, 7)),
        ("2016/3/7", D(2016, 3, 7)),
        ("2016.3.7", D(2016, 3, 7)),
        ("2016 - 03 - 07", D(2016, 3, 7)),
        ("20160307", D(2016, 3, 7)),
        ("2016年3月7日", D(2016, 3, 7)),
        ("2016 年 3 月 7 日", D(2016, 3, 7)),
        ("2016年03月07号", D(2016, 3, 7)),
        ("16年3月7日", D(2016, 3, 7)),
        ("二〇一六年三月七日", D(2016, 3, 7)),
        ("二〇一六年十二月三十一日", D(2016, 12, 31)),
        ("２０１６年３月７日", D(2016, 3, 7)),  # full-width digits
        ("２０１６－０３－０７", D(2016, 3, 7)),
        ("March 7 2016", D(2016, 3, 7)),
        ("March 7, 2016", D(2016, 3, 7)),
        ("march 7th, 2016", D(2016, 3, 7)),
        ("Mar 7, 2016", D(2016, 3, 7)),
        ("Mar. 7 2016", D(2016, 3, 7)),
        ("7 Mar 2016", D(2016, 3, 7)),
        ("7 March 2016", D(2016, 3, 7)),
        ("7th of March, 2016", D(2016, 3, 7)),
        ("7-Mar-2016", D(2016, 3, 7)),
        ("Sept 30 2020", D(2020, 9, 30)),
        ("13/03/2016", D(2016, 3, 13)),  # only D/M/Y is a real date
        ("03/13/2016", D(2016, 3, 13)),  # only M/D/Y is a real date
        ("5/5/2016", D(2016, 5, 5)),  # both orders give the same day
        ("16/3/7", D(2016, 3, 7)),  # a one-digit last part cannot be a year: only Y/M/D
        ("2016-02-29", D(2016, 2, 29)),  # leap year
        ("2000年2月29日", D(2000, 2, 29)),  # 2000 is a leap year (divisible by 400)
        ("今天", TODAY),
        ("yesterday", D(2026, 11, 24)),
    ],
)
def test_parses_every_form(text: str, expected: dt.date) -> None:
    result = parse_date(text, TODAY)
    assert isinstance(result, ParsedDate), result
    assert result.value == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("我的商标是2016年3月7日核准注册的，什么时候续展？", D(2016, 3, 7)),
        ("我的商标是16年3月7日核准注册的", D(2016, 3, 7)),
        ("My mark was registered on 7 Mar 2016, when do I renew?", D(2016, 3, 7)),
        ("registered March 7, 2016 in class 30", D(2016, 3, 7)),
        ("注册号12345678，2016-03-07注册", D(2016, 3, 7)),
        ("驳回通知书是今天收到的", TODAY),
    ],
)
def test_finds_date_inside_sentence(sentence: str, expected: dt.date) -> None:
    result = parse_date(sentence, TODAY)
    assert isinstance(result, ParsedDate)
    assert result.value == expected


def test_find_dates_returns_all_in_order() -> None:
    found = find_dates("2016年3月7日注册，有效期至2026-03-06", TODAY)
    assert [r.value for r in found if isinstance(r, ParsedDate)] == [D(2016, 3, 7), D(2026, 3, 6)]


def test_registration_number_is_not_a_date() -> None:
    assert isinstance(parse_date("注册号 12345678", TODAY), Invalid)
    assert parse_date("注册号 12345678", TODAY).reason == "not_found"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "candidates"),
    [
        ("03/07/2016", (D(2016, 3, 7), D(2016, 7, 3))),
        ("7/3/16", (D(2016, 3, 7), D(2016, 7, 3))),
        ("16/03/07", (D(2007, 3, 16), D(2016, 3, 7))),
        ("07.03.2016", (D(2016, 3, 7), D(2016, 7, 3))),
    ],
)
def test_day_month_order_is_asked_not_guessed(text: str, candidates: tuple[dt.date, ...]) -> None:
    result = parse_date(text, TODAY)
    assert isinstance(result, Ambiguous)
    assert result.reason == "day_month_order"
    assert result.candidates == candidates
    assert "2016-03-07" in result.question("zh") or "2016年3月7日" in result.question("zh")
    assert "YYYY-MM-DD" in result.question("en")


def test_missing_year_is_asked() -> None:
    result = parse_date("3月7日注册的", TODAY)
    assert isinstance(result, Ambiguous)
    assert result.reason == "missing_year"
    assert result.candidates == (D(2026, 3, 7), D(2025, 3, 7))
    assert "哪一年" in result.question("zh")


@pytest.mark.parametrize("text", ["received on 30 november", "November 30th", "30 Nov.", "nov 30"])
def test_an_english_date_without_its_year_is_asked(text: str) -> None:
    result = parse_date(text, TODAY)
    assert isinstance(result, Ambiguous) and result.reason == "missing_year"
    assert result.candidates == (D(2026, 11, 30), D(2025, 11, 30))


def test_may_without_a_year_is_not_a_date() -> None:
    assert find_dates("we may 2 classes", TODAY) == []
    assert find_dates("may 2 2016", TODAY)[0] == ParsedDate(D(2016, 5, 2), "may 2 2016", 0, 10)


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2016年3月注册的", (2016, 3)),
        ("registered in march 2016", (2016, 3)),  # before: no date found at all
        ("expires Aug. 2027", (2027, 8)),
        ("we registered it in may 2017", (2017, 5)),  # with a year, "may" is the month
    ],
)
def test_missing_day_is_asked(text: str, month: tuple[int, int]) -> None:
    result = parse_date(text, TODAY)
    assert isinstance(result, Ambiguous)
    assert result.reason == "missing_day"
    assert dates.year_month(result.text) == month


def test_a_month_with_its_day_is_still_a_date() -> None:
    assert parse_date("registered on march 7 2016", TODAY) == ParsedDate(
        D(2016, 3, 7), "march 7 2016", 14, 26
    )
    assert isinstance(parse_date("7 march 2016", TODAY), ParsedDate)


@pytest.mark.parametrize(
    ("text", "detail_part"),
    [
        ("2015-02-29", "not a leap year"),
        ("2015年2月29日", "not a leap year"),
        ("1900-02-29", "not a leap year"),  # century not divisible by 400
        ("2016-13-01", "month 13"),
        ("2016-04-31", "30 days"),
        ("31 April 2016", "30 days"),
        ("February 30, 2016", "29 days"),
        ("31/04/2016", "30 days"),
    ],
)
def test_impossible_dates_are_invalid(text: str, detail_part: str) -> None:
    result = parse_date(text, TODAY)
    assert isinstance(result, Invalid)
    assert result.reason == "impossible"
    assert detail_part in result.detail
    assert "不是一个存在的日期" in result.question("zh")


def test_out_of_range_year() -> None:
    result = parse_date("1066-10-14", TODAY)
    assert isinstance(result, Invalid)
    assert result.reason == "out_of_range"


def test_nothing_found() -> None:
    result = parse_date("续展要多少钱？", TODAY)
    assert isinstance(result, Invalid)
    assert result.reason == "not_found"
    assert "2016-03-07" in result.question("en")


@pytest.mark.parametrize(
    ("text", "year"),
    [("16年3月7日", 2016), ("36年3月7日", 2036), ("37年3月7日", 1937), ("99年1月2日", 1999)],
)
def test_two_digit_year_window(text: str, year: int) -> None:
    # Two-digit years up to ten years ahead of today are this century; later ones the last.
    result = parse_date(text, TODAY)
    if year < 1950:
        assert isinstance(result, Invalid)
        assert result.reason == "out_of_range"
    else:
        assert isinstance(result, ParsedDate)
        assert result.value.year == year


def test_a_slashed_month_and_day_is_read_only_when_its_order_is_clear() -> None:
    today = dt.date(2026, 12, 7)
    (found,) = find_dates("our tm expired 10/30, still can renew?", today)
    assert isinstance(found, Ambiguous) and found.reason == "missing_year"
    assert found.candidates == (dt.date(2026, 10, 30), dt.date(2025, 10, 30))
    # Both numbers could be the month: nothing is guessed; nor are fractions or ratios.
    for text in ("10/12", "1/2 classes", "50/50", "2/3 of the goods"):
        assert find_dates(text, today) == [], text


def test_a_year_said_in_words_settles_a_missing_year() -> None:
    today = dt.date(2026, 12, 7)
    cases = {
        "our tm expired 10/30 this year": dt.date(2026, 10, 30),
        "商标今年10月30号到期": dt.date(2026, 10, 30),
        "去年3月5号注册的": dt.date(2025, 3, 5),
        "it expires Oct 30 next year": dt.date(2027, 10, 30),
    }
    for text, expected in cases.items():
        (found,) = find_dates(text, today)
        assert isinstance(found, ParsedDate) and found.value == expected, text


def test_every_rule_but_the_relative_words_needs_a_digit() -> None:
    """`find_dates` reads a message without a digit with the relative words alone."""
    tuned = Path(__file__).resolve().parents[2] / "data" / "dialogs" / "tuned.yaml"
    said = [
        t["say"]
        for c in yaml.safe_load(tuned.read_text(encoding="utf-8"))["conversations"]
        for t in c["turns"]
    ]
    texts = ["march fifth", "the first of may", "nov 30th", "三月五号", "去年三月", "today", "昨天"]
    for text in [*texts, *(re.sub(r"\d", "", s) for s in said)]:
        norm = dates._normalise(text)
        if dates._DIGIT.search(norm):
            continue  # a Chinese numeral before 年月日号 reads as a digit
        assert not [p.pattern for p, _ in dates._RULES[:-1] if p.search(norm)], text
    assert dates._WORD_RULES[0][1] is dates._rule_relative
    assert find_dates("今天交的", dt.date(2026, 12, 7))[0].value == dt.date(2026, 12, 7)
