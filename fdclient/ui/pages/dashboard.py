"""工作台 (the dashboard): the township's figures.

Always the summary (villages, households, residents, contracted residents, coverage).
With a session, also the indicators of the assessment (签约覆盖率, 重点人群签约覆盖率, and
for hypertension and type 2 diabetes the 规范管理率 and control rate) for the township, and
per village, team or family doctor in a bar chart with the policy target as a dashed
reference line. They are computed as long work off the GUI thread
(:mod:`fdclient.ui.operations.dashboard`) each time the page is shown, so a contract signed
elsewhere shows here when the user comes back.

Clicking a figure (or Enter on it) opens its work list for the township; clicking a bar
(or Enter on it) opens the list of that village, team or doctor
(:meth:`fdclient.ui.pages.worklists.WorklistsPage.show_list`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from fdclient.domain.time import CHINA_TIME
from fdclient.errors import FdError
from fdclient.services.indicators.compute import AreaIndicators, IndicatorReport
from fdclient.services.indicators.snapshot import IndicatorSnapshot
from fdclient.services.indicators.summary import TownshipSummary
from fdclient.services.worklists import WorklistKind
from fdclient.settings import (
    TARGET_CONTROLLED,
    TARGET_COVERAGE,
    TARGET_KEY_POPULATION_COVERAGE,
    TARGET_STANDARDISED,
    Setting,
)
from fdclient.ui.operations import dashboard as ops
from fdclient.ui.pages.base import Page
from fdclient.ui.session import UiSession
from fdclient.ui.tasks import Cancelled, TaskHandle
from fdclient.ui.texts import app_title, format_count, format_coverage
from fdclient.ui.widgets.bar_chart import Bar, BarChart
from fdclient.ui.widgets.stat_cards import IndicatorCard, StatCard, scaled_font

__all__ = ["FIGURES", "INDICATORS", "DashboardPage", "IndicatorCard", "ShownIndicator", "StatCard"]

# Order and object names of the summary figures.
FIGURES: tuple[str, ...] = ("villages", "households", "residents", "contracted", "coverage")


@dataclass(frozen=True)
class ShownIndicator:
    """An indicator of the dashboard: its key in the report, its caption, the policy
    target (the reference line) and the work list that shows what to do about it."""

    key: str
    caption: str
    #: The township setting holding its target line (per cent).
    target: Setting[int]
    worklist: WorklistKind


#: The assessment's indicators and the settings of their target lines (by default the 2025
#: targets, DOMAIN.md §6: coverage 50 %, key populations 70 %, 规范管理率 80 %, control 50 %).
INDICATORS: tuple[ShownIndicator, ...] = (
    ShownIndicator(
        "coverage",
        str(QT_TRANSLATE_NOOP("Dashboard", "Contract coverage")),
        TARGET_COVERAGE,
        WorklistKind.KEY_NOT_SIGNED,
    ),
    ShownIndicator(
        "key_population_coverage",
        str(QT_TRANSLATE_NOOP("Dashboard", "Key-population coverage")),
        TARGET_KEY_POPULATION_COVERAGE,
        WorklistKind.KEY_NOT_SIGNED,
    ),
    ShownIndicator(
        "hypertension_standardised",
        str(QT_TRANSLATE_NOOP("Dashboard", "Hypertension standardised management")),
        TARGET_STANDARDISED,
        WorklistKind.FOLLOWUPS_OVERDUE,
    ),
    ShownIndicator(
        "hypertension_controlled",
        str(QT_TRANSLATE_NOOP("Dashboard", "Hypertension control")),
        TARGET_CONTROLLED,
        WorklistKind.FOLLOWUPS_OVERDUE,
    ),
    ShownIndicator(
        "diabetes_standardised",
        str(QT_TRANSLATE_NOOP("Dashboard", "Diabetes standardised management")),
        TARGET_STANDARDISED,
        WorklistKind.FOLLOWUPS_OVERDUE,
    ),
    ShownIndicator(
        "diabetes_controlled",
        str(QT_TRANSLATE_NOOP("Dashboard", "Diabetes control")),
        TARGET_CONTROLLED,
        WorklistKind.FOLLOWUPS_OVERDUE,
    ),
)

#: The units the chart compares.
BREAKDOWNS: tuple[tuple[str, str], ...] = (
    ("village", str(QT_TRANSLATE_NOOP("Dashboard", "By village"))),
    ("team", str(QT_TRANSLATE_NOOP("Dashboard", "By team"))),
    ("doctor", str(QT_TRANSLATE_NOOP("Dashboard", "By family doctor"))),
)


def _local_time(moment: datetime) -> str:
    """A snapshot's time in Beijing time (as the store's dates are), to the minute."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M")


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


