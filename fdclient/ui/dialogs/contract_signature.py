"""The representative's signature on the signing form: the pad (mouse, pen or finger), Clear,
and "sign on paper instead". Ticking the latter stores no drawing: the printed form keeps
blank signature lines the representative signs by hand (the signing service accepts a
contract without a drawing for that). Tab passes over the pad, so the form can be
completed with the keyboard alone.

:class:`SignatureSection` is a group box of the signing dialog (:mod:`.sign_contract`);
the texts keep the dialog's translation context.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QCheckBox, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from fdclient.ui.dialogs.contract_members import error_label, focus_first
from fdclient.ui.widgets.signature_pad import SignaturePad

__all__ = ["NOT_SIGNED", "SignatureSection"]

#: :meth:`SignatureSection.signature` when there is neither a drawing nor "on paper".
NOT_SIGNED = b""


class SignatureSection(QGroupBox):
    """家庭代表签名: the pad, Clear, sign on paper instead."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signatureBox")
        self.pad = SignaturePad()
        self.clear_button = QPushButton()
        self.clear_button.setObjectName("clearSignature")
        self.clear_button.setAutoDefault(False)
        self.clear_button.clicked.connect(self.pad.clear)
        self.on_paper = QCheckBox()
        self.on_paper.setObjectName("signOnPaper")
        self.on_paper.toggled.connect(self._paper_toggled)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.error = error_label("signatureError")
        self.pad.changed.connect(lambda: self.error.setVisible(False))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.hint)
        layout.addWidget(self.pad, 1)
        layout.addWidget(self.error)
        row = QHBoxLayout()
        row.addWidget(self.on_paper, 1)
        row.addWidget(self.clear_button)
        layout.addLayout(row)

    def retranslate_ui(self) -> None:
        # The title's mnemonic (Alt+G) moves the cursor to the pad.
        self.setTitle(QCoreApplication.translate("SignContractDialog", "Si&gnature of the representative"))
        self.hint.setText(
            QCoreApplication.translate(
                "SignContractDialog", "The representative (or guardian) signs below with the mouse or a pen."
            )
        )
        self.on_paper.setText(
            QCoreApplication.translate("SignContractDialog", "Sign on paper &instead (blank signature lines)")
        )
        self.on_paper.setToolTip(
            QCoreApplication.translate(
                "SignContractDialog",
                "No drawing is stored: the representative signs the printed form by hand (Alt+I; Tab passes"
                " over the pad)",
            )
        )
        self.clear_button.setText(QCoreApplication.translate("SignContractDialog", "C&lear"))
        self.clear_button.setToolTip(
            QCoreApplication.translate("SignContractDialog", "Clear the signature (Delete on the pad)")
        )

    def focus_chain(self) -> list[QWidget]:
        return [self.pad, self.on_paper, self.clear_button]

    def event(self, event: QEvent) -> bool:
        """The title's mnemonic goes to the pad (to "sign on paper" while that is ticked)."""
        first = self.pad if self.pad.isEnabled() else self.on_paper
        return focus_first(self, event, first) or super().event(event)

    def _paper_toggled(self, on: bool) -> None:
        self.pad.setEnabled(not on)
        self.clear_button.setEnabled(not on)
        if on:
            self.error.setVisible(False)

    def signature(self) -> bytes | None:
        """The drawing as PNG; None when signed on paper; :data:`NOT_SIGNED` when neither."""
        if self.on_paper.isChecked():
            return None
        return NOT_SIGNED if self.pad.is_empty() else self.pad.png()

    def state(self) -> tuple[object, ...]:
        return (self.pad.is_empty(), self.on_paper.isChecked())
