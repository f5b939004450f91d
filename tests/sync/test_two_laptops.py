"""End to end: a real server app and two real enrolled laptops (encrypted stores)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

from helpers import builders
from helpers.cli import Result
from helpers.sync_world import Laptop, SyncWorld
from sqlalchemy import select

from fdclient.models import Household, OutboxEntry, Resident, Village
from fdclient.sync import api


def _village(laptop: Laptop) -> Village:
    with laptop.store.read() as session:
        return session.scalars(select(Village).order_by(Village.code)).first()  # type: ignore[return-value]


def _register(laptop: Laptop, name: str, **fields: object) -> Resident:
    village = _village(laptop)
    with laptop.store.write() as session:
        village = session.get(Village, village.id)
        assert village is not None
        return builders.make_resident(session, village, name=name, **fields)


def test_first_sync_downloads_the_township(world: SyncWorld) -> None:
    a, b = world.laptops
    for laptop in (a, b):
        status = api.sync_status(laptop.store)
        assert status.enrolled and status.cursor > 0 and status.pending == 0
        with laptop.store.read() as session:
            codes = session.scalars(select(Village.code).order_by(Village.code)).all()
        assert codes == ["360111101001", "360111101201", "360111101202"]


def test_a_household_registered_offline_reaches_the_other_laptop(world: SyncWorld) -> None:
    a, b = world.laptops
    with a.store.write() as session:
        village = session.get(Village, _village(a).id)
        assert village is not None
        household = builders.make_household(session, village)
        household_id, head_id = household.id, household.head_id
    with a.store.read() as session:
        pending = session.scalars(select(OutboxEntry).where(OutboxEntry.status == "pending")).all()
    assert {e.table_name for e in pending} >= {"households", "residents"}
    report = a.sync()
    assert report.pushed == len(pending) and report.rejected == 0, api.rejected_entries(a.store)
    b.sync()
    with b.store.read() as session:
        copy = session.get(Household, household_id)
        assert copy is not None and copy.head_id == head_id
        names = sorted(r.name for r in session.scalars(select(Resident).where(Resident.household_id == household_id)))
    assert names == ["张三", "李梅"]
    # Numbers came from the blocks the server reserved: unique across laptops.
    _register(b, "王五", birth_date=date(1970, 1, 1))
    b.sync()
    a.sync()
    with a.store.read() as session:
        numbers = session.scalars(select(Resident.health_record_no)).all()
    assert len(numbers) == 3 and len(set(numbers)) == 3


def _set_phone(laptop: Laptop, resident_id: object, phone: str) -> None:
    with laptop.store.write() as session:
        resident = session.get(Resident, resident_id)
        assert resident is not None
        resident.phone = phone


def test_the_same_field_changed_on_two_laptops_is_a_conflict_resolved_from_the_command_line(
    world: SyncWorld, cli: Callable[..., Result]
) -> None:
    a, b = world.laptops
    resident = _register(a, "赵六", birth_date=date(1965, 2, 3))
    a.sync()
    b.sync()
    _set_phone(a, resident.id, "13800000001")
    _set_phone(b, resident.id, "13800000002")
    # A different field on B merges without a conflict.
    with b.store.write() as session:
        row = session.get(Resident, resident.id)
        assert row is not None
        row.occupation = "6"
    assert a.sync().conflicts == 0
    report = b.sync()
    assert report.conflicts == 1 and report.rejected == 0
    a.sync()
    for laptop in (a, b):
        with laptop.store.read() as session:
            row = session.get(Resident, resident.id)
            assert row is not None
            assert (row.phone, row.occupation) == ("13800000001", "6")  # the server kept its value
    shown = cli(b.folder, "conflicts", "--json", user="doctor1")
    assert shown.code == 0, shown.err
    [conflict] = json.loads(shown.out)
    assert conflict["field"] == "phone" and conflict["record"]["label"] == "赵六"
    assert conflict["mine"]["value"] == "13800000002" and conflict["theirs"]["value"] == "13800000001"
    assert conflict["mine"]["by"] == "医生1" and conflict["theirs"]["by"] == "医生0"
    on_a = json.loads(cli(a.folder, "conflicts", "--json", user="doctor0").out)
    assert [c["id"] for c in on_a] == [conflict["id"]]
    assert on_a[0]["mine"]["value"] == "13800000001"  # A wrote the server's side
    done = cli(b.folder, "resolve", conflict["id"][:10], "--keep", "mine", user="doctor1")
    assert done.code == 0, done.err
    assert "13800000002" in done.out
    b.sync()
    a.sync()
    for laptop in (a, b):
        with laptop.store.read() as session:
            row = session.get(Resident, resident.id)
            assert row is not None and row.phone == "13800000002"
        assert api.list_conflicts(laptop.store) == []
        assert api.sync_status(laptop.store).pending == 0
