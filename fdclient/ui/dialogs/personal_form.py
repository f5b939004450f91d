"""The whole personal information form (个人基本信息表, 2017 national specification) in four
tabs, in the paper form's order: 基本信息 (:mod:`resident_basic`), 既往史·家族史
(:mod:`resident_health`), 残疾·生活环境 (:mod:`resident_living`) and 重点人群·建档
(:mod:`resident_cover`). Alt+1 … Alt+4 or Ctrl+Tab move between the tabs; Tab goes through
the fields in the paper form's order.

Loading a resident fills every field; :meth:`collect` gives back the form as service input
with every field; an error from the service is shown beside its field, on its tab, which is
brought to the front. The key populations that follow from the form (age, assistance,
disabilities, hypertension and diabetes diagnoses) are shown as they are typed.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Signal
from PySide6.QtWidgets import QLabel, QTabWidget, QWidget

from fdclient.domain import codes
from fdclient.domain.key_populations import AGE_BASED, KeyPopulation, PersonFacts, compute_tags
from fdclient.services.registry.resident_forms import ResidentInput
from fdclient.ui.dialogs.form_parts import FormTab, parse_date
from fdclient.ui.dialogs.resident_basic import BasicTab
from fdclient.ui.dialogs.resident_cover import EDITABLE_TAGS, CoverTab
from fdclient.ui.dialogs.resident_health import HistoryTab
from fdclient.ui.dialogs.resident_living import LivingTab
from fdclient.ui.operations.medical_history import HistoryChanges
from fdclient.ui.session import UiSession
from fdclient.ui.table_models.members import key_population_text

__all__ = ["PersonalInformationForm"]

_TAB_TITLES = (
    str(QT_TRANSLATE_NOOP("ResidentForm", "&1 Basic information")),
    str(QT_TRANSLATE_NOOP("ResidentForm", "&2 Past and family history")),
    str(QT_TRANSLATE_NOOP("ResidentForm", "&3 Disability and living environment")),
    str(QT_TRANSLATE_NOOP("ResidentForm", "&4 Key populations and record cover")),
)
#: Tags that follow the form as typed (the others come from the stored record).
_FOLLOW_THE_FORM = frozenset(
    {*AGE_BASED, *EDITABLE_TAGS, KeyPopulation.POVERTY, KeyPopulation.DISABLED}
    | {KeyPopulation.HYPERTENSION, KeyPopulation.DIABETES}
)


class PersonalInformationForm(QTabWidget):
    """The form of one resident (``with_relationship``: a new member, with the relationship
    to the head)."""

    changed = Signal()
    BASIC, HISTORY, LIVING, COVER = range(4)

    def __init__(
        self,
        session: UiSession,
        village_id: uuid.UUID,
        *,
        with_relationship: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("residentFields")
        self.session = session
        self.village_id = village_id
        self.resident_id: uuid.UUID | None = None
        self._base: ResidentInput | None = None
        self._stored_tags: frozenset[KeyPopulation] = frozenset()
        self.dirty = False
        self.derived_tags: frozenset[KeyPopulation] = frozenset()

        self.basic = BasicTab(session, with_relationship=with_relationship, parent=self)
        self.history = HistoryTab(session, self)
        self.living = LivingTab(self)
        self.cover = CoverTab(session, self)
        self.tabs: tuple[FormTab, ...] = (self.basic, self.history, self.living, self.cover)
        for tab in self.tabs:
            self.addTab(tab, "")
            tab.changed.connect(self._touched)
        # The fields the tests and the household form reach by name.
        b = self.basic
        self.relationship_combo, self.name_edit, self.sex_combo = b.relationship_combo, b.name_edit, b.sex_combo
        self.birth_edit, self.age_label, self.id_type_combo, self.id_edit = (
            b.birth_edit,
            b.age_label,
            b.id_type_combo,
            b.id_edit,
        )
        self.confirm_check, self.duplicate_label = b.confirm_check, b.duplicate_label
        self.phone_edit = b.phone_edit
        self.derived_tags_label: QLabel = self.cover.derived_tags_label
        self.tag_checks, self.relief_checks = self.cover.tag_checks, self.cover.relief_checks
        self.past_history = self.history.past_history
        self.errors = {name: label for tab in self.tabs for name, label in tab.errors.items()}

        b.birth_changed.connect(lambda _: self._update_tags())
        self.cover.changed.connect(self._update_tags)
        self.living.changed.connect(self._update_tags)
        self.past_history.changed.connect(self._update_tags)
        self._chain_focus()
        self.retranslate_ui()
        self.load(ResidentInput(village_id=village_id, name=""), resident_id=None, tags=frozenset())
        self.cover.load_choices(None)

    def _chain_focus(self) -> None:
        for tab in self.tabs:
            chain = tab.focus_chain()
            for first, second in zip(chain, chain[1:], strict=False):
                QWidget.setTabOrder(first, second)

    def retranslate_ui(self) -> None:
        for index, title in enumerate(_TAB_TITLES):
            self.setTabText(index, QCoreApplication.translate("ResidentForm", title))
            self.setTabToolTip(index, QCoreApplication.translate("ResidentForm", "Alt+number or Ctrl+Tab"))
        for tab in self.tabs:
            tab.retranslate_ui()
        self._update_tags()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # --- loading and collecting ----------------------------------------------------------------

    def load(self, data: ResidentInput, *, resident_id: uuid.UUID | None, tags: frozenset[KeyPopulation]) -> None:
        """Show a resident (``resident_id`` None: a new one with the form's defaults)."""
        for tab in self.tabs:
            tab.filling = True
        try:
            self.resident_id = resident_id
            self._base = data if resident_id is not None else None
            self._stored_tags = tags
            self.basic.load_identity(data, resident_id)
            self.basic.load(data)
            self.history.load(data)
            self.living.load(data)
            self.cover.load(data, editing=resident_id is not None)
        finally:
            for tab in self.tabs:
                tab.filling = False
        if resident_id is not None:
            self.past_history.load(resident_id)
            self.cover.load_choices(resident_id)
        self.dirty = False
        self._update_tags()

    def relationship(self) -> str:
        return self.basic.relationship()

    def collect(self) -> ResidentInput | None:
        """The form as service input (every field), or None after marking a field the form
        itself can judge (a date that is no date, a hereditary disease without its name)."""
        parts: list[dict[str, Any] | None] = [
            self.basic.identity_values(),
            self.basic.values(),
            self.history.values(),
            self.living.values(),
            self.cover.values(),
        ]
        for index, part in ((self.BASIC, parts[0]), (self.HISTORY, parts[2]), (self.COVER, parts[4])):
            if part is None:
                self.setCurrentIndex(index)
                return None
        values: dict[str, Any] = {}
        for part in parts:
            assert part is not None
            values.update(part)
        base = self._base or ResidentInput(village_id=self.village_id, name="")
        return dataclasses.replace(base, **values)

    def history_changes(self) -> HistoryChanges:
        return self.past_history.changes()

    # --- messages ------------------------------------------------------------------------------

    def clear_errors(self) -> None:
        for tab in self.tabs:
            tab.clear_errors()

    def show_error(self, field: str | None, message: str) -> bool:
        """Show ``message`` beside ``field`` on its tab (brought to the front); False when no
        field of the form has that name."""
        for index, tab in enumerate(self.tabs):
            if tab.show_error(field, message):
                self.setCurrentIndex(index)
                widget = tab.inputs.get(field or "")
                if widget is None and index == self.HISTORY:
                    widget = self.past_history.item_combo
                if widget is not None:
                    widget.setFocus()
                return True
        return False

    # --- live ----------------------------------------------------------------------------------

    def _touched(self) -> None:
        self.dirty = True
        self.changed.emit()

    def _update_tags(self) -> None:
        birth = parse_date(self.birth_edit.text())
        today = self.session.today()
        diseases = self.past_history.diseases()
        facts = PersonFacts(
            birth_date=birth if birth is not None and birth <= today else None,
            has_hypertension=codes.HYPERTENSION_DISEASE in diseases,
            has_diabetes=codes.DIABETES_DISEASE in diseases,
            has_disability=self.living.has_disability(),
            in_poverty_programme=self.cover.in_relief(),
        )
        derived = {t for t in self._stored_tags if t not in _FOLLOW_THE_FORM}
        derived |= compute_tags(facts, today)
        text = QCoreApplication.translate("ResidentForm", ", ").join(
            key_population_text(t) for t in KeyPopulation if t in derived
        )
        self.derived_tags_label.setText(
            text or QCoreApplication.translate("ResidentForm", "none derived from the birth date or the record")
        )
        self.derived_tags = frozenset(derived)
