"""What the lock screen asks: the signed-in account's password, or signing out.

A panel (not a window of its own): :mod:`fdclient.ui.lock` shows it in the middle of the
screen that covers the window, so the forms behind stay exactly as they were. The check is
the caller's: :attr:`UnlockPanel.submitted` carries the password, and the caller answers
with :meth:`UnlockPanel.refuse` (the message stays beside the field) or hides the lock.

注销 / Sign out (Alt+O) lets another staff member take over a locked laptop: the panel
emits :attr:`UnlockPanel.sign_out_requested`; when forms behind hold input, the lock asks
:meth:`UnlockPanel.confirm_sign_out`, and the panel shows the warning with "Discard and sign
out" (Alt+D) and "Back" (Alt+B, Esc, and the default: Enter goes back), emitting
:attr:`UnlockPanel.sign_out_confirmed` only on the first.

The panel's mnemonics work whatever the covered window uses the same letters for (the
doctor field of the signing form is Alt+O too): the panel takes Alt+letter from its own
fields before the window's shortcuts see it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

__all__ = ["UnlockPanel"]


def _button(name: str, parent: QWidget) -> QPushButton:
    button = QPushButton(parent)
    button.setObjectName(name)
    button.setAutoDefault(False)
    return button


class UnlockPanel(QFrame):
    #: The password typed (Enter or the Unlock button).
    submitted = Signal(str)
    #: Sign out was pressed (the lock signs out, or asks first: :meth:`confirm_sign_out`).
    sign_out_requested = Signal()
    #: The user confirmed signing out and discarding the input of the forms behind.
    sign_out_confirmed = Signal()

    def __init__(self, who: str, parent: QWidget | None = None, *, may_sign_out: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("unlockPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setMinimumWidth(420)
        self.setMaximumWidth(520)
        self._who = who

        self.heading = QLabel(self)
        self.heading.setObjectName("lockHeading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.explanation = QLabel(self)
        self.explanation.setObjectName("lockExplanation")
        self.explanation.setWordWrap(True)

        # Unlocking with the password.
        self.unlock_part = QWidget(self)
        self.password = QLineEdit(self.unlock_part)
        self.password.setObjectName("unlockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self._submit)
        self.password_label = QLabel(self.unlock_part)
        self.password_label.setBuddy(self.password)
        self.error = QLabel(self.unlock_part)
        self.error.setObjectName("unlockError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setVisible(False)
        self.unlock_button = QPushButton(self.unlock_part)
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._submit)
        self.sign_out_button = _button("lockSignOut", self.unlock_part)
        self.sign_out_button.clicked.connect(self.sign_out_requested)
        self.sign_out_button.setVisible(may_sign_out)
        buttons = QDialogButtonBox(self.unlock_part)
        buttons.addButton(self.sign_out_button, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.addButton(self.unlock_button, QDialogButtonBox.ButtonRole.AcceptRole)
        form = QFormLayout()
        form.addRow(self.password_label, self.password)
        unlock = QVBoxLayout(self.unlock_part)
        unlock.setContentsMargins(0, 0, 0, 0)
        unlock.setSpacing(14)
        unlock.addLayout(form)
        unlock.addWidget(self.error)
        unlock.addWidget(buttons)

        # Signing out with input left in the forms behind: a warning first.
        self.confirm_part = QWidget(self)
        self.warning = QLabel(self.confirm_part)
        self.warning.setObjectName("signOutWarning")
        self.warning.setWordWrap(True)
        self.confirm_button = _button("confirmSignOut", self.confirm_part)
        self.confirm_button.clicked.connect(self.sign_out_confirmed)
        self.back_button = _button("backToUnlock", self.confirm_part)
        self.back_button.clicked.connect(self.back)
        confirm_buttons = QDialogButtonBox(self.confirm_part)
        confirm_buttons.addButton(self.confirm_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        confirm_buttons.addButton(self.back_button, QDialogButtonBox.ButtonRole.RejectRole)
        confirm = QVBoxLayout(self.confirm_part)
        confirm.setContentsMargins(0, 0, 0, 0)
        confirm.setSpacing(14)
        confirm.addWidget(self.warning)
        confirm.addWidget(confirm_buttons)
        self.confirm_part.setVisible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(14)
        layout.addWidget(self.heading)
        layout.addWidget(self.explanation)
        layout.addWidget(self.unlock_part)
        layout.addWidget(self.confirm_part)
        QWidget.setTabOrder(self.password, self.sign_out_button)
        QWidget.setTabOrder(self.sign_out_button, self.unlock_button)
        QWidget.setTabOrder(self.confirm_button, self.back_button)
        for field in (self.password, self.unlock_button, self.sign_out_button, self.confirm_button, self.back_button):
            field.installEventFilter(self)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.heading.setText(QCoreApplication.translate("UnlockPanel", "The screen is locked"))
        self.explanation.setText(
            QCoreApplication.translate(
                "UnlockPanel", "{who} is signed in. Enter the password to continue where you left off."
            ).format(who=self._who)
        )
        self.password_label.setText(QCoreApplication.translate("UnlockPanel", "&Password:"))
        self.unlock_button.setText(QCoreApplication.translate("UnlockPanel", "&Unlock"))
        self.unlock_button.setToolTip(QCoreApplication.translate("UnlockPanel", "Unlock (Enter)"))
        self.sign_out_button.setText(QCoreApplication.translate("UnlockPanel", "Sign &out"))
        self.sign_out_button.setToolTip(
            QCoreApplication.translate(
                "UnlockPanel", "Sign {who} out so that another staff member can sign in (Alt+O)"
            ).format(who=self._who)
        )
        self.warning.setText(
            QCoreApplication.translate(
                "UnlockPanel",
                "Forms that {who} left open may hold input that is not saved. Signing out closes them and"
                " discards that input. To keep it, {who} unlocks with the password and saves first.",
            ).format(who=self._who)
        )
        self.confirm_button.setText(QCoreApplication.translate("UnlockPanel", "&Discard and sign out"))
        self.back_button.setText(QCoreApplication.translate("UnlockPanel", "&Back"))
        self.back_button.setToolTip(QCoreApplication.translate("UnlockPanel", "Back to the password (Esc)"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def focus_password(self) -> None:
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_busy(self, busy: bool) -> None:
        """While the password is being checked, a second Enter does nothing."""
        self.unlock_button.setEnabled(not busy)
        self.password.setReadOnly(busy)

    def refuse(self, message: str) -> None:
        """Show why the password was refused; the field is cleared for another try."""
        self.set_busy(False)
        self.error.setText(message)
        self.error.setVisible(True)
        self.password.clear()
        self.focus_password()

    def _submit(self) -> None:
        if not self.unlock_button.isEnabled():
            return
        if not self.password.text():
            self.refuse(QCoreApplication.translate("UnlockPanel", "Enter the password."))
            return
        self.set_busy(True)
        self.submitted.emit(self.password.text())

    # --- signing out --------------------------------------------------------------------------

    def is_confirming(self) -> bool:
        return not self.confirm_part.isHidden()

    def confirm_sign_out(self) -> None:
        """Show the warning about the input that signing out discards; Enter goes back."""
        self.unlock_part.setVisible(False)
        self.explanation.setVisible(False)  # it asks for the password, which is not there now
        self.confirm_part.setVisible(True)
        self.back_button.setDefault(True)
        self.back_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def back(self) -> None:
        """From the warning back to the password."""
        self.confirm_part.setVisible(False)
        self.explanation.setVisible(True)
        self.unlock_part.setVisible(True)
        self.focus_password()

    # --- the keyboard -------------------------------------------------------------------------

    def _mnemonic_action(self, event: QKeyEvent) -> Callable[[], None] | None:
        """What the panel does for ``event`` when it is one of its mnemonics (or Esc while
        asking); None otherwise."""
        if self.is_confirming():
            if event.key() == Qt.Key.Key_Escape and event.modifiers() == Qt.KeyboardModifier.NoModifier:
                return self.back
            targets: tuple[tuple[str, Callable[[], None]], ...] = (
                (self.confirm_button.text(), self.confirm_button.click),
                (self.back_button.text(), self.back_button.click),
            )
        else:
            targets = (
                (self.password_label.text(), self.focus_password),
                (self.unlock_button.text(), self.unlock_button.click),
            )
            if self.sign_out_button.isVisibleTo(self):
                targets += ((self.sign_out_button.text(), self.sign_out_button.click),)
        if not event.modifiers() & Qt.KeyboardModifier.AltModifier:
            return None
        pressed = QKeySequence(event.keyCombination())
        return next((act for text, act in targets if QKeySequence.mnemonic(text) == pressed), None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        kind = event.type()
        if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) and isinstance(event, QKeyEvent):
            act = self._mnemonic_action(event)
            if act is not None:
                # Taken before any shortcut of the covered window with the same letter.
                event.accept()
                if kind == QEvent.Type.KeyPress:
                    act()
                return True
        return False
