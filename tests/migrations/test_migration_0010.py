"""Migration 0010 (sync-ready): a store at 0009 with teams, settings, residents, contracts
and visits upgrades with every row kept, team rows with ids, settings moved to the synced
table, the unique constraints that would refuse pulled rows gone and the sync tables there."""

from __future__ import annotations

import uuid
from datetime import date

from alembic import command
from helpers import builders
from sqlalchemy import Connection, select

from fdclient import migrations
from fdclient.models import Resident, local
from fdclient.models.settings_table import township_setting_id
from fdclient.services.visits import forms as visit_forms
from fdclient.services.visits import recording as visits
from fdclient.settings import BP_TARGET, CONTRACT_DEFAULT_TERM_YEARS, get_setting, set_setting
from fdclient.store import Store

#: Tables whose rows the migration keeps (compared before and after).
KEPT = ("staff", "teams", "residents", "contracts", "contract_members", "visits", "planned_services", "villages")
SYNC_TABLES = {"township_settings", "sync_outbox", "sync_conflicts", "sync_merge_tasks", "number_blocks", "sync_runs"}


def _rows(conn: Connection, table: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY id")]


def _kept(conn: Connection) -> dict[str, list[tuple[object, ...]]]:
    """The kept tables' rows without the void columns (0010 adds them to some)."""
    out = {}
    for table in KEPT:
        columns = [c for c in conn.exec_driver_sql(f"PRAGMA table_info({table})").scalars(1) if c not in VOID_COLUMNS]
        out[table] = [tuple(r) for r in conn.exec_driver_sql(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id")]
    return out


VOID_COLUMNS = {"voided_at", "void_reason", "voided_by_id"}


def _tables(conn: Connection) -> set[str]:
    return set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'").scalars())


def _unique_indexes(conn: Connection, table: str) -> set[str]:
    """Names of the unique indexes of ``table`` but its primary key (``sqlite_autoindex_*``
    for UNIQUE constraints)."""
    return {row[1] for row in conn.exec_driver_sql(f"PRAGMA index_list({table})") if row[2] and row[3] != "pk"}


def _fill(store: Store) -> dict[str, object]:
    with store.write() as s:
        village = builders.make_village(s)
        other = builders.make_village(s)
        nurse = builders.make_staff(s, name="陈护士", role="nurse")
        team, doctor = builders.make_team(s, villages=[village, other], others=[nurse])
        household = builders.make_household(s, village, has_hypertension=True)
        package = builders.make_basic_package(s)
        contract = builders.make_signed_contract(s, household, team, doctor, [package])
        visits.record_hypertension_followup(
            s,
            visit_forms.HypertensionFollowupInput(
                resident_id=household.head_id,
                visit_date=date(2026, 2, 1),
                doctor_id=doctor.id,
                systolic=150,
                diastolic=95,
            ),
        )
        with builders.as_admin(s):
            set_setting(s, BP_TARGET, "guideline2025")
            set_setting(s, CONTRACT_DEFAULT_TERM_YEARS, 3)
        head = s.get(Resident, household.head_id)
        assert head is not None
        return {
            "team": team.id,
            "members": {team.leader_id, *(m.staff_id for m in team.members)},
            "villages": {village.id, other.id},
            "head": head,
            "contract": contract.id,
        }


def test_a_0009_store_upgrades_with_its_rows_team_ids_and_settings(store: Store) -> None:
    made = _fill(store)
    township = store.info.township_id
    with store.engine.begin() as conn:
        command.downgrade(migrations.alembic_config(conn), "0009")
        # At 0009: the settings are local, the team rows have no id, the sync tables are not there.
        assert not SYNC_TABLES & _tables(conn)
        settings = dict(conn.exec_driver_sql("SELECT key, value FROM local_settings WHERE key LIKE 'setting.%'").all())
        assert settings == {"setting.bp_target": '"guideline2025"', "setting.contract_default_term_years": 3}
        assert "id" not in set(conn.exec_driver_sql("PRAGMA table_info(team_members)").scalars(1))
        assert "uq_residents_active_id_number" in _unique_indexes(conn, "residents")
        before = _kept(conn)
        pairs = set(conn.exec_driver_sql("SELECT team_id, staff_id FROM team_members").all())

        migrations.upgrade(conn)

        assert SYNC_TABLES <= _tables(conn)
        assert _kept(conn) == before
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        members = conn.exec_driver_sql("SELECT id, team_id, staff_id, voided_at, created_at FROM team_members").all()
        assert {(m.team_id, m.staff_id) for m in members} == pairs
        assert all(len(m.id) == 32 and m.voided_at is None and m.created_at for m in members)
        assert len({m.id for m in members}) == len(members)
        served = conn.exec_driver_sql("SELECT id, village_id FROM team_villages").all()
        assert {uuid.UUID(v.village_id) for v in served} == made["villages"]
        # The settings moved to the synced table, under ids every laptop derives alike.
        assert conn.exec_driver_sql("SELECT count(*) FROM local_settings WHERE key LIKE 'setting.%'").scalar() == 0
        moved = {r.key: r for r in conn.exec_driver_sql("SELECT id, township_id, key, value FROM township_settings")}
        assert set(moved) == {"bp_target", "contract_default_term_years"}
        assert moved["bp_target"].id == township_setting_id(township, "bp_target").hex
        assert moved["bp_target"].township_id == township.hex
        # The unique constraints that would refuse pulled rows are gone; the kept ones stay.
        for table in ("contracts", "staff", "service_packages", "visits"):
            assert _unique_indexes(conn, table) == set(), table
        assert _unique_indexes(conn, "residents") == {"ix_residents_card_token", "ix_residents_card_code"}
        assert _unique_indexes(conn, "contract_members") == {"ix_contract_members_contract_resident"}
        assert _unique_indexes(conn, "staff") == set()
        # The search triggers and the visit triggers came back with their tables.
        triggers = set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars())
        assert {"trg_resident_search_insert", "trg_visits_immutable", "trg_visits_no_delete"} <= triggers

    # The upgraded store works: its settings read back, its teams show their members.
    with store.read() as s:
        assert get_setting(s, BP_TARGET) == "guideline2025"
        assert get_setting(s, CONTRACT_DEFAULT_TERM_YEARS) == 3
        assert s.scalar(select(Resident.id).where(Resident.health_record_no == made["head"].health_record_no))


def test_downgrade_puts_the_settings_back_and_drops_voided_team_rows(store: Store) -> None:
    from fdclient.services.staff import organisation

    made = _fill(store)
    with store.write() as s, builders.as_admin(s):
        team = organisation.get_team(s, made["team"])
        removed = next(m for m in made["members"] if m != team.leader_id)
        organisation.remove_team_member(s, team.id, removed, "调往其他卫生院")
    with store.engine.begin() as conn:
        command.downgrade(migrations.alembic_config(conn), "0009")
        staff = set(conn.exec_driver_sql("SELECT staff_id FROM team_members").scalars())
        assert removed.hex not in staff and staff
        assert conn.exec_driver_sql("SELECT value FROM local_settings WHERE key = 'setting.bp_target'").scalar() == (
            '"guideline2025"'
        )
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        migrations.upgrade(conn)
        assert local.TOWNSHIP_ID in set(conn.exec_driver_sql("SELECT key FROM local_settings").scalars())
