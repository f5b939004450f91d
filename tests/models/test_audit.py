"""The audit trail: every ORM insert, update and void of a synced table is logged in the
unit of work's transaction with the actor, the device, the unit of work's clock, the
resident it concerns and the changed fields (old and new); the log itself cannot be
changed; a read unit of work cannot write."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from helpers import builders
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fdclient.domain.codes import AuditAction
from fdclient.domain.time import FixedClock
from fdclient.errors import RuleError
from fdclient.models import AuditEntry, Household, Referral, Resident, Village, new_id
from fdclient.store import Store
from fdclient.store.context import now

DAY_1, DAY_2, DAY_3 = date(2026, 5, 1), date(2026, 5, 2), date(2026, 5, 3)


def _entries(session: Session, row_id: uuid.UUID) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.row_id == row_id).order_by(AuditEntry.at)
    return list(session.scalars(query))


def _doctor_id(store: Store) -> uuid.UUID:
    assert store.actor is not None
    return store.actor.staff_id


def test_insert_update_and_void_carry_actor_device_clock_and_changes(store: Store) -> None:
    # Each change is flushed inside its on_day block, so the hook sees that day's clock.
    with store.write() as session:
        village = builders.make_village(session)
        with builders.on_day(session, DAY_1):
            new = Household(village_id=village.id, address="上坊村3组12号")
            session.add(new)
            session.flush()
            household_id = new.id
    with store.write() as session, builders.on_day(session, DAY_2):
        household = session.get(Household, household_id)
        assert household is not None
        household.address = "上坊村3组14号"
        session.flush()
    with store.write() as session, builders.on_day(session, DAY_3):
        household = session.get(Household, household_id)
        assert household is not None
        household.voided_at, household.void_reason, household.voided_by_id = now(session), "重复登记", _doctor_id(store)
        session.flush()
    with store.read() as session:
        entries = _entries(session, household_id)
        stored = session.get(Household, household_id)
        assert stored is not None
    assert [e.action for e in entries] == [AuditAction.INSERT, AuditAction.UPDATE, AuditAction.VOID]
    assert [e.at for e in entries] == [FixedClock.on(day).now() for day in (DAY_1, DAY_2, DAY_3)]
    for entry in entries:
        assert (entry.actor_id, entry.device_id, entry.table_name) == (
            _doctor_id(store),
            store.info.device_id,
            "households",
        )
        # A household is no one resident's record.
        assert entry.subject_id is None
    assert entries[0].changes["address"] == "上坊村3组12号"
    assert entries[1].changes == {"address": ["上坊村3组12号", "上坊村3组14号"]}
    assert entries[2].changes["void_reason"] == [None, "重复登记"]
    assert set(entries[2].changes) == {"voided_at", "void_reason", "voided_by_id"}
    # The row's own timestamps come from the same clock: created once, updated at each change.
    assert stored.created_at == FixedClock.on(DAY_1).now()
    assert stored.updated_at == FixedClock.on(DAY_3).now()


def test_rows_of_a_resident_name_the_resident_as_subject(session: Session) -> None:
    village = builders.make_village(session)
    resident = builders.make_resident(session, village)
    referral = Referral(
        resident_id=resident.id,
        referred_on=date(2026, 5, 20),
        reason="血压控制不满意",
        institution="县人民医院",
        doctor_id=builders.actor_named(session, "doctor").staff_id,
    )
    session.add(referral)
    session.flush()
    (resident_entry,) = _entries(session, resident.id)
    (referral_entry,) = _entries(session, referral.id)
    assert (resident_entry.table_name, resident_entry.subject_id) == ("residents", resident.id)
    assert (referral_entry.table_name, referral_entry.subject_id) == ("referrals", resident.id)
    assert referral_entry.changes["institution"] == "县人民医院"
    # The organisation builders act as the administrator: the village's entry names them.
    (village_entry,) = _entries(session, village.id)
    assert village_entry.actor_id == builders.actor_named(session, "admin").staff_id
    assert village_entry.subject_id is None


def test_a_rolled_back_change_leaves_no_entry(store: Store) -> None:
    village_id = new_id()
    with pytest.raises(RuntimeError, match="changed my mind"), store.write() as session:
        session.add(
            Village(
                id=village_id,
                township_id=store.info.township_id,
                code="360111101202",
                name="永丰村",
                record_segment="102",
            )
        )
        session.flush()
        assert len(_entries(session, village_id)) == 1
        raise RuntimeError("changed my mind")
    with store.read() as session:
        assert session.get(Village, village_id) is None
        assert _entries(session, village_id) == []


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET actor_id = NULL", "UPDATE audit_log SET changes = '{}'", "DELETE FROM audit_log"],
)
def test_the_audit_log_refuses_update_and_delete(store: Store, statement: str) -> None:
    with store.write() as session:
        builders.make_village(session)
    with store.read() as session:
        before = session.execute(select(AuditEntry.id, AuditEntry.actor_id, AuditEntry.changes)).all()
    assert before
    with pytest.raises(RuleError) as refused, store.write() as session:
        session.connection().exec_driver_sql(statement)
    # The trigger's own words are on the driver's error the unit of work translated.
    assert isinstance(refused.value.__context__, IntegrityError)
    assert "append-only" in str(refused.value.__context__)
    with store.read() as session:
        assert session.execute(select(AuditEntry.id, AuditEntry.actor_id, AuditEntry.changes)).all() == before


def test_a_read_unit_of_work_refuses_to_flush_a_change(store: Store) -> None:
    with store.write() as session:
        resident_id = builders.make_resident(session, builders.make_village(session)).id
    with store.read() as session:
        entries_before = session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(RuntimeError, match=r"read\(\) unit of work"), store.read() as session:
        resident = session.get(Resident, resident_id)
        assert resident is not None
        resident.name = "李四"
        session.flush()
    with store.read() as session:
        resident = session.get(Resident, resident_id)
        assert resident is not None and resident.name == "张三"
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == entries_before
