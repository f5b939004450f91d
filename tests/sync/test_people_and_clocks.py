"""The same person registered on two laptops, a laptop two years off, a revoked laptop,
and a server restored from a backup (new epoch)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from helpers import builders
from helpers.sync_world import Laptop, SyncWorld, sync_world
from sqlalchemy import select

from fdclient.domain.time import FixedClock
from fdclient.models import OutboxEntry, Resident, Village
from fdclient.services.registry import residents
from fdclient.services.registry.resident_forms import ResidentInput
from fdclient.sync import api
from fdclient.sync.transport import DeviceRevoked
from fdserver.meta import renew_epoch
from fdserver.status import revoke_device


def _register(laptop: Laptop, name: str, id_number: str) -> Resident:
    with laptop.store.write() as session:
        village = session.scalars(select(Village).order_by(Village.code)).first()
        assert village is not None
        info = residents.register_resident(
            session, ResidentInput(village_id=village.id, name=name, id_number=id_number)
        )
        row = session.get(Resident, info.id)
        assert row is not None
        return row


def _active_with(laptop: Laptop, id_number: str) -> list[Resident]:
    with laptop.store.read() as session:
        return list(
            session.scalars(select(Resident).where(Resident.id_number == id_number, Resident.voided_at.is_(None)))
        )


def test_the_same_person_registered_on_two_laptops_becomes_one_resident_everywhere(world: SyncWorld) -> None:
    a, b = world.laptops
    number = builders.new_id_number(date(1958, 7, 1), 2)
    first = _register(a, "刘英", number)
    second = _register(b, "刘英", number)
    with b.store.write() as session:  # B also diagnoses its copy
        builders.diagnose(session, second.id, hypertension=True)
    a.sync()
    report = b.sync()
    assert report.rejected == 0, api.rejected_entries(b.store)
    a.sync()
    b.sync()
    for laptop in (a, b):
        [survivor] = _active_with(laptop, number)
        with laptop.store.read() as session:
            alias_id = second.id if survivor.id == first.id else first.id
            alias = session.get(Resident, alias_id)
            assert alias is not None and alias.merged_into_id == survivor.id and alias.voided_at is not None
            diagnoses = (
                session.connection().exec_driver_sql("SELECT resident_id FROM diagnoses WHERE voided_at IS NULL").all()
            )
        assert [d[0] for d in diagnoses] == [survivor.id.hex]
    assert [t.status for t in api.list_merge_tasks(a.store)] == ["done"]


def test_a_laptop_two_years_off_syncs_and_sees_a_warning(tmp_path: Path) -> None:
    two_years_ago = FixedClock(datetime.now(UTC) - timedelta(days=730))
    with sync_world(tmp_path, 1, clock=two_years_ago) as world:
        [laptop] = world.laptops
        status = api.sync_status(laptop.store)
        assert status.clock_warning is not None and "慢" in status.clock_warning and "年" in status.clock_warning
        # The store runs on the server's time now: new rows are stamped with it.
        assert abs(laptop.store.clock.now() - datetime.now(UTC)) < timedelta(minutes=5)
        with laptop.store.write() as session:
            village = session.scalars(select(Village)).first()
            assert village is not None
            resident = builders.make_resident(session, village, name="钟表")
        report = laptop.sync()
        assert report.rejected == 0 and report.clock_warning is not None
        with laptop.store.read() as session:
            row = session.get(Resident, resident.id)
            assert row is not None and abs(row.created_at - datetime.now(UTC)) < timedelta(minutes=5)


def test_a_revoked_laptop_is_told_plainly_and_keeps_its_unsynced_work(world: SyncWorld) -> None:
    a, _ = world.laptops
    with a.store.write() as session:
        village = session.scalars(select(Village)).first()
        assert village is not None
        builders.make_resident(session, village, name="留下")
    revoke_device(world.engine, api.sync_status(a.store).device_id or "")
    with pytest.raises(DeviceRevoked) as raised:
        a.sync()
    assert "撤销" in raised.value.message and "导出" in raised.value.message
    status = api.sync_status(a.store)
    assert status.revoked and status.pending > 0 and "撤销" in (status.last_error or "")
    with a.store.read() as session:
        assert session.scalars(select(OutboxEntry).where(OutboxEntry.status == "pending")).first() is not None
    assert api.sync_history(a.store)[0].outcome == "failed"


def test_a_restored_server_gets_everything_again_and_the_outbox_survives(world: SyncWorld) -> None:
    a, b = world.laptops
    with a.store.write() as session:
        village = session.scalars(select(Village)).first()
        assert village is not None
        builders.make_resident(session, village, name="恢复前")
    a.sync()
    renew_epoch(world.engine)
    with a.store.write() as session:
        village = session.scalars(select(Village)).first()
        assert village is not None
        builders.make_resident(session, village, name="恢复后")
    report = a.sync()
    assert report.replaced and report.rejected == 0, api.rejected_entries(a.store)
    b.sync()
    with b.store.read() as session:
        names = sorted(session.scalars(select(Resident.name)))
    assert names == ["恢复前", "恢复后"]
