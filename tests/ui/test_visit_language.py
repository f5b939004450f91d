"""The open visit form relabels itself when the language changes: labels, section titles,
the ticked code lists and the combo items, keeping what was typed, ticked and chosen. Its
code lists are those of fdclient.domain.codes, in the interface language."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from helpers.visit_page import World, make_page, make_world, typed
from PySide6.QtWidgets import QComboBox, QGroupBox
from pytestqt.qtbot import QtBot

from fdclient.domain import codes
from fdclient.domain.codes import VisitKind
from fdclient.store import Store
from fdclient.text import Text
from fdclient.ui.dialogs import visit_layouts
from fdclient.ui.dialogs.visit_forms import VisitForm
from fdclient.ui.pages.visits import VisitsPage


@pytest.fixture
def world(store: Store) -> World:
    return make_world(store)


@pytest.fixture
def page(qtbot: QtBot, store: Store, tmp_path: Path) -> VisitsPage:
    return make_page(qtbot, store, tmp_path)


def titles(form: VisitForm) -> list[str]:
    return [box.title() for box in form.findChildren(QGroupBox)]


def combo(form: VisitForm, name: str) -> QComboBox:
    editor = form.editors[name]
    assert isinstance(editor, QComboBox)
    return editor


def test_the_form_relabels_itself_keeping_what_was_typed(
    qtbot: QtBot, page: VisitsPage, world: World, ui_language: Callable[[str], None]
) -> None:
    page.start_visit(world.patient, VisitKind.HYPERTENSION)
    form = page.form
    typed(form, systolic="150", diastolic="95", weight_kg="70", height_cm="170", other_signs="双下肢无水肿")
    form.checks["symptoms"]["2"].setChecked(True)
    form.choose("salt_intake", "2")
    form.choose("mode", "1")
    assert "症状" in titles(form)
    assert form.checks["symptoms"]["2"].text() == "2 头痛头晕"
    assert combo(form, "salt_intake").currentText() == "2 中"
    bmi = form.bmi_label.text() if form.bmi_label else ""
    assert bmi.startswith("体质指数")

    ui_language("en")
    qtbot.waitUntil(lambda: "Symptoms" in titles(form))
    assert form.checks["symptoms"]["2"].text() == "2 Headache, dizziness"
    assert form.checks["symptoms"]["2"].isChecked()
    assert combo(form, "salt_intake").currentText() == "2 Medium" and form.code("salt_intake") == "2"
    assert combo(form, "mode").currentText() == "1 Clinic" and form.code("mode") == "1"
    assert combo(form, "salt_target").itemText(3) == "3 Heavy" and form.code("salt_target") is None
    assert [form.text(n) for n in ("systolic", "diastolic", "other_signs")] == ["150", "95", "双下肢无水肿"]
    assert form.bmi_label is not None and form.bmi_label.text().startswith("BMI 24.2")
    assert form.is_dirty() and page.has_unsaved_changes()
    assert page.panel.kind_combo.currentText() == "Hypertension follow-up"
    assert page.panel.save_button.text() == "&Save"
    assert "Not controlled" in page.panel.advice_label.text()  # the advice is asked again
    # A form not shown yet is built in the language of the moment.
    page.choose_kind(VisitKind.DIABETES)
    assert page.form.checks["symptoms"]["2"].text() == "2 Drinking much"

    ui_language("zh_CN")
    qtbot.waitUntil(lambda: "症状" in titles(form))
    assert form.checks["symptoms"]["2"].text() == "2 头痛头晕" and form.checks["symptoms"]["2"].isChecked()
    assert combo(form, "salt_intake").currentText() == "2 中" and form.text("systolic") == "150"
    assert page.form.checks["symptoms"]["2"].text() == "2 多饮"


def test_the_forms_list_the_codes_of_the_domain() -> None:
    assert dict(visit_layouts.HYPERTENSION_SYMPTOM) == dict(codes.HYPERTENSION_SYMPTOM_TEXT)
    assert dict(visit_layouts.CLASSIFICATION) == dict(codes.FOLLOWUP_CLASSIFICATION_TEXT)
    assert dict(visit_layouts.SERVICE_RECORD_KINDS)["tcm"] == Text("中医药健康管理", "TCM health management")
