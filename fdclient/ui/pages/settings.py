"""设置: this laptop's interface (language, font size, idle lock) and the township's settings,
staff and teams.

* Language, font size and idle lock are preferences of this laptop (``ui.ini``): they apply
  at once and are saved at once. The language is switched by whoever runs the application
  (it owns the translators): the page emits :attr:`SettingsPage.language_chosen`; the idle
  lock listens to :attr:`SettingsPage.idle_lock_changed`.
* The township's settings (the store's, shared by every laptop) are changed by
  administrators: each with its title, value and allowed values; Ctrl+S saves, Esc undoes
  the edits; a refused value keeps what was typed and shows the message beside it. Other
  roles see them read-only.
* Staff accounts and teams: a read-only list for administrators.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fdclient import i18n, text
from fdclient.domain.control_targets import BP_TARGETS
from fdclient.domain.management_denominators import MANAGEMENT_DENOMINATORS
from fdclient.domain.roles import Permission
from fdclient.services.staff.accounts import AccountInfo
from fdclient.services.staff.directory import TeamSummary
from fdclient.services.township_settings import SettingInfo
from fdclient.ui.fonts import apply_font_size
from fdclient.ui.operations import settings as operations
from fdclient.ui.pages.base import Page
from fdclient.ui.preferences import FONT_SIZE, IDLE_LOCK_MINUTES, LANGUAGE
from fdclient.ui.session import UiSession

__all__ = ["SettingsPage"]

_ERROR_STYLE = "color: #b00020;"


def _value_text(value: Any) -> str:
    """A setting's value as it is typed (and as change_setting reads it)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


#: The names of coded choices (the code itself is what is saved).
_PARTY_A = {
    "resident": str(QT_TRANSLATE_NOOP("SettingsPage", "The resident (party B: the team)")),
    "team": str(QT_TRANSLATE_NOOP("SettingsPage", "The team (party B: the resident)")),
}


def _choice_name(key: str, value: Any) -> str:
    """A coded choice of the setting ``key`` in words (the code when it has no name)."""
    if key == "bp_target" and value in BP_TARGETS:
        return str(BP_TARGETS[value].source)
    if key == "management_denominator" and value in MANAGEMENT_DENOMINATORS:
        return str(MANAGEMENT_DENOMINATORS[value].title)
    if key == "contract_party_a" and value in _PARTY_A:
        return QCoreApplication.translate("SettingsPage", _PARTY_A[value])
    return _shown_value(value)


def _shown_value(value: Any) -> str:
    """A setting's value as it is shown."""
    if isinstance(value, bool):
        return (
            QCoreApplication.translate("SettingsPage", "Yes")
            if value
            else QCoreApplication.translate("SettingsPage", "No")
        )
    return str(value)


@dataclass
class _SettingRow:
    info: SettingInfo
    title: QLabel
    editor: QComboBox | QLineEdit | QLabel
    error: QLabel

    def typed(self) -> str:
        if isinstance(self.editor, QComboBox):
            return str(self.editor.currentData())
        return self.editor.text().strip()

    def changed(self) -> bool:
        return not isinstance(self.editor, QLabel) and self.typed() != _value_text(self.info.value)

    def show_value(self, info: SettingInfo) -> None:
        self.info = info
        self.title.setText(info.title)
        editor = self.editor
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(_value_text(info.value))))
            for index, choice in enumerate(info.choices or ()):
                editor.setItemText(index, _choice_name(info.key, choice))
        elif isinstance(editor, QLineEdit):
            editor.setText(_value_text(info.value))
        else:
            editor.setText(_choice_name(info.key, info.value))

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))


