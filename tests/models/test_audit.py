"""The audit trail: every ORM insert, update and void is logged in the same transaction,
with the actor and the changed fields (old and new)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from fdclient.models import AuditEntry, Household, Staff, Village, new_id


def _entries(session, row_id):  # noqa: ANN001, ANN202
    return session.scalars(select(AuditEntry).where(AuditEntry.row_id == row_id).order_by(AuditEntry.at)).all()


def test_insert_update_and_void_are_logged_with_the_actor(store) -> None:  # noqa: ANN001
    with store.session() as session:
        doctor = Staff(id=new_id(), township_id=store.info.township_id, name="李医生", role="doctor")
        village = Village(
            id=new_id(), township_id=store.info.township_id, code="360111101201", name="上坊村", record_segment="101"
        )
        session.add_all([doctor, village])
        session.commit()
        session.info["actor_id"] = doctor.id
        household = Household(id=new_id(), village_id=village.id, address="上坊村3组12号")
        session.add(household)
        session.commit()
        household.address = "上坊村3组14号"
        session.commit()
        household.voided_at, household.void_reason, household.voided_by_id = (
            datetime(2026, 1, 5, tzinfo=UTC),
            "重复登记",
            doctor.id,
        )
        session.commit()
        entries = _entries(session, household.id)
    assert [e.action for e in entries] == ["insert", "update", "void"]
    assert all(e.actor_id == doctor.id and e.table_name == "households" for e in entries)
    assert entries[0].changes["address"] == "上坊村3组12号"
    assert entries[1].changes == {"address": ["上坊村3组12号", "上坊村3组14号"]}
    assert entries[2].changes["void_reason"] == [None, "重复登记"]


def test_a_rolled_back_change_leaves_no_entry(store) -> None:  # noqa: ANN001
    with store.session() as session:
        village = Village(
            id=new_id(), township_id=store.info.township_id, code="360111101202", name="永丰村", record_segment="102"
        )
        session.add(village)
        session.flush()
        session.rollback()
        assert _entries(session, village.id) == []
