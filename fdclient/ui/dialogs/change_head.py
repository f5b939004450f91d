"""更换户主: make another member the household's head. The relationships of the former head
and of the other members to the new head are proposed (:func:`households.propose_head_change`)
and shown for the user to confirm or correct before saving; the new head's own relationship
becomes 户主. Ctrl+S or Enter saves, Esc cancels; a refusal is shown beside its field."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QFormLayout, QGridLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from fdclient.domain import codes
from fdclient.domain.codes import ResidentStatus
from fdclient.errors import FdError
from fdclient.services.registry.households import HeadChangeProposal, HouseholdInfo, ProposedRelationship
from fdclient.services.registry.village_lists import MemberRow
from fdclient.ui.dialogs.form_parts import FormDialog, error_label
from fdclient.ui.operations import registry as ops
from fdclient.ui.session import UiSession

__all__ = ["ChangeHeadDialog"]


def relationship_combo(parent: QWidget, name: str) -> QComboBox:
    combo = QComboBox(parent)
    combo.setObjectName(name)
    for code, label in codes.RELATIONSHIP.items():
        if code != codes.HEAD_OF_HOUSEHOLD:
            combo.addItem(f"{code} {label}", code)
    return combo


class ChangeHeadDialog(FormDialog):
    def __init__(
        self,
        session: UiSession,
        household: HouseholdInfo,
        members: Sequence[MemberRow],
        *,
        new_head_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("changeHeadDialog")
        self.session = session
        self.household = household
        self.proposal: HeadChangeProposal | None = None
        self.dirty = False
        self.old_head_combo: QComboBox | None = None
        self.member_combos: dict[uuid.UUID, QComboBox] = {}

        layout = QVBoxLayout(self)
        self.explain = QLabel(self)
        self.explain.setWordWrap(True)
        layout.addWidget(self.explain)
        layout.addWidget(self.message_label)
        form = QFormLayout()
        self.new_head_label = QLabel(self)
        self.new_head_combo = QComboBox(self)
        self.new_head_combo.setObjectName("newHead")
        for m in members:
            if m.id != household.head_id and m.status == ResidentStatus.ACTIVE:
                self.new_head_combo.addItem(f"{m.name}（{m.relationship_label or '—'}，{m.age}）", str(m.id))
        self.new_head_label.setBuddy(self.new_head_combo)
        self.errors = {
            "new_head_id": error_label(self, "newHead"),
            "old_head_relationship": error_label(self, "oldHeadRelationship"),
            "relationships": error_label(self, "relationships"),
        }
        form.addRow(self.new_head_label, self.new_head_combo)
        form.addRow("", self.errors["new_head_id"])
        layout.addLayout(form)
        self.relations_box = QGroupBox(self)
        self.relations = QGridLayout(self.relations_box)
        layout.addWidget(self.relations_box)
        layout.addWidget(self.errors["old_head_relationship"])
        layout.addWidget(self.errors["relationships"])
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        self.retranslate_ui()

        if new_head_id is not None:
            index = self.new_head_combo.findData(str(new_head_id))
            if index >= 0:
                self.new_head_combo.setCurrentIndex(index)
        self.new_head_combo.currentIndexChanged.connect(lambda _: self._propose())
        self.save_button.setEnabled(self.new_head_combo.count() > 0)
        if self.new_head_combo.count() == 0:
            self.show_general(
                QCoreApplication.translate(
                    "ChangeHead", "No other member living in the household can become its head: add one first."
                )
            )
        self._propose()
        self.new_head_combo.setFocus()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(
            QCoreApplication.translate("ChangeHead", "Change the head of {address}").format(
                address=self.household.address
            )
        )
        self.explain.setText(
            QCoreApplication.translate(
                "ChangeHead",
                "The new head's relationship becomes 户主. The relationships of the others to the new head are "
                "proposed from those to the present head: check them before saving.",
            )
        )
        self.new_head_label.setText(QCoreApplication.translate("ChangeHead", "&New head:"))
        self.relations_box.setTitle(QCoreApplication.translate("ChangeHead", "Relationships to the new head"))
        if self.proposal is not None:
            self._show_proposal(self.proposal)

    def new_head_id(self) -> uuid.UUID | None:
        data = self.new_head_combo.currentData()
        return uuid.UUID(data) if data else None

    def _propose(self) -> None:
        new_head = self.new_head_id()
        if new_head is None:
            return
        self.clear_errors()
        ops.propose_head_change(
            self.session, self.household.id, new_head, self._show_proposal, self._proposal_failed, owner=self
        )

    def _proposal_failed(self, exc: BaseException) -> None:
        message = exc.message if isinstance(exc, FdError) else str(exc)
        self.show_error("new_head_id", message)

    def _show_proposal(self, proposal: HeadChangeProposal) -> None:
        self.proposal = proposal
        while self.relations.count():
            item = self.relations.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.old_head_combo = None
        self.member_combos = {}
        rows: list[tuple[ProposedRelationship, bool]] = []
        if proposal.old_head is not None:
            rows.append((proposal.old_head, True))
        rows += [(p, False) for p in proposal.others]
        previous: QWidget = self.new_head_combo
        for row, (p, is_old_head) in enumerate(rows):
            if is_old_head:
                text = QCoreApplication.translate("ChangeHead", "{name}, the present head (&O):").format(name=p.name)
            else:
                text = QCoreApplication.translate("ChangeHead", "{name}, now {relationship}:").format(
                    name=p.name, relationship=codes.RELATIONSHIP.get(p.current or "", "—")
                )
            label = QLabel(text, self.relations_box)
            combo = relationship_combo(
                self.relations_box, "oldHeadRelationship" if is_old_head else f"member_{p.resident_id}"
            )
            combo.setCurrentIndex(max(combo.findData(p.proposed), 0))
            combo.currentIndexChanged.connect(self._touched)
            label.setBuddy(combo)
            self.relations.addWidget(label, row, 0)
            self.relations.addWidget(combo, row, 1)
            QWidget.setTabOrder(previous, combo)
            previous = combo
            if is_old_head:
                self.old_head_combo = combo
            else:
                self.member_combos[p.resident_id] = combo
        if not rows:
            self.relations.addWidget(
                QLabel(QCoreApplication.translate("ChangeHead", "No other members."), self.relations_box), 0, 0
            )
        self.relations.setColumnStretch(1, 1)

    def _touched(self, *_: object) -> None:
        self.dirty = True

    def has_unsaved_changes(self) -> bool:
        return self.dirty

    def clear_errors(self) -> None:
        self.clear_general()
        for label in self.errors.values():
            label.clear()
            label.setVisible(False)

    def show_error(self, field: str | None, message: str) -> None:
        self.failed_save()
        label = self.errors.get(field or "")
        if label is None:
            self.show_general(message)
            return
        label.setText(message)
        label.setVisible(True)

    def save(self) -> None:
        new_head = self.new_head_id()
        if self.saving or new_head is None or self.proposal is None or self.proposal.new_head_id != new_head:
            return
        self.clear_errors()
        self.saving = True
        ops.change_head(
            self.session,
            self.household.id,
            new_head,
            old_head_relationship=self.old_head_combo.currentData() if self.old_head_combo is not None else None,
            relationships={rid: str(combo.currentData()) for rid, combo in self.member_combos.items()},
            done=self.finish,
            form=self,
        )
