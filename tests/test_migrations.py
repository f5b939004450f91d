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
        left = conn.execute(text("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')"
                                 " AND name NOT LIKE 'sqlite_%'")).scalars().all()
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
    for table in ("visits", "medications", "hypertension_followups", "diabetes_followups",
                  "elderly_checks", "home_visits"):
        assert f"trg_{table}_immutable" in triggers
        assert f"trg_{table}_no_delete" in triggers
    engine.dispose()