class SettingsPage(Page):
    NAME = "settings"
    TITLE = str(QT_TRANSLATE_NOOP("Pages", "Settings"))
    _COMING = str(QT_TRANSLATE_NOOP("Pages", "Language, font size, idle lock, the township's rules, staff and teams."))

    #: The user chose an interface language (``zh_CN`` or ``en``); already saved.
    language_chosen = Signal(str)
    #: The idle lock's minutes changed (0: never); already saved.
    idle_lock_changed = Signal(int)
    #: The application font's point size changed (already applied and saved).
    font_size_changed = Signal(int)

    def __init__(self, session: UiSession | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.rows: dict[str, _SettingRow] = {}
        self._accounts: tuple[AccountInfo, ...] | None = None
        self._teams: tuple[TeamSummary, ...] | None = None
        self._saving = 0
        self._refusals = 0
        layout = QVBoxLayout(self)
        if session is None:
            self.label = QLabel(self)
            self.label.setObjectName("settingsPlaceholder")
            self.label.setWordWrap(True)
            layout.setContentsMargins(32, 24, 32, 24)
            layout.addWidget(self.label)
            layout.addStretch(1)
            self.retranslate_ui()
            return
        self.may_change = session.may(Permission.MANAGE_SETTINGS)
        self.may_see_staff = session.may(Permission.MANAGE_ACCOUNTS)

        layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setObjectName("settingsScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout.addWidget(scroll)
        body = QWidget(scroll)
        scroll.setWidget(body)
        column = QVBoxLayout(body)
        column.setContentsMargins(24, 16, 24, 16)
        column.setSpacing(16)

        column.addWidget(self._build_interface_box(session))
        column.addWidget(self._build_township_box())
        self.staff_box = self._build_staff_box()
        self.staff_box.setVisible(self.may_see_staff)
        column.addWidget(self.staff_box)
        column.addStretch(1)

        self.save_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        self.save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.save_shortcut.setEnabled(self.may_change)
        self.save_shortcut.activated.connect(self.save_township_settings)
        self.undo_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.township_box)
        self.undo_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.undo_shortcut.setEnabled(self.may_change)
        self.undo_shortcut.activated.connect(self.discard_changes)

        self.retranslate_ui()
        self.reload()

    # --- this laptop ---------------------------------------------------------------------------

    def _build_interface_box(self, session: UiSession) -> QGroupBox:
        box = QGroupBox(self)
        box.setObjectName("interfaceBox")
        self.interface_box = box
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)

        self.language = QComboBox(box)
        self.language.setObjectName("languageChoice")
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(text.current_language())))
        self.language.activated.connect(self._language_activated)
        self.language_label = QLabel(box)
        self.language_label.setBuddy(self.language)
        self.language_note = QLabel(box)
        self.language_note.setObjectName("languageNote")
        language_row = QHBoxLayout()
        language_row.addWidget(self.language)
        language_row.addWidget(self.language_note)
        form.addRow(self.language_label, language_row)

        self.font_size = QSpinBox(box)
        self.font_size.setObjectName("fontSize")
        low, high = FONT_SIZE.bounds or (9, 20)
        self.font_size.setRange(low, high)
        self.font_size.setValue(session.preferences.get(FONT_SIZE))
        self.font_size.valueChanged.connect(self._font_size_changed)
        self.font_size_label = QLabel(box)
        self.font_size_label.setBuddy(self.font_size)
        form.addRow(self.font_size_label, self.font_size)

        self.idle_lock = QSpinBox(box)
        self.idle_lock.setObjectName("idleLockMinutes")
        low, high = IDLE_LOCK_MINUTES.bounds or (0, 240)
        self.idle_lock.setRange(low, high)
        self.idle_lock.setValue(session.preferences.get(IDLE_LOCK_MINUTES))
        self.idle_lock.valueChanged.connect(self._idle_lock_changed)
        self.idle_lock_label = QLabel(box)
        self.idle_lock_label.setBuddy(self.idle_lock)
        form.addRow(self.idle_lock_label, self.idle_lock)
        return box

    def choose_language(self, language: str) -> None:
        """Switch the interface to ``language`` (as if chosen in the list) and remember it."""
        index = self.language.findData(language)
        if index < 0:
            return
        self.language.setCurrentIndex(index)
        self._language_activated(index)

    def _language_activated(self, index: int) -> None:
        assert self.session is not None
        language = str(self.language.itemData(index))
        self.session.preferences.set(LANGUAGE, language)
        self.session.preferences.sync()
        self.language_chosen.emit(language)

    def _font_size_changed(self, points: int) -> None:
        assert self.session is not None
        apply_font_size(points)
        self.session.preferences.set(FONT_SIZE, points)
        self.session.preferences.sync()
        self.font_size_changed.emit(points)

    def _idle_lock_changed(self, minutes: int) -> None:
        assert self.session is not None
        self.session.preferences.set(IDLE_LOCK_MINUTES, minutes)
        self.session.preferences.sync()
        self.idle_lock_changed.emit(minutes)

    # --- the township's settings ---------------------------------------------------------------

    def _build_township_box(self) -> QGroupBox:
        box = QGroupBox(self)
        box.setObjectName("townshipBox")
        self.township_box = box
        outer = QVBoxLayout(box)
        self.township_note = QLabel(box)
        self.township_note.setObjectName("townshipNote")
        self.township_note.setWordWrap(True)
        outer.addWidget(self.township_note)
        self.township_grid = QGridLayout()
        self.township_grid.setHorizontalSpacing(16)
        self.township_grid.setColumnStretch(0, 3)
        self.township_grid.setColumnStretch(2, 2)
        outer.addLayout(self.township_grid)
        self.load_error = QLabel(box)
        self.load_error.setObjectName("townshipLoadError")
        self.load_error.setStyleSheet(_ERROR_STYLE)
        self.load_error.setWordWrap(True)
        self.load_error.setVisible(False)
        outer.addWidget(self.load_error)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(box)
        self.save_button.setObjectName("saveTownshipSettings")
        self.save_button.clicked.connect(self.save_township_settings)
        self.undo_button = QPushButton(box)
        self.undo_button.setObjectName("undoTownshipSettings")
        self.undo_button.clicked.connect(self.discard_changes)
        self.saved_label = QLabel(box)
        self.saved_label.setObjectName("townshipSaved")
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.saved_label, 1)
        for button in (self.save_button, self.undo_button):
            button.setVisible(self.may_change)
        outer.addLayout(buttons)
        return box

    def reload(self) -> None:
        """Read the township's settings (and, for administrators, the staff and teams) again."""
        if self.session is None:
            return
        operations.load_township_settings(self.session, self._show_settings, self._load_refused, owner=self)
        if self.may_see_staff:
            operations.load_accounts(self.session, self._show_accounts, self._load_refused, owner=self)
            operations.load_teams(self.session, self._show_teams, self._load_refused, owner=self)

    def _load_refused(self, message: str) -> None:
        self.load_error.setText(message)
        self.load_error.setVisible(True)

    def _show_settings(self, infos: list[SettingInfo]) -> None:
        self.load_error.setVisible(False)
        for info in infos:
            row = self.rows.get(info.key)
            if row is None:
                row = self._add_row(info)
            if not row.changed():
                row.show_value(info)

    def _add_row(self, info: SettingInfo) -> _SettingRow:
        line = len(self.rows)
        title = QLabel(info.title, self.township_box)
        title.setObjectName(f"{info.key}Title")
        title.setWordWrap(True)
        editor: QComboBox | QLineEdit | QLabel
        if not self.may_change:
            editor = QLabel(self.township_box)
            editor.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        elif info.choices is not None:
            editor = QComboBox(self.township_box)
            for choice in info.choices:
                editor.addItem(_choice_name(info.key, choice), _value_text(choice))
        else:
            editor = QLineEdit(self.township_box)
            if info.bounds is not None:
                editor.setPlaceholderText(f"{info.bounds[0]}–{info.bounds[1]}")
        editor.setObjectName(f"{info.key}Value")
        editor.setMinimumWidth(380)
        editor.setMaximumWidth(460)
        if isinstance(editor, QLabel):
            editor.setWordWrap(True)
        title.setBuddy(editor)
        error = QLabel(self.township_box)
        error.setObjectName(f"{info.key}Error")
        error.setWordWrap(True)
        error.setStyleSheet(_ERROR_STYLE)
        error.setVisible(False)
        self.township_grid.addWidget(title, line, 0)
        self.township_grid.addWidget(editor, line, 1, Qt.AlignmentFlag.AlignTop)
        self.township_grid.addWidget(error, line, 2)
        row = _SettingRow(info, title, editor, error)
        row.show_value(info)
        self.rows[info.key] = row
        return row

    def save_township_settings(self) -> None:
        """Save each changed setting (one write each); refusals stay beside their field."""
        if self.session is None or not self.may_change:
            return
        changed = [row for row in self.rows.values() if row.changed()]
        self.saved_label.clear()
        if not changed:
            self.saved_label.setText(QCoreApplication.translate("SettingsPage", "Nothing to save."))
            return
        self._saving += len(changed)
        self._refusals = 0
        for row in changed:
            self._save_row(row)

    def _save_row(self, row: _SettingRow) -> None:
        assert self.session is not None

        def saved(info: SettingInfo) -> None:
            self._saved(row, info)

        def refused(message: str) -> None:
            self._refused(row, message)

        operations.change_township_setting(self.session, row.info.key, row.typed(), saved, refused, owner=self)

    def _saved(self, row: _SettingRow, info: SettingInfo) -> None:
        row.show_error("")
        row.show_value(info)
        self._one_answered()

    def _refused(self, row: _SettingRow, message: str) -> None:
        row.show_error(message)  # what was typed stays
        self._refusals += 1
        self._one_answered()

    def _one_answered(self) -> None:
        self._saving -= 1
        if self._saving > 0:
            return
        if self._refusals:
            self.saved_label.setText(
                QCoreApplication.translate("SettingsPage", "Not saved: see the message beside the field.")
            )
        else:
            self.saved_label.setText(QCoreApplication.translate("SettingsPage", "Saved."))

    def has_unsaved_changes(self) -> bool:
        return any(row.changed() for row in self.rows.values())

    def discard_changes(self) -> None:
        for row in self.rows.values():
            row.show_error("")
            row.show_value(row.info)
        self.saved_label.clear()

    # --- staff and teams -----------------------------------------------------------------------

    def _build_staff_box(self) -> QGroupBox:
        box = QGroupBox(self)
        box.setObjectName("staffBox")
        column = QVBoxLayout(box)
        self.accounts_label = QLabel(box)
        self.accounts = self._table(box, "accountsTable", 5)
        self.accounts_label.setBuddy(self.accounts)
        self.teams_label = QLabel(box)
        self.teams = self._table(box, "teamsTable", 5)
        self.teams_label.setBuddy(self.teams)
        for widget in (self.accounts_label, self.accounts, self.teams_label, self.teams):
            column.addWidget(widget)
        return box

    @staticmethod
    def _table(parent: QWidget, name: str, columns: int) -> QTableWidget:
        table = QTableWidget(0, columns, parent)
        table.setObjectName(name)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)  # Tab leaves the table (↑/↓ move in it)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        table.setMinimumHeight(160)
        return table

    @staticmethod
    def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
        table.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            for c, cell in enumerate(cells):
                table.setItem(r, c, QTableWidgetItem(cell))

    def _active_text(self, active: bool) -> str:
        return (
            QCoreApplication.translate("SettingsPage", "In use")
            if active
            else QCoreApplication.translate("SettingsPage", "Disabled")
        )

    def _show_accounts(self, accounts: tuple[AccountInfo, ...]) -> None:
        self._accounts = accounts
        self._fill(
            self.accounts,
            [
                [
                    a.username,
                    a.name,
                    a.role.label,
                    self._active_text(a.active),
                    _shown_value(a.signs_in_here),
                ]
                for a in accounts
            ],
        )

    def _show_teams(self, teams: tuple[TeamSummary, ...]) -> None:
        self._teams = teams
        self._fill(
            self.teams,
            [
                [
                    t.name,
                    t.leader_name or "—",
                    "、".join(f"{m.name}（{m.role.label}）" for m in t.members) or "—",
                    "、".join(t.village_names) or "—",
                    t.phone or "—",
                ]
                for t in teams
            ],
        )

    # --- texts ---------------------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        if self.session is None:
            self.label.setText(QCoreApplication.translate("Pages", self._COMING))
            return
        self.interface_box.setTitle(QCoreApplication.translate("SettingsPage", "This computer"))
        self.language_label.setText(QCoreApplication.translate("SettingsPage", "&Language:"))
        self.language_note.setText(
            QCoreApplication.translate("SettingsPage", "Takes effect at once; no restart needed.")
        )
        self.font_size_label.setText(QCoreApplication.translate("SettingsPage", "Font si&ze:"))
        self.font_size.setSuffix(QCoreApplication.translate("SettingsPage", " pt"))
        self.idle_lock_label.setText(QCoreApplication.translate("SettingsPage", "Lock the screen after &idle minutes:"))
        self.idle_lock.setSpecialValueText(QCoreApplication.translate("SettingsPage", "Never"))
        self.idle_lock.setToolTip(QCoreApplication.translate("SettingsPage", "0 means never; Ctrl+L locks at once."))
        self.township_box.setTitle(QCoreApplication.translate("SettingsPage", "Township settings"))
        self.township_note.setText(
            QCoreApplication.translate(
                "SettingsPage",
                "Rules and contract settings shared by every computer of the township. Ctrl+S saves, Esc undoes"
                " the changes.",
            )
            if self.may_change
            else QCoreApplication.translate(
                "SettingsPage", "Rules and contract settings of the township. Only an administrator can change them."
            )
        )
        self.save_button.setText(QCoreApplication.translate("SettingsPage", "&Save township settings"))
        self.save_button.setToolTip(QCoreApplication.translate("SettingsPage", "Save the changed settings (Ctrl+S)"))
        self.undo_button.setText(QCoreApplication.translate("SettingsPage", "&Undo changes"))
        self.undo_button.setToolTip(QCoreApplication.translate("SettingsPage", "Show the saved values again (Esc)"))
        self.staff_box.setTitle(QCoreApplication.translate("SettingsPage", "Staff and teams"))
        self.accounts_label.setText(QCoreApplication.translate("SettingsPage", "Sign-in &accounts:"))
        self.accounts.setHorizontalHeaderLabels(
            [
                QCoreApplication.translate("SettingsPage", "User name"),
                QCoreApplication.translate("SettingsPage", "Name"),
                QCoreApplication.translate("SettingsPage", "Role"),
                QCoreApplication.translate("SettingsPage", "Status"),
                QCoreApplication.translate("SettingsPage", "Signs in here"),
            ]
        )
        self.teams_label.setText(QCoreApplication.translate("SettingsPage", "Family doctor &teams:"))
        self.teams.setHorizontalHeaderLabels(
            [
                QCoreApplication.translate("SettingsPage", "Team"),
                QCoreApplication.translate("SettingsPage", "Leader"),
                QCoreApplication.translate("SettingsPage", "Members"),
                QCoreApplication.translate("SettingsPage", "Villages"),
                QCoreApplication.translate("SettingsPage", "Phone"),
            ]
        )
        if self.rows:
            # Titles and messages come from the services in the language of fdclient.text.
            for row in self.rows.values():
                if not row.changed():
                    row.show_value(row.info)
            self.reload()
        if self._accounts is not None:
            self._show_accounts(self._accounts)
        if self._teams is not None:
            self._show_teams(self._teams)
