"""The demo township generator's load: the same seed makes the same rows (in one process or
two), every column is written, a failed load leaves the store as it was, the store's
checks and indexes are the models' own."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import pytest
from helpers.demo_township import AS_OF, CODE, NAME, Demo, new_store, rows, township
from sqlalchemy import CheckConstraint

from fdclient.domain.roles import Role
from fdclient.errors import RuleError
from fdclient.models import Base
from fdclient.services.demo import DemoTownship, build_demo, generate_demo, write_demo
from fdclient.services.demo.writer import driver_connection, insert_sql, write_rows_sqlite3
from fdclient.store import Store

# -- determinism and the rows themselves -------------------------------------------------------


#: What a new store holds besides the demo: its township and settings, its administrator
#: and the audit trail (ids and times of their own).
_NOT_DEMO = ("townships", "local_settings", "audit_log")


def _dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every demo-written table, the store's own township id replaced by "T"."""
    township_hex = store.info.township_id.hex
    out = {}
    with store.read() as session:
        conn = session.connection()
        for table in Base.metadata.sorted_tables:
            if table.name in _NOT_DEMO:
                continue
            but_admins = " WHERE role != ?" if table.name == "staff" else ""
            found = conn.exec_driver_sql(
                f"SELECT * FROM {table.name}{but_admins} ORDER BY rowid", (Role.ADMIN.value,) if but_admins else ()
            ).all()
            out[table.name] = [tuple("T" if v == township_hex else v for v in row) for row in found]
    return out


def test_same_seed_same_rows_including_ids(tmp_path: Path) -> None:
    with new_store(tmp_path / "one") as one, new_store(tmp_path / "other") as other:
        for s in (one, other):
            generate_demo(s, villages=3, households=120, seed=5, as_of=AS_OF)
        first, second = _dump(one), _dump(other)
        changed = build_demo(township(one), villages=3, households=120, seed=6, as_of=AS_OF)
    assert first == second and len(first["residents"]) > 300 and len(first["visits"]) > 0
    assert [r[0] for r in changed.table("residents").rows] != [r[0] for r in first["residents"]]


def test_a_builder_process_makes_the_same_store(tmp_path: Path) -> None:
    """Villages built in a second process while this one writes: the same rows."""
    with new_store(tmp_path / "here") as here, new_store(tmp_path / "apart") as apart:
        alone = generate_demo(here, villages=3, households=150, seed=5, as_of=AS_OF, parallel=False)
        both = generate_demo(apart, villages=3, households=150, seed=5, as_of=AS_OF, parallel=True)
        assert not alone.parallel and both.parallel and both.build_seconds > 0
        assert _dump(here) == _dump(apart)
    assert alone.counts == both.counts


def test_a_failing_build_leaves_the_store_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A village that cannot be built, in the builder process or in the writer's: nothing is
    written, the indexes dropped for the load are back, the builder process is gone."""
    import fdclient.services.demo.parallel as parallel

    built = parallel.build_village

    def one_fails(plan: Any, index: int) -> Any:
        if index == 1:
            raise ValueError("village 1 cannot be built")
        return built(plan, index)

    monkeypatch.setattr(parallel, "build_village", one_fails)
    with new_store(tmp_path / "store") as store:
        schema = rows(store, "SELECT name, sql FROM sqlite_master ORDER BY name")
        with pytest.raises((RuntimeError, ValueError), match="village 1 cannot be built"):
            generate_demo(store, villages=3, households=60, seed=5, as_of=AS_OF, parallel=True)
        assert rows(store, "SELECT count(*) FROM residents")[0][0] == 0
        assert rows(store, "SELECT count(*) FROM villages")[0][0] == 0
        assert rows(store, "SELECT name, sql FROM sqlite_master ORDER BY name") == schema
    assert not [p for p in multiprocessing.active_children() if p.name == "fdclient-demo"]


def test_columns_cover_every_required_column() -> None:
    data = build_demo(DemoTownship("0" * 32, CODE, NAME), villages=2, households=30, seed=1, as_of=AS_OF)
    for t in data.tables:
        table = Base.metadata.tables[t.name]
        assert set(t.columns) <= set(table.columns.keys()), t.name
        required = {c.name for c in table.columns if not c.nullable and c.server_default is None}
        assert required <= set(t.columns), (t.name, required - set(t.columns))
        assert all(len(r) == len(t.columns) for r in t.rows), t.name


def test_plain_driver_writes_the_same_database(tmp_path: Path) -> None:
    """The benchmark's baseline inserts exactly what write_demo does."""
    with new_store(tmp_path / "a") as a, new_store(tmp_path / "b") as b:
        with a.write() as session:
            write_demo(session.connection(), build_demo(township(a), villages=2, households=40, seed=3, as_of=AS_OF))
        with driver_connection(b.path, b.key) as con:
            write_rows_sqlite3(con, build_demo(township(b), villages=2, households=40, seed=3, as_of=AS_OF))
        written, baseline = _dump(a), _dump(b)
    assert written == baseline and len(written["planned_services"]) > 0


def test_a_row_breaking_a_check_is_caught_and_nothing_is_written(tmp_path: Path) -> None:
    with new_store(tmp_path / "store") as store:
        data = build_demo(township(store), villages=2, households=20, seed=3, as_of=AS_OF)
        residents = data.parts[1].table("residents")
        sex = residents.columns.index("sex")
        residents.rows[5] = (*residents.rows[5][:sex], 5, *residents.rows[5][sex + 1 :])
        with pytest.raises(RuntimeError, match=r"residents\.ck_residents_sex_code"), store.write() as session:
            write_demo(session.connection(), data)
        assert rows(store, "SELECT count(*) FROM residents")[0][0] == 0
        # The pooled connection enforces checks again (the store reports which one failed).
        with pytest.raises(RuleError, match="ck_residents_sex_code"), store.write() as session:
            conn = session.connection()
            assert conn.exec_driver_sql("PRAGMA ignore_check_constraints").scalar() == 0
            conn.exec_driver_sql(insert_sql(residents), residents.rows[5])


def test_the_store_has_exactly_the_models_checks(store: Store) -> None:
    """write_demo verifies the models' CHECK constraints after the load: the store must
    have no others."""
    with store.read() as session:
        conn = session.connection()
        for table in Base.metadata.sorted_tables:
            sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = ?", (table.name,)).scalar()
            model = sum(isinstance(c, CheckConstraint) for c in table.constraints)
            assert sql.count(" CHECK ") == model, table.name


def test_the_indexes_dropped_for_the_load_are_all_back(demo: Demo, tmp_path: Path) -> None:
    store, _summary = demo
    query = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    after_demo = rows(store, query)
    with new_store(tmp_path / "fresh") as fresh:
        fresh_store = rows(fresh, query)
    assert after_demo == fresh_store
    assert any(name == "ix_contract_members_active_resident" for name, _ in after_demo)
