"""Migration 0005 (the resident record): what it backfills and maps, and its downgrade."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

from alembic import command

from fdclient import migrations
from fdclient.store.engine import make_engine

STAMP = "2025-03-04 17:00:00.000000"  # 5 March 2025 in China


def _hex() -> str:
    return uuid.uuid4().hex


def _store_at_0004(db: Path) -> dict[str, str]:
    """A store at 0004 with a township, a doctor, a household of four women and a contract."""
    engine = make_engine(db, None)
    with engine.begin() as conn:
        migrations.upgrade(conn, "0004")
    engine.dispose()
    ids = {key: _hex() for key in ("township", "village", "doctor", "team", "household", "contract")}
    people = {f"r{i}": _hex() for i in range(5)}
    con = sqlite3.connect(db)
    con.execute("PRAGMA foreign_keys = ON")
    with con:
        con.execute(
            "INSERT INTO townships (id, code, name, created_at, updated_at) VALUES (?, '360111101', '罗家镇', ?, ?)",
            (ids["township"], STAMP, STAMP),
        )
        con.execute(
            "INSERT INTO villages (id, township_id, code, name, record_segment, created_at, updated_at)"
            " VALUES (?, ?, '360111101201', '上村', '101', ?, ?)",
            (ids["village"], ids["township"], STAMP, STAMP),
        )
        con.execute(
            "INSERT INTO staff (id, township_id, name, role, active, created_at, updated_at)"
            " VALUES (?, ?, '王医生', 'doctor', 1, ?, ?)",
            (ids["doctor"], ids["township"], STAMP, STAMP),
        )
        con.execute(
            "INSERT INTO teams (id, township_id, name, leader_id, active, created_at, updated_at)"
            " VALUES (?, ?, '一队', ?, 1, ?, ?)",
            (ids["team"], ids["township"], ids["doctor"], STAMP, STAMP),
        )
        con.execute(
            "INSERT INTO households (id, village_id, address, created_at, updated_at) VALUES (?, ?, '一组', ?, ?)",
            (ids["household"], ids["village"], STAMP, STAMP),
        )
        # name, father's family history, poverty status, pregnant, postpartum until, hypertension
        rows = [
            ("r0", "2,13", "3", 0, None, 1),
            ("r1", "1", None, 1, None, 0),
            ("r2", "11,12", None, 0, "2025-07-15", 0),
            ("r3", "1,3", "1", 0, None, 0),
            ("r4", "14", None, 0, None, 0),
        ]
        for key, father, poverty, pregnant, postpartum, hypertension in rows:
            con.execute(
                "INSERT INTO residents (id, village_id, household_id, name, name_pinyin, name_initials, sex,"
                " birth_date, id_type, payment_methods, drug_allergies, exposures, family_history_father,"
                " family_history_mother, family_history_siblings, family_history_children, disabilities,"
                " has_hypertension, has_diabetes, has_tuberculosis, has_severe_mental_disorder,"
                " family_planning_special, pregnant, postpartum_until, poverty_status, status, created_at,"
                " updated_at, merged_into_id)"
                " VALUES (?, ?, ?, ?, '', '', 2, '1990-01-01', '01', '', '', '', ?, '', '', '', '', ?, 0, 0, 0, 0,"
                " ?, ?, ?, 'active', ?, ?, ?)",
                (
                    people[key],
                    ids["village"],
                    ids["household"],
                    key,
                    father,
                    hypertension,
                    pregnant,
                    postpartum,
                    poverty,
                    STAMP,
                    STAMP,
                    people["r0"] if key == "r4" else None,
                ),
            )
        con.execute("UPDATE households SET head_id = ? WHERE id = ?", (people["r0"], ids["household"]))
        con.execute(
            "INSERT INTO diagnoses (id, resident_id, disease, created_at, updated_at) VALUES (?, ?, '3', ?, ?)",
            (_hex(), people["r3"], STAMP, STAMP),
        )
        con.execute(
            "INSERT INTO audit_log (id, at, actor_id, action, table_name, row_id, changes)"
            " VALUES (?, ?, ?, 'insert', 'residents', ?, '{}')",
            (_hex(), STAMP, ids["doctor"], people["r1"]),
        )
        con.execute(
            "INSERT INTO contracts (id, contract_no, scope, household_id, representative_id, team_id, doctor_id,"
            " start_date, end_date, term_years, auto_renew, status, channel, consent_given, consented_at, signed_at,"
            " created_at, updated_at) VALUES (?, 'QY-1', 'household', ?, ?, ?, ?, '2025-01-01', '2025-12-31', 1,"
            " 0, 'active', 'clinic', 1, ?, ?, ?, ?)",
            (ids["contract"], ids["household"], people["r0"], ids["team"], ids["doctor"], STAMP, STAMP, STAMP, STAMP),
        )
        con.execute(
            "INSERT INTO contract_members (id, contract_id, resident_id, is_active, created_at, updated_at)"
            " VALUES (?, ?, ?, 1, ?, ?)",
            (_hex(), ids["contract"], people["r0"], STAMP, STAMP),
        )
    con.close()
    return ids | people


def _upgrade(db: Path, revision: str) -> None:
    engine = make_engine(db, None)
    with engine.begin() as conn:
        migrations.upgrade(conn, revision)
    engine.dispose()


def test_0005_backfills_the_cover_and_maps_the_old_answers(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    ids = _store_at_0004(db)
    _upgrade(db, "0005")
    con = sqlite3.connect(db)
    rows = {
        name: rest
        for name, *rest in con.execute(
            "SELECT name, family_history_father, relief_statuses, registered_on, registered_by_id,"
            " responsible_doctor_id, has_hypertension, has_diabetes FROM residents"
        )
    }
    doctor = ids["doctor"]
    assert rows == {
        # 13 (其他 of the past-disease list) is 12 (其他) of family history; the doctor of her contract.
        "r0": ["2,12", "3", "2025-03-05", None, doctor, 1, 0],
        # registered by the staff member of her first audit entry.
        "r1": ["1", "", "2025-03-05", doctor, None, 0, 0],
        # 其他法定传染病 and 职业病 have no box of their own in family history.
        "r2": ["12", "", "2025-03-05", None, None, 0, 0],
        # 无 beside another code is dropped; a diabetes diagnosis sets the flag.
        "r3": ["3", "1", "2025-03-05", None, None, 0, 1],
        "r4": ["12", "", "2025-03-05", None, None, 0, 0],
    }
    pregnancies = con.execute(
        "SELECT r.name, p.last_menstrual_period, p.expected_delivery_date, p.delivery_date"
        " FROM pregnancies p JOIN residents r ON r.id = p.resident_id ORDER BY r.name"
    ).fetchall()
    # r1 was flagged pregnant on 5 March 2025: expected 280 days later; r2 delivered 42 days
    # before the end of her postpartum period.
    assert pregnancies == [("r1", None, "2025-12-10", None), ("r2", None, None, "2025-06-03")]
    # The hypertension flag without a diagnosis got one (no date known).
    assert con.execute(
        "SELECT disease, diagnosed_on FROM diagnoses WHERE resident_id = ?", (ids["r0"],)
    ).fetchall() == [("2", None)]
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    triggers = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'residents'")}
    assert {"trg_resident_search_insert", "trg_resident_search_update", "ix_residents_village_id"} <= triggers
    assert not any(name.startswith("_fk_0005") for (name,) in con.execute("SELECT name FROM sqlite_master"))
    # The search map still finds everyone (ids did not change).
    assert con.execute("SELECT count(*) FROM resident_search_map").fetchone() == (5,)
    con.close()


def test_0005_downgrades_and_upgrades_again(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    ids = _store_at_0004(db)
    _upgrade(db, "0005")
    engine = make_engine(db, None)
    with engine.begin() as conn:
        command.downgrade(migrations.alembic_config(conn), "0004")
    engine.dispose()
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT name, family_history_father, poverty_status, pregnant, postpartum_until FROM residents ORDER BY name"
    ).fetchall()
    assert rows == [
        ("r0", "2,13", "3", 0, None),
        ("r1", "1", None, 1, None),
        ("r2", "13", None, 0, "2025-07-15"),
        ("r3", "3", "1", 0, None),
        ("r4", "13", None, 0, None),
    ]
    assert con.execute("SELECT name FROM sqlite_master WHERE name = 'pregnancies'").fetchall() == []
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    con.close()
    _upgrade(db, "0005")
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM pregnancies").fetchone() == (2,)
    assert con.execute("SELECT responsible_doctor_id FROM residents WHERE name = 'r0'").fetchone() == (ids["doctor"],)
    con.close()
