"""A new follow-up comes filled with the last one's targets, medicines and height (said above
the form), never its readings; typing is then as usual, and nothing carried over follows the
form to another resident."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.visit_page import World, make_page, make_world, typed
from PySide6.QtWidgets import QCheckBox, QComboBox
from pytestqt.qtbot import QtBot

from fdclient.domain.codes import VisitKind
from fdclient.services.visits.forms import DiabetesFollowupInput, HypertensionFollowupInput, MedicationInput
from fdclient.store import Store
from fdclient.ui.dialogs.visit_forms import VisitForm
from fdclient.ui.pages.visits import VisitsPage


@pytest.fixture
def world(store: Store) -> World:
    return make_world(store)


@pytest.fixture
def page(qtbot: QtBot, store: Store, tmp_path: Path) -> VisitsPage:
    return make_page(qtbot, store, tmp_path)


def medicines(form: VisitForm) -> list[tuple[str, str, str]]:
    return [tuple(edit.text() for edit in row) for row in form.medicine_edits if row[0].text()]  # type: ignore[misc]


def combo(form: VisitForm, name: str) -> QComboBox:
    editor = form.editors[name]
    assert isinstance(editor, QComboBox)
    return editor


def check(form: VisitForm, name: str, code: str) -> QCheckBox:
    return form.checks[name][code]


def test_a_second_hypertension_follow_up_starts_with_the_first_ones_medicines_and_targets(
    page: VisitsPage, world: World
) -> None:
    page.start_visit(world.patient, VisitKind.HYPERTENSION)
    form = page.form
    assert form.carried_from is None and form.carried_label.isHidden()  # no follow-up yet
    typed(
        form,
        systolic="150",
        diastolic="95",
        heart_rate="78",
        weight_kg="74",
        weight_target_kg="70",
        height_cm="168",
        cigarettes_per_day="10",
        cigarettes_target="5",
        exercise_target_times="5",
        exercise_target_minutes="30",
    )
    form.choose("salt_intake", "3")
    form.choose("salt_target", "1")
    check(form, "symptoms", "2").setChecked(True)
    name, times, dose = form.medicine_edits[0]
    for edit, text in ((name, "硝苯地平缓释片"), (times, "2"), (dose, "10mg")):
        edit.setText(text)
    page.save()
    assert page.records.visit_model.rowCount() == 1

    # The next follow-up: targets, medicines and height carried over; readings empty.
    assert page.form is form and form.carried_from is not None
    assert form.carried_label.isVisible() and form.carried_from.visit_date.isoformat() in form.carried_label.text()
    assert not form.is_dirty() and not page.has_unsaved_changes()
    assert medicines(form) == [("硝苯地平缓释片", "2", "10mg")]
    assert [form.text(n) for n in ("weight_target_kg", "height_cm", "cigarettes_target")] == ["70", "168", "5"]
    assert [form.text(n) for n in ("exercise_target_times", "exercise_target_minutes")] == ["5", "30"]
    assert combo(form, "salt_target").currentData() == "1"
    for measured in ("systolic", "diastolic", "heart_rate", "weight_kg", "cigarettes_per_day"):
        assert form.text(measured) == "", measured
    assert combo(form, "salt_intake").currentData() is None
    assert not any(box.isChecked() for box in form.checks["symptoms"].values())
    assert form.bmi_label is not None and form.bmi_label.text() == ""  # no weight yet
    assert page.panel.advice_label.isHidden()

    typed(form, systolic="132", diastolic="84", weight_kg="72")
    assert form.bmi_label.text()  # the carried height and the new weight
    page.save()
    saved = page.records.visit_model.record(0)
    assert saved is not None and isinstance(saved.form, HypertensionFollowupInput)
    assert saved.form.medications == (MedicationInput("硝苯地平缓释片", 2, "10mg"),)
    assert (saved.form.systolic, saved.form.weight_target_kg, saved.form.salt_target) == (132, 70.0, "1")

    # Another resident: nothing of 张三's stays in the form.
    page.select_resident(world.young)
    assert form.carried_from is None and medicines(form) == [] and form.text("weight_target_kg") == ""


def test_a_diabetes_follow_up_carries_insulin_and_staple_food_target(page: VisitsPage, world: World) -> None:
    page.start_visit(world.patient, VisitKind.DIABETES)
    form = page.form
    typed(form, fasting_glucose="7.2", staple_food_g="400", staple_food_target_g="300", insulin_type="甘精胰岛素")
    page.save()
    assert form.carried_from is not None
    assert form.text("staple_food_target_g") == "300" and form.text("insulin_type") == "甘精胰岛素"
    assert form.text("fasting_glucose") == "" and form.text("staple_food_g") == ""
    # The hypertension form takes nothing from a diabetes follow-up.
    page.choose_kind(VisitKind.HYPERTENSION)
    assert page.form.carried_from is None and page.form.text("height_cm") == ""
    page.choose_kind(VisitKind.DIABETES)
    saved = page.records.visit_model.record(0)
    assert saved is not None and isinstance(saved.form, DiabetesFollowupInput) and saved.form.fasting_glucose == 7.2


def test_typing_is_never_overwritten_by_a_carry_over(page: VisitsPage, world: World) -> None:
    page.start_visit(world.patient, VisitKind.HYPERTENSION)
    typed(page.form, systolic="150", diastolic="95", weight_target_kg="70")
    page.save()
    form = page.form
    typed(form, weight_target_kg="66", systolic="140", diastolic="90")
    page.choose_kind(VisitKind.DIABETES)
    page.choose_kind(VisitKind.HYPERTENSION)  # back: the typed form is as it was
    assert form.text("weight_target_kg") == "66" and form.text("systolic") == "140" and form.is_dirty()
