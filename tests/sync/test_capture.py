"""Outbox capture on a real enrolled store: same transaction, rollbacks, joined
inheritance, the household/head cycle, updates against the base version, bulk writers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from helpers import builders
from helpers.sync_world import Laptop, SyncWorld, sync_world
from sqlalchemy import func, select

from fdclient.domain.time import FixedClock
from fdclient.models import HypertensionFollowup, NumberBlockRow, OutboxEntry, Resident, Staff, Village, new_id
from fdclient.rosters.importing import import_roster
from fdclient.rosters.reading import read_roster
from fdclient.store import Store
from fdclient.sync import api, state


@pytest.fixture
def one(tmp_path: Path) -> Iterator[SyncWorld]:
    with sync_world(tmp_path, 1) as w:
        yield w


@pytest.fixture
def laptop(one: SyncWorld) -> Laptop:
    return one.laptops[0]


def entries(store: Store) -> list[OutboxEntry]:
    with store.read() as session:
        return list(session.scalars(select(OutboxEntry).order_by(OutboxEntry.seq)))


def village_of(session: object) -> Village:
    found = session.scalars(select(Village).order_by(Village.code)).first()  # type: ignore[attr-defined]
    assert found is not None
    return found  # type: ignore[no-any-return]


def test_a_change_and_its_entries_commit_together_and_roll_back_together(laptop: Laptop) -> None:
    store = laptop.store
    with pytest.raises(RuntimeError), store.write() as session:
        builders.make_resident(session, village_of(session), name="回滚")
        session.flush()
        with session.connection().exec_driver_sql("SELECT count(*) FROM sync_outbox") as result:
            assert result.scalar_one() >= 1  # written in the flush, in the same transaction
        raise RuntimeError("the user cancelled")
    assert entries(store) == []
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Resident)) == 0
    with store.write() as session:
        resident = builders.make_resident(session, village_of(session), name="张三")
    [entry] = [e for e in entries(store) if e.table_name == "residents"]
    assert entry.op == "insert" and entry.row_id == resident.id and entry.base_version is None
    assert entry.data["name"] == "张三" and entry.data["id"] == resident.id.hex
    assert entry.data["birth_date"] == "1960-05-01" and "server_version" not in entry.data
    assert entry.actor_id is not None and entry.status == "pending"


def test_an_update_sends_old_and_new_against_the_base_version(laptop: Laptop) -> None:
    store = laptop.store
    with store.write() as session:
        resident = builders.make_resident(session, village_of(session), name="李四")
    laptop.sync()
    with store.read() as session:
        version = session.get(Resident, resident.id).server_version  # type: ignore[union-attr]
    assert version is not None
    with store.write() as session:
        row = session.get(Resident, resident.id)
        assert row is not None
        row.phone = "13712345678"
    update = entries(store)[-1]
    assert update.op == "update" and update.base_version == version
    assert update.data["phone"] == [None, "13712345678"]
    assert set(update.data) == {"phone", "updated_at"}


def test_capture_is_off_for_units_that_apply_what_the_server_sent(laptop: Laptop) -> None:
    with laptop.store.write(capture=False) as session:
        builders.make_resident(session, village_of(session), name="王五")
    assert entries(laptop.store) == []


def test_a_store_that_is_not_enrolled_captures_nothing(store: Store) -> None:
    with store.write() as session:
        village = builders.make_village(session)
        builders.make_household(session, village)
    assert entries(store) == []


def test_a_household_and_its_head_are_sent_without_a_forward_reference(laptop: Laptop) -> None:
    with laptop.store.write() as session:
        household = builders.make_household(session, village_of(session))
    queued = entries(laptop.store)
    order = [(e.op, e.table_name) for e in queued]
    first_resident = order.index(("insert", "residents"))
    household_insert = next(e for e in queued if e.table_name == "households" and e.op == "insert")
    assert household_insert.data["head_id"] is None
    head_update = [e for e in queued if e.table_name == "households" and e.op == "update"]
    assert head_update[-1].data["head_id"][1] == household.head_id.hex  # type: ignore[union-attr]
    assert order.index(("insert", "households")) < first_resident < queued.index(head_update[-1])
    report = laptop.sync()
    assert report.rejected == 0, api.rejected_entries(laptop.store)


def test_a_follow_up_form_is_two_entries_visits_row_first(laptop: Laptop) -> None:
    with laptop.store.write() as session:
        resident = builders.make_resident(session, village_of(session), name="赵六", has_hypertension=True)
        doctor = session.scalars(select(Staff)).first()
        assert doctor is not None
        visit_id = new_id()
        session.add(
            HypertensionFollowup(
                id=visit_id,
                record_id=visit_id,
                resident_id=resident.id,
                visit_date=date(2026, 5, 1),
                doctor_id=doctor.id,
                systolic=150,
                diastolic=95,
            )
        )
    tables = [e.table_name for e in entries(laptop.store) if e.row_id == visit_id]
    assert tables == ["visits", "hypertension_followups"]
    form = next(e for e in entries(laptop.store) if e.table_name == "hypertension_followups")
    assert form.data["systolic"] == 150 and "kind" not in form.data


def test_the_clock_of_entries_never_goes_backwards(laptop: Laptop) -> None:
    with laptop.store.write() as session:
        builders.make_resident(session, village_of(session), name="甲")
    later = [e.hlc for e in entries(laptop.store)]
    # The laptop's clock is set back a year: new entries still sort after the old ones.
    laptop.store.clock = FixedClock.on(date(2025, 6, 1))
    with laptop.store.write() as session:
        builders.make_resident(session, village_of(session), name="乙")
    stamps = [e.hlc for e in entries(laptop.store)]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps) and stamps[: len(later)] == later


ROSTER = (
    "村,户主姓名,与户主关系,居民姓名,性别,出生日期,公民身份号码,手机号,家庭住址\n"
    "罗家村,孙大,户主,孙大,男,1950-01-02,{a},13800000011,罗家村三组 1 号\n"
    "罗家村,孙大,妻子,钱小,女,1952-03-04,{b},,\n"
    "石岗村,周二,户主,周二,男,1961-05-06,{c},,石岗村 5 号\n"
)


def test_a_roster_imported_on_an_enrolled_laptop_reaches_every_laptop(one: SyncWorld, tmp_path: Path) -> None:
    importer = one.laptops[0]
    path = tmp_path / "roster.csv"
    numbers = [
        builders.new_id_number(date(1950, 1, 2), 1),
        builders.new_id_number(date(1952, 3, 4), 2),
        builders.new_id_number(date(1961, 5, 6), 1),
    ]
    path.write_text(ROSTER.format(a=numbers[0], b=numbers[1], c=numbers[2]), encoding="utf-8")
    summary = import_roster(importer.store, read_roster(path))
    assert summary.to_json()["created"] == 3, summary.to_json()
    with importer.store.read() as session:  # numbered from the blocks the server reserved
        blocks = session.scalars(select(NumberBlockRow)).all()
        for resident in session.scalars(select(Resident)):
            number = resident.health_record_no or ""
            series = f"health_record:{number[:12]}"
            assert any(b.series == series and b.first <= int(number[12:]) < b.next for b in blocks), number
    pending = api.sync_status(importer.store).pending
    assert pending >= 5  # two households, three residents (and the heads)
    report = importer.sync()
    assert report.pushed == pending and report.rejected == 0, api.rejected_entries(importer.store)
    other = one.add_laptop()
    with other.store.read() as session:
        names = sorted(session.scalars(select(Resident.name)))
        assert state.cursor(session) > 0
    assert names == ["周二", "孙大", "钱小"]
