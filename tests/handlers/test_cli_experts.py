"""`tmbot experts import|list`, expert files (YAML/CSV) with precise errors, the demo set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.booking.experts_io import DEMO_EXPERTS, read_experts
from bot.core.runtime import Runtime, build_runtime, prepare_database
from bot.core.settings import Settings
from handlers.cli.app import app
from storage.experts import AvailabilityException, Expert

# These tests start from an empty database, as a first `experts import` would.
pytestmark = pytest.mark.fresh_db

runner = CliRunner()

YAML = """
experts:
  - name: 周律师
    organisation: 某律所
    specialties: [renewal, madrid]
    languages: [zh, en]
    mode: phone
    availability:
      - wed 14:00-16:00 /30 +10
      - {weekday: fri, start: "09:00", end: "10:00"}
    exceptions:
      - {day: 2026-12-02, kind: leave}
"""
CSV = (
    "name,organisation,specialties,languages,mode,location,availability\n"
    "吴专家,某中心,brand_strategy;registration,zh,on_site,一楼,mon 09:00-11:00 /60\n"
    "郑专家,某中心,geographic_indications,zh;en,video,https://m.example.cn/z,tue 14:00-15:00\n"
)


@pytest.fixture
def env(cli_env: Settings) -> Settings:
    return cli_env


def _experts(url: str) -> list[Expert]:
    rt = build_runtime(Settings(database_url=url), migrate=False)
    with Session(rt.engine) as session:
        rows = list(session.exec(select(Expert)))
    rt.engine.dispose()
    return rows


def test_import_yaml_and_csv_then_list(env: Settings, tmp_path: Path) -> None:
    (tmp_path / "e.yaml").write_text(YAML, encoding="utf-8")
    (tmp_path / "e.csv").write_text(CSV, encoding="utf-8")
    result = runner.invoke(app, ["experts", "import", str(tmp_path / "e.yaml")])
    assert result.exit_code == 0, result.output
    assert "imported 1 experts" in result.output
    result = runner.invoke(app, ["experts", "import", str(tmp_path / "e.csv"), "--only"])
    assert result.exit_code == 0 and "imported 2 experts" in result.output
    assert "deactivated 1" in result.output  # 周律师 is not in the CSV
    runner.invoke(app, ["experts", "import", str(tmp_path / "e.csv")])  # again: updates, no copies
    listed = json.loads(runner.invoke(app, ["experts", "list", "--json"]).output)
    assert [(e["name"], e["active"]) for e in listed] == [
        ("周律师", False),
        ("吴专家", True),
        ("郑专家", True),
    ]
    assert listed[0]["availability"] == ["wed 14:00-16:00 /30 +10", "fri 09:00-10:00 /30 +0"]
    assert listed[1]["specialties"] == ["brand_strategy", "registration"]
    assert "吴专家" in runner.invoke(app, ["experts", "list"]).output


@pytest.mark.parametrize(
    ("text", "suffix", "message"),
    [
        (
            "name,specialties\n甲,renewal\n乙,patents\n",
            ".csv",
            "row 3 (乙): specialties: unknown specialty 'patents'",
        ),
        ("name,specialties,availability\n甲,renewal,tue 2pm\n", ".csv", "row 2 (甲): availability"),
        ("name,phone\n甲,1\n", ".csv", "unknown columns ['phone']"),
        (
            "experts:\n  - name: 甲\n    specialties: [renewal]\n    mode: video\n",
            ".yaml",
            "expert 1 (甲): a video expert needs the meeting link",
        ),
        ("experts: nope\n", ".yaml", "expected a mapping with an 'experts' list"),
        (
            "experts:\n  - {name: 甲, specialties: [renewal], exceptions: [{day: 2026-12-01, kind: extra}]}\n",
            ".yaml",
            "extra hours need start and end",
        ),
    ],
)
def test_bad_files_name_the_entry(
    env: Settings, tmp_path: Path, text: str, suffix: str, message: str
) -> None:
    path = tmp_path / f"bad{suffix}"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["experts", "import", str(path)])
    assert result.exit_code == 1
    assert message in result.output.replace("\n", " ")


def test_demo_set_loads_once_into_an_empty_database(runtime: Runtime) -> None:
    experts = _experts(runtime.settings.database_url)
    assert len(experts) == len(read_experts(DEMO_EXPERTS)) == 4
    covered = {s for e in experts for s in e.specialties}
    assert len(covered) == 8  # every topic can be booked
    prepare_database(runtime.settings, runtime.engine)  # a restart adds nothing
    assert len(_experts(runtime.settings.database_url)) == 4


def test_demo_set_can_be_turned_off(settings: Settings) -> None:
    settings.booking_demo_experts = False
    rt = build_runtime(settings)
    assert _experts(settings.database_url) == []
    rt.engine.dispose()


def test_exceptions_from_files_are_saved(env: Settings, tmp_path: Path) -> None:
    (tmp_path / "e.yaml").write_text(YAML, encoding="utf-8")
    runner.invoke(app, ["experts", "import", str(tmp_path / "e.yaml")])
    rt = build_runtime(Settings(database_url=env.database_url), migrate=False)
    with Session(rt.engine) as session:
        rows = list(session.exec(select(AvailabilityException)))
    rt.engine.dispose()
    assert [(r.day.isoformat(), r.kind) for r in rows] == [("2026-12-02", "leave")]
