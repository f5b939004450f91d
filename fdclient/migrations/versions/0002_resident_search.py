"""Resident search: indexes kept in step with ``residents`` by triggers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

All tables are named ``resident_search*`` so that autogenerate leaves them alone (see
``env.py``). Triggers fill them, so every writer (ORM, Core ``executemany``, sync apply, a
hand-run ``sqlite3`` session) keeps them current:

``resident_search_map``
    One row per resident not voided, with what is searched, already normalised: the
    village, ``chars`` (the name with a space between characters, ``张 三``), ``pinyin``
    (syllables joined, ``zhangsan``), ``initials`` (``zs``), the ID number, the phone without ``-`` and spaces,
    the health record number. Its integer rowid keys the FTS tables (the implicit rowid of
    ``residents``, whose key is a UUID, may change on ``VACUUM``). B-tree indexes serve
    prefix queries: pinyin and initials (read in pinyin order), the three numbers.
``resident_search`` (FTS5 ``unicode61``, external content = the map)
    ``chars``: a phrase query finds a name by any run of its characters, one included
    (the ``trigram`` tokenizer finds nothing under three characters).
``resident_search_numbers`` (FTS5 ``trigram``, external content = the map)
    ID number, phone, health record number: fragments of three characters or more.
``resident_search_deferred``
    Empty in normal use. While it holds a row (``fdclient.services.registry.search.
    deferred_search_index``, for bulk loads) the map is kept but the FTS tables are not;
    leaving that mode rebuilds them in one statement.

Triggers on ``residents`` keep the map (an insert first removes any row for the same id,
so an ``INSERT OR REPLACE``, whose implicit delete fires no trigger, leaves nothing stale);
triggers on the map keep the FTS tables (the standard external-content pattern, deletes
given the exact values indexed, read from the map).
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: Name lengths the trigger cuts into characters; beyond the last (never, in practice:
#: names are String(50)) the rest is indexed as one trailing token.
SPACED_LENGTHS = (3, 4, 8, 16, 50)

#: Columns whose change re-indexes a resident.
INDEXED_COLUMNS = (
    "id",
    "village_id",
    "voided_at",
    "name",
    "name_pinyin",
    "name_initials",
    "id_number",
    "phone",
    "health_record_no",
)
MAP_COLUMNS = (
    "resident_id",
    "village_id",
    "chars",
    "pinyin",
    "initials",
    "id_number",
    "phone",
    "health_record_no",
)
NAME_FTS_COLUMNS = ("chars",)
NUMBER_FTS_COLUMNS = ("id_number", "phone", "health_record_no")

TABLES = ("resident_search", "resident_search_numbers", "resident_search_map", "resident_search_deferred")
TRIGGERS = (
    "trg_resident_search_insert",
    "trg_resident_search_update",
    "trg_resident_search_delete",
    "trg_resident_search_map_insert",
    "trg_resident_search_map_update",
    "trg_resident_search_map_delete",
)
NOT_DEFERRED = "NOT EXISTS (SELECT 1 FROM resident_search_deferred)"


def _spaced_chars(ref: str) -> str:
    """SQL for the name in ``ref`` with a space between characters (``张 三``).

    The middle dot of minority names stays (``买 买 提 · 艾 力``): the tokenizer drops it
    without counting a position, so ``提艾`` is still a phrase. Only as many characters
    as the name has are cut (a CASE on its length): this runs for every row written.
    """
    name = f"{ref}.name"

    def spaced(n: int) -> str:
        parts = [f"substr({name}, {i}, 1)" for i in range(1, n + 1)]
        return "rtrim(" + " || ' ' || ".join(parts) + ")"

    cases = " ".join(f"WHEN length({name}) <= {n} THEN {spaced(n)}" for n in SPACED_LENGTHS)
    rest = f"{spaced(SPACED_LENGTHS[-1])} || ' ' || substr({name}, {SPACED_LENGTHS[-1] + 1})"
    return f"(CASE {cases} ELSE {rest} END)"


def _map_values(ref: str) -> str:
    """SQL values of a map row (in MAP_COLUMNS order) for resident ``ref``."""
    return ", ".join(
        (
            f"{ref}.id",
            f"{ref}.village_id",
            _spaced_chars(ref),
            f"replace({ref}.name_pinyin, ' ', '')",
            f"{ref}.name_initials",
            f"{ref}.id_number",
            f"replace(replace({ref}.phone, '-', ''), ' ', '')",
            f"{ref}.health_record_no",
        )
    )


def _map_insert(ref: str) -> str:
    """Voided residents are left out: they are never found."""
    return (
        f"INSERT INTO resident_search_map ({', '.join(MAP_COLUMNS)})"
        f" SELECT {_map_values(ref)} WHERE {ref}.voided_at IS NULL;"
    )


def _fts_add(ref: str) -> str:
    names, numbers = ", ".join(NAME_FTS_COLUMNS), ", ".join(NUMBER_FTS_COLUMNS)
    return (
        f"INSERT INTO resident_search (rowid, {names})"
        f" VALUES ({ref}.rowid, {', '.join(f'{ref}.{c}' for c in NAME_FTS_COLUMNS)});"
        f" INSERT INTO resident_search_numbers (rowid, {numbers})"
        f" VALUES ({ref}.rowid, {', '.join(f'{ref}.{c}' for c in NUMBER_FTS_COLUMNS)});"
    )


def _fts_remove(ref: str) -> str:
    names, numbers = ", ".join(NAME_FTS_COLUMNS), ", ".join(NUMBER_FTS_COLUMNS)
    return (
        f"INSERT INTO resident_search (resident_search, rowid, {names})"
        f" VALUES ('delete', {ref}.rowid, {', '.join(f'{ref}.{c}' for c in NAME_FTS_COLUMNS)});"
        f" INSERT INTO resident_search_numbers (resident_search_numbers, rowid, {numbers})"
        f" VALUES ('delete', {ref}.rowid, {', '.join(f'{ref}.{c}' for c in NUMBER_FTS_COLUMNS)});"
    )


def upgrade() -> None:
    op.execute(
        "CREATE TABLE resident_search_map ("
        " rowid INTEGER PRIMARY KEY,"
        " resident_id CHAR(32) NOT NULL UNIQUE,"
        " village_id CHAR(32) NOT NULL,"
        " chars TEXT NOT NULL,"
        " pinyin TEXT NOT NULL,"
        " initials TEXT NOT NULL,"
        " id_number TEXT, phone TEXT, health_record_no TEXT)"
    )
    for col in ("pinyin", "initials", "id_number", "phone", "health_record_no"):
        op.execute(f"CREATE INDEX resident_search_map_{col} ON resident_search_map ({col})")
    op.execute("CREATE TABLE resident_search_deferred (since TEXT NOT NULL)")
    fts = "content = 'resident_search_map', content_rowid = 'rowid', columnsize = 0"
    op.execute(
        f"CREATE VIRTUAL TABLE resident_search USING fts5({', '.join(NAME_FTS_COLUMNS)}, {fts}, tokenize = 'unicode61')"
    )
    op.execute(
        f"CREATE VIRTUAL TABLE resident_search_numbers USING fts5("
        f"{', '.join(NUMBER_FTS_COLUMNS)}, {fts}, tokenize = 'trigram')"
    )
    op.execute(
        "CREATE TRIGGER trg_resident_search_insert AFTER INSERT ON residents BEGIN"
        f" DELETE FROM resident_search_map WHERE resident_id = new.id; {_map_insert('new')} END"
    )
    op.execute(
        f"CREATE TRIGGER trg_resident_search_update AFTER UPDATE OF {', '.join(INDEXED_COLUMNS)}"
        " ON residents BEGIN"
        " DELETE FROM resident_search_map WHERE resident_id IN (old.id, new.id);"
        f" {_map_insert('new')} END"
    )
    op.execute(
        "CREATE TRIGGER trg_resident_search_delete AFTER DELETE ON residents BEGIN"
        " DELETE FROM resident_search_map WHERE resident_id = old.id; END"
    )
    op.execute(
        f"CREATE TRIGGER trg_resident_search_map_insert AFTER INSERT ON resident_search_map"
        f" WHEN {NOT_DEFERRED} BEGIN {_fts_add('new')} END"
    )
    op.execute(
        f"CREATE TRIGGER trg_resident_search_map_update AFTER UPDATE ON resident_search_map"
        f" WHEN {NOT_DEFERRED} BEGIN {_fts_remove('old')} {_fts_add('new')} END"
    )
    op.execute(
        f"CREATE TRIGGER trg_resident_search_map_delete AFTER DELETE ON resident_search_map"
        f" WHEN {NOT_DEFERRED} BEGIN {_fts_remove('old')} END"
    )
    # Residents already in the store.
    op.execute(
        f"INSERT INTO resident_search_map ({', '.join(MAP_COLUMNS)})"
        f" SELECT {_map_values('r')} FROM residents r WHERE r.voided_at IS NULL ORDER BY r.rowid"
    )


def downgrade() -> None:
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for table in TABLES:
        op.execute(f"DROP TABLE IF EXISTS {table}")
