"""The 随访服务 page over a real store, for the UI tests (``from helpers.visit_page import ...``).

:func:`make_world` adds, in a write unit of work signed in as the scene's doctor, the
patient of :func:`helpers.visit_world.make_patient` (张三, 76, hypertension and diabetes,
signed) and a 41-year-old without a diagnosis (李四) in the same village;
:func:`make_page` opens the page on the store with the tasks run inline.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pytestqt.qtbot import QtBot

from fdclient.store import Store
from fdclient.ui.dialogs.visit_forms import VisitForm
from fdclient.ui.pages.visits import VisitsPage
from fdclient.ui.preferences import Preferences
from fdclient.ui.session import UiSession
from fdclient.ui.tasks import InlineRunner
from helpers import builders
from helpers.visit_world import make_patient


@dataclass(frozen=True)
class World:
    patient: uuid.UUID  # 张三, 76, hypertension and diabetes, signed
    young: uuid.UUID  # 李四, 41, no diagnosis
    village: uuid.UUID


def make_world(store: Store) -> World:
    with store.write() as s:
        with builders.acting_as(s, builders.actor_named(s, "doctor")):
            patient = make_patient(s)
            village = patient.village
            other = builders.make_household(s, village, members=[("李四", date(1985, 1, 1), 1, "01")])
        assert other.head_id is not None
        return World(patient.head_id, other.head_id, village.id)


def make_page(qtbot: QtBot, store: Store, tmp_path: Path) -> VisitsPage:
    session = UiSession(store, InlineRunner(), Preferences(tmp_path / "ui.ini"))
    page = VisitsPage(session)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    page.activated()
    return page


def typed(form: VisitForm, **values: str) -> None:
    """Type ``values`` into the fields of ``form`` as the user would."""
    for name, text in values.items():
        form.set_text(name, text)
