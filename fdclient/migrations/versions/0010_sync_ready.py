"""Sync-ready: rows that merge across laptops, settings of the township, the sync tables.

Revision ID: 0010
Revises: 0009

* ``team_members`` and ``team_villages`` get an id, the sync columns and the void columns:
  removing a member or a village voids its row (existing rows get new ids; their times
  are the team's). ``staff``, ``teams``, ``service_packages``, ``package_items``,
  ``contract_members``, ``contract_packages`` and ``planned_services`` become voidable.
* Unique indexes that would refuse rows pulled from another laptop become plain indexes
  (the services check before inserting; the county server reconciles the rest): a
  resident's active ID number, a resident's one active contract, ``contracts.contract_no``
  and ``renewal_of_id``, ``residents.health_record_no``, ``staff.username``,
  ``service_packages.code``, ``visits (record_id, revision)`` and ``supersedes_id``.
  Table-level UNIQUE constraints are part of the table in SQLite: those tables are
  rebuilt from their own stored ``CREATE TABLE`` with the constraint taken out (rows copied
  aside, the table dropped with foreign keys deferred, created again and refilled, as in
  0005; its indexes and triggers are created again from their stored SQL).
* ``township_settings`` (synced) receives the township's settings from ``local_settings``
  (keys ``setting.*``), each with the id derived from the township and the key.
* The laptop's sync tables: ``sync_outbox``, ``sync_conflicts``, ``sync_merge_tasks``,
  ``number_blocks``, ``sync_runs``.

The downgrade puts the settings back, keeps the team rows not voided, drops the void
columns and the new tables, and restores the unique constraints (it fails, and changes
nothing, if duplicates arrived since: they have to be resolved first).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Connection
from uuid6 import uuid7

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

#: Frozen copy of fdclient.models.settings_table.TOWNSHIP_SETTING_NAMESPACE.
SETTING_NAMESPACE = uuid.UUID("6f1f6c1e-3b9a-5c2e-9d53-2a0c4e7d8b10")
SETTING_PREFIX = "setting."
NOW = "strftime('%Y-%m-%d %H:%M:%S', 'now')"

VOIDABLE_TABLES = (
    "staff",
    "teams",
    "service_packages",
    "package_items",
    "contract_members",
    "contract_packages",
    "planned_services",
)

#: The unique columns taken out of each table (a plain index ``ix_<table>_<column>`` stays
#: on each; the constraint was ``uq_<table>_<column>``).
UNIQUE_CONSTRAINTS: dict[str, tuple[str, ...]] = {
    "staff": ("username",),
    "service_packages": ("code",),
    "residents": ("health_record_no",),
    "contracts": ("contract_no", "renewal_of_id"),
    "visits": ("supersedes_id",),
}

#: (old unique index, new plain index, table, columns, partial WHERE or None).
UNIQUE_INDEXES = (
    (
        "uq_residents_active_id_number",
        "ix_residents_active_id_number",
        "residents",
        ["id_type", "id_number"],
        "voided_at IS NULL AND id_number IS NOT NULL",
    ),
    (
        "uq_contract_members_active_resident",
        "ix_contract_members_active_resident",
        "contract_members",
        ["resident_id"],
        "is_active",
    ),
    ("uq_visits_record_revision", "ix_visits_record_revision", "visits", ["record_id", "revision"], None),
)


# --- helpers ---------------------------------------------------------------------------


def _void_columns(table: str) -> list[tuple[str, str]]:
    """(column, definition) of the void columns, in the order they are added (as 0006)."""
    return [
        ("void_reason", "VARCHAR(200)"),
        ("voided_by_id", f"CHAR(32) CONSTRAINT fk_{table}_voided_by_id_staff REFERENCES staff (id)"),
        (
            "voided_at",
            f"DATETIME CONSTRAINT ck_{table}_void_has_reason CHECK ((voided_at IS NULL) = (void_reason IS NULL))",
        ),
    ]


def _scalars(conn: Connection, sql: str, *params: object) -> list[str]:
    return [row[0] for row in conn.exec_driver_sql(sql, params).all()]


def _unindexed_references(conn: Connection, target: str) -> list[tuple[str, str]]:
    """(table, column) of the foreign-key columns of other tables referring to ``target``
    that lead no index."""
    found = []
    for table in _scalars(conn, "SELECT name FROM sqlite_master WHERE type = 'table'"):
        leading = {
            conn.exec_driver_sql(f'PRAGMA index_info("{index}")').scalars(2).first()
            for index in conn.exec_driver_sql(f'PRAGMA index_list("{table}")').scalars(1)
        }
        for key in conn.exec_driver_sql(f'PRAGMA foreign_key_list("{table}")').mappings():
            if key["table"] == target and table != target and key["from"] not in leading:
                found.append((table, key["from"]))
    return list(dict.fromkeys(found))


def _rebuild(table: str, edit: Callable[[str], str]) -> None:
    """Rebuild ``table`` from its stored ``CREATE TABLE`` changed by ``edit``, keeping its
    rows, indexes and triggers (see the module docstring)."""
    conn = op.get_bind()
    create = _scalars(conn, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", table)[0]
    changed = edit(create)
    if changed == create:
        return
    others = _scalars(
        conn,
        "SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name = ? AND sql IS NOT NULL"
        " ORDER BY type, name",
        table,
    )
    holding = f"_{table}_0010_rebuild"
    op.execute("PRAGMA defer_foreign_keys = ON")
    op.execute(f'CREATE TABLE "{holding}" AS SELECT * FROM "{table}"')
    temporary = []
    for child, column in _unindexed_references(conn, table):
        name = f"_fk_0010_{child}_{column}"
        op.execute(f'CREATE INDEX "{name}" ON "{child}" ("{column}")')
        temporary.append(name)
    op.execute(f'DROP TABLE "{table}"')  # its indexes and triggers go with it
    op.execute(changed)
    columns = ", ".join(f'"{c}"' for c in conn.exec_driver_sql(f'PRAGMA table_info("{table}")').scalars(1))
    op.execute(f'INSERT INTO "{table}" ({columns}) SELECT {columns} FROM "{holding}"')
    op.execute(f'DROP TABLE "{holding}"')
    for name in temporary:
        op.execute(f'DROP INDEX "{name}"')
    for sql in others:
        op.execute(sql)


def _without_unique(table: str, columns: tuple[str, ...]) -> Callable[[str], str]:
    def edit(sql: str) -> str:
        for column in columns:
            sql = re.sub(rf",\s*CONSTRAINT uq_{table}_{column} UNIQUE \({column}\)", "", sql)
        return sql

    return edit


def _with_unique(table: str, columns: tuple[str, ...]) -> Callable[[str], str]:
    def edit(sql: str) -> str:
        for column in columns:
            if f"CONSTRAINT uq_{table}_{column} " not in sql:
                end = sql.rstrip().rindex(")")
                sql = f"{sql[:end].rstrip()}, \n\tCONSTRAINT uq_{table}_{column} UNIQUE ({column})\n)"
        return sql

    return edit


def _index(name: str, table: str, columns: list[str], where: str | None, *, unique: bool) -> None:
    if where:
        op.create_index(name, table, columns, unique=unique, sqlite_where=sa.text(where))
    else:
        op.create_index(name, table, columns, unique=unique)


def _synced_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("server_version", sa.BigInteger(), nullable=True),
    ]


def _void_table_columns() -> list[sa.Column]:
    return [
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("void_reason", sa.String(length=200), nullable=True),
        sa.Column("voided_by_id", sa.Uuid(), nullable=True),
    ]


def _team_link_table(table: str, column: str, referred: str) -> None:
    op.create_table(
        table,
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column(column, sa.Uuid(), nullable=False),
        *_synced_columns(),
        *_void_table_columns(),
        sa.CheckConstraint("(voided_at IS NULL) = (void_reason IS NULL)", name=op.f(f"ck_{table}_void_has_reason")),
        sa.ForeignKeyConstraint([column], [f"{referred}.id"], name=op.f(f"fk_{table}_{column}_{referred}")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f(f"fk_{table}_team_id_teams")),
        sa.ForeignKeyConstraint(["voided_by_id"], ["staff.id"], name=op.f(f"fk_{table}_voided_by_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    )
    short = column.removesuffix("_id")
    op.create_index(f"ix_{table}_team_{short}", table, ["team_id", column], unique=False)
    op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def _team_links_up(table: str, column: str, referred: str) -> None:
    """Give the rows of ``table`` (team_id, column) ids and the sync and void columns."""
    conn = op.get_bind()
    old = f"_{table}_0009"
    op.execute(f'ALTER TABLE "{table}" RENAME TO "{old}"')
    _team_link_table(table, column, referred)
    rows = conn.exec_driver_sql(
        f"SELECT l.team_id, l.{column}, t.created_at, t.updated_at FROM {old} l JOIN teams t ON t.id = l.team_id"
        f" ORDER BY t.created_at, l.team_id, l.{column}"
    ).all()
    if rows:
        conn.exec_driver_sql(
            f"INSERT INTO {table} (id, team_id, {column}, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            [(uuid7().hex, *row) for row in rows],
        )
    op.execute(f'DROP TABLE "{old}"')


def _team_links_down(table: str, column: str, referred: str) -> None:
    old = f"_{table}_0010"
    op.execute(f'ALTER TABLE "{table}" RENAME TO "{old}"')
    op.create_table(
        table,
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column(column, sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f(f"fk_{table}_team_id_teams"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint([column], [f"{referred}.id"], name=op.f(f"fk_{table}_{column}_{referred}")),
        sa.PrimaryKeyConstraint("team_id", column, name=op.f(f"pk_{table}")),
    )
    op.execute(
        f"INSERT OR IGNORE INTO {table} (team_id, {column}) SELECT team_id, {column} FROM {old} WHERE voided_at IS NULL"
    )
    op.execute(f'DROP TABLE "{old}"')


def _sync_tables() -> None:
    op.create_table(
        "township_settings",
        sa.Column("township_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        *_synced_columns(),
        sa.ForeignKeyConstraint(
            ["township_id"], ["townships.id"], name=op.f("fk_township_settings_township_id_townships")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_township_settings")),
    )
    op.create_index(op.f("ix_township_settings_township_id"), "township_settings", ["township_id"], unique=False)
    op.create_table(
        "sync_outbox",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("mutation_id", sa.Uuid(), nullable=False),
        sa.Column("op", sa.String(length=10), nullable=False),
        sa.Column("table_name", sa.String(length=60), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("base_version", sa.BigInteger(), nullable=True),
        sa.Column("hlc", sa.String(length=40), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.String(length=60), nullable=True),
        sa.Column("message", sa.String(length=400), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("op IN ('insert', 'update', 'resolve', 'merge')", name=op.f("ck_sync_outbox_op_code")),
        sa.CheckConstraint(
            "status IN ('pending', 'applied', 'merged', 'conflict', 'rejected')",
            name=op.f("ck_sync_outbox_status_code"),
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_sync_outbox")),
        sa.UniqueConstraint("mutation_id", name=op.f("uq_sync_outbox_mutation_id")),
    )
    op.create_index("ix_sync_outbox_pending", "sync_outbox", ["status", "seq"], unique=False)
    op.create_index("ix_sync_outbox_row", "sync_outbox", ["row_id", "status"], unique=False)
    op.create_table(
        "sync_conflicts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("table_name", sa.String(length=60), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflicts")),
    )
    op.create_index("ix_sync_conflicts_status", "sync_conflicts", ["status"], unique=False)
    op.create_table(
        "sync_merge_tasks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_merge_tasks")),
    )
    op.create_index("ix_sync_merge_tasks_status", "sync_merge_tasks", ["status"], unique=False)
    op.create_table(
        "number_blocks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("series", sa.String(length=60), nullable=False),
        sa.Column("first", sa.BigInteger(), nullable=False),
        sa.Column("last", sa.BigInteger(), nullable=False),
        sa.Column("next", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("first <= last", name=op.f("ck_number_blocks_block_order")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_number_blocks")),
    )
    op.create_index("ix_number_blocks_series", "number_blocks", ["series", "first"], unique=False)
    op.create_table(
        "sync_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("pushed", sa.Integer(), nullable=False),
        sa.Column("pulled", sa.Integer(), nullable=False),
        sa.Column("conflicts", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("cursor", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.String(length=400), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_runs")),
    )


def _township_id(conn: Connection) -> uuid.UUID | None:
    row = conn.exec_driver_sql("SELECT json_extract(value, '$') FROM local_settings WHERE key = 'township_id'").first()
    return uuid.UUID(str(row[0])) if row and row[0] else None


def _settings_up(conn: Connection) -> None:
    township = _township_id(conn)
    rows = conn.exec_driver_sql(
        "SELECT key, value FROM local_settings WHERE key LIKE ? ESCAPE '\\'", ("setting\\.%",)
    ).all()
    if township is None or not rows:
        return
    conn.exec_driver_sql(
        f"INSERT INTO township_settings (id, township_id, key, value, created_at, updated_at)"
        f" VALUES (?, ?, ?, ?, {NOW}, {NOW})",
        [
            (
                uuid.uuid5(SETTING_NAMESPACE, f"{township}:{key[len(SETTING_PREFIX) :]}").hex,
                township.hex,
                key[len(SETTING_PREFIX) :],
                value,
            )
            for key, value in rows
        ],
    )
    conn.exec_driver_sql("DELETE FROM local_settings WHERE key LIKE ? ESCAPE '\\'", ("setting\\.%",))


def _settings_down(conn: Connection) -> None:
    township = _township_id(conn)
    if township is not None:
        conn.exec_driver_sql(
            "INSERT OR REPLACE INTO local_settings (key, value) SELECT ? || key, value FROM township_settings"
            " WHERE township_id = ?",
            (SETTING_PREFIX, township.hex),
        )


# --- upgrade and downgrade -------------------------------------------------------------


def upgrade() -> None:
    conn = op.get_bind()
    for table in VOIDABLE_TABLES:
        for column, definition in _void_columns(table):
            op.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
    for old, new, table, index_columns, where in UNIQUE_INDEXES:
        op.drop_index(old, table_name=table)
        _index(new, table, index_columns, where, unique=False)
    for table, columns in UNIQUE_CONSTRAINTS.items():
        _rebuild(table, _without_unique(table, columns))
        for column in columns:
            op.create_index(f"ix_{table}_{column}", table, [column], unique=False)
    _team_links_up("team_members", "staff_id", "staff")
    _team_links_up("team_villages", "village_id", "villages")
    # Created last: they take the pages the rebuilds freed.
    _sync_tables()
    _settings_up(conn)


def downgrade() -> None:
    conn = op.get_bind()
    _team_links_down("team_villages", "village_id", "villages")
    _team_links_down("team_members", "staff_id", "staff")
    for table, columns in reversed(UNIQUE_CONSTRAINTS.items()):
        for column in columns:
            op.drop_index(f"ix_{table}_{column}", table_name=table)
        _rebuild(table, _with_unique(table, columns))
    for old, new, table, index_columns, where in reversed(UNIQUE_INDEXES):
        op.drop_index(new, table_name=table)
        _index(old, table, index_columns, where, unique=True)
    for table in reversed(VOIDABLE_TABLES):
        for column, _ in reversed(_void_columns(table)):
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    _settings_down(conn)
    for table in ("sync_runs", "number_blocks", "sync_merge_tasks", "sync_conflicts", "sync_outbox"):
        op.drop_table(table)
    op.drop_index(op.f("ix_township_settings_township_id"), table_name="township_settings")
    op.drop_table("township_settings")
