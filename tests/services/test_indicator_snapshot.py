"""This laptop's last indicator report, kept in the store so the dashboard opens on figures:
it comes back equal to what was computed, its summary is the summary of the same day, and a
snapshot of another format or one that cannot be read is ignored, never an error."""

from __future__ import annotations

from helpers.indicator_township import build_township
from sqlalchemy import update

from fdclient.models import LocalSetting, local
from fdclient.services.indicators.compute import compute_indicators
from fdclient.services.indicators.snapshot import (
    SNAPSHOT_FORMAT,
    load_snapshot,
    opening_figures,
    save_snapshot,
    summary_of,
)
from fdclient.services.indicators.summary import load_summary
from fdclient.store import Store


def test_the_snapshot_comes_back_as_computed_and_its_summary_is_the_days(store: Store) -> None:
    build_township(store)
    report = compute_indicators(store, side_by_side=False)
    with store.read() as session:
        assert load_snapshot(session) is None
        live = load_summary(session, report.as_of)
        first_opening = opening_figures(session)
    assert first_opening.snapshot is None and first_opening.summary == live

    with store.write() as session:
        save_snapshot(session, report)
    with store.read() as session:
        snapshot = load_snapshot(session)
        opening = opening_figures(session)

    assert snapshot is not None
    assert snapshot.report == report
    assert snapshot.report.teams and snapshot.report.villages  # nested parts too
    assert summary_of(report) == live
    assert live.residents > 0 and live.villages == len(report.villages) > 1
    assert opening.snapshot == snapshot and opening.summary == live


def test_a_snapshot_of_another_format_or_unreadable_is_ignored(store: Store) -> None:
    build_township(store)
    with store.write() as session:
        save_snapshot(session, compute_indicators(store, side_by_side=False))
    for broken in (
        {"format": SNAPSHOT_FORMAT + 1, "computed_at": "2026-06-01T00:00:00+00:00", "report": {}},
        {"format": SNAPSHOT_FORMAT, "computed_at": "2026-06-01T00:00:00+00:00", "report": {"as_of": "garbage"}},
        "not an object",
    ):
        with store.write() as session:
            session.execute(
                update(LocalSetting).where(LocalSetting.key == local.INDICATOR_SNAPSHOT).values(value=broken)
            )
        with store.read() as session:
            assert load_snapshot(session) is None
            assert opening_figures(session).snapshot is None
