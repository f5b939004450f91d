"""The whole personal information form (个人基本信息表) in the resident dialog, over a real
encrypted store with the inline runner: every field filled in, saved and read back; loading
fills every field again; a diagnosis of hypertension registered from the record makes the
hypertension follow-up possible, and voiding it with a reason takes that back; a failed save
— refused by the form's checks or by the past history — keeps everything typed."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from helpers import builders
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from fdclient.domain.codes import VisitKind
from fdclient.models import Diagnosis, HistoryEvent, Resident, Staff
from fdclient.services.registry import residents
from fdclient.services.registry.resident_forms import ResidentInput
from fdclient.services.visits import desk
from fdclient.store import Store
from fdclient.ui.dialogs.personal_form import PersonalInformationForm
from fdclient.ui.dialogs.resident_form import ResidentDialog
from fdclient.ui.pages.residents import ResidentsPage
from fdclient.ui.preferences import Preferences
from fdclient.ui.session import UiSession
from fdclient.ui.tasks import InlineRunner

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


@dataclass
class Scene:
    village_id: uuid.UUID
    household_id: uuid.UUID
    son_id: uuid.UUID
    nurse_id: uuid.UUID
    specialist_id: uuid.UUID


@pytest.fixture
def scene(store: Store) -> Scene:
    with store.write() as s:
        village = builders.make_village(s, name="罗家村")
        household = builders.make_household(
            s,
            village,
            address="二组 5 号",
            members=[("赵六", date(1948, 4, 4), 1, "01"), ("孙八", date(1980, 1, 1), 1, "20")],
        )
        son = s.scalars(select(Resident.id).where(Resident.name == "孙八")).one()
        staff = dict(s.execute(select(Staff.name, Staff.id)).tuples().all())
        return Scene(village.id, household.id, son, staff["陈护士"], staff["刘专家"])


def make_page(qtbot: QtBot, store: Store, tmp_path: Path) -> ResidentsPage:
    page = ResidentsPage(UiSession(store, InlineRunner(), Preferences(tmp_path / "ui.ini")))
    qtbot.addWidget(page)
    page.resize(1166, 678)
    with qtbot.waitActive(page):
        page.show()
        page.activateWindow()
    return page


def type_text(widget: QWidget, text: str) -> None:
    """Key by key (Chinese characters as key events carrying the text)."""
    for ch in text:
        if ch.isascii():
            QTest.keyClick(widget, ch)
        else:
            QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier)


def open_dialog(qtbot: QtBot, page: ResidentsPage) -> ResidentDialog:
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    assert isinstance(page.dialog, ResidentDialog)
    qtbot.waitUntil(page.dialog.isActiveWindow)  # its mnemonics and shortcuts work
    return page.dialog


def choose(combo: object, data: object) -> None:
    index = combo.findData(data)  # type: ignore[attr-defined]
    assert index >= 0, data
    combo.setCurrentIndex(index)  # type: ignore[attr-defined]


def add_history(f: PersonalInformationForm, item: str, name: str, day: str) -> None:
    panel = f.past_history
    choose(panel.item_combo, item)
    if name:
        type_text(panel.name_edit, name)
    type_text(panel.date_edit, day)
    QTest.keyClick(panel.date_edit, Qt.Key.Key_Return)  # Enter adds the row, it does not save


def fill_everything(f: PersonalInformationForm, scene: Scene, id_number: str) -> None:
    b = f.basic
    choose(b.relationship_combo, "30")
    type_text(b.name_edit, "赵小红")
    type_text(b.id_edit, id_number)
    type_text(b.workplace_edit, "罗家村小学")
    type_text(b.phone_edit, "13912345678")
    type_text(b.contact_name_edit, "赵六")
    type_text(b.contact_phone_edit, "13800001111")
    for combo, code in (
        (b.resident_type_combo, "2"),
        (b.ethnicity_combo, "03"),
        (b.blood_abo_combo, "4"),
        (b.blood_rh_combo, "1"),
        (b.education_combo, "2"),
        (b.occupation_combo, "1"),
        (b.marital_combo, "2"),
    ):
        choose(combo, code)
    b.payment_checks.checks["2"].click()
    assert b.payment_checks.other_edit is not None
    type_text(b.payment_checks.other_edit, "单位补充")  # typing the other answer ticks 其他

    QTest.keyClick(f, Qt.Key.Key_2, ALT)  # the second tab
    assert f.currentIndex() == f.HISTORY
    h = f.history
    h.allergy_checks.checks["3"].click()
    assert h.allergy_checks.other_edit is not None
    type_text(h.allergy_checks.other_edit, "头孢")
    h.exposure_checks.checks["2"].click()
    h.exposure_checks.checks["4"].click()
    for member, codes_ in (("father", ("2", "3")), ("mother", ("7",)), ("siblings", ("1",)), ("children", ("11",))):
        for code in codes_:
            h.family.checks[member][code].click()
    type_text(h.genetic_edit, "血友病")  # ticks 有
    add_history(f, "disease:3", "", "2018-04")
    add_history(f, "disease:13", "痛风", "2019-07-02")
    add_history(f, "event:surgery", "胆囊切除术", "2010-09-15")
    add_history(f, "event:transfusion", "产后大出血", "2005-03-01")

    living = f.living
    living.disability_checks.checks["3"].click()
    assert living.disability_checks.other_edit is not None
    type_text(living.disability_checks.other_edit, "轻度驼背")
    for field, code in (
        ("kitchen_exhaust", "2"),
        ("fuel", "3"),
        ("water", "1"),
        ("toilet", "3"),
        ("livestock_pen", "4"),
    ):
        choose(living.combos[field], code)

    c = f.cover
    c.tag_checks[next(iter(c.tag_checks))].click()  # 肺结核患者
    c.relief_checks["3"].click()
    type_text(c.registered_on_edit, "2026-05-20")
    choose(c.registered_by_combo, str(scene.nurse_id))
    choose(c.doctor_combo, str(scene.specialist_id))


def test_the_whole_form_is_saved_and_read_back(qtbot: QtBot, store: Store, scene: Scene, tmp_path: Path) -> None:
    page = make_page(qtbot, store, tmp_path)
    page.open_household(scene.household_id)
    QTest.keyClick(page.members_view, Qt.Key.Key_A, ALT)  # &Add member
    dialog = open_dialog(qtbot, page)
    number = builders.new_id_number(date(1978, 9, 9), 2)
    fill_everything(dialog.fields, scene, number)
    assert dialog.isVisible() and len(dialog.fields.past_history.rows) == 4
    assert "糖尿病患者" in dialog.fields.derived_tags_label.text()  # follows the pending diagnosis
    assert "残疾人" in dialog.fields.derived_tags_label.text()
    QTest.keyClick(dialog, Qt.Key.Key_S, CTRL)
    assert not dialog.isVisible()

    with store.read() as s:
        saved = s.scalars(select(Resident).where(Resident.name == "赵小红")).one()
        form = residents.resident_form(s, saved.id)
        diagnoses = {(d.disease, d.detail, d.diagnosed_on) for d in saved.diagnoses}
        events = {(e.kind, e.description, e.occurred_on) for e in saved.history_events}
        flags = (saved.has_diabetes, saved.has_hypertension, saved.relationship_to_head)
    expected = ResidentInput(
        village_id=scene.village_id,
        name="赵小红",
        id_type="01",
        id_number=number,
        sex=2,
        birth_date=date(1978, 9, 9),
        ethnicity="03",
        phone="13912345678",
        contact_name="赵六",
        contact_phone="13800001111",
        workplace="罗家村小学",
        resident_type="2",
        blood_abo="4",
        blood_rh="1",
        education="2",
        occupation="1",
        marital_status="2",
        payment_methods=("2", "8"),
        payment_other="单位补充",
        drug_allergies=("3", "5"),
        drug_allergy_other="头孢",
        exposures=("2", "4"),
        family_history_father=("2", "3"),
        family_history_mother=("7",),
        family_history_siblings=("1",),
        family_history_children=("11",),
        genetic_disease="血友病",
        disabilities=("3", "8"),
        disability_other="轻度驼背",
        kitchen_exhaust="2",
        fuel="3",
        water="1",
        toilet="3",
        livestock_pen="4",
        has_tuberculosis=True,
        has_severe_mental_disorder=False,
        relief_statuses=("3",),
        family_planning_special=False,
        registered_on=date(2026, 5, 20),
        registered_by_id=scene.nurse_id,
        responsible_doctor_id=scene.specialist_id,
    )
    assert form == expected
    assert diagnoses == {("3", None, date(2018, 4, 1)), ("13", "痛风", date(2019, 7, 2))}
    assert events == {("surgery", "胆囊切除术", date(2010, 9, 15)), ("transfusion", "产后大出血", date(2005, 3, 1))}
    assert flags == (True, False, "30")

    # Editing loads every field again: the form as collected is the stored one.
    member_row = page.members_model.row_of(saved.id)
    assert member_row is not None
    page.members_view.setCurrentIndex(page.members_model.index(member_row, 0))
    qtbot.waitUntil(page.isActiveWindow)  # back from the dialog: the page's mnemonics work again
    QTest.keyClick(page.members_view, Qt.Key.Key_M, ALT)  # Edit &member
    edit = open_dialog(qtbot, page)
    assert edit.fields.collect() == expected
    assert edit.fields.history.genetic_combo.currentData() == "2"
    assert [r.state for r in edit.fields.past_history.rows] == ["stored"] * 4
    assert not edit.has_unsaved_changes()
    QTest.keyClick(edit, Qt.Key.Key_Escape)


def test_a_hypertension_diagnosis_from_the_record_allows_the_follow_up(
    qtbot: QtBot, store: Store, scene: Scene, tmp_path: Path
) -> None:
    def refusal() -> object:
        with store.read() as s:
            return desk.start_refusal(s, scene.son_id, VisitKind.HYPERTENSION)

    assert refusal() is not None  # no diagnosis yet
    page = make_page(qtbot, store, tmp_path)
    page.open_resident(scene.son_id)
    QTest.keyClick(page.record_back_button, Qt.Key.Key_H, CTRL)  # past history and diagnoses
    dialog = open_dialog(qtbot, page)
    assert dialog.fields.currentIndex() == dialog.fields.HISTORY
    panel = dialog.fields.past_history
    qtbot.waitUntil(panel.item_combo.hasFocus)
    add_history(dialog.fields, "disease:2", "", "2019-05")
    assert [(r.name, r.state) for r in panel.rows] == [("高血压", "pending")]
    assert "高血压患者" in dialog.fields.derived_tags_label.text()
    QTest.keyClick(dialog, Qt.Key.Key_S, CTRL)
    assert not dialog.isVisible()
    assert refusal() is None  # the hypertension follow-up may now be recorded
    qtbot.waitUntil(lambda: page.record_view.record is not None and "高血压患者" in page.record_view.facts.text())

    # Voided with a reason, the flag follows.
    qtbot.waitUntil(page.isActiveWindow)
    QTest.keyClick(page.record_back_button, Qt.Key.Key_H, CTRL)
    dialog = open_dialog(qtbot, page)
    panel = dialog.fields.past_history
    assert [(r.name, r.state) for r in panel.rows] == [("高血压", "stored")]
    panel.table.selectRow(0)
    panel.table.setFocus()
    QTest.keyClick(panel.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: panel.void_dialog is not None and panel.void_dialog.isVisible())
    assert panel.void_dialog is not None
    reason_dialog = panel.void_dialog
    QTest.keyClick(reason_dialog.reason_edit, Qt.Key.Key_Return)  # no reason: refused
    assert reason_dialog.isVisible() and not reason_dialog.error.isHidden()
    type_text(reason_dialog.reason_edit, "误诊")
    QTest.keyClick(reason_dialog.reason_edit, Qt.Key.Key_Return)
    assert not reason_dialog.isVisible()
    assert panel.rows[0].state == "voiding" and "误诊" in panel.table.item(0, 3).text()
    assert "高血压患者" not in dialog.fields.derived_tags_label.text()
    QTest.keyClick(dialog, Qt.Key.Key_S, CTRL)
    assert not dialog.isVisible()
    assert refusal() is not None
    with store.read() as s:
        row = s.scalars(select(Diagnosis).where(Diagnosis.resident_id == scene.son_id)).one()
        assert row.void_reason == "误诊" and row.voided_at is not None
        assert s.get(Resident, scene.son_id).has_hypertension is False  # type: ignore[union-attr]


def test_a_failed_save_keeps_the_form_and_the_pending_history(
    qtbot: QtBot, store: Store, scene: Scene, tmp_path: Path
) -> None:
    page = make_page(qtbot, store, tmp_path)
    page.open_household(scene.household_id)
    row = page.members_model.row_of(scene.son_id)
    assert row is not None
    page.members_view.setCurrentIndex(page.members_model.index(row, 0))
    page.edit_member()
    dialog = open_dialog(qtbot, page)
    f = dialog.fields
    type_text(f.basic.workplace_edit, "县水泥厂")
    type_text(f.basic.contact_phone_edit, "123")  # not a phone number
    f.history.exposure_checks.checks["3"].click()
    add_history(f, "disease:3", "", "1975-01")  # before he was born (1980)
    f.setCurrentIndex(f.LIVING)

    def stored() -> tuple[object, ...]:
        with store.read() as s:
            r = s.get(Resident, scene.son_id)
            assert r is not None
            count = s.scalar(select(func.count()).select_from(Diagnosis).where(Diagnosis.resident_id == r.id))
            return r.workplace, r.exposures, count

    before = stored()
    QTest.keyClick(dialog, Qt.Key.Key_S, CTRL)
    assert dialog.isVisible() and stored() == before
    assert f.currentIndex() == f.BASIC and not f.errors["contact_phone"].isHidden()  # beside the field, on its tab
    assert f.basic.contact_phone_edit.hasFocus()
    assert f.basic.workplace_edit.text() == "县水泥厂" and f.history.exposure_checks.values() == ("3",)
    assert [r.state for r in f.past_history.rows] == ["pending"]

    f.basic.contact_phone_edit.clear()
    type_text(f.basic.contact_phone_edit, "13800001111")
    QTest.keyClick(dialog, Qt.Key.Key_S, CTRL)  # now the diagnosis date is refused: nothing is saved
    assert dialog.isVisible() and stored() == before
    assert f.currentIndex() == f.HISTORY
    assert "确诊时间" in f.past_history.error.text() and not f.past_history.error.isHidden()
    assert f.basic.workplace_edit.text() == "县水泥厂" and dialog.has_unsaved_changes()

    f.past_history.table.selectRow(0)
    f.past_history.void_selected()  # a pending row is simply taken out
    assert f.past_history.rows == []
    add_history(f, "disease:3", "", "2015-03")
    QTest.keyClick(dialog, Qt.Key.Key_S, CTRL)
    assert not dialog.isVisible()
    assert stored() == ("县水泥厂", ("3",), 1)


def test_the_form_names_every_field_of_the_service_input(qtbot: QtBot, store: Store, scene: Scene) -> None:
    from fdclient.ui.operations.medical_history import HistoryChanges

    session = UiSession(store, InlineRunner(), Preferences(Path("/nonexistent/ui.ini")))
    form = PersonalInformationForm(session, scene.village_id)
    qtbot.addWidget(form)
    collected = form.collect()
    assert collected is not None
    parts = {**form.basic.identity_values(), **form.basic.values(), **form.living.values()}  # type: ignore[dict-item]
    parts |= form.history.values() or {}
    parts |= form.cover.values() or {}
    names = {f.name for f in dataclasses.fields(ResidentInput)} - {"village_id"}
    assert set(parts) == names
    assert form.history_changes() == HistoryChanges()
    # A hereditary disease ticked 有 needs its name, beside the field.
    choose(form.history.genetic_combo, "2")
    assert form.collect() is None and form.currentIndex() == form.HISTORY
    assert not form.errors["genetic_disease"].isHidden()
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(HistoryEvent)) == 0


def test_the_form_follows_the_interface_language(
    qtbot: QtBot, store: Store, scene: Scene, ui_language: Callable[[str], None]
) -> None:
    session = UiSession(store, InlineRunner(), Preferences(Path("/nonexistent/ui.ini")))
    dialog = ResidentDialog(session, scene.village_id, resident_id=scene.son_id)
    qtbot.addWidget(dialog)
    f = dialog.fields
    assert f.tabText(f.HISTORY) == "既往史·家族史(&2)" and f.basic.labels["workplace"].text() == "工作单位(&W)："
    assert f.basic.name_edit.text() == "孙八"
    ui_language("en")
    qtbot.waitUntil(lambda: f.tabText(f.HISTORY) == "&2 Past and family history")
    assert f.basic.labels["workplace"].text() == "&Workplace:"
    assert f.past_history.table.horizontalHeaderItem(0).text() == "Kind"
    assert dialog.save_button.text() == "&Save (Ctrl+S)"
    assert f.basic.name_edit.text() == "孙八"  # what was typed stays


def test_tab_goes_through_the_fields_in_the_paper_forms_order(qtbot: QtBot, store: Store, scene: Scene) -> None:
    session = UiSession(store, InlineRunner(), Preferences(Path("/nonexistent/ui.ini")))
    dialog = ResidentDialog(session, scene.village_id, household_id=scene.household_id)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    b = dialog.fields.basic
    expected = [
        b.relationship_combo,
        b.name_edit,
        b.sex_combo,
        b.birth_edit,
        b.id_type_combo,
        b.id_edit,
        b.workplace_edit,  # the mismatch box is hidden
        b.phone_edit,
        b.contact_name_edit,
        b.contact_phone_edit,
        b.resident_type_combo,  # then the right column
        b.ethnicity_combo,
        b.blood_abo_combo,
        b.blood_rh_combo,
        b.education_combo,
        b.occupation_combo,
        b.marital_combo,
        b.payment_checks.checks["1"],
    ]
    b.relationship_combo.setFocus()
    qtbot.waitUntil(b.relationship_combo.hasFocus)
    seen = [dialog.focusWidget()]
    for _ in expected[1:]:
        QTest.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        seen.append(dialog.focusWidget())
    assert seen == expected
