"""Migration 0007 (service records): the rebuilt visits table keeps every record and its
links, and the downgrade keeps a service record as a home visit."""

from __future__ import annotations

from datetime import date

from alembic import command
from helpers.visit_world import make_patient
from sqlalchemy import Connection

from fdclient import migrations
from fdclient.domain.codes import ServiceKind
from fdclient.services.visits import recording, records
from fdclient.services.visits.forms import MedicationInput, ReferralInput
from fdclient.store import Store

COUNTED = ("visits", "hypertension_followups", "service_records", "home_visits", "medications", "referrals")


def _counts(conn: Connection) -> dict[str, int]:
    tables = set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'").scalars())
    return {t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one() for t in COUNTED if t in tables}


def _triggers(conn: Connection) -> set[str]:
    return set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars())


def test_down_to_0006_and_up_again_keeps_every_visit(store: Store) -> None:
    with store.write() as s:
        p = make_patient(s)
        first = p.record(p.htn(systolic=150, diastolic=95, medications=(MedicationInput("氨氯地平", 1, "5mg"),)))
        recording.correct_visit(s, first.visit.id, first.visit.form, "补记")
        p.record(p.htn(visit_date=date(2026, 2, 2), systolic=185, diastolic=100), referral=ReferralInput("县医院"))
        service = recording.record_service(s, p.service_record(ServiceKind.HEALTH_EDUCATION, summary="低盐饮食"))
        service_id = service.visit.id
    with store.engine.begin() as conn:
        before = _counts(conn)
        command.downgrade(migrations.alembic_config(conn), "0006")
        assert "service_records" not in _counts(conn)
        kind, summary = conn.exec_driver_sql(
            "SELECT v.kind, h.summary FROM visits v JOIN home_visits h ON h.id = v.id WHERE v.id = ?", (service_id.hex,)
        ).one()
        assert (kind, summary) == ("home_visit", "【健康教育】低盐饮食")
        # The planned service stays fulfilled by it; nothing dangles.
        assert (
            conn.exec_driver_sql(
                "SELECT status FROM planned_services WHERE visit_id = ?", (service_id.hex,)
            ).scalar_one()
            == "done"
        )
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert {"trg_visits_immutable", "trg_visits_no_delete"} <= _triggers(conn)
        migrations.upgrade(conn)
        after = _counts(conn)
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert {
            "trg_visits_immutable",
            "trg_visits_no_delete",
            "trg_service_records_immutable",
            "trg_service_records_no_delete",
        } <= _triggers(conn)
    # Every row is back (the service record now a home visit), linked as before.
    assert after == {**before, "service_records": 0, "home_visits": before["home_visits"] + 1}
    with store.read() as s:
        assert len(records.current_visits(s, p.head_id)) == 3
