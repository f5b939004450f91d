"""Migration 0006 (the contract lifecycle) on a store with data: what it backfills, and a
downgrade that keeps every row."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory

from fdclient import migrations
from fdclient.store.engine import make_engine


def test_migration_0006_backfills_consent_and_closes_the_services_of_ended_coverage(tmp_path: Path) -> None:
    """Members of a signed contract consented with it (the representative as themselves);
    open services of expired and terminated contracts and of members who left are closed on
    the day coverage ended, and earlier cancellations get that day too. The downgrade keeps
    every row."""
    script = ScriptDirectory.from_config(migrations.alembic_config())
    before = script.get_revision("0006").down_revision
    assert isinstance(before, str)
    db = tmp_path / "s.db"
    engine = make_engine(db, None)
    with engine.begin() as conn:
        migrations.upgrade(conn, before)
    engine.dispose()
    ids = {name: uuid.uuid4().hex for name in ("A", "B", "C", "D", "r1", "r2", "r3", "r4", "r5", "item")}
    signed = "2025-01-01 01:30:00.000000"
    contract_rows = [  # id, start, end, status, consent given, terminated on, reason, representative
        ("A", "2026-01-01", "2026-12-31", "active", 1, None, None, "r1"),
        ("B", "2025-01-01", "2025-12-31", "expired", 1, None, None, "r3"),
        ("C", "2025-01-01", "2025-12-31", "terminated", 1, "2025-06-01", "voluntary", "r4"),
        ("D", "2026-01-01", "2026-12-31", "draft", 0, None, None, "r5"),
    ]
    member_rows = [  # contract, resident, active, ended on
        ("A", "r1", 1, None),
        ("A", "r2", 0, "2026-04-01"),
        ("B", "r3", 0, "2025-12-31"),
        ("C", "r4", 0, "2025-06-01"),
        ("D", "r5", 0, None),
    ]
    service_rows = [  # name, contract, resident, window start, status, fulfilled on
        ("a1", "A", "r1", "2026-07-01", "planned", None),
        ("a2", "A", "r2", "2026-03-01", "planned", None),
        ("a3", "A", "r2", "2026-07-01", "planned", None),
        ("b1", "B", "r3", "2025-10-01", "planned", None),
        ("b2", "B", "r3", "2025-01-01", "done", "2025-02-01"),
        ("c1", "C", "r4", "2025-07-01", "cancelled", None),
        ("c2", "C", "r4", "2025-04-01", "planned", None),
    ]
    service_ids = {name: uuid.uuid4().hex for name, *_ in service_rows}
    con = sqlite3.connect(db)  # foreign keys are off: the rows they point to are not needed here
    with con:
        for name, start, end, status, consent, terminated, reason, rep in contract_rows:
            con.execute(
                "INSERT INTO contracts (id, created_at, updated_at, contract_no, scope, household_id,"
                " representative_id, team_id, doctor_id, start_date, end_date, term_years, auto_renew, status,"
                " channel, consent_given, consented_at, signed_at, terminated_on, termination_reason)"
                " VALUES (?, ?, ?, ?, 'household', ?, ?, ?, ?, ?, ?, 1, 0, ?, 'clinic', ?, ?, ?, ?, ?)",
                (ids[name], signed, signed, f"QY-{name}", ids["item"], ids[rep], ids["item"], ids["item"], start, end)
                + (status, consent, signed if consent else None, signed if consent else None, terminated, reason),
            )
        for contract, resident, active, ended in member_rows:
            con.execute(
                "INSERT INTO contract_members (id, created_at, updated_at, contract_id, resident_id, is_active,"
                " ended_on) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (uuid.uuid4().hex, signed, signed, ids[contract], ids[resident], active, ended),
            )
        for name, contract, resident, start, status, fulfilled in service_rows:
            con.execute(
                "INSERT INTO planned_services (id, created_at, updated_at, contract_id, resident_id, package_item_id,"
                " service_kind, sequence, window_start, window_end, status, fulfilled_on)"
                " VALUES (?, ?, ?, ?, ?, ?, 'health_education', 1, ?, ?, ?, ?)",
                (service_ids[name], signed, signed, ids[contract], ids[resident], ids["item"], start, start, status)
                + (fulfilled,),
            )
    con.close()

    engine = make_engine(db, None)
    with engine.begin() as conn:
        migrations.upgrade(conn, "0006")
    engine.dispose()
    con = sqlite3.connect(db)
    consent = dict(con.execute("SELECT resident_id, consent_by || ' ' || consented_at FROM contract_members"))
    assert consent == {
        ids["r1"]: f"self {signed}",
        ids["r2"]: f"representative {signed}",
        ids["r3"]: f"self {signed}",
        ids["r4"]: f"self {signed}",
        ids["r5"]: None,
    }
    services = {row[0]: row[1:] for row in con.execute("SELECT id, status, closed_on FROM planned_services")}
    assert {name: services[service_ids[name]] for name in service_ids} == {
        "a1": ("planned", None),
        "a2": ("cancelled", "2026-04-01"),
        "a3": ("cancelled", "2026-04-01"),
        "b1": ("cancelled", "2025-12-31"),
        "b2": ("done", None),
        "c1": ("cancelled", "2025-06-01"),
        "c2": ("cancelled", "2025-06-01"),
    }
    con.close()

    engine = make_engine(db, None)
    with engine.begin() as conn:
        command.downgrade(migrations.alembic_config(conn), before)
    engine.dispose()
    con = sqlite3.connect(db)
    columns = {row[1] for row in con.execute("PRAGMA table_info(contract_members)")}
    assert "consent_by" not in columns and "joined_on" not in columns
    counts = [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("contracts", "planned_services")]
    assert counts == [4, 7]
    con.close()
