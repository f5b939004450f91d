"""The resident record view: name, contracts, the timeline, the planned services, the
personal information form and the chart's points; ten years of visits; stale answers."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from helpers import builders
from helpers.visit_world import Patient, make_patient
from pytestqt.qtbot import QtBot

from fdclient.domain.codes import ServiceKind
from fdclient.store import Store
from fdclient.ui.preferences import Preferences
from fdclient.ui.session import UiSession
from fdclient.ui.tasks import InlineRunner
from fdclient.ui.widgets.resident_record import ResidentRecordView


def view_on(qtbot: QtBot, store: Store, tmp_path: Path, runner: Any = None) -> ResidentRecordView:
    view = ResidentRecordView(UiSession(store, runner or InlineRunner(), Preferences(tmp_path / "ui.ini")))
    qtbot.addWidget(view)
    view.resize(1216, 660)
    view.show()
    return view


def patient(store: Store, visits: Callable[[Patient], object] | None = None) -> uuid.UUID:
    with store.write() as s:
        w = make_patient(s)
        w.record(w.htn(visit_date=date(2026, 2, 1), systolic=150, diastolic=95))
        w.record(w.dm(visit_date=date(2026, 3, 1), fasting_glucose=8.2, systolic=132, diastolic=84))
        w.record(w.service_record(ServiceKind.HEALTH_EDUCATION, visit_date=date(2026, 4, 2), summary="控烟宣教"))
        if visits is not None:
            visits(w)
        return w.head_id


def test_the_record_shows_name_contracts_timeline_plan_form_and_chart(
    qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    head = patient(store)
    view = view_on(qtbot, store, tmp_path)
    view.show_resident(head)

    assert view.title.text() == "张三" and view.resident_id == head
    assert "76岁" in view.facts.text() and "高血压患者" in view.facts.text()
    assert view.contract_line.text().startswith("签约：QY") and "履约中" in view.contract_line.text()
    assert "本期应做" in view.due_line.text()
    assert [view.tabs.tabText(i) for i in range(4)] == [
        "随访与图表(&T)",
        "个人基本信息(&P)",
        "签约(&C)",
        "履约计划(&L)",
    ]

    timeline = view.timeline_model
    assert [timeline.text(r, 0) for r in range(timeline.rowCount())] == ["2026-04-02", "2026-03-01", "2026-02-01"]
    assert timeline.text(0, 1) == "健康教育" and timeline.text(0, 8) == "控烟宣教"
    assert timeline.text(2, 4) == "150/95 mmHg" and timeline.text(2, 6) == "控制不满意"
    assert timeline.text(1, 5) == "8.2 mmol/L"

    assert view.contracts_model.rowCount() == 1
    assert view.contracts_model.text(0, 1) == "履约中" and view.contracts_model.text(0, 6) == "在约"
    planned = [
        (view.planned_model.text(r, 0), view.planned_model.text(r, 3)) for r in range(view.planned_model.rowCount())
    ]
    assert ("高血压随访", "2026-02-01 已完成") in planned and ("高血压随访", "本期应做") in planned

    personal = {key: value.text() for key, (_, value) in view.personal_labels.items()}
    assert personal["name"] == "张三" and personal["birth_date"] == "1950-03-01"
    assert view.personal_labels["id_number"][0].text() == "证件号码："

    chart = view.chart
    assert [v for _, v in chart.series("systolic").points] == [150.0, 132.0]
    assert [v for _, v in chart.series("glucose").points] == [8.2]
    assert chart.series("systolic").target == 140 and chart.series("glucose").target == 7.0
    assert not view.message.isVisible()
    for index in range(4):  # every tab draws
        view.tabs.setCurrentIndex(index)
        assert not view.grab().isNull()


def test_a_resident_with_ten_years_of_visits_opens(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    def ten_years(w: Patient) -> None:
        for year in range(2016, 2026):
            for month in (2, 5, 8, 11):
                day = date(year, month, 10)
                w.record(w.htn(visit_date=day, systolic=120 + (year + month) % 40, diastolic=80))
                w.record(w.dm(visit_date=day, fasting_glucose=5.5 + month / 4))

    head = patient(store, ten_years)
    view = view_on(qtbot, store, tmp_path)
    view.show_resident(head)
    assert view.timeline_model.rowCount() == 83
    assert len(view.chart.series("systolic").points) == 42 and len(view.chart.series("glucose").points) == 41
    assert view.chart.series("systolic").points[0][0] == date(2016, 2, 10)
    assert not view.grab().isNull()


def test_a_new_resident_and_an_unknown_one(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    with store.write() as s:
        r = builders.make_resident(s, builders.make_village(s), name="王五", birth_date=date(1990, 1, 2))
    view = view_on(qtbot, store, tmp_path)
    view.show_resident(r.id)
    assert view.title.text() == "王五" and view.contract_line.text() == "签约：未签约"
    assert view.due_line.text() == "目前没有应做的服务。"
    assert view.timeline_model.rowCount() == 0 and not view.chart.has_data()
    assert not view.grab().isNull()
    view.show_resident(uuid.uuid4())
    assert view.message.isVisible() and "找不到" in view.message.text()


class ManualRunner:
    def __init__(self) -> None:
        self.pending: list[tuple[Callable[[], Any], Callable[[Any], None]]] = []

    def read(
        self, work: Callable[[], Any], done: Callable[[Any], None], failed: Any = None, *, owner: Any = None
    ) -> None:
        self.pending.append((work, done))

    def answer(self, index: int) -> None:
        work, done = self.pending[index]
        done(work())


def test_an_older_answer_does_not_replace_the_resident_asked_for_last(
    qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    with store.write() as s:
        village = builders.make_village(s)
        first = builders.make_resident(s, village, name="赵一").id
        second = builders.make_resident(s, village, name="钱二").id
    runner = ManualRunner()
    view = view_on(qtbot, store, tmp_path, runner)
    view.show_resident(first)
    view.show_resident(second)
    assert view.message.text() == "正在读取档案……"
    runner.answer(1)
    runner.answer(0)
    assert view.title.text() == "钱二" and view.resident_id == second


def test_english_labels(qtbot: QtBot, store: Store, tmp_path: Path, ui_language: Callable[[str], None]) -> None:
    head = patient(store)
    view = view_on(qtbot, store, tmp_path)
    view.show_resident(head)
    ui_language("en")
    qtbot.waitUntil(lambda: view.tabs.tabText(0) == "&Timeline and chart")
    assert view.personal_labels["id_number"][0].text() == "Document number:"
    assert view.timeline_model.headerData(0, pytest.importorskip("PySide6.QtCore").Qt.Orientation.Horizontal) == "Date"


def test_the_rows_model(qtmodeltester: Any, qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    head = patient(store)
    view = view_on(qtbot, store, tmp_path)
    view.show_resident(head)
    qtmodeltester.check(view.timeline_model)
    qtmodeltester.check(view.planned_model)
