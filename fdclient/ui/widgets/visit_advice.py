"""What the follow-up rules say about the readings typed so far, under the form: the
classification, the reasons, the next visit proposed and the referral advice (red when the
patient must be referred urgently)."""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QWidget

from fdclient.domain import codes
from fdclient.services.visits.assessment import FollowupAdvice
from fdclient.ui.texts import code_text

__all__ = ["AdviceLabel"]

_DANGER_STYLE = "QLabel { background: #ffe5e5; border: 2px solid #b00020; padding: 6px; }"
_ADVICE_STYLE = "QLabel { background: #eef5ff; border: 1px solid #9ab; padding: 6px; }"


class AdviceLabel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adviceLabel")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.hide()

    def show_advice(self, advice: FollowupAdvice | None) -> None:
        """Show ``advice`` (None: hide)."""
        if advice is None:
            self.hide()
            self.clear()
            return
        lines: list[str] = []
        if advice.classification is not None:
            label = codes.FOLLOWUP_CLASSIFICATION_TEXT.get(advice.classification)
            text = QCoreApplication.translate("VisitsPage", "Classification: {label}").format(
                label=code_text(label) if label is not None else advice.classification
            )
            lines.append("<b>" + html.escape(text) + "</b>")
        for reason in advice.reasons:
            if reason not in advice.referral.reasons:
                lines.append(html.escape(reason.render()))
        if advice.next_visit_due is not None:
            lines.append(
                html.escape(
                    QCoreApplication.translate("VisitsPage", "Next visit proposed by {day}").format(
                        day=advice.next_visit_due.isoformat()
                    )
                )
            )
        danger = advice.urgent_referral
        if advice.referral.refer and advice.referral.reason is not None:
            text = (
                QCoreApplication.translate("VisitsPage", "Refer urgently: {reason}")
                if danger
                else QCoreApplication.translate("VisitsPage", "Referral advised: {reason}")
            )
            lines.append("<b>" + html.escape(text.format(reason=advice.referral.reason.render())) + "</b>")
        self.setText("<br>".join(lines))
        self.setStyleSheet(_DANGER_STYLE if danger else _ADVICE_STYLE)
        self.show()