class DashboardPage(Page):
    """The township's figures; with a session, its indicators and their charts."""

    TITLE = str(QT_TRANSLATE_NOOP("Pages", "Dashboard"))
    NAME = "dashboard"

    def __init__(
        self,
        summary: TownshipSummary,
        session: UiSession | None = None,
        parent: QWidget | None = None,
        *,
        snapshot: IndicatorSnapshot | None = None,
        targets: Mapping[str, int] | None = None,
    ) -> None:
        super().__init__(parent)
        self._summary = summary
        #: The target lines in per cent by setting key (the township's settings).
        self._targets: dict[str, int] = dict(targets or {})
        self.session = session
        self._report: IndicatorReport | None = snapshot.report if snapshot is not None else None
        #: When the figures shown were computed, when they are a snapshot's (not yet today's).
        self._computed_at: datetime | None = snapshot.computed_at if snapshot is not None else None
        self._task: TaskHandle | None = None
        self._busy = False
        self._again = False
        self._error = ""

        self.title_label = QLabel(self)
        self.title_label.setObjectName("titleLabel")
        self.title_label.setFont(scaled_font(self.font(), 1.6, bold=True))

        self.township_label = QLabel(self)
        self.township_label.setObjectName("townshipLabel")
        self.township_label.setFont(scaled_font(self.font(), 1.15))
        self.township_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.township_label.setWordWrap(True)

        self.state_label = QLabel(self)
        self.state_label.setObjectName("stateLabel")
        self.state_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.state_label.setWordWrap(True)
        self.refresh_button = QPushButton(self)
        self.refresh_button.setObjectName("refreshButton")
        self.refresh_button.clicked.connect(self.refresh)
        self.refresh_button.setVisible(session is not None)
        refresh = QShortcut(QKeySequence(Qt.Key.Key_F5), self)
        refresh.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh.activated.connect(self.refresh)

        self.section_label = QLabel(self)
        self.section_label.setObjectName("summaryHeading")
        self.section_label.setFont(scaled_font(self.font(), 1.1, bold=True))

        # The five figures in one row (the coverage with a bar under it).
        self.summary_panel = QWidget(self)
        self.summary_panel.setObjectName("summaryPanel")
        grid = QGridLayout(self.summary_panel)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        self.cards: dict[str, StatCard] = {name: StatCard(name, self.summary_panel) for name in FIGURES}
        for column, name in enumerate(FIGURES):
            grid.addWidget(self.cards[name], 0, column)
            grid.setColumnStretch(column, 1)

        self.coverage_bar = QProgressBar(self.cards["coverage"])
        self.coverage_bar.setObjectName("coverageBar")
        self.coverage_bar.setRange(0, 1000)
        self.coverage_bar.setTextVisible(False)
        self.coverage_bar.setFixedHeight(8)
        self.cards["coverage"].content_layout.insertWidget(2, self.coverage_bar)

        # The indicators (with a session).
        self.indicators_label = QLabel(self)
        self.indicators_label.setObjectName("indicatorsHeading")
        self.indicators_label.setFont(scaled_font(self.font(), 1.1, bold=True))
        self.indicators_label.setWordWrap(True)
        self.indicator_panel = QWidget(self)
        self.indicator_panel.setObjectName("indicatorPanel")
        row = QHBoxLayout(self.indicator_panel)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(12)
        self.indicator_cards: dict[str, IndicatorCard] = {}
        for shown in INDICATORS:
            card = IndicatorCard(shown.key, self.indicator_panel)
            card.clicked.connect(lambda s=shown: self.open_worklist(s.worklist))
            self.indicator_cards[shown.key] = card
            row.addWidget(card, 1)

        self.chart_label = QLabel(self)
        self.chart_label.setObjectName("chartHeading")
        self.chart_label.setFont(scaled_font(self.font(), 1.1, bold=True))
        self.indicator_box_label = QLabel(self)
        self.indicator_box = QComboBox(self)
        self.indicator_box.setObjectName("indicatorBox")
        for shown in INDICATORS:
            self.indicator_box.addItem("", shown.key)
        self.indicator_box_label.setBuddy(self.indicator_box)
        self.breakdown_box_label = QLabel(self)
        self.breakdown_box = QComboBox(self)
        self.breakdown_box.setObjectName("breakdownBox")
        for key, _title in BREAKDOWNS:
            self.breakdown_box.addItem("", key)
        self.breakdown_box_label.setBuddy(self.breakdown_box)
        self.indicator_box.currentIndexChanged.connect(self._show_chart)
        self.breakdown_box.currentIndexChanged.connect(self._show_chart)
        self.chart_hint = QLabel(self)
        self.chart_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.chart_hint.setWordWrap(True)

        self.chart = BarChart(self)
        self.chart.bar_activated.connect(self._bar_activated)
        self.chart_area = QScrollArea(self)
        self.chart_area.setObjectName("chartArea")
        self.chart_area.setWidgetResizable(True)
        self.chart_area.setFrameShape(QFrame.Shape.NoFrame)
        self.chart_area.setWidget(self.chart)
        self.chart_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        chart_bar = QHBoxLayout()
        chart_bar.setSpacing(8)
        chart_bar.addWidget(self.chart_label)
        chart_bar.addSpacing(16)
        chart_bar.addWidget(self.indicator_box_label)
        chart_bar.addWidget(self.indicator_box)
        chart_bar.addSpacing(8)
        chart_bar.addWidget(self.breakdown_box_label)
        chart_bar.addWidget(self.breakdown_box)
        chart_bar.addSpacing(8)
        chart_bar.addWidget(self.chart_hint, 1)

        heading = QHBoxLayout()
        heading.setSpacing(16)
        heading.addWidget(self.title_label)
        heading.addWidget(self.township_label, 1, Qt.AlignmentFlag.AlignBottom)
        heading.addWidget(self.state_label, 0, Qt.AlignmentFlag.AlignBottom)
        heading.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignBottom)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 12)
        layout.setSpacing(6)
        layout.addLayout(heading)
        layout.addSpacing(6)
        layout.addWidget(self.section_label)
        layout.addWidget(self.summary_panel)
        self.indicator_section = [
            self.indicators_label,
            self.indicator_panel,
            self.chart_label,
            self.indicator_box_label,
            self.indicator_box,
            self.breakdown_box_label,
            self.breakdown_box,
            self.chart_hint,
            self.chart_area,
        ]
        layout.addSpacing(6)
        layout.addWidget(self.indicators_label)
        layout.addWidget(self.indicator_panel)
        layout.addSpacing(6)
        layout.addLayout(chart_bar)
        layout.addWidget(self.chart_area, 1)
        if session is None:
            for widget in self.indicator_section:
                widget.hide()
            layout.addStretch(1)

        self.setTabOrder(self.indicator_box, self.breakdown_box)
        self.setTabOrder(self.breakdown_box, self.chart)
        self.setStyleSheet(
            'QFrame[statCard="true"] { background: palette(base); border: 1px solid palette(mid);'
            " border-radius: 6px; }"
            ' QFrame[indicatorCard="true"]:focus { border: 2px solid palette(highlight); }'
        )
        self.retranslate_ui()

    # --- the figures ------------------------------------------------------------------------

    @property
    def summary(self) -> TownshipSummary:
        return self._summary

    @property
    def report(self) -> IndicatorReport | None:
        return self._report

    def set_summary(self, summary: TownshipSummary) -> None:
        """Show the figures of ``summary``."""
        self._summary = summary
        self._show_summary()

    def set_report(self, report: IndicatorReport) -> None:
        """Show the indicators of ``report`` (computed just now)."""
        self._report = report
        self._computed_at = None
        self._show_indicators()
        self._show_chart()

    def is_busy(self) -> bool:
        return self.is_computing()

    def is_computing(self) -> bool:
        return self._busy

    def shows_snapshot(self) -> bool:
        """Whether the figures shown are the last ones computed on this laptop (today's
        are being computed, or could not be)."""
        return self._computed_at is not None

    def activated(self) -> None:
        """Shown: compute the figures again (a contract may have been signed meanwhile)."""
        self.refresh()

    def refresh(self) -> None:
        """Compute the summary and the indicators off the GUI thread (once more after
        the current computation when one is under way)."""
        if self.session is None:
            return
        if self._busy:
            self._again = True
            return
        self._busy = True
        self._error = ""
        self._show_state()
        handle = ops.load_figures(self.session, self._figures_loaded, self._failed, owner=self)
        # An InlineRunner has already answered.
        self._task = handle if self._busy else None
        self._show_state()

    def target_of(self, shown: ShownIndicator) -> float:
        """The target line of *shown* as a fraction (the township's setting)."""
        return self._targets.get(shown.target.key, shown.target.default) / 100

    def _figures_loaded(self, figures: ops.DashboardFigures) -> None:
        self._finish()
        self._targets = dict(figures.targets)
        self.set_summary(figures.summary)
        self.set_report(figures.report)
        if self.session is not None:
            ops.keep_snapshot(self.session, figures.report)
        self._show_state()
        self._again_if_asked()

    def _failed(self, error: BaseException) -> None:
        self._finish()
        if not isinstance(error, Cancelled):
            self._error = error.message if isinstance(error, FdError) else str(error)
        self._show_state()
        self._again_if_asked()

    def _finish(self) -> None:
        self._task = None
        self._busy = False

    def _again_if_asked(self) -> None:
        if self._again:
            self._again = False
            self.refresh()

    def cancel(self) -> None:
        """Stop the computation under way (its result is dropped)."""
        if self._task is not None:
            self._task.cancel()

    def _show_state(self) -> None:
        if self._error:
            self.state_label.setText(self._error)
        elif self._busy and self._computed_at is not None:
            text = QCoreApplication.translate("Dashboard", "Figures of {time}; computing today's…")
            self.state_label.setText(text.format(time=_local_time(self._computed_at)))
        elif self._busy:
            self.state_label.setText(QCoreApplication.translate("Dashboard", "Computing the indicators…"))
        elif self._report is not None:
            text = QCoreApplication.translate("Dashboard", "As of {date}")
            self.state_label.setText(text.format(date=self._report.as_of.isoformat()))
        else:
            self.state_label.clear()

    # --- opening the lists --------------------------------------------------------------------

    def _chosen(self) -> ShownIndicator:
        key = self.indicator_box.currentData()
        return next((s for s in INDICATORS if s.key == key), INDICATORS[0])

    def open_worklist(
        self,
        kind: WorklistKind,
        *,
        village_code: str | None = None,
        team_id: uuid.UUID | None = None,
        doctor_id: uuid.UUID | None = None,
    ) -> None:
        """Show the work list ``kind`` of the township, or of one village, team or doctor."""
        navigator = self.navigator
        if navigator is None:
            return
        page_named = getattr(navigator, "page_named", None)
        page = page_named("worklists") if page_named is not None else None
        show_list = getattr(page, "show_list", None)
        if show_list is not None:
            show_list(kind, village_code=village_code, team_id=team_id, doctor_id=doctor_id)
        navigator.show_page_named("worklists")

    def _bar_activated(self, key: str) -> None:
        unit, _, code = key.partition(":")
        kind = self._chosen().worklist
        if unit == "village":
            self.open_worklist(kind, village_code=code)
        elif unit == "team":
            self.open_worklist(kind, team_id=uuid.UUID(code))
        elif unit == "doctor":
            self.open_worklist(kind, doctor_id=uuid.UUID(code))

    # --- texts --------------------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        """Set every user-visible text in the current language."""
        self.title_label.setText(app_title())
        self.section_label.setText(QCoreApplication.translate("MainWindow", "Township overview"))
        self.indicators_label.setText(
            QCoreApplication.translate("Dashboard", "Indicators (click a figure for its work list)")
        )
        self.chart_label.setText(QCoreApplication.translate("Dashboard", "Comparison"))
        self.indicator_box_label.setText(QCoreApplication.translate("Dashboard", "&Indicator:"))
        self.breakdown_box_label.setText(QCoreApplication.translate("Dashboard", "&Compare:"))
        for i, shown in enumerate(INDICATORS):
            self.indicator_box.setItemText(i, QCoreApplication.translate("Dashboard", shown.caption))
        for i, (_key, title) in enumerate(BREAKDOWNS):
            self.breakdown_box.setItemText(i, QCoreApplication.translate("Dashboard", title))
        self.chart_hint.setText(QCoreApplication.translate("Dashboard", "Click a bar (or Enter) for its work list"))
        self.refresh_button.setText(QCoreApplication.translate("Dashboard", "&Refresh"))
        self.refresh_button.setToolTip(QCoreApplication.translate("Dashboard", "Compute the figures again (F5)"))
        self._show_summary()
        self._show_indicators()
        self._show_chart()
        self._show_state()

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

    def _show_indicators(self) -> None:
        township = self._report.township if self._report is not None else None
        target_text = QCoreApplication.translate("Dashboard", "Target {target}")
        for shown in INDICATORS:
            card = self.indicator_cards[shown.key]
            caption = QCoreApplication.translate("Dashboard", shown.caption)
            target = target_text.format(target=_percent(self.target_of(shown)))
            if township is None:
                card.set_content("…", caption)
                card.set_target(target, None)
                continue
            indicator = township.indicator(shown.key)
            detail = f"{format_count(indicator.numerator)} / {format_count(indicator.denominator)}"
            card.set_content(format_coverage(indicator.value), caption, detail)
            reached = None if indicator.value is None else indicator.value >= self.target_of(shown)
            mark = "" if reached is None else ("✓ " if reached else "✗ ")
            card.set_target(mark + target, reached)
            card.setToolTip(
                QCoreApplication.translate("Dashboard", "{name}: {formula}").format(
                    name=indicator.name_zh, formula=indicator.formula_zh
                )
            )

    def _units(self, breakdown: str) -> list[tuple[str, AreaIndicators]]:
        report = self._report
        if report is None:
            return []
        if breakdown == "village":
            return [(f"village:{area.code}", area) for area in report.villages]
        if breakdown == "team":
            return [(f"team:{t.team.code}", t.team) for t in report.teams]
        doctors = []
        for t in report.teams:
            for doctor in t.doctors:
                labelled = AreaIndicators(
                    code=doctor.code,
                    name=f"{doctor.name}（{t.team.name}）",
                    residents=doctor.residents,
                    households=doctor.households,
                    contracted_residents=doctor.contracted_residents,
                    indicators=doctor.indicators,
                )
                doctors.append((f"doctor:{doctor.code}", labelled))
        return doctors

    def _show_chart(self) -> None:
        shown = self._chosen()
        breakdown = self.breakdown_box.currentData() or "village"
        bars = []
        for key, area in self._units(breakdown):
            indicator = area.indicator(shown.key)
            detail = f"{format_count(indicator.numerator)}/{format_count(indicator.denominator)}"
            bars.append(Bar(key, area.name, indicator.value, detail))
        line = self.target_of(shown)
        target = QCoreApplication.translate("Dashboard", "Target {target}").format(target=_percent(line))
        self.chart.set_bars(
            bars,
            target=line,
            target_label=target,
            empty_text=QCoreApplication.translate("Dashboard", "No figures yet"),
            na_text=QCoreApplication.translate("MainWindow", "n/a"),
        )
