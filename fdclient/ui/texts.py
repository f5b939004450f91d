"""Texts every part of the GUI shows the same way: the application title, counts and
percentages in the current locale."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale

from fdclient.text import CHINESE, ENGLISH, Text

__all__ = ["app_title", "code_text", "format_count", "format_coverage", "ui_language"]


def app_title() -> str:
    """The application title, translated (家庭医生签约服务)."""
    return QCoreApplication.translate("MainWindow", "Family doctor contract service")


def format_count(value: int) -> str:
    """A count with the current locale's digit grouping (12,345)."""
    return QLocale().toString(value)


def format_coverage(coverage: float | None) -> str:
    """A share from 0.0 to 1.0 as a percentage with one decimal, or "n/a" (暂无) when unknown."""
    if coverage is None:
        return QCoreApplication.translate("MainWindow", "n/a")
    return QLocale().toString(coverage * 100.0, "f", 1) + "%"


def ui_language() -> str:
    """The interface language (the default locale the language switch sets)."""
    return CHINESE if QLocale().language() == QLocale.Language.Chinese else ENGLISH


def code_text(label: Text) -> str:
    """A code's label (both languages in fdclient.domain.codes) in the interface language."""
    return label.render(ui_language())
