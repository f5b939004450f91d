"""Migrations: upgrading from empty gives exactly the models; upgrades keep data."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from fdclient import migrations
from fdclient.models import Base
from fdclient.store.engine import make_engine


def _include(obj, name, type_, reflected, compare_to):  # noqa: ANN001 - Alembic hook
    return not (type_ == "table" and name and name.startswith("resident_search"))


def test_schema_head_constant_is_the_script_head() -> None:
    script = ScriptDirectory.from_config(migrations.alembic_config())
    assert script.get_heads() == [migrations.SCHEMA_HEAD]


def test_upgrade_from_empty_equals_the_models(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "s.db", None)
    with engine.begin() as conn:
        migrations.upgrade(conn)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": _include})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []
    engine.dispose()


def test_every_model_table_exists_after_upgrade(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "s.db", None)
    with engine.begin() as conn:
        migrations.upgrade(conn)
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    engine.dispose()


def test_downgrade_to_base_and_up_again(tmp_path: Path) -> None:
    from alembic import command

    engine = make_engine(tmp_path / "s.db", None)
    with engine.begin() as conn:
        migrations.upgrade(conn)
    with engine.begin() as conn:
        command.downgrade(migrations.alembic_config(conn), "base")
    with engine.connect() as conn:
        left = (
            conn.execute(
                text("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name NOT LIKE 'sqlite_%'")
            )
            .scalars()
            .all()
        )
    assert left == ["alembic_version"]
    with engine.begin() as conn:
        migrations.upgrade(conn)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_visit_immutability_triggers_exist(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "s.db", None)
    with engine.begin() as conn:
        migrations.upgrade(conn)
    with engine.connect() as conn:
        triggers = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
    for table in (
        "visits",
        "medications",
        "hypertension_followups",
        "diabetes_followups",
        "elderly_checks",
        "home_visits",
    ):
        assert f"trg_{table}_immutable" in triggers
        assert f"trg_{table}_no_delete" in triggers
    engine.dispose()


def test_upgrade_from_the_first_schema_keeps_the_data(tmp_path: Path) -> None:
    """A store written at revision 0001 (before search existed) keeps every row through
    each later migration, one step at a time, and its residents become searchable."""
    import sqlite3
    import uuid

    from alembic.script import ScriptDirectory

    from fdclient.domain.roles import Role
    from fdclient.services.registry.search import search_residents
    from fdclient.services.staff.accounts import add_account
    from fdclient.store import open_store, sign_in
    from fdclient.store.conversion import encrypt_plain_store

    db = tmp_path / "fdclient.db"
    engine = make_engine(db, None)
    with engine.begin() as conn:
        migrations.upgrade(conn, "0001")
    township, village, resident = (uuid.uuid4().hex for _ in range(3))
    con = sqlite3.connect(db)
    with con:
        con.execute(
            "INSERT INTO townships (id, code, name, created_at, updated_at)"
            " VALUES (?, '360111101', '罗家镇', '2025-01-01', '2025-01-01')",
            (township,),
        )
        con.execute(
            "INSERT INTO local_settings (key, value) VALUES ('township_id', ?), ('device_id', ?)",
            (f'"{uuid.UUID(township)}"', f'"{uuid.uuid4()}"'),
        )
        con.execute(
            "INSERT INTO villages (id, township_id, code, name, record_segment, created_at, updated_at)"
            " VALUES (?, ?, '360111101201', '上村', '101', '2025-01-01', '2025-01-01')",
            (village, township),
        )
        con.execute(
            "INSERT INTO residents (id, village_id, name, name_pinyin, name_initials, sex, birth_date,"
            " id_type, id_number, payment_methods, drug_allergies, exposures, family_history_father,"
            " family_history_mother, family_history_siblings, family_history_children, disabilities,"
            " has_hypertension, has_diabetes, has_tuberculosis, has_severe_mental_disorder,"
            " family_planning_special, pregnant, status, created_at, updated_at)"
            " VALUES (?, ?, '张三', 'zhang san', 'zs', 1, '1949-12-31', '01', '11010519491231002X',"
            " '', '', '', '', '', '', '', '', 1, 0, 0, 0, 0, 0, 'active', '2025-01-01', '2025-01-01')",
            (resident, village),
        )
    con.close()
    engine.dispose()

    revisions = [r.revision for r in ScriptDirectory.from_config(migrations.alembic_config()).walk_revisions()]
    for revision in reversed(revisions[:-1] if revisions[-1] == "0001" else revisions):
        engine = make_engine(db, None)
        with engine.begin() as conn:
            migrations.upgrade(conn, revision)
        engine.dispose()
        con = sqlite3.connect(db)
        assert con.execute("SELECT name, id_number, has_hypertension FROM residents").fetchall() == [
            ("张三", "11010519491231002X", 1)
        ], revision
        con.close()

    # The first sign-in of the new version encrypts it; a doctor then finds the resident.
    key = encrypt_plain_store(tmp_path, "admin", "test-password-1")
    with open_store(tmp_path, key, daily_backup=False) as store:
        assert store.info.township_name == "罗家镇"
        add_account(store, "doctor", Role.DOCTOR, "test-password-1", staff_name="王医生")
    with open_store(tmp_path, sign_in(tmp_path, "doctor", "test-password-1"), daily_backup=False) as store:
        with store.read() as session:
            hits = search_residents(session, "zs")
        assert [h.name for h in hits] == ["张三"]


def test_0004_keeps_the_audit_trail_and_makes_it_append_only(tmp_path: Path) -> None:
    import sqlite3
    import uuid

    db = tmp_path / "s.db"
    engine = make_engine(db, None)
    with engine.begin() as conn:
        migrations.upgrade(conn, "0003")
        conn.exec_driver_sql(
            "INSERT INTO audit_log (id, at, action, table_name, changes) VALUES"
            f" ('{uuid.uuid4().hex}', '2026-01-01', 'insert', 'demo', '{{}}'),"
            f" ('{uuid.uuid4().hex}', '2026-01-02', 'update', 'residents', '{{}}')"
        )
    with engine.begin() as conn:
        migrations.upgrade(conn)
    engine.dispose()
    con = sqlite3.connect(db)
    assert con.execute("SELECT action, table_name FROM audit_log ORDER BY at").fetchall() == [
        ("demo", "demo"),
        ("update", "residents"),
    ]
    for statement in ("UPDATE audit_log SET action = 'void'", "DELETE FROM audit_log"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            con.execute(statement)
    con.close()
