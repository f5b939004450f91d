"""Resident search: bulk loads skip the per-row map trigger and refill the map in one pass.

Revision ID: 0003
Revises: 0002

0002's insert trigger on ``residents`` computes the map row (the name cut into characters
and so on) for every row, about 150 µs each: 15 s of a 100k-resident bulk load. This
revision

* keeps the map row's definition in one place in the database, the view
  ``resident_search_source`` (the map values of every non-voided resident);
* lets the insert trigger skip while a bulk load has deferred indexing
  (``resident_search_deferred`` not empty), after which
  :func:`fdclient.services.registry.search.deferred_search_index` refills the map from the view with
  one ``INSERT ... SELECT`` and rebuilds the full-text tables.
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

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
NOT_DEFERRED = "NOT EXISTS (SELECT 1 FROM resident_search_deferred)"
#: Name lengths cut into characters, as in 0002.
SPACED_LENGTHS = (3, 4, 8, 16, 50)


def _spaced_chars(name: str) -> str:
    def spaced(n: int) -> str:
        return "rtrim(" + " || ' ' || ".join(f"substr({name}, {i}, 1)" for i in range(1, n + 1)) + ")"

    cases = " ".join(f"WHEN length({name}) <= {n} THEN {spaced(n)}" for n in SPACED_LENGTHS)
    rest = f"{spaced(SPACED_LENGTHS[-1])} || ' ' || substr({name}, {SPACED_LENGTHS[-1] + 1})"
    return f"(CASE {cases} ELSE {rest} END)"


SOURCE_VIEW = (
    "CREATE VIEW resident_search_source AS SELECT"
    " r.id AS resident_id, r.village_id AS village_id,"
    f" {_spaced_chars('r.name')} AS chars,"
    " replace(r.name_pinyin, ' ', '') AS pinyin, r.name_initials AS initials,"
    " r.id_number AS id_number, replace(replace(r.phone, '-', ''), ' ', '') AS phone,"
    " r.health_record_no AS health_record_no"
    " FROM residents r WHERE r.voided_at IS NULL"
)
COLUMNS = ", ".join(MAP_COLUMNS)


def upgrade() -> None:
    op.execute(SOURCE_VIEW)
    op.execute("DROP TRIGGER trg_resident_search_insert")
    op.execute(
        f"CREATE TRIGGER trg_resident_search_insert AFTER INSERT ON residents WHEN {NOT_DEFERRED} BEGIN"
        " DELETE FROM resident_search_map WHERE resident_id = new.id;"
        f" INSERT INTO resident_search_map ({COLUMNS})"
        f" SELECT {COLUMNS} FROM resident_search_source WHERE resident_id = new.id; END"
    )


def downgrade() -> None:
    # Back to 0002's trigger, which computes the map values itself.
    values = (
        f"new.id, new.village_id, {_spaced_chars('new.name')}, replace(new.name_pinyin, ' ', ''),"
        " new.name_initials, new.id_number, replace(replace(new.phone, '-', ''), ' ', ''),"
        " new.health_record_no"
    )
    op.execute("DROP TRIGGER trg_resident_search_insert")
    op.execute(
        "CREATE TRIGGER trg_resident_search_insert AFTER INSERT ON residents BEGIN"
        " DELETE FROM resident_search_map WHERE resident_id = new.id;"
        f" INSERT INTO resident_search_map ({COLUMNS}) SELECT {values} WHERE new.voided_at IS NULL; END"
    )
    op.execute("DROP VIEW resident_search_source")
