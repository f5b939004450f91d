"""The 随访服务 page over a real encrypted store: recording follow-ups with the rules' next
visit date and referral advice, danger values flagged while typing, eligibility refusals
before typing, corrections as revisions with their history, errors beside the field."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from helpers import builders
from helpers.visit_page import World, make_page, make_world, typed
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from fdclient.domain.codes import ServiceKind, VisitKind
from fdclient.services.visits import desk, records
from fdclient.store import Store
from fdclient.ui.pages.visits import VisitsPage
from fdclient.ui.table_models.visits import ResidentListModel, VisitListModel
from fdclient.ui.widgets.visit_records import VoidedMarks
from fdclient.ui.widgets.visit_residents import index_of

TODAY = builders.TODAY  # 2026-06-01, the scene's clock


@pytest.fixture
def world(store: Store) -> World:
    return make_world(store)


@pytest.fixture
def page(qtbot: QtBot, store: Store, tmp_path: Path) -> VisitsPage:
    return make_page(qtbot, store, tmp_path)


def test_an_uncontrolled_follow_up_proposes_the_next_visit_in_two_weeks_then_referral(
    page: VisitsPage, world: World
) -> None:
    page.start_visit(world.patient, VisitKind.HYPERTENSION)
    assert page.resident is not None and page.resident.name == "张三"
    assert page.chooser.village_combo.currentData() == world.village
    form = page.form
    assert form.isEnabled() and page.panel.refusal_label.isHidden()
    first_day = date(2026, 5, 18)
    form.editors["visit_date"].setDate(QDate(2026, 5, 18))  # type: ignore[attr-defined]
    typed(form, systolic="165", diastolic="100")
    assert form.date_of("next_visit_date") == first_day + timedelta(days=14)
    assert "控制不满意" in page.panel.advice_label.text()
    assert "转诊" not in page.panel.advice_label.text()
    assert page.has_unsaved_changes()
    page.save()
    assert not page.has_unsaved_changes()
    assert "2026-06-01" in page.panel.message_label.text()
    assert page.records.visit_model.rowCount() == 1

    # Two weeks later, still not controlled: the rules advise a referral while typing.
    assert form.date_of("visit_date") == TODAY
    typed(form, systolic="162", diastolic="98")
    advice = page.panel.advice_label.text()
    assert "连续两次随访控制不满意" in advice and "建议转诊" in advice
    assert form.date_of("next_visit_date") == TODAY + timedelta(days=14)
    page.save()
    assert page.records.visit_model.rowCount() == 2
    assert "建议转诊" in page.panel.message_label.text()


def test_a_second_uncontrolled_follow_up_shows_the_referral_advice(
    page: VisitsPage, world: World, store: Store
) -> None:
    with store.write() as s:
        from fdclient.services.visits.forms import HypertensionFollowupInput
        from fdclient.services.visits.recording import record_visit

        doctor = builders.actor_named(s, "doctor").staff_id
        record_visit(
            s,
            HypertensionFollowupInput(
                resident_id=world.patient, visit_date=date(2026, 5, 18), doctor_id=doctor, systolic=165, diastolic=100
            ),
        )
    page.start_visit(world.patient, VisitKind.HYPERTENSION)
    typed(page.form, systolic="158", diastolic="96")
    text = page.panel.advice_label.text()
    assert "建议转诊" in text and "连续两次随访控制不满意" in text
    assert page.form.date_of("next_visit_date") == TODAY + timedelta(days=14)


def test_a_diabetes_follow_up_is_classified_on_glucose(page: VisitsPage, world: World) -> None:
    page.start_visit(world.patient, VisitKind.DIABETES)
    form = page.form
    typed(form, systolic="150", diastolic="95", fasting_glucose="6.1")
    assert (
        "控制满意" in page.panel.advice_label.text()
        and "控制不满意" not in page.panel.advice_label.text().split("<br>")[0]
    )
    assert form.date_of("next_visit_date") == date(2026, 9, 1)
    typed(form, fasting_glucose="8.4")
    assert "控制不满意" in page.panel.advice_label.text().split("<br>")[0]
    assert form.date_of("next_visit_date") == TODAY + timedelta(days=14)
    page.save()
    assert page.records.visit_model.record(0) is not None
    stored = page.records.visit_model.record(0)
    assert stored is not None and stored.form.classification == "2"  # type: ignore[attr-defined]


def test_a_danger_value_is_flagged_at_once(page: VisitsPage, world: World) -> None:
    page.start_visit(world.patient, VisitKind.HYPERTENSION)
    typed(page.form, systolic="185", diastolic="115")
    assert "紧急转诊" in page.panel.advice_label.text()
    assert "b00020" in page.panel.advice_label.styleSheet()
    assert "b00020" in page.form.editors["systolic"].styleSheet()
    typed(page.form, systolic="150", diastolic="95")
    assert "紧急转诊" not in page.panel.advice_label.text()
    assert page.form.editors["systolic"].styleSheet() == ""


def test_an_elderly_check_is_refused_for_a_41_year_old_before_typing(page: VisitsPage, world: World) -> None:
    page.start_visit(world.young, VisitKind.ELDERLY_CHECK)
    assert page.panel.refusal_label.isVisible()
    assert "65" in page.panel.refusal_label.text() and "41" in page.panel.refusal_label.text()
    assert not page.form.isEnabled() and not page.panel.save_button.isEnabled()


def test_a_follow_up_is_refused_without_the_diagnosis_saying_how_to_add_it(page: VisitsPage, world: World) -> None:
    page.start_visit(world.young, VisitKind.HYPERTENSION)
    assert "请先在居民档案中登记高血压诊断" in page.panel.refusal_label.text()
    assert not page.form.isEnabled()
    page.select_resident(world.patient)  # the right patient: the form opens
    assert page.panel.refusal_label.isHidden() and page.form.isEnabled()


def test_a_correction_is_a_new_revision_and_the_history_shows_both(
    page: VisitsPage, world: World, store: Store
) -> None:
    page.start_visit(world.patient, VisitKind.HYPERTENSION)
    typed(page.form, systolic="135", diastolic="85", heart_rate="72")
    page.save()
    assert page.records.visit_model.rowCount() == 1
    page.records.select_row(0)
    page.correct_selected()
    assert page.correcting is not None and page.panel.correction_bar.isVisible()
    assert page.form.text("systolic") == "135"
    page.form.set_text("systolic", "145")
    page.save()  # no reason: refused beside the reason
    assert page.panel.reason_error.text() and page.correcting is not None
    page.panel.reason_edit.setText("收缩压抄错")
    page.save()
    assert page.correcting is None
    assert "第 2 版" in page.panel.message_label.text() or "2" in page.panel.message_label.text()
    history = page.records.history_label.text()
    assert "第 1 版" in history and "第 2 版" in history
    assert "135/85" in history and "145/85" in history and "收缩压抄错" in history
    record = page.records.visit_model.record(0)
    assert record is not None and record.revision == 2
    with store.read() as s:
        assert len(records.visit_history(s, record.record_id)) == 2


def test_a_bad_value_is_shown_beside_the_field_and_the_form_is_kept(page: VisitsPage, world: World) -> None:
    page.start_visit(world.patient, VisitKind.HYPERTENSION)
    typed(page.form, systolic="20", diastolic="80", weight_kg="68")
    page.save()
    assert "收缩压" in page.form.error_text("systolic") and "合理范围" in page.form.error_text("systolic")
    assert page.form.text("systolic") == "20" and page.form.text("weight_kg") == "68"
    assert page.has_unsaved_changes() and page.records.visit_model.rowCount() == 0
    # A weight target out of range names the target, not the weight.
    typed(page.form, systolic="130", weight_target_kg="900")
    page.save()
    assert page.form.error_field == "weight_target_kg" and "900" in page.form.error_text("weight_target_kg")
    typed(page.form, weight_target_kg="abc")
    page.save()
    assert page.form.error_field == "weight_target_kg" and "数字" in page.form.error_text("weight_target_kg")


def test_the_service_record_and_keyboard(qtbot: QtBot, page: VisitsPage, world: World) -> None:
    page.start_visit(world.young, VisitKind.SERVICE)
    form = page.form
    assert form.isEnabled()
    form.choose("service_kind", ServiceKind.CHILD_CHECK.value)
    assert "儿童" in form.error_text("service_kind") and not page.panel.save_button.isEnabled()
    form.choose("service_kind", ServiceKind.HEALTH_EDUCATION.value)
    assert not form.error_text("service_kind") and page.panel.save_button.isEnabled()
    form.set_text("summary", "讲解高血压预防")
    editor = form.editors["summary"]
    assert isinstance(editor, QLineEdit)
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert page.records.visit_model.rowCount() == 1 and not page.has_unsaved_changes()


def test_esc_discards_after_asking(
    qtbot: QtBot, page: VisitsPage, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    page.start_visit(world.patient, VisitKind.HYPERTENSION)
    typed(page.form, systolic="150")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    page.cancel()
    assert page.form.text("systolic") == "150"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    page.cancel()
    assert page.form.text("systolic") == "" and not page.has_unsaved_changes()


def test_the_resident_list_filters_in_the_village(page: VisitsPage, world: World) -> None:
    page.activated()  # the village was added after the page was made
    page.chooser.village_combo.setCurrentIndex(index_of(page.chooser.village_combo, world.village))
    assert page.chooser.resident_model.rowCount() == 2
    page.chooser.filter_edit.setText("ls")
    assert page.chooser.resident_model.rowCount() == 1
    page.chooser.resident_view.setCurrentIndex(page.chooser.resident_model.index(0, 0))
    assert page.resident is not None and page.resident.id == world.young


def test_the_models_pass_the_model_tester(qtmodeltester, store: Store, world: World) -> None:  # type: ignore[no-untyped-def]
    def fetch(ids: object) -> list[desk.ResidentRow]:
        with store.read() as s:
            return desk.resident_rows(s, list(ids))  # type: ignore[call-overload]

    residents = ResidentListModel(fetch)
    with store.read() as s:
        residents.set_ids(desk.village_resident_ids(s, world.village))
        found = records.current_visits(s, world.patient)
    qtmodeltester.check(residents)
    visits = VisitListModel()
    visits.set_records(found)
    qtmodeltester.check(visits)
    qtmodeltester.check(VoidedMarks(visits))


def test_without_a_session_the_page_is_a_placeholder(qtbot: QtBot) -> None:
    page = VisitsPage(None)
    qtbot.addWidget(page)
    assert page.label.text() and not page.has_unsaved_changes()
