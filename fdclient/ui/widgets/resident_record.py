"""A resident's record (to be built): personal information, contracts, the timeline of
visits and services, planned services and the blood pressure and glucose chart."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from fdclient.ui.session import UiSession


class ResidentRecordView(QWidget):
    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("residentRecord")
        self.session = session
        self.resident_id: uuid.UUID | None = None
        self.label = QLabel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)

    def show_resident(self, resident_id: uuid.UUID) -> None:
        self.resident_id = resident_id
        self.label.setText(str(resident_id))
