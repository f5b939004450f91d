"""The signing form's test scene and gestures (``from helpers.contract_forms import ...``):
a village with a team and the basic package, a household to sign for (and a neighbour's),
the contracts page over a real store, and a signature drawn with the mouse."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from fdclient.models import Household, ServicePackage, Staff, Team, Village
from fdclient.store import Store
from fdclient.ui.pages.contracts import ContractsPage
from fdclient.ui.preferences import Preferences
from fdclient.ui.session import UiSession
from fdclient.ui.tasks import InlineRunner
from fdclient.ui.widgets.signature_pad import SignaturePad
from helpers import builders


@dataclass
class Scene:
    village: Village
    team: Team
    doctor: Staff
    basic: ServicePackage
    household: Household
    record_no: str


def make_scene(store: Store, members: list[tuple[str, date, int, str]], *, has_hypertension: bool = False) -> Scene:
    """``members`` as for :func:`builders.make_household` (the head first)."""
    with store.write() as session:
        village = builders.make_village(session, name="罗家村")
        team, doctor = builders.make_team(session, villages=[village])
        basic = builders.make_basic_package(session)
        builders.make_household(session, village, members=[("邻居", date(1970, 1, 1), 1, "01")], address="二组 1 号")
        household = builders.make_household(session, village, members=members, has_hypertension=has_hypertension)
        assert household.head is not None and household.head.health_record_no is not None
        return Scene(village, team, doctor, basic, household, household.head.health_record_no)


def make_page(qtbot: QtBot, store: Store, tmp_path: Path) -> ContractsPage:
    page = ContractsPage(UiSession(store, InlineRunner(), Preferences(tmp_path / "ui.ini")))
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    return page


def activate(qtbot: QtBot, widget: QWidget) -> None:
    """Shortcuts (Ctrl+S) reach an active window only."""
    with qtbot.waitActive(widget):
        widget.activateWindow()


def draw_signature(qtbot: QtBot, pad: SignaturePad) -> None:
    left = Qt.MouseButton.LeftButton
    qtbot.mousePress(pad, left, pos=QPoint(30, 60))
    for x, y in ((60, 40), (90, 80), (120, 50), (160, 70)):
        qtbot.mouseMove(pad, QPoint(x, y))
    qtbot.mouseRelease(pad, left, pos=QPoint(180, 60))
