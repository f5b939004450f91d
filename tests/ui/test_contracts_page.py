"""签约管理 over a real encrypted store: sign a household contract in one flow with a drawn
signature, a guardian signing for a child, renewing from the expiring list, terminating and
discarding with a reason, what a nurse may not do, and the lazy table model."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from helpers import builders
from helpers.contract_forms import Scene, activate, draw_signature, make_page, make_scene
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from fdclient.domain.codes import ConsentBy, ContractStatus, TerminationReason
from fdclient.domain.roles import Role
from fdclient.models import Contract, Household
from fdclient.services.contracts import lifecycle
from fdclient.services.contracts.listing import ContractFilter
from fdclient.store import Store
from fdclient.ui.dialogs.sign_contract import SignContractDialog, index_of
from fdclient.ui.preferences import Preferences
from fdclient.ui.session import UiSession
from fdclient.ui.table_models.contracts import ContractsTableModel
from fdclient.ui.tasks import InlineRunner


def choose_household(qtbot: QtBot, dialog: SignContractDialog, scene: Scene) -> None:
    """By village and household number (the last digits of the head's record number), Enter."""
    dialog.village.setCurrentIndex(index_of(dialog.village, scene.village.id))
    dialog.find_edit.setFocus()
    qtbot.keyClicks(dialog.find_edit, scene.record_no[-5:])
    assert dialog.results.count() == 1, [dialog.find_edit.text()] + [
        dialog.results.item(i).text() for i in range(dialog.results.count())
    ]
    qtbot.keyClick(dialog.find_edit, Qt.Key.Key_Return)
    assert dialog.household is not None and dialog.household.id == scene.household.id
    assert dialog.isVisible()  # Enter in the finder chose the household, it did not sign


def test_sign_a_household_contract_for_three_members_with_a_drawn_signature(
    qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    scene = make_scene(
        store,
        [("王大", date(1955, 3, 1), 1, "01"), ("刘二", date(1985, 6, 1), 2, "10"), ("王三", date(2000, 9, 1), 1, "20")],
    )
    page = make_page(qtbot, store, tmp_path)
    dialog = page.new_contract()
    assert isinstance(dialog, SignContractDialog) and dialog.isVisible()
    activate(qtbot, dialog)
    choose_household(qtbot, dialog, scene)
    rows = dialog.member_rows
    assert [r.covered.isChecked() for r in rows] == [True, False, False]  # the elderly head is a key population
    assert dialog.fee_total.toolTip() == "基础服务包：55.00 × 1 人年 = 55.00 元"
    assert dialog.fee_total.text().startswith("合计 55.00 元")
    for row in rows[1:]:
        row.covered.setChecked(True)
    dialog.term.setValue(2)
    assert "合计 330.00 元" in dialog.fee_total.text()  # 55 × 3 members × 2 years, updated as we go
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.members_error.isVisible() and "王大" in dialog.members_error.text()  # no consent yet
    for row in rows:
        row.consented.setChecked(True)
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.signature_error.isVisible()  # nothing drawn yet
    draw_signature(qtbot, dialog.pad)
    assert not dialog.pad.is_empty()
    rows[2].consent_by.setCurrentIndex(rows[2].consent_by.findData(ConsentBy.REPRESENTATIVE.value))
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.isVisible(), dialog.error.text()
    info = dialog.result_info
    assert info is not None and info.status == ContractStatus.ACTIVE
    assert info.fee_total_fen == 5500 * 3 * 2
    assert "已签约" in page.message.text() or info.contract_no in page.message.text()
    assert page.selected() is not None and page.selected().id == info.id  # type: ignore[union-attr]
    with store.read() as session:
        c = session.get(Contract, info.id)
        assert c is not None and c.signature_png is not None and c.signature_png.startswith(b"\x89PNG")
        by = {m.resident_id: m.consent_by for m in c.members}
        assert len(c.members) == 3 and set(by.values()) == {"self", "representative"}
        assert all(m.consented_at is not None for m in c.members)


def test_a_guardian_signs_for_a_child(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    scene = make_scene(store, [("张妈妈", date(1990, 3, 1), 2, "01"), ("张小宝", date(2022, 5, 1), 1, "20")])
    page = make_page(qtbot, store, tmp_path)
    dialog = page.new_contract(scene.household.id)
    assert dialog is not None and not dialog.household_box.isEnabled()
    mother, child = dialog.member_rows
    assert child.covered.isChecked() and child.guardian_name.isEnabled()  # a child 0-6, pre-ticked
    assert [child.consent_by.itemData(i) for i in range(child.consent_by.count())] == ["guardian"]
    mother.covered.setChecked(True)
    assert not mother.guardian_name.isEnabled()
    for row in (mother, child):
        row.consented.setChecked(True)
    child.guardian_name.setText("张妈妈")
    child.guardian_relationship.setCurrentIndex(child.guardian_relationship.findData("mother"))
    child.guardian_id.setText("110105194912310021")  # a wrong check digit
    draw_signature(qtbot, dialog.pad)
    dialog.sign_button.click()
    assert dialog.isVisible() and dialog.members_error.isVisible() and "监护人" in dialog.members_error.text()
    assert child.guardian_name.text() == "张妈妈"  # the form keeps what was typed
    child.guardian_id.setText(builders.new_id_number(date(1990, 3, 1), 2))
    dialog.sign_button.click()
    assert not dialog.isVisible(), dialog.members_error.text() + dialog.error.text()
    assert dialog.result_info is not None
    child_info = next(m for m in dialog.result_info.members if m.resident_id == child.member_id)
    assert child_info.consent_by == ConsentBy.GUARDIAN and child_info.guardian is not None
    assert child_info.guardian.name == "张妈妈"


def test_renew_from_the_expiring_list(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    scene = make_scene(store, [("赵老汉", date(1950, 1, 1), 1, "01")])
    with store.write() as session:
        old = builders.make_signed_contract(
            session, scene.household, scene.team, scene.doctor, [scene.basic], start_date=date(2025, 7, 1)
        )
    page = make_page(qtbot, store, tmp_path)
    page.show_filter(ContractFilter.EXPIRING_30)
    assert page.model.rowCount() == 1 and page.selected() is not None
    assert page.selected().contract_no == old.contract_no  # type: ignore[union-attr]
    assert page.renew_button.isEnabled() and not page.sign_button.isEnabled()
    qtbot.keyClick(page.renew_button, Qt.Key.Key_Space)
    with store.read() as session:
        assert lifecycle.get_contract(session, old.id).status == ContractStatus.RENEWED
        new = session.scalars(select(Contract).where(Contract.renewal_of_id == old.id)).one()
        assert new.start_date == date(2026, 7, 1) and new.status == "active"
    assert new.contract_no in page.message.text()
    assert page.model.rowCount() == 0  # no longer expiring


def test_terminate_with_a_reason_and_discard_a_draft(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    scene = make_scene(store, [("孙大", date(1950, 1, 1), 1, "01")])
    other = scene.household
    with store.write() as session:
        signed = builders.make_signed_contract(session, other, scene.team, scene.doctor, [scene.basic])
        neighbour = session.scalars(select(Household).where(Household.address == "二组 1 号")).one()
        draft = lifecycle.draft_contract(
            session,
            household_id=neighbour.id,
            representative_id=neighbour.head_id,  # type: ignore[arg-type]
            team_id=scene.team.id,
            doctor_id=scene.doctor.id,
            package_ids=[scene.basic.id],
            start_date=date(2026, 6, 1),
        )
    page = make_page(qtbot, store, tmp_path)
    assert page.select_contract(signed.id)
    dialog = page.terminate_selected()
    assert dialog is not None
    activate(qtbot, dialog)
    dialog.reason.setCurrentIndex(dialog.reason.findData(TerminationReason.OTHER.value))
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible() and "说明" in dialog.error.text()  # "other" needs a note
    dialog.note.setText("全家外出务工")
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible()
    with store.read() as session:
        ended = lifecycle.get_contract(session, signed.id)
        assert ended.status == ContractStatus.TERMINATED and ended.termination_note == "全家外出务工"

    page.show_filter(ContractFilter.DRAFT)
    assert page.select_contract(draft.id) and page.void_button.isEnabled()
    void = page.void_selected()
    assert void is not None
    void.buttons.accepted.emit()
    assert void.isVisible() and void.error.isVisible()  # a reason is needed
    void.reason.setText("录入错误")
    qtbot.keyClick(void.reason, Qt.Key.Key_Return)
    assert not void.isVisible()
    assert page.model.rowCount() == 0
    with store.read() as session:
        voided = lifecycle.get_contract(session, draft.id)
        assert voided.voided and voided.void_reason == "录入错误"


def test_sign_a_draft_from_the_list(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    scene = make_scene(store, [("周大", date(1950, 1, 1), 1, "01"), ("周二", date(1980, 1, 1), 2, "10")])
    with store.write() as session:
        draft = lifecycle.draft_contract(
            session,
            household_id=scene.household.id,
            member_ids=[scene.household.head_id],  # type: ignore[list-item]
            representative_id=scene.household.head_id,  # type: ignore[arg-type]
            team_id=scene.team.id,
            doctor_id=scene.doctor.id,
            package_ids=[scene.basic.id],
            start_date=date(2026, 6, 1),
        )
    page = make_page(qtbot, store, tmp_path)
    page.show_filter(ContractFilter.DRAFT)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # Enter on a draft signs it
    dialog = page.dialog
    assert isinstance(dialog, SignContractDialog) and dialog.draft is not None
    head, spouse = dialog.member_rows
    assert head.covered.isChecked() and not spouse.covered.isChecked() and not head.covered.isEnabled()
    assert not dialog.draft_button.isVisible()
    head.consented.setChecked(True)
    draw_signature(qtbot, dialog.pad)
    dialog.submit()
    assert not dialog.isVisible(), dialog.error.text()
    with store.read() as session:
        assert lifecycle.get_contract(session, draft.id).status == ContractStatus.ACTIVE


def test_a_nurse_cannot_sign(qtbot: QtBot, store_as: Callable[[Role], Store], tmp_path: Path) -> None:
    store = store_as(Role.NURSE)
    scene = make_scene(store, [("吴大", date(1950, 1, 1), 1, "01")])
    page = make_page(qtbot, store, tmp_path)
    for button in (page.new_button, page.sign_button, page.renew_button, page.terminate_button, page.void_button):
        assert not button.isVisible()
    assert page.new_contract() is None
    session = page.session
    assert session is not None
    dialog = SignContractDialog(session, household_id=scene.household.id)
    qtbot.addWidget(dialog)
    assert not dialog.sign_button.isEnabled() and not dialog.error.isHidden()
    dialog.member_rows[0].consented.setChecked(True)
    draw_signature(qtbot, dialog.pad)
    dialog.submit()
    with store.read() as s:
        assert s.scalars(select(Contract)).all() == []


def test_the_table_model_passes_the_model_tester(
    qtbot: QtBot, qtmodeltester: object, store: Store, tmp_path: Path
) -> None:
    scene = make_scene(store, [("郑大", date(1950, 1, 1), 1, "01")])
    with store.write() as session:
        builders.make_signed_contract(session, scene.household, scene.team, scene.doctor, [scene.basic])
    model = ContractsTableModel(UiSession(store, InlineRunner(), Preferences(tmp_path / "ui.ini")))
    model.set_query(ContractFilter.ALL)
    assert model.rowCount() == 1 and model.data(model.index(0, 1)) == "郑大"
    model.sort(0, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
