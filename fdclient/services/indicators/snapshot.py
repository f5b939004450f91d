"""The last indicator report computed on this laptop, kept so the dashboard shows figures
the moment someone signs in and computes today's behind them.

On the 100k-resident demo township the indicators take over a second to compute; the
dashboard shows the snapshot at once, marked with the time it was computed, and replaces it
when the fresh report arrives. The snapshot lives in the store (``local_settings``, never
synced, encrypted with the rest) as JSON with a format number: a snapshot of another format
or one that cannot be read is ignored, never an error, since the next computation replaces
it. It holds aggregate figures only (counts and rates per village, team and doctor), nothing
about a person.

:func:`summary_of` gives the township summary of a report: the same counts as
:func:`~fdclient.services.indicators.summary.load_summary` on the same day, so the dashboard
computes the report alone.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import cattrs
from sqlalchemy.orm import Session

from fdclient.domain.roles import Permission
from fdclient.models import LocalSetting, local
from fdclient.services.indicators.compute import IndicatorReport
from fdclient.services.indicators.summary import TownshipSummary, load_summary
from fdclient.settings import target_percents
from fdclient.store.context import now, require

__all__ = [
    "SNAPSHOT_FORMAT",
    "IndicatorSnapshot",
    "OpeningFigures",
    "load_snapshot",
    "opening_figures",
    "save_snapshot",
    "summary_of",
]

log = logging.getLogger(__name__)

#: Raised when the shape of :class:`IndicatorReport` changes: older snapshots are ignored.
SNAPSHOT_FORMAT = 1

_converter = cattrs.Converter()
_converter.register_unstructure_hook(date, date.isoformat)
_converter.register_structure_hook(date, lambda value, _type: date.fromisoformat(value))
_converter.register_unstructure_hook(datetime, datetime.isoformat)
_converter.register_structure_hook(datetime, lambda value, _type: datetime.fromisoformat(value))


@dataclass(frozen=True)
class IndicatorSnapshot:
    report: IndicatorReport
    #: When it was computed, by the store's clock (UTC).
    computed_at: datetime

    @property
    def summary(self) -> TownshipSummary:
        return summary_of(self.report)


@dataclass(frozen=True)
class OpeningFigures:
    """What the main window shows the moment it opens: the last snapshot's figures, or
    (none yet on this laptop) today's summary alone."""

    summary: TownshipSummary
    snapshot: IndicatorSnapshot | None = None
    #: The dashboard's target lines (per cent by setting key; the defaults when empty).
    targets: Mapping[str, int] = field(default_factory=dict)


def opening_figures(session: Session) -> OpeningFigures:
    """The snapshot's figures when there is one (a read of one row), else today's summary
    (three counts); and the township's target lines."""
    targets = target_percents(session)
    snapshot = load_snapshot(session)
    if snapshot is not None:
        return OpeningFigures(snapshot.summary, snapshot, targets)
    return OpeningFigures(load_summary(session), None, targets)


def summary_of(report: IndicatorReport) -> TownshipSummary:
    """The township summary on the report's day."""
    township = report.township
    residents = township.residents
    contracted = township.contracted_residents
    return TownshipSummary(
        township_code=township.code,
        township_name=township.name,
        villages=len(report.villages),
        households=township.households,
        residents=residents,
        contracted_residents=contracted,
        coverage=contracted / residents if residents else None,
    )


def save_snapshot(session: Session, report: IndicatorReport) -> None:
    """Keep *report* as this laptop's last figures (replacing the previous ones)."""
    require(session, Permission.VIEW_INDICATORS)
    value: dict[str, Any] = {
        "format": SNAPSHOT_FORMAT,
        "computed_at": now(session).isoformat(),
        "report": _converter.unstructure(report),
    }
    row = session.get(LocalSetting, local.INDICATOR_SNAPSHOT)
    if row is None:
        session.add(LocalSetting(key=local.INDICATOR_SNAPSHOT, value=value))
    else:
        row.value = value


def load_snapshot(session: Session) -> IndicatorSnapshot | None:
    """This laptop's last figures, or None (none yet, or of an older format)."""
    require(session, Permission.VIEW_INDICATORS)
    row = session.get(LocalSetting, local.INDICATOR_SNAPSHOT)
    value = row.value if row is not None else None
    if not isinstance(value, dict) or value.get("format") != SNAPSHOT_FORMAT:
        return None
    try:
        return IndicatorSnapshot(
            report=_converter.structure(value["report"], IndicatorReport),
            computed_at=datetime.fromisoformat(value["computed_at"]),
        )
    except (KeyError, TypeError, ValueError, cattrs.BaseValidationError) as exc:
        log.warning("ignoring an unreadable indicator snapshot (%s)", type(exc).__name__)
        return None
