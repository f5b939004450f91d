"""``fdclient stats``: the JSON object county scripts parse, the Chinese table, the statistics
date by default and who may see the figures."""

from __future__ import annotations

import gc
import json
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from helpers import builders
from helpers.indicator_township import AS_OF, build_township
from helpers.scene import TOWNSHIP_CODE
from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain.roles import Role
from fdclient.errors import PermissionDenied
from fdclient.models import Village
from fdclient.services.indicators.compute import (
    AreaIndicators,
    Indicator,
    IndicatorReport,
    TeamIndicators,
    compute_indicators,
)
from fdclient.services.indicators.forked import start_in_child
from fdclient.services.indicators.report import (
    JSON_FORMAT,
    display_width,
    format_percent,
    report_to_json,
    report_to_text,
)
from fdclient.services.indicators.summary import load_summary
from fdclient.store import Store
from fdclient.store.context import CONTEXT_KEY, context_of
from fdclient.text import set_language

REQUIRED = {
    "as_of",
    "households",
    "residents",
    "contracted_residents",
    "coverage",
    "key_population",
    "key_population_contracted",
    "key_population_coverage",
    "renewal_rate",
    "fulfilment_rate",
    "villages",
    "indicators",
    "township_code",
    "township_name",
    "hypertension",
    "diabetes",
    "teams",
}
VILLAGE_REQUIRED = {"code", "name", "residents", "contracted_residents", "coverage", "hypertension", "diabetes"}
INDICATOR_KEYS = {"key", "name", "formula", "numerator", "denominator", "value"}
#: Exactly the keys of the "hypertension" and "diabetes" objects.
CHRONIC_KEYS = {
    "patients",
    "managed",
    "standardised",
    "controlled",
    "management_rate",
    "standardisation_rate",
    "control_rate",
}


TEAM_ID, DOCTOR_ID = uuid.UUID(int=1), uuid.UUID(int=2)


def ind(key: str, name: str, num: int, den: int) -> Indicator:
    return Indicator(key, name, f"{name}的分子 ÷ 分母", num, den, num / den if den else None)


Pair = tuple[int, int]


def area(
    code: str,
    name: str,
    residents: int,
    contracted: int,
    *,
    kp: Pair = (0, 0),
    renewal: Pair = (0, 0),
    fulfil: Pair = (0, 0),
    satisfied: Pair = (0, 0),
    hypertension: tuple[int, int, int, int] = (0, 0, 0, 0),
) -> AreaIndicators:
    """The figures of one area; *hypertension* is (patients, managed, standardised,
    controlled), diabetes has none."""
    patients, managed, standardised, controlled = hypertension
    return AreaIndicators(
        code=code,
        name=name,
        residents=residents,
        households=residents // 2,
        contracted_residents=contracted,
        indicators=(
            ind("coverage", "签约覆盖率", contracted, residents),
            ind("key_population_coverage", "重点人群签约覆盖率", *kp),
            ind("renewal_rate", "续约率", *renewal),
            ind("fulfilment_rate", "履约率", *fulfil),
            ind("hypertension_managed", "高血压患者健康管理率", managed, patients),
            ind("hypertension_standardised", "高血压患者规范管理率", standardised, managed),
            ind("hypertension_controlled", "高血压管理人群血压控制率", controlled, managed),
            ind("diabetes_managed", "2型糖尿病患者健康管理率", 0, 0),
            ind("diabetes_standardised", "2型糖尿病患者规范管理率", 0, 0),
            ind("diabetes_controlled", "2型糖尿病管理人群血糖控制率", 0, 0),
            ind("satisfaction", "满意度", *satisfied),
        ),
    )


def sample_report() -> IndicatorReport:
    figures: dict[str, Any] = {"renewal": (1, 2), "fulfil": (1, 3), "satisfied": (2, 2), "hypertension": (3, 2, 1, 1)}
    east = area("360111101201", "东村", 6, 3, kp=(2, 3), **figures)
    west = area("360111101202", "西湖社区居委会", 2, 0, kp=(0, 1))
    south = area("360111101203", "南村", 0, 0)
    township = area("360111101", "罗家镇", 8, 3, kp=(2, 4), **figures)
    team = TeamIndicators(
        area(str(TEAM_ID), "第一团队", 3, 3, kp=(2, 2), **figures),
        (area(str(DOCTOR_ID), "李医生", 3, 3, kp=(2, 2), **figures),),
    )
    return IndicatorReport(as_of=date(2025, 6, 30), township=township, villages=(east, west, south), teams=(team,))


