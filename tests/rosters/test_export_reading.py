"""The roster's rows as the service reads them (who is listed, ages, residents without a
household) and the reading process that feeds the writer."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from helpers import builders
from helpers.roster_world import make_roster_world
from helpers.scene import Template
from openpyxl.utils.datetime import to_excel

from fdclient.domain.key_populations import age_on
from fdclient.domain.time import FixedClock
from fdclient.errors import PermissionDenied, ValidationError
from fdclient.rosters.child_reader import items_from_child
from fdclient.rosters.export import export_roster
from fdclient.rosters.workbook import excel_serial, sheet_name
from fdclient.services.registry.resident_status import mark_deceased, mark_moved_out
from fdclient.services.rosters.export import ROW_KEYS, RosterSelection, roster_batches, roster_villages
from fdclient.store import Store

K = {key: i for i, key in enumerate(ROW_KEYS)}
#: A common year's 28 February: someone born on 29 February has not had their birthday yet.
DAY = date(2027, 2, 28)


@pytest.fixture
def late_store(scene_template: Template, tmp_path: Path) -> Iterator[Store]:
    store = scene_template.open(tmp_path / "late", clock=FixedClock.on(DAY))
    yield store
    store.close()


def all_rows(store: Store, selection: RosterSelection | None = None) -> list[tuple]:
    with store.read() as session:
        return [row for batch in roster_batches(session, selection or RosterSelection(), 2) for row in batch]


def test_who_is_listed_and_their_ages_on_the_day(late_store: Store) -> None:
    with late_store.write() as s:
        village = builders.make_village(s, name="南村")
        leap = builders.make_resident(s, village, name="闰日生", birth_date=date(2020, 2, 29), sex=2)
        old = builders.make_resident(s, village, name="老人", birth_date=date(1950, 3, 1))
        moved = builders.make_resident(s, village, name="迁走了", birth_date=date(1980, 1, 1))
        died = builders.make_resident(s, village, name="去世了", birth_date=date(1930, 1, 1))
        mark_moved_out(s, moved.id, date(2027, 1, 5))
        mark_deceased(s, died.id, date(2027, 2, 1))
        leap_id, old_birth = leap.id, old.birth_date
    rows = {row[K["name"]]: row for row in all_rows(late_store)}
    assert set(rows) == {"闰日生", "老人"}  # moved out and deceased are no longer registered
    assert rows["闰日生"][K["age"]] == age_on(date(2020, 2, 29), DAY) == 6
    assert rows["老人"][K["age"]] == age_on(old_birth, DAY) == 76
    assert rows["闰日生"][K["key_populations"]] == "0-6岁儿童"
    assert rows["老人"][K["key_populations"]] == "65岁及以上老年人"
    # Without a household: no head, address or relationship; not signed.
    lone = rows["老人"]
    assert (lone[K["household_head"]], lone[K["address"]], lone[K["relationship"]]) == (None, None, None)
    assert (lone[K["contract_status"]], lone[K["hypertension_followups"]]) == ("未签约", None)
    assert leap_id is not None
    with late_store.read() as session:
        (only,) = roster_villages(session, RosterSelection())
        assert (only.name, only.rows) == ("南村", 2)
        assert roster_villages(session, RosterSelection(signed_only=True))[0].rows == 0


def test_reading_needs_the_export_permission(admin_store: Store) -> None:
    with admin_store.read() as session, pytest.raises(PermissionDenied):
        roster_villages(session, RosterSelection())
    with admin_store.read() as session, pytest.raises(PermissionDenied):
        next(roster_batches(session, RosterSelection()))


def test_the_reading_process_passes_items_and_errors_and_is_stopped_early(store: Store) -> None:
    def numbers() -> Iterator[int]:
        yield from (os.getpid(), 1, 2)
        raise ValidationError("读不下去了")

    with items_from_child(store.engine, numbers) as items:
        child_pid = next(items)
        assert child_pid != os.getpid()  # read in another process
        assert [next(items), next(items)] == [1, 2]
        with pytest.raises(ValidationError, match="读不下去了"):
            next(items)

    def endless() -> Iterator[int]:
        yield os.getpid()
        while True:
            yield 0

    with items_from_child(store.engine, endless) as items:
        child_pid = next(items)
        assert next(items) == 0
    with pytest.raises(ProcessLookupError):  # the child was killed and reaped
        os.kill(child_pid, 0)


def test_with_another_thread_running_the_reading_stays_in_this_process(store: Store) -> None:
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        with items_from_child(store.engine, lambda: iter([os.getpid()])) as items:
            assert list(items) == [os.getpid()]
    finally:
        stop.set()
        worker.join()


def test_without_a_second_process_the_export_is_the_same(store: Store, tmp_path: Path) -> None:
    """With another thread running nothing is forked: rows and indicators are read here."""
    with store.write() as session:
        make_roster_world(session)
    forked = export_roster(store, tmp_path / "forked.xlsx")
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        here = export_roster(store, tmp_path / "here.xlsx")
    finally:
        stop.set()
        worker.join()
    assert (here.rows, here.sheets) == (forked.rows, forked.sheets) == (4, 3)

    def values(path: Path) -> list[list[tuple[object, ...]]]:
        book = openpyxl.load_workbook(path, data_only=True)
        return [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]

    first, second = values(forked.path), values(here.path)
    assert len(first) == len(second) == 4
    assert first[:3] == second[:3]
    # The indicator sheet differs only in the export time.
    assert [r for r in first[3] if r[0] != "导出时间"] == [r for r in second[3] if r[0] != "导出时间"]


def test_excel_serials_and_sheet_names() -> None:
    for day in (date(1900, 1, 1), date(1900, 2, 28), date(1900, 3, 1), date(1950, 3, 1), date(2026, 12, 31)):
        assert excel_serial(day) == to_excel(day)
    assert (excel_serial(date(1900, 2, 28)), excel_serial(date(1900, 3, 1))) == (59, 61)
    taken: set[str] = set()
    assert [sheet_name(n, taken) for n in ("东村", "东村", "a/b:c*?[d]", "长" * 40, "'")] == [
        "东村",
        "东村(2)",
        "a_b_c___d_",
        "长" * 31,
        "Sheet",
    ]
