"""Fee table and estimators; every total is worked out by hand in the test."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from knowledge.tools._data import ToolDataError
from knowledge.tools.fees import estimate_national, load_fee_table, renewal_fee
from knowledge.tools.madrid import estimate_madrid, find_parties, resolve_party


def test_cnipa_table_has_every_row_of_the_fact_sheet() -> None:
    t = load_fee_table()
    expected = {  # fact sheet §7: (paper, online)
        "application": (300, 270),
        "extra_item": (30, 27),
        "collective_certification": (1500, 1350),
        "certificate_replacement": (500, 450),
        "assignment": (500, 450),
        "renewal": (500, 450),
        "renewal_late": (250, 225),
        "review": (750, 675),
        "change": (150, 0),
        "certificate_of_proof": (50, 45),
        "opposition": (500, 450),
        "cancellation": (500, 450),
        "licence_recordal": (150, 135),
    }
    assert {k: (v.paper, v.online) for k, v in t.items.items()} == expected
    assert t.effective == dt.date(2019, 7, 1)
    assert t.as_of == dt.date(2026, 11, 25)
    assert all(s.startswith("https://") for s in t.sources)


@pytest.mark.parametrize(
    ("classes", "online", "total"),
    [
        ([10], True, 270),  # one class, 10 items included
        ([10], False, 300),
        ([12], True, 270 + 2 * 27),  # 2 items beyond 10 = 324
        ([12], False, 300 + 2 * 30),  # = 360
        ([10, 10, 10], True, 3 * 270),  # = 810
        ([5, 15], False, 300 + (300 + 5 * 30)),  # = 750
        ([1, 11, 20], True, 270 + (270 + 1 * 27) + (270 + 10 * 27)),  # = 1107
    ],
)
def test_estimate_national(classes: list[int], online: bool, total: int) -> None:
    e = estimate_national(classes, online)
    assert e.total == total
    assert sum(ln.amount for ln in e.lines) == total
    assert e.classes == len(classes)
    assert "2019-07-01" in e.explain("zh") and "CNY" in e.explain("en")


def test_estimate_national_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        estimate_national([])
    with pytest.raises(ValueError):
        estimate_national([0])


@pytest.mark.parametrize(
    ("classes", "late", "online", "paper"),
    [
        (1, False, 450, 500),
        (2, False, 900, 1000),
        (1, True, 450 + 225, 500 + 250),
        (3, True, 3 * 675, 3 * 750),
    ],
)
def test_renewal_fee(classes: int, late: bool, online: int, paper: int) -> None:
    f = renewal_fee(classes, late)
    assert (f.online_total, f.paper_total) == (online, paper)


def test_admin_can_change_a_fee_without_code(tmp_path: Path) -> None:
    text = load_fee_table().source_file
    body = (
        Path(text)
        .read_text(encoding="utf-8")
        .replace(
            "paper: 500\n      online: 450\n      unit: per_class\n      unit_verified: false\n      status: V2\n    renewal_late",
            "paper: 600\n      online: 550\n      unit: per_class\n      unit_verified: false\n      status: V2\n    renewal_late",
        )
    )
    custom = tmp_path / "fees.yaml"
    custom.write_text(body, encoding="utf-8")
    assert renewal_fee(1, table=load_fee_table(custom)).online_total == 550


def test_malformed_fee_file_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("cnipa: {}\n", encoding="utf-8")
    with pytest.raises(ToolDataError, match=r"broken\.yaml"):
        load_fee_table(bad)


# --- Madrid -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("美国", "US"),
        ("US", "US"),
        ("us", "US"),
        ("USA", "US"),
        ("United States", "US"),
        ("the United States of America", "US"),
        ("欧盟", "EU"),
        ("EU", "EU"),
        ("European Union", "EU"),
        ("日本", "JP"),
        ("JP", "JP"),
        ("英国", "GB"),
        ("UK", "GB"),
        ("韩国", "KR"),
        ("South Korea", "KR"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("越南", "VN"),
        ("Viet Nam", "VN"),
        ("NO", "NO"),
        ("Norway", "NO"),
        ("香港", "HK"),
        ("Atlantis", None),
    ],
)
def test_resolve_party(name: str, code: str | None) -> None:
    assert resolve_party(name) == code


def test_at_least_twenty_parties_each_marked_unverified_with_as_of() -> None:
    parties = load_fee_table().madrid["parties"]
    wanted = {
        "US",
        "EU",
        "GB",
        "JP",
        "KR",
        "AU",
        "SG",
        "IN",
        "RU",
        "CH",
        "VN",
        "MX",
        "CA",
        "TR",
        "NO",
        "NZ",
        "PH",
        "ID",
        "TH",
        "BR",
    }
    assert wanted <= set(parties)
    for code, p in parties.items():
        assert p["verified"] is False, code
        assert p["as_of"], code
        assert p["basis"], code


def test_madrid_us_eu_jp_three_classes_black_and_white() -> None:
    e = estimate_madrid(["美国", "欧盟", "日本"], classes=3, colour=False, cny_rate=8.0)
    # basic 653
    # US  530 per class × 3                 = 1590
    # EU  897 + 55 (2nd) + 164 (3rd)        = 1116
    # JP  300 (1st, both parts) + 2 × 281   = 862
    # no supplementary fee: every party takes an individual fee
    expected = 653 + 1590 + 1116 + 862  # = 4221
    assert e.total_chf == expected
    assert e.total_cny == expected * 8.0  # = 33768.0
    assert [ln.amount for ln in e.lines] == [653, 1590, 1116, 862]
    assert e.indicative
    assert "madrid.wipo.int/feecalcapp" in e.explain("zh")
    assert "Indicative" in e.explain("en")


def test_madrid_supplementary_fee_only_with_a_complementary_party() -> None:
    e = estimate_madrid(["DE", "CH"], classes=5, colour=True, cny_rate=7.9)
    # basic colour 903
    # supplementary: 2 classes beyond 3 × 100 = 200 (Germany takes no individual fee)
    # DE complementary 100
    # CH 400 for 3 classes + 2 × 50 = 500
    expected = 903 + 200 + 100 + 500  # = 1703
    assert e.total_chf == expected
    assert e.total_cny == round(expected * 7.9, 2)  # = 13453.7
    only_individual = estimate_madrid(["CH"], classes=5, cny_rate=7.9)
    assert only_individual.total_chf == 653 + 500  # no supplementary fee


def test_madrid_reports_unknown_and_excluded_names() -> None:
    e = estimate_madrid(["US", "Narnia", "香港", "中国", "美国"], classes=1, cny_rate=7.9)
    assert e.parties == ("US",)  # duplicates collapse
    assert e.unknown == ("Narnia",)
    assert [x[0] for x in e.excluded] == ["香港", "中国"]
    # An unknown name never produces a total: it would silently leave a country out.
    assert not e.complete
    assert "合计：" not in e.explain("zh") and "Total:" not in e.explain("en")
    assert "未能识别：Narnia" in e.explain("zh") and "not a Madrid member" in e.explain("en")
    assert "香港不是马德里体系成员" in e.explain("zh")
    assert "office of origin" in e.explain("en")


def test_madrid_rejects_bad_numbers() -> None:
    with pytest.raises(ValueError):
        estimate_madrid(["US"], classes=0, cny_rate=8.9)
    with pytest.raises(ValueError):
        estimate_madrid(["US"], classes=1, cny_rate=0)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("我想通过马德里指定美国、欧盟和日本，要多少钱？", ["US", "EU", "JP"]),
        ("Madrid filing to the US, EU and Japan, how much?", ["US", "EU", "JP"]),
        ("designate the United Kingdom and South Korea", ["GB", "KR"]),
        ("please help us with the fees", []),  # 'us' is not the USA
        ("香港和新加坡", ["HK", "SG"]),
    ],
)
def test_find_parties(text: str, codes: list[str]) -> None:
    found = find_parties(text)
    assert [p.code for p in found] == codes
    assert all(p.member == (p.code != "HK") for p in found)


def test_madrid_has_no_rate_of_its_own() -> None:
    # The settings' chf_cny_rate is the one default; the tool must be given a rate.
    with pytest.raises(TypeError):
        estimate_madrid(["US"], classes=1)  # type: ignore[call-arg]


def test_japan_individual_fee_is_one_part_and_unverified() -> None:
    e = estimate_madrid(["日本"], classes=2, cny_rate=8.9)
    jp = e.lines[-1]
    # One part since 2023-04-01: no "second part paid later"; the amount is unverified, undated.
    assert "第二部分" not in e.explain("zh") and "second part" not in e.explain("en")
    assert jp.note("zh") == "金额未经核实" and jp.note("en") == "unverified"
    assert "截至 20" not in jp.note("zh")


def test_china_individual_fee_from_the_wipo_table() -> None:
    from knowledge.tools.madrid import _parties

    cn = _parties(load_fee_table().madrid)["CN"]
    assert (cn.base, cn.additional, cn.official_table) == (249, (125,), "2025-11-23")
    assert cn.fee(3) == 249 + 2 * 125
    e = estimate_madrid(["Australia"], classes=1, cny_rate=8.9)
    assert "WIPO 单独规费表（2025-11-23 更新）" in e.explain("zh")
