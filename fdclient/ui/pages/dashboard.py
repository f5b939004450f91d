"""工作台 (the dashboard): the township's figures. For now the summary (villages,
households, residents, contracted residents, coverage); the indicators per village, team
and doctor with charts come with the rest of the GUI issue."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from fdclient.services.indicators.summary import TownshipSummary
from fdclient.ui.pages.base import Page
from fdclient.ui.texts import app_title, format_count, format_coverage

# Order and object names of the summary figures.
FIGURES: tuple[str, ...] = ("villages", "households", "residents", "contracted", "coverage")


def _scaled_font(base: QFont, factor: float, *, bold: bool = False) -> QFont:
    font = QFont(base)
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    else:
        font.setPixelSize(round(font.pixelSize() * factor))
    font.setBold(bold)
    return font


class StatCard(QFrame):
    """One figure: a large value above its caption (and an optional detail line)."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}Card")
        self.setProperty("statCard", True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(150)

        self.value_label = QLabel(self)
        self.value_label.setObjectName(f"{name}Value")
        self.value_label.setFont(_scaled_font(self.font(), 2.0, bold=True))
        self.value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.caption_label = QLabel(self)
        self.caption_label.setObjectName(f"{name}Caption")

        self.detail_label = QLabel(self)
        self.detail_label.setObjectName(f"{name}Detail")
        self.detail_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.detail_label.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(4)
        layout.addWidget(self.value_label)
        layout.addWidget(self.caption_label)
        layout.addWidget(self.detail_label)
        layout.addStretch(1)
        self.content_layout = layout

    def set_content(self, value: str, caption: str, detail: str = "") -> None:
        self.value_label.setText(value)
        self.caption_label.setText(caption)
        self.detail_label.setText(detail)
        self.detail_label.setVisible(bool(detail))
        self.setAccessibleName(f"{caption}: {value}")


class DashboardPage(Page):
    """The township's figures."""

    TITLE = str(QT_TRANSLATE_NOOP("Pages", "Dashboard"))
    NAME = "dashboard"

    def __init__(self, summary: TownshipSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._summary = summary
        central = self

        self.title_label = QLabel(central)
        self.title_label.setObjectName("titleLabel")
        self.title_label.setFont(_scaled_font(self.font(), 1.8, bold=True))

        self.township_label = QLabel(central)
        self.township_label.setObjectName("townshipLabel")
        self.township_label.setFont(_scaled_font(self.font(), 1.2))
        self.township_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.section_label = QLabel(central)
        self.section_label.setObjectName("summaryHeading")
        self.section_label.setFont(_scaled_font(self.font(), 1.1, bold=True))

        # Three figures on the first row; contracted residents and the coverage (twice as
        # wide, with a bar) on the second.
        self.summary_panel = QWidget(central)
        self.summary_panel.setObjectName("summaryPanel")
        grid = QGridLayout(self.summary_panel)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(16)
        self.cards: dict[str, StatCard] = {name: StatCard(name, self.summary_panel) for name in FIGURES}
        grid.addWidget(self.cards["villages"], 0, 0)
        grid.addWidget(self.cards["households"], 0, 1)
        grid.addWidget(self.cards["residents"], 0, 2)
        grid.addWidget(self.cards["contracted"], 1, 0)
        grid.addWidget(self.cards["coverage"], 1, 1, 1, 2)
        for column in range(3):
            grid.setColumnStretch(column, 1)

        self.coverage_bar = QProgressBar(self.cards["coverage"])
        self.coverage_bar.setObjectName("coverageBar")
        self.coverage_bar.setRange(0, 1000)
        self.coverage_bar.setTextVisible(False)
        self.coverage_bar.setFixedHeight(8)
        self.cards["coverage"].content_layout.insertWidget(2, self.coverage_bar)

        layout = QVBoxLayout(central)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.setSpacing(8)
        layout.addWidget(self.title_label)
        layout.addWidget(self.township_label)
        layout.addSpacing(20)
        layout.addWidget(self.section_label)
        layout.addSpacing(4)
        layout.addWidget(self.summary_panel)
        layout.addStretch(1)

        self.setStyleSheet(
            'QFrame[statCard="true"] { background: palette(base); border: 1px solid palette(mid); border-radius: 6px; }'
        )
        self.retranslate_ui()

    @property
    def summary(self) -> TownshipSummary:
        return self._summary

    def set_summary(self, summary: TownshipSummary) -> None:
        """Show the figures of ``summary``."""
        self._summary = summary
        self._show_summary()

    def retranslate_ui(self) -> None:
        """Set every user-visible text in the current language."""
        self.title_label.setText(app_title())
        self.section_label.setText(QCoreApplication.translate("MainWindow", "Township overview"))
        self._show_summary()

    def _show_summary(self) -> None:
        s = self._summary
        code_line = QCoreApplication.translate("MainWindow", "{name} (division code {code})")
        self.township_label.setText(code_line.format(name=s.township_name, code=s.township_code))

        captions = {
            "villages": QCoreApplication.translate("MainWindow", "Villages"),
            "households": QCoreApplication.translate("MainWindow", "Households"),
            "residents": QCoreApplication.translate("MainWindow", "Residents"),
            "contracted": QCoreApplication.translate("MainWindow", "Contracted residents"),
        }
        counts = {
            "villages": s.villages,
            "households": s.households,
            "residents": s.residents,
            "contracted": s.contracted_residents,
        }
        for name, caption in captions.items():
            self.cards[name].set_content(format_count(counts[name]), caption)

        detail = QCoreApplication.translate("MainWindow", "{contracted} of {residents} residents")
        self.cards["coverage"].set_content(
            format_coverage(s.coverage),
            QCoreApplication.translate("MainWindow", "Contract coverage"),
            detail.format(
                contracted=format_count(s.contracted_residents),
                residents=format_count(s.residents),
            ),
        )
        if s.coverage is None:
            self.coverage_bar.hide()
        else:
            self.coverage_bar.setValue(round(min(max(s.coverage, 0.0), 1.0) * 1000))
            self.coverage_bar.show()
