"""Voiding a saved record from the 随访服务 page: the reason is asked (and required), the
record stays in the list struck through and marked voided, its history says why, the audit
trail has the void; the buttons are disabled for a voided record and for a role that may not
change records of its kind."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from helpers import builders
from helpers.visit_page import World, make_page, make_world, typed
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from fdclient.domain.codes import AuditAction, VisitKind
from fdclient.domain.roles import Role
from fdclient.models import AuditEntry
from fdclient.services.visits import recording, records
from fdclient.services.visits.forms import HomeVisitInput, HypertensionFollowupInput
from fdclient.store import Store
from fdclient.ui.pages.visits import VisitsPage


@pytest.fixture
def world(store: Store) -> World:
    return make_world(store)


@pytest.fixture
def page(qtbot: QtBot, store: Store, tmp_path: Path) -> VisitsPage:
    return make_page(qtbot, store, tmp_path)


def test_a_follow_up_is_voided_with_its_reason_and_stays_listed_as_voided(
    qtbot: QtBot, page: VisitsPage, world: World, store: Store
) -> None:
    page.start_visit(world.patient, VisitKind.HYPERTENSION)
    typed(page.form, systolic="150", diastolic="95")
    page.save()
    panel = page.records
    assert panel.visit_model.rowCount() == 1 and panel.void_button.isEnabled()
    typed(page.form, systolic="128")  # a new form being typed is not lost by voiding another record

    dialog = page.void_selected()
    assert dialog is not None and dialog.isVisible() and page.dialog is dialog
    dialog.void_button.click()  # no reason: refused beside it, the dialog stays
    assert dialog.isVisible() and dialog.error.isVisible() and "原因" in dialog.error.text()
    dialog.reason.setText("录错居民")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert not dialog.isVisible() and page.dialog is None

    assert "已作废" in page.panel.message_label.text()
    assert page.form.text("systolic") == "128"  # still there
    assert panel.visit_model.rowCount() == 1
    record = panel.selected()
    assert record is not None and record.voided and record.void_reason == "录错居民"
    kind_cell = panel.marks.index(0, 1)
    assert "已作废" in kind_cell.data()
    assert kind_cell.data(Qt.ItemDataRole.FontRole).strikeOut()
    assert "录错居民" in kind_cell.data(Qt.ItemDataRole.ToolTipRole)
    assert "已作废：录错居民" in panel.history_label.text()
    assert not panel.void_button.isEnabled() and not panel.correct_button.isEnabled()
    assert page.void_selected() is None
    page.correct_selected()
    assert page.correcting is None  # a voided record is not corrected

    with store.read() as s:
        (stored,) = records.visit_history(s, record.record_id)
        assert stored.voided and stored.void_reason == "录错居民"
        assert records.current_visits(s, world.patient) == ()
        actions = {e.action for e in s.scalars(select(AuditEntry).where(AuditEntry.row_id == record.id))}
        assert AuditAction.VOID in actions


def test_delete_in_the_list_asks_the_reason_and_esc_keeps_the_record(
    qtbot: QtBot, page: VisitsPage, world: World, store: Store
) -> None:
    with store.write() as s:
        doctor = builders.actor_named(s, "doctor").staff_id
        recording.record_visit(
            s,
            HypertensionFollowupInput(
                resident_id=world.patient, visit_date=date(2026, 5, 18), doctor_id=doctor, systolic=135, diastolic=85
            ),
        )
    page.select_resident(world.patient)
    page.records.select_row(0)
    page.records.visit_view.setFocus()
    qtbot.keyClick(page.records.visit_view, Qt.Key.Key_Delete)
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.reason.setText("不作废")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    record = page.records.selected()
    assert record is not None and not record.voided and page.records.void_button.isEnabled()


def test_a_nurse_may_void_her_home_visit_but_not_a_doctors_follow_up(
    qtbot: QtBot, store_as: Callable[[Role], Store], tmp_path: Path
) -> None:
    store = store_as(Role.NURSE)
    world = make_world(store)
    with store.write() as s:
        doctor = builders.actor_named(s, "doctor").staff_id
        with builders.acting_as(s, builders.actor_named(s, "doctor")):
            recording.record_visit(
                s,
                HypertensionFollowupInput(
                    resident_id=world.patient, visit_date=date(2026, 5, 1), doctor_id=doctor, systolic=135, diastolic=85
                ),
            )
        assert store.actor is not None
        recording.record_visit(
            s, HomeVisitInput(resident_id=world.patient, visit_date=date(2026, 5, 20), doctor_id=store.actor.staff_id)
        )
    page = make_page(qtbot, store, tmp_path)
    page.select_resident(world.patient)
    panel = page.records
    kinds = [panel.visit_model.record(row).kind for row in range(panel.visit_model.rowCount())]  # type: ignore[union-attr]
    assert kinds == [VisitKind.HOME_VISIT, VisitKind.HYPERTENSION]
    panel.select_row(1)
    assert not panel.void_button.isEnabled() and not panel.correct_button.isEnabled()
    assert "角色" in panel.void_button.toolTip()
    assert page.void_selected() is None
    panel.select_row(0)
    assert panel.void_button.isEnabled() and panel.correct_button.isEnabled()
    dialog = page.void_selected()
    assert dialog is not None
    dialog.reason.setText("重复录入")
    dialog.submit()
    record = panel.selected()
    assert record is not None and record.kind is VisitKind.HOME_VISIT and record.voided


def test_the_buttons_mnemonics_void_and_correct(qtbot: QtBot, page: VisitsPage, world: World) -> None:
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.start_visit(world.patient, VisitKind.HYPERTENSION)
    typed(page.form, systolic="150", diastolic="95")
    page.save()
    view = page.records.visit_view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)  # 作废(&I)
    qtbot.waitUntil(lambda: page.dialog is not None)
    assert page.dialog is not None
    page.dialog.reject()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)  # 更正(&C)
    qtbot.waitUntil(lambda: page.correcting is not None)
    assert page.panel.correction_bar.isVisible() and page.form.text("systolic") == "150"


def test_the_records_findings_follow_the_interface_language(
    qtbot: QtBot, page: VisitsPage, world: World, ui_language: Callable[[str], None]
) -> None:
    page.start_visit(world.patient, VisitKind.HYPERTENSION)
    typed(page.form, systolic="165", diastolic="100")
    page.save()
    model = page.records.visit_model
    findings = model.index(0, 2)
    assert "165/100 mmHg" in model.data(findings) and "控制不满意" in model.data(findings)
    ui_language("en")
    assert "Not controlled" in model.data(findings) and "控制" not in model.data(findings)
    ui_language("zh_CN")