def test_json_has_the_keys_county_scripts_parse() -> None:
    data = report_to_json(sample_report())
    assert REQUIRED <= set(data)
    assert set(data) - REQUIRED == {"format"} and data["format"] == JSON_FORMAT
    assert data["as_of"] == "2025-06-30"
    assert (data["township_code"], data["township_name"]) == ("360111101", "罗家镇")
    assert (data["households"], data["residents"], data["contracted_residents"]) == (4, 8, 3)
    assert data["coverage"] == 0.375
    assert (data["key_population"], data["key_population_contracted"]) == (4, 2)
    assert data["key_population_coverage"] == 0.5
    assert data["renewal_rate"] == 0.5
    assert data["fulfilment_rate"] == 0.333333  # rounded to 6 places
    assert [i["key"] for i in data["indicators"]] == [
        "coverage",
        "key_population_coverage",
        "renewal_rate",
        "fulfilment_rate",
        "hypertension_managed",
        "hypertension_standardised",
        "hypertension_controlled",
        "diabetes_managed",
        "diabetes_standardised",
        "diabetes_controlled",
        "satisfaction",
    ]
    assert data["hypertension"] == {
        "patients": 3,
        "managed": 2,
        "standardised": 1,
        "controlled": 1,
        "management_rate": 0.666667,
        "standardisation_rate": 0.5,
        "control_rate": 0.5,
    }
    assert data["diabetes"] == dict.fromkeys(["patients", "managed", "standardised", "controlled"], 0) | dict.fromkeys(
        ["management_rate", "standardisation_rate", "control_rate"]
    )
    assert all(set(i) == INDICATOR_KEYS for i in data["indicators"])
    first = data["indicators"][0]
    assert (first["name"], first["numerator"], first["denominator"], first["value"]) == ("签约覆盖率", 3, 8, 0.375)
    assert "÷" in first["formula"]


def test_json_villages_and_nulls() -> None:
    data = report_to_json(sample_report())
    east, west, south = data["villages"]
    assert all(VILLAGE_REQUIRED <= set(v) for v in data["villages"])
    assert (east["code"], east["name"], east["residents"], east["contracted_residents"]) == (
        "360111101201",
        "东村",
        6,
        3,
    )
    assert east["coverage"] == 0.5 and west["coverage"] == 0.0
    # Zero denominators are null, never 0 and never NaN.
    assert south["coverage"] is None and west["renewal_rate"] is None
    assert all(i["value"] is None for i in south["indicators"])
    # Every rate anywhere is a fraction or null, and the object is plain JSON.
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    for scope in [data, *data["villages"]]:
        for key in ("coverage", "key_population_coverage", "renewal_rate", "fulfilment_rate"):
            assert scope[key] is None or 0.0 <= scope[key] <= 1.0
    assert json.loads(text) == data


def test_json_teams_are_shaped_like_villages() -> None:
    data = report_to_json(sample_report())
    (team,) = data["teams"]
    village_keys = set(data["villages"][0]) - {"code", "name"}
    assert set(team) == village_keys | {"team_id", "team_name", "doctors"}
    assert (team["team_id"], team["team_name"]) == (str(TEAM_ID), "第一团队")
    (doctor,) = team["doctors"]
    assert set(doctor) == village_keys | {"doctor_id", "doctor_name"}
    assert (doctor["doctor_id"], doctor["doctor_name"], doctor["contracted_residents"]) == (str(DOCTOR_ID), "李医生", 3)
    assert team["hypertension"]["control_rate"] == 0.5


