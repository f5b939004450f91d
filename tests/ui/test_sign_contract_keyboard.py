"""The signing form with the keyboard alone (key clicks only: no mouse, no setters on its
widgets): the Tab order follows the form, the mnemonics reach each part, Ctrl+S signs, the
pad is passed over with Tab and the contract is signed "on paper" (no drawing stored);
Esc asks before dropping what was entered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from helpers import builders
from helpers.contract_forms import activate, draw_signature, make_page, make_scene
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from fdclient.domain.codes import ContractStatus
from fdclient.models import Contract
from fdclient.store import Store
from fdclient.ui.dialogs.sign_contract import SignContractDialog
from fdclient.ui.pages.contracts import ContractsPage

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> QWidget | None:
    """A key on whatever has the keyboard focus; returns what has it afterwards."""
    qtbot.keyClick(focused(), key, modifier)
    return QApplication.focusWidget()


def open_by_keyboard(qtbot: QtBot, page: ContractsPage) -> SignContractDialog:
    activate(qtbot, page)
    qtbot.keyClick(page, Qt.Key.Key_N, ALT)  # 新签约(&N): the button clicks after a short animation
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    dialog = page.dialog
    assert isinstance(dialog, SignContractDialog) and dialog.isVisible()
    activate(qtbot, dialog)
    qtbot.waitUntil(dialog.find_edit.hasFocus)
    return dialog


def test_the_whole_form_is_completed_with_the_keyboard_and_signed_on_paper(
    qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    scene = make_scene(
        store, [("王大", date(1955, 3, 1), 1, "01"), ("刘二", date(1985, 6, 1), 2, "10")], has_hypertension=True
    )
    with store.write() as session:
        hypertension = builders.make_hypertension_package(session)
    page = make_page(qtbot, store, tmp_path)
    dialog = open_by_keyboard(qtbot, page)

    # The household by its number, Enter: the cursor goes to the first member.
    qtbot.keyClicks(dialog.find_edit, scene.record_no[-5:])
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.household is not None and dialog.household.id == scene.household.id
    head, spouse = dialog.member_rows
    assert focused() is head.covered and head.covered.isChecked()  # the elderly head, pre-ticked

    # Line by line: consent by whom, agreed; the guardian's fields are passed over.
    assert press(qtbot, Qt.Key.Key_Tab) is head.consent_by
    assert press(qtbot, Qt.Key.Key_Tab) is head.consented
    assert press(qtbot, Qt.Key.Key_Space) is head.consented and head.consented.isChecked()
    assert press(qtbot, Qt.Key.Key_Tab) is spouse.covered
    press(qtbot, Qt.Key.Key_Space)
    assert spouse.covered.isChecked() and spouse.consent_by.isEnabled()
    assert press(qtbot, Qt.Key.Key_Tab) is spouse.consent_by
    press(qtbot, Qt.Key.Key_End)  # the representative confirms for her (she agreed in person)
    assert spouse.consent_by.currentData() == "representative"
    assert press(qtbot, Qt.Key.Key_Tab) is spouse.consented
    press(qtbot, Qt.Key.Key_Space)
    assert press(qtbot, Qt.Key.Key_Tab) is dialog.terms.representative  # the guardian's fields stay disabled

    # Term by its mnemonic, two years; the packages by theirs; the personalised one ticked.
    assert press(qtbot, Qt.Key.Key_M, ALT) is dialog.term
    press(qtbot, Qt.Key.Key_Up)
    assert dialog.term.value() == 2
    basic_box, hypertension_box = dialog.packages.boxes.values()
    assert press(qtbot, Qt.Key.Key_P, ALT) is basic_box and basic_box.isChecked()
    assert press(qtbot, Qt.Key.Key_Tab) is hypertension_box and hypertension_box.isChecked()  # the head's
    assert "合计 520.00 元" in dialog.fee_total.text()  # 55 × 2 members × 2 years + 150 × the head × 2 years
    assert "人均每年 130.00 元" in dialog.fee_total.text()
    press(qtbot, Qt.Key.Key_Space)
    assert not hypertension_box.isChecked() and "合计 220.00 元" in dialog.fee_total.text()
    press(qtbot, Qt.Key.Key_Space)
    assert hypertension_box.isChecked() and "合计 520.00 元" in dialog.fee_total.text()

    # The pad: Ctrl+S with nothing drawn is refused beside it; Tab passes over it to
    # "sign on paper", Space ticks it, Ctrl+S signs.
    assert press(qtbot, Qt.Key.Key_Tab) is dialog.pad
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert dialog.isVisible() and dialog.signature_error.isVisible()
    assert "Alt+I" in dialog.signature_error.text()
    assert press(qtbot, Qt.Key.Key_Tab) is dialog.signature.on_paper
    press(qtbot, Qt.Key.Key_Space)
    assert dialog.signature.on_paper.isChecked() and not dialog.pad.isEnabled()
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert not dialog.isVisible(), dialog.error.text() + dialog.members_error.text()

    info = dialog.result_info
    assert info is not None and info.status == ContractStatus.ACTIVE and info.term_years == 2
    assert info.fee_total_fen == 5500 * 2 * 2 + 15000 * 2
    with store.read() as session:
        c = session.scalars(select(Contract).where(Contract.id == info.id)).one()
        assert c.signature_png is None  # signed on paper: the printed form keeps blank lines
        assert {p.package_id for p in c.packages} == {scene.basic.id, hypertension.id}
        assert {m.resident_id: m.consent_by for m in c.members} == {
            head.member_id: "self",
            spouse.member_id: "representative",
        }
    assert info.contract_no in page.message.text()


def test_the_tab_order_follows_the_form_from_top_to_bottom(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    scene = make_scene(store, [("周大", date(1950, 1, 1), 1, "01")])
    page = make_page(qtbot, store, tmp_path)
    dialog = open_by_keyboard(qtbot, page)
    qtbot.keyClicks(dialog.find_edit, scene.record_no[-5:])
    press(qtbot, Qt.Key.Key_Return)
    (row,) = dialog.member_rows
    assert focused() is row.covered
    press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert focused() is dialog.find_edit  # the list of households comes between
    terms, signature = dialog.terms, dialog.signature
    expected = [
        dialog.find_edit,
        dialog.results,
        row.covered,
        row.consent_by,
        row.consented,
        terms.representative,
        terms.team,
        terms.doctor,
        terms.term,
        *dialog.packages.boxes.values(),
        signature.pad,
        signature.on_paper,
        signature.clear_button,
        dialog.draft_button,
        dialog.sign_button,
        dialog.cancel_button,
        dialog.village,  # round again
    ]
    visited = [focused()] + [press(qtbot, Qt.Key.Key_Tab) for _ in expected[1:]]
    assert [w.objectName() for w in visited if w is not None] == [w.objectName() for w in expected]
    # Each part by its mnemonic.
    assert press(qtbot, Qt.Key.Key_G, ALT) is signature.pad
    assert press(qtbot, Qt.Key.Key_E, ALT) is row.covered
    assert press(qtbot, Qt.Key.Key_O, ALT) is terms.doctor
    assert press(qtbot, Qt.Key.Key_I, ALT) is signature.on_paper
    qtbot.waitUntil(signature.on_paper.isChecked)  # a mnemonic clicks after a short animation
    assert not signature.pad.isEnabled()
    assert press(qtbot, Qt.Key.Key_H, ALT) is dialog.find_edit


def test_esc_asks_before_dropping_what_was_entered(
    qtbot: QtBot, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scene = make_scene(store, [("吴大", date(1950, 1, 1), 1, "01")])
    page = make_page(qtbot, store, tmp_path)
    dialog = page.new_contract(scene.household.id)
    assert dialog is not None
    activate(qtbot, dialog)
    asked: list[str] = []

    def answer(button: QMessageBox.StandardButton) -> None:
        def question(parent: QWidget, title: str, text: str, *args: object) -> QMessageBox.StandardButton:
            asked.append(text)
            return button

        monkeypatch.setattr(QMessageBox, "question", question)

    answer(QMessageBox.StandardButton.Cancel)
    assert not dialog.has_unsaved_changes() and not page.has_unsaved_changes()  # as it opened
    draw_signature(qtbot, dialog.pad)
    assert dialog.has_unsaved_changes() and page.has_unsaved_changes()
    press(qtbot, Qt.Key.Key_Escape)
    assert asked == ["关闭表单并放弃已填写的内容吗？"] and dialog.isVisible() and not dialog.pad.is_empty()
    answer(QMessageBox.StandardButton.Discard)
    press(qtbot, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and len(asked) == 2
    with store.read() as session:
        assert session.scalars(select(Contract)).all() == []

    # Opened and left as it was: Esc closes at once.
    untouched = page.new_contract(scene.household.id)
    assert untouched is not None
    activate(qtbot, untouched)
    press(qtbot, Qt.Key.Key_Escape)
    assert not untouched.isVisible() and len(asked) == 2


def test_the_open_form_follows_a_language_switch(
    qtbot: QtBot, store: Store, tmp_path: Path, ui_language: Callable[[str], None]
) -> None:
    scene = make_scene(store, [("郑大", date(1950, 1, 1), 1, "01")])
    page = make_page(qtbot, store, tmp_path)
    dialog = page.new_contract(scene.household.id)
    assert dialog is not None
    (row,) = dialog.member_rows
    assert dialog.members.title() == "签约成员与知情同意(&E)" and row.consent_by.itemText(0) == "本人"
    assert row.populations.text() == "65岁及以上老年人" and dialog.signature.on_paper.text().endswith("(&I)")
    ui_language("en")
    qtbot.waitUntil(lambda: dialog.members.title() == "M&embers and their consent")
    assert row.consent_by.itemText(0) == "Self" and row.populations.text() == "Elderly 65+"
    assert dialog.windowTitle() == "Sign a family doctor contract" and dialog.sign_button.text() == "&Sign"
    assert dialog.fee_total.text().startswith("Total 55.00 yuan")
