"""Migrations: upgrading from empty gives exactly the models; upgrades keep data."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from fdclient import migrations
from fdclient.models import Base
from fdclient.models.db import make_engine


def _include(obj, name, type_, reflected, compare_to):  # noqa: ANN001 - Alembic hook
    return not (type_ == "table" and name and name.startswith("resident_search"))


def test_schema_head_constant_is_the_script_head() -> None:
    script = ScriptDirectory.from_config(migrations.alembic_config())
    assert script.get_heads() == [migrations.SCHEMA_HEAD]


def test_upgrade_from_empty_equals_the_models(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "s.db")
    with engine.begin() as conn:
        migrations.upgrade(conn)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": _include})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []
    engine.dispose()


def test_every_model_table_exists_after_upgrade(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "s.db")
    with engine.begin() as conn:
        migrations.upgrade(conn)
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    engine.dispose()


def test_downgrade_to_base_and_up_again(tmp_path: Path) -> None:
    from alembic import command

    engine = make_engine(tmp_path / "s.db")
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
    engine = make_engine(tmp_path / "s.db")
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

    from fdclient.store import open_store

    db = tmp_path / "fdclient.db"
    engine = make_engine(db)
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
        con.execute("INSERT INTO local_settings (key, value) VALUES ('township_id', ?)", (f'"{uuid.UUID(township)}"',))
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
        engine = make_engine(db)
        with engine.begin() as conn:
            migrations.upgrade(conn, revision)
        engine.dispose()
        con = sqlite3.connect(db)
        assert con.execute("SELECT name, id_number, has_hypertension FROM residents").fetchall() == [
            ("张三", "11010519491231002X", 1)
        ], revision
        con.close()

    with open_store(tmp_path) as store, store.session() as session:
        assert store.info.township_name == "罗家镇"
        search = __import__("fdclient.services.registry.search", fromlist=["search_residents"])
        hits = search.search_residents(session, "zs")
        assert [h.name for h in hits] == ["张三"]