def test_json_of_the_township_has_chronic_figures_at_every_level(store: Store) -> None:
    build_township(store)
    data = report_to_json(compute_indicators(store, AS_OF))
    assert data["hypertension"] == {
        "patients": 2,
        "managed": 2,
        "standardised": 1,
        "controlled": 1,
        "management_rate": 1.0,
        "standardisation_rate": 0.5,
        "control_rate": 0.5,
    }
    assert data["diabetes"] == {
        "patients": 2,
        "managed": 1,
        "standardised": 0,
        "controlled": 1,
        "management_rate": 0.5,
        "standardisation_rate": 0.0,
        "control_rate": 1.0,
    }
    assert [t["team_name"] for t in data["teams"]] == ["第一团队", "第二团队"]
    doctors = [d for t in data["teams"] for d in t["doctors"]]
    for scope in [data, *data["villages"], *data["teams"], *doctors]:
        assert set(scope["hypertension"]) == set(scope["diabetes"]) == CHRONIC_KEYS
        assert REQUIRED - {"as_of", "format", "township_code", "township_name", "villages", "teams"} <= set(scope)
    assert json.loads(json.dumps(data, ensure_ascii=False, allow_nan=False)) == data


def test_percent_and_width() -> None:
    assert format_percent(0.5) == "50.0%"
    assert format_percent(2 / 3) == "66.7%"
    assert format_percent(1.0) == "100.0%"
    assert format_percent(None) == "无"
    assert display_width("东村") == 4
    assert display_width("ab（c）") == 7  # full-width brackets take two columns
    assert display_width("50.0%") == 5


def test_text_table_shows_value_fraction_and_formula() -> None:
    text = report_to_text(sample_report())
    assert text.startswith("罗家镇（360111101）家庭医生签约服务考核指标\n统计日期：2025-06-30\n")
    line = next(line for line in text.splitlines() if line.startswith("签约覆盖率"))
    assert "37.5%" in line and "3/8" in line and "签约覆盖率的分子 ÷ 分母" in line
    fulfil = next(line for line in text.splitlines() if line.startswith("履约率"))
    assert "33.3%" in fulfil and "1/3" in fulfil


def test_text_village_table_is_aligned_for_cjk() -> None:
    lines = report_to_text(sample_report()).splitlines()
    start = lines.index("分村（居）情况") + 1
    table = lines[start : start + 5]  # header, three villages, total
    assert table[0].startswith("村（居）委会")
    assert table[-1].startswith("合计")
    assert "西湖社区居委会" in table[2]
    # Right-aligned columns end in the same display column on every row.
    widths = {display_width(row) for row in table}
    assert len(widths) == 1, table
    # The coverage column starts at the same display column in every row.
    offsets = set()
    for row in table[1:]:
        cell = "50.0%" if "东村" in row else ("0.0%" if "西湖" in row else ("无" if "南村" in row else "37.5%"))
        offsets.add(display_width(row[: row.index(cell) + len(cell)]))
    assert len(offsets) == 1, table


def test_indicator_table_columns_line_up() -> None:
    report = sample_report()
    lines = report_to_text(report).splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("指标"))
    rows = lines[header : header + 1 + len(report.township.indicators)]
    formulas = ["计算公式", *(i.formula_zh for i in report.township.indicators)]
    fractions = ["分子/分母", *(f"{i.numerator}/{i.denominator}" for i in report.township.indicators)]
    # Formulas start in one display column; "n/d" cells are right-aligned to one column.
    assert len({display_width(row[: row.index(f)]) for row, f in zip(rows, formulas, strict=False)}) == 1, rows
    assert len({display_width(row[: row.index(f) + len(f)]) for row, f in zip(rows, fractions, strict=False)}) == 1, (
        rows
    )


def test_text_shows_teams_doctors_and_chronic_disease_management() -> None:
    lines = report_to_text(sample_report()).splitlines()
    start = lines.index("分团队、家庭医生情况（按统计日有效协议的团队和医生；未签约居民只计入乡镇和村）") + 1
    header, team, doctor = lines[start : start + 3]
    assert header.startswith("团队／家庭医生") and team.startswith("第一团队") and doctor.startswith("  └ 李医生")
    assert "66.7%" not in team and "33.3%" in team  # fulfilment 1/3
    chronic = lines.index("高血压、2型糖尿病患者管理（公式见上表）") + 1
    table = lines[chronic : chronic + 7]  # header, township, three villages, team, doctor
    assert table[1].startswith("罗家镇") and table[-1].startswith("  └ 李医生")
    assert "66.7%" in table[1] and "无" in table[1]  # 健康管理率 2/3; no diabetes patients
    assert len({display_width(row) for row in table}) == 1, table


