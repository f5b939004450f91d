"""更换户主 from the household view of 居民档案, over a real encrypted store: the member chosen
becomes the head, the relationships proposed for the others can be corrected before saving,
and a refusal is shown in the dialog without changing anything."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from helpers import builders
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from fdclient.models import Household, Resident
from fdclient.services.registry import resident_status
from fdclient.store import Store
from fdclient.ui.dialogs.change_head import ChangeHeadDialog
from fdclient.ui.pages.residents import ResidentsPage
from fdclient.ui.preferences import Preferences
from fdclient.ui.session import UiSession
from fdclient.ui.tasks import InlineRunner

ALT = Qt.KeyboardModifier.AltModifier


def build(store: Store) -> tuple[uuid.UUID, dict[str, uuid.UUID]]:
    with store.write() as s:
        village = builders.make_village(s, name="罗家村")
        household = builders.make_household(
            s,
            village,
            address="三组 2 号",
            members=[
                ("周老汉", date(1940, 1, 1), 1, "01"),
                ("吴老太", date(1942, 2, 2), 2, "10"),
                ("周建军", date(1968, 3, 3), 1, "20"),
                ("郑秀兰", date(1970, 4, 4), 2, "80"),
            ],
        )
        people = dict(s.execute(select(Resident.name, Resident.id)).tuples().all())
        return household.id, people


def relationships(store: Store, household_id: uuid.UUID) -> tuple[uuid.UUID | None, dict[str, str | None]]:
    with store.read() as s:
        household = s.get(Household, household_id)
        assert household is not None
        rows = s.scalars(select(Resident).where(Resident.household_id == household_id))
        return household.head_id, {r.name: r.relationship_to_head for r in rows}


def test_change_the_head_from_the_household_view(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    household_id, people = build(store)
    page = ResidentsPage(UiSession(store, InlineRunner(), Preferences(tmp_path / "ui.ini")))
    qtbot.addWidget(page)
    page.resize(1166, 678)
    with qtbot.waitActive(page):
        page.show()
        page.activateWindow()
    page.open_household(household_id, member=people["周建军"])
    assert page.current_member() is not None and page.current_member().name == "周建军"  # type: ignore[union-attr]
    QTest.keyClick(page.members_view, Qt.Key.Key_H, ALT)  # Change &head
    qtbot.waitUntil(lambda: isinstance(page.dialog, ChangeHeadDialog) and page.dialog.isVisible())
    dialog = page.dialog
    assert isinstance(dialog, ChangeHeadDialog)
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.new_head_id() == people["周建军"]  # the member selected is proposed
    assert dialog.old_head_combo is not None and dialog.old_head_combo.currentData() == "50"
    proposed = {rid: combo.currentData() for rid, combo in dialog.member_combos.items()}
    assert proposed == {people["吴老太"]: "50", people["郑秀兰"]: "80"}
    wife = dialog.member_combos[people["郑秀兰"]]
    wife.setCurrentIndex(wife.findData("10"))  # the daughter-in-law is the new head's wife
    assert dialog.has_unsaved_changes()

    # The choice of another new head proposes again; choosing him back keeps the proposal in step.
    dialog.new_head_combo.setCurrentIndex(dialog.new_head_combo.findData(str(people["吴老太"])))
    assert dialog.old_head_combo is not None and dialog.old_head_combo.currentData() == "10"
    dialog.new_head_combo.setCurrentIndex(dialog.new_head_combo.findData(str(people["周建军"])))
    wife = dialog.member_combos[people["郑秀兰"]]
    wife.setCurrentIndex(wife.findData("10"))
    QTest.keyClick(dialog.new_head_combo, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.isVisible()

    head, codes = relationships(store, household_id)
    assert head == people["周建军"]
    assert codes == {"周建军": "01", "周老汉": "50", "吴老太": "50", "郑秀兰": "10"}
    assert [m.name for m in page.members_model._members][0] == "周建军"  # the household view follows
    assert page.members_model._members[0].relationship_label == "户主"


def test_a_refused_change_keeps_the_dialog(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    household_id, people = build(store)
    page = ResidentsPage(UiSession(store, InlineRunner(), Preferences(tmp_path / "ui.ini")))
    qtbot.addWidget(page)
    page.open_household(household_id, member=people["吴老太"])
    assert page.household is not None
    page.change_head()
    dialog = page.dialog
    assert isinstance(dialog, ChangeHeadDialog)
    # Meanwhile (another window, a sync), she was recorded as moved out.
    with store.write() as s:
        resident_status.mark_moved_out(s, people["吴老太"], date(2026, 5, 1))
    dialog.save()
    assert dialog.isVisible() and not dialog.errors["new_head_id"].isHidden()
    assert "已迁出" in dialog.errors["new_head_id"].text()
    assert relationships(store, household_id)[0] == people["周老汉"]
