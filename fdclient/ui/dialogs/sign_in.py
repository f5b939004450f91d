"""The sign-in dialog: user name (remembered by the caller, or given with ``--user``) and
password. The check itself is the caller's (``attempt``): it returns None on success or
the message to show, and the dialog stays open for another try."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)


class SignInDialog(QDialog):
    def __init__(
        self,
        attempt: Callable[[str, str], str | None],
        *,
        username: str = "",
        township: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._attempt = attempt
        self.setObjectName("signInDialog")
        self.setWindowTitle(QCoreApplication.translate("SignInDialog", "Sign in"))
        self.setModal(True)

        self.setMinimumWidth(440)
        self.heading = QLabel(township)
        self.heading.setObjectName("township")
        self.heading.setVisible(bool(township))
        heading_font = self.heading.font()
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.4)
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.username = QLineEdit(username)
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setVisible(False)

        form = QFormLayout()
        self.username_label = QLabel(QCoreApplication.translate("SignInDialog", "&User name:"))
        self.username_label.setBuddy(self.username)
        self.password_label = QLabel(QCoreApplication.translate("SignInDialog", "&Password:"))
        self.password_label.setBuddy(self.password)
        form.addRow(self.username_label, self.username)
        form.addRow(self.password_label, self.password)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(QCoreApplication.translate("SignInDialog", "Sign in"))
        ok.setDefault(True)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(14)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        (self.password if username else self.username).setFocus(Qt.FocusReason.OtherFocusReason)

    def _submit(self) -> None:
        problem = self._attempt(self.username.text(), self.password.text())
        if problem is None:
            self.accept()
            return
        self.error.setText(problem)
        self.error.setVisible(True)
        self.password.clear()
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)