def test_empty_store_reports_nulls(store: Store) -> None:
    report = compute_indicators(store, date(2025, 6, 30))
    data = report_to_json(report)
    assert (data["residents"], data["households"], data["villages"], data["teams"]) == (0, 0, [], [])
    assert data["hypertension"]["patients"] == 0 and data["hypertension"]["control_rate"] is None
    assert all(data[k] is None for k in ("coverage", "key_population_coverage", "renewal_rate", "fulfilment_rate"))
    assert all(i["value"] is None for i in data["indicators"])
    text = report_to_text(report)
    assert "签约覆盖率" in text and "0/0" in text and "无" in text


def test_without_a_date_the_report_is_for_the_stores_today(store: Store) -> None:
    """``fdclient stats`` without ``--as-of``: today by the store's clock (the scene's
    2026-06-01), not the computer's."""
    assert report_to_json(compute_indicators(store))["as_of"] == builders.TODAY.isoformat()


# --- the second group of queries in a child process -------------------------------------

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks only on Linux")


def _villages_in(store: Store) -> int:
    with store.read() as session:
        return len(session.scalars(select(Village)).all())


def _fails() -> int:
    raise ValueError("the child's own failure")


@linux_only
def test_a_child_process_reads_the_store_and_answers(store: Store) -> None:
    build_township(store)
    child = start_in_child(store.engine, lambda: _villages_in(store))
    assert child is not None
    assert child.result() == 3 == _villages_in(store)  # the parent's store still works
    failing = start_in_child(store.engine, _fails)
    assert failing is not None
    with pytest.raises(ValueError, match="the child's own failure"):
        failing.result()
    abandoned = start_in_child(store.engine, lambda: _villages_in(store))
    assert abandoned is not None and not gc.isenabled()  # no collection beside a child
    abandoned.abandon()
    assert gc.isenabled()


def test_no_child_process_while_a_unit_of_work_is_open(store: Store) -> None:
    with store.read() as session:
        session.execute(select(1))  # holds a connection until the unit of work ends
        assert start_in_child(store.engine, lambda: _villages_in(store)) is None


def test_no_child_process_beside_other_threads(store: Store) -> None:
    started, stop = threading.Event(), threading.Event()

    def wait_for_the_end() -> None:
        started.set()
        stop.wait()

    other = threading.Thread(target=wait_for_the_end)
    other.start()
    try:
        started.wait()
        assert start_in_child(store.engine, lambda: _villages_in(store)) is None
    finally:
        stop.set()
        other.join()


# --- who may see the figures ----------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_every_role_may_view_the_indicators(store_as: Callable[[Role], Store], role: Role) -> None:
    store = store_as(role)
    assert compute_indicators(store, date(2025, 6, 30)).township.code == TOWNSHIP_CODE
    with store.read() as session:
        assert load_summary(session, as_of=date(2025, 6, 30)).township_code == TOWNSHIP_CODE


@contextmanager
def signed_out(session: Session) -> Iterator[None]:
    """Within the block, nobody is signed in to the unit of work."""
    context = context_of(session)
    session.info[CONTEXT_KEY] = replace(context, actor=None)
    try:
        yield
    finally:
        session.info[CONTEXT_KEY] = context


def test_nobody_signed_in_sees_no_figures(store: Store) -> None:
    with store.read() as session, signed_out(session), pytest.raises(PermissionDenied) as caught:
        load_summary(session, as_of=date(2025, 6, 30))
    assert caught.value.message == "请先登录。"
    # The same open store, with nobody signed in.
    nobody = Store(store.engine, store.paths, store.info, None, store.clock, store.key)
    with pytest.raises(PermissionDenied) as caught:
        compute_indicators(nobody, date(2025, 6, 30))
    set_language("en")
    try:
        assert caught.value.message == "Please sign in first."
    finally:
        set_language("zh_CN")
