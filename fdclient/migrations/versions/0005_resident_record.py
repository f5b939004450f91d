"""The personal information form complete: record cover, family history's own codes,
relief statuses as a set, pregnancies with their dates.

Revision ID: 0005
Revises: 0004

``residents``:

* ``registered_on`` (建档日期, NOT NULL) is backfilled with the China date of ``created_at``;
  ``registered_by_id`` (建档人) with the staff member of the resident's first audit
  "insert" entry, when there is one; ``responsible_doctor_id`` (责任医生) with the doctor of
  the contract in force covering the resident, when there is one.
* ``relief_statuses`` (a code set) replaces ``poverty_status``: the one status becomes a
  set of one.
* The four family-history columns move to the 2017 form's own list (codes.FAMILY_HISTORY):
  codes 1-10 mean the same; the old 11 (其他法定传染病), 12 (职业病) and 13 (其他) all become
  12 (其他), as the family-history boxes have neither 法定传染病 nor 职业病 and no place for
  a name: which of the three it was is lost. A code the old list did not know becomes 12
  too, and "1" (无) beside another code is dropped. CHECKs now refuse unknown codes.
* ``pregnant`` and ``postpartum_until`` become rows of the new ``pregnancies`` table:
  a postpartum resident gets a pregnancy delivered on ``postpartum_until`` − 42 days;
  a resident flagged pregnant (no date was ever recorded) gets one with an expected
  delivery date 280 days after the last change of her record (the latest day the flag was
  known to hold): the maternal tag then ends at the latest 294 days after that day, and
  the expected date is to be corrected by her doctor.
* ``has_hypertension`` / ``has_diabetes`` are made to agree with the diagnoses (the
  diagnoses are what counts from now on): a flag without a non-voided diagnosis gets one
  (disease 2 or 3, no diagnosis date), a diagnosis without the flag sets it.

The table is rebuilt by hand rather than by Alembic's batch mode. The migration runs in
one transaction with foreign keys on (``PRAGMA foreign_keys`` cannot change inside a
transaction): batch mode's DROP TABLE of the old table counts every row that refers to a
resident as a violation, which its RENAME of the new table does not settle. Here the rows
are copied aside, the table dropped with the violations deferred, created again and
refilled: each resident inserted settles the references to it (a lookup: foreign-key
columns without an index get a temporary one). The triggers on ``residents`` (search) are
saved from ``sqlite_master`` and created again; the search map is keyed by the unchanged
ids and stays as it is.

The downgrade keeps the lowest relief status, turns family-history 11 and 12 into 13
(其他), marks a resident pregnant when she has an undelivered pregnancy and postpartum up
to 42 days after her last delivery, and drops the cover and the pregnancies. Diagnoses
added by the upgrade stay (they hold).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Connection
from uuid6 import uuid7

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

FAMILY_COLUMNS = (
    "family_history_father",
    "family_history_mother",
    "family_history_siblings",
    "family_history_children",
)
#: Frozen at this revision (codes.FAMILY_HISTORY, codes.RELIEF_STATUS).
FAMILY_CODES = tuple(str(n) for n in range(1, 13))
RELIEF_CODES = ("1", "2", "3", "4")
#: Old family-history codes (the past-disease list) that become 12 其他.
OLD_OTHER_CODES = {"11", "12", "13"}
HOLDING = "_residents_0005_rebuild"
PREGNANCY_DAYS, POSTPARTUM_DAYS = 280, 42


def _code_set_check(column: str, codes: Sequence[str], alone: str | None = None) -> str:
    """As codes.sql_code_set at this revision."""
    remainder = f"',' || {column} || ','"
    for code in codes:
        remainder = f"replace({remainder}, ',{code},', ',')"
    expr = f"({column} = '' OR {remainder} = ',')"
    if alone is not None:
        expr = f"({expr} AND ({column} = '{alone}' OR instr(',' || {column} || ',', ',{alone},') = 0))"
    return expr


def _head_columns() -> list[sa.Column]:
    return [
        sa.Column("village_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=True),
        sa.Column("relationship_to_head", sa.String(length=2), nullable=True),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("name_pinyin", sa.String(length=200), nullable=False),
        sa.Column("name_initials", sa.String(length=50), nullable=False),
        sa.Column("sex", sa.Integer(), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("id_type", sa.String(length=2), nullable=False),
        sa.Column("id_number", sa.String(length=30), nullable=True),
        sa.Column("health_record_no", sa.String(length=17), nullable=True),
        sa.Column("ethnicity", sa.String(length=2), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("contact_name", sa.String(length=50), nullable=True),
        sa.Column("contact_phone", sa.String(length=30), nullable=True),
        sa.Column("workplace", sa.String(length=100), nullable=True),
        sa.Column("resident_type", sa.String(length=1), nullable=True),
        sa.Column("blood_abo", sa.String(length=1), nullable=True),
        sa.Column("blood_rh", sa.String(length=1), nullable=True),
        sa.Column("education", sa.String(length=2), nullable=True),
        sa.Column("occupation", sa.String(length=1), nullable=True),
        sa.Column("marital_status", sa.String(length=1), nullable=True),
        sa.Column("payment_methods", sa.String(length=120), nullable=False),
        sa.Column("payment_other", sa.String(length=50), nullable=True),
        sa.Column("drug_allergies", sa.String(length=120), nullable=False),
        sa.Column("drug_allergy_other", sa.String(length=100), nullable=True),
        sa.Column("exposures", sa.String(length=120), nullable=False),
        *(sa.Column(column, sa.String(length=120), nullable=False) for column in FAMILY_COLUMNS),
        sa.Column("genetic_disease", sa.String(length=100), nullable=True),
        sa.Column("disabilities", sa.String(length=120), nullable=False),
        sa.Column("disability_other", sa.String(length=100), nullable=True),
        sa.Column("kitchen_exhaust", sa.String(length=1), nullable=True),
        sa.Column("fuel", sa.String(length=1), nullable=True),
        sa.Column("water", sa.String(length=1), nullable=True),
        sa.Column("toilet", sa.String(length=1), nullable=True),
        sa.Column("livestock_pen", sa.String(length=1), nullable=True),
        sa.Column("has_hypertension", sa.Boolean(), nullable=False),
        sa.Column("has_diabetes", sa.Boolean(), nullable=False),
        sa.Column("has_tuberculosis", sa.Boolean(), nullable=False),
        sa.Column("has_severe_mental_disorder", sa.Boolean(), nullable=False),
        sa.Column("family_planning_special", sa.Boolean(), nullable=False),
    ]


def _tail_columns() -> list[sa.Column]:
    return [
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("status_changed_on", sa.Date(), nullable=True),
        sa.Column("merged_into_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("server_version", sa.BigInteger(), nullable=True),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("void_reason", sa.String(length=200), nullable=True),
        sa.Column("voided_by_id", sa.Uuid(), nullable=True),
    ]


def _checks_0004() -> list[sa.CheckConstraint]:
    """The CHECKs residents had before this revision (0001), all of them kept."""
    ethnicity = ", ".join(f"'{n:02d}'" for n in (*range(1, 57), 97, 98))
    checks = {
        "blood_abo_code": "(blood_abo IS NULL OR blood_abo IN ('1', '2', '3', '4', '5'))",
        "blood_rh_code": "(blood_rh IS NULL OR blood_rh IN ('1', '2', '3'))",
        "education_code": "(education IS NULL OR education IN ('1', '2', '3', '4', '5', '6', '7', '8', '9', '10'))",
        "ethnicity_code": f"(ethnicity IS NULL OR ethnicity IN ({ethnicity}))",
        "fuel_code": "(fuel IS NULL OR fuel IN ('1', '2', '3', '4', '5', '6'))",
        "record_no_digits": "(health_record_no IS NULL OR (length(health_record_no) = 17"
        " AND ltrim(health_record_no, '0123456789') = ''))",
        "kitchen_code": "(kitchen_exhaust IS NULL OR kitchen_exhaust IN ('1', '2', '3', '4'))",
        "livestock_code": "(livestock_pen IS NULL OR livestock_pen IN ('1', '2', '3', '4'))",
        "marital_code": "(marital_status IS NULL OR marital_status IN ('1', '2', '3', '4', '5'))",
        "occupation_code": "(occupation IS NULL OR occupation IN ('0', '1', '2', '3', '4', '5', '6', '7', '8'))",
        "relationship_code": "(relationship_to_head IS NULL OR relationship_to_head IN"
        " ('01', '10', '20', '30', '40', '50', '60', '70', '80', '99'))",
        "resident_type_code": "(resident_type IS NULL OR resident_type IN ('1', '2'))",
        "status_date": "(status = 'active') = (status_changed_on IS NULL)",
        "toilet_code": "(toilet IS NULL OR toilet IN ('1', '2', '3', '4', '5'))",
        "water_code": "(water IS NULL OR water IN ('1', '2', '3', '4', '5', '6'))",
        "id_number_format": "id_number IS NULL OR id_type NOT IN ('01', '07') OR (length(id_number) = 18"
        " AND ltrim(substr(id_number, 1, 17), '0123456789') = ''"
        " AND substr(id_number, 18, 1) IN ('0','1','2','3','4','5','6','7','8','9','X'))",
        "id_type_code": "id_type IN ('01', '02', '03', '04', '05', '06', '07', '08', '99')",
        "status_code": "status IN ('active', 'moved_out', 'deceased')",
        "void_has_reason": "(voided_at IS NULL) = (void_reason IS NULL)",
        "name_not_empty": "length(name) > 0",
        "sex_code": "sex IN (0, 1, 2, 9)",
    }
    return [sa.CheckConstraint(sql, name=op.f(f"ck_residents_{name}")) for name, sql in checks.items()]


def _keys(*extra: sa.ForeignKeyConstraint) -> list[sa.Constraint]:
    return [
        sa.ForeignKeyConstraint(["household_id"], ["households.id"], name=op.f("fk_residents_household_id_households")),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["residents.id"], name=op.f("fk_residents_merged_into_id_residents")
        ),
        sa.ForeignKeyConstraint(["village_id"], ["villages.id"], name=op.f("fk_residents_village_id_villages")),
        sa.ForeignKeyConstraint(["voided_by_id"], ["staff.id"], name=op.f("fk_residents_voided_by_id_staff")),
        *extra,
        sa.PrimaryKeyConstraint("id", name=op.f("pk_residents")),
        sa.UniqueConstraint("health_record_no", name=op.f("uq_residents_health_record_no")),
    ]


def _table_0005() -> list[sa.schema.SchemaItem]:
    return [
        *_head_columns(),
        sa.Column("relief_statuses", sa.String(length=120), nullable=False),
        sa.Column("registered_on", sa.Date(), server_default=sa.text("(date('now', '+8 hours'))"), nullable=False),
        sa.Column("registered_by_id", sa.Uuid(), nullable=True),
        sa.Column("responsible_doctor_id", sa.Uuid(), nullable=True),
        *_tail_columns(),
        *_checks_0004(),
        sa.CheckConstraint(_code_set_check("relief_statuses", RELIEF_CODES), name=op.f("ck_residents_relief_code")),
        *(
            sa.CheckConstraint(
                _code_set_check(column, FAMILY_CODES, alone="1"),
                name=op.f("ck_residents_" + column.replace("_history", "") + "_code"),
            )
            for column in FAMILY_COLUMNS
        ),
        *_keys(
            sa.ForeignKeyConstraint(
                ["registered_by_id"], ["staff.id"], name=op.f("fk_residents_registered_by_id_staff")
            ),
            sa.ForeignKeyConstraint(
                ["responsible_doctor_id"], ["staff.id"], name=op.f("fk_residents_responsible_doctor_id_staff")
            ),
        ),
    ]


def _table_0004() -> list[sa.schema.SchemaItem]:
    return [
        *_head_columns(),
        sa.Column("poverty_status", sa.String(length=1), nullable=True),
        sa.Column("pregnant", sa.Boolean(), nullable=False),
        sa.Column("postpartum_until", sa.Date(), nullable=True),
        *_tail_columns(),
        *_checks_0004(),
        sa.CheckConstraint(
            "(poverty_status IS NULL OR poverty_status IN ('1', '2', '3', '4'))", name=op.f("ck_residents_poverty_code")
        ),
        *_keys(),
    ]


def _create_indexes() -> None:
    op.create_index(op.f("ix_residents_birth_date"), "residents", ["birth_date"], unique=False)
    op.create_index(op.f("ix_residents_household_id"), "residents", ["household_id"], unique=False)
    op.create_index(op.f("ix_residents_village_id"), "residents", ["village_id"], unique=False)
    op.create_index(
        "uq_residents_active_id_number",
        "residents",
        ["id_type", "id_number"],
        unique=True,
        sqlite_where=sa.text("voided_at IS NULL AND id_number IS NOT NULL"),
    )


def _unindexed_references(conn: Connection) -> list[tuple[str, str]]:
    """(table, column) of every single-column foreign key to ``residents`` whose column
    does not lead an index."""
    found = []
    tables = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'").scalars().all()
    for table in tables:
        for key in conn.exec_driver_sql(f'PRAGMA foreign_key_list("{table}")').mappings():
            if key["table"] != "residents":
                continue
            leading = {
                conn.exec_driver_sql(f'PRAGMA index_info("{index}")').scalars(2).first()
                for index in conn.exec_driver_sql(f'PRAGMA index_list("{table}")').scalars(1)
            }
            if key["from"] not in leading:
                found.append((table, key["from"]))
    return found


def _saved_triggers(conn: Connection) -> list[str]:
    """The SQL of the triggers on ``residents`` (dropped with the table)."""
    sql = "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'residents' ORDER BY name"
    return list(conn.exec_driver_sql(sql).scalars())


def _index_references(conn: Connection) -> list[str]:
    """Temporary indexes on the foreign-key columns to ``residents`` that have none: while
    the table is dropped and refilled, SQLite looks up the rows referring to each resident."""
    names = []
    for table, column in _unindexed_references(conn):
        name = f"_fk_0005_{table}_{column}"
        op.execute(f'CREATE INDEX {name} ON "{table}" ("{column}")')
        names.append(name)
    return names


def _rebuild(
    new_table: list[sa.schema.SchemaItem],
    copy_columns: Sequence[str],
    select_values: Sequence[str],
    *,
    before_copy: Callable[[], None],
) -> None:
    """Rebuild ``residents`` as ``new_table``: the old rows are kept aside as ``HOLDING``,
    corrected there by ``before_copy``, then copied by ``INSERT (copy_columns) SELECT
    select_values FROM HOLDING r`` (see the module docstring)."""
    conn = op.get_bind()
    op.execute("PRAGMA defer_foreign_keys = ON")
    op.execute(f"CREATE TABLE {HOLDING} AS SELECT * FROM residents")
    before_copy()
    temporary = _index_references(conn)
    op.drop_table("residents")  # its indexes (a temporary one too) and triggers go with it
    op.create_table("residents", *new_table)
    temporary += _index_references(conn)
    op.execute(f"INSERT INTO residents ({', '.join(copy_columns)}) SELECT {', '.join(select_values)} FROM {HOLDING} r")
    for name in dict.fromkeys(temporary):
        op.execute(f"DROP INDEX IF EXISTS {name}")
    _create_indexes()


def _finish_rebuild(triggers: Sequence[str]) -> None:
    op.execute(f"DROP TABLE {HOLDING}")
    for sql in triggers:
        op.execute(sql)


def _shared_columns() -> list[str]:
    return [str(c.name) for c in (*_head_columns(), *_tail_columns())]


def _family_history(codes: str, mapping: dict[str, str], known: set[str]) -> str:
    """A family-history code set with old codes mapped, unknown ones made ``mapping``'s
    "other", and "1" (无) dropped beside another code."""
    other = next(iter(set(mapping.values())))
    mapped = {mapping.get(code, code if code in known else other) for code in codes.split(",") if code}
    if len(mapped) > 1:
        mapped.discard("1")
    return ",".join(sorted(mapped, key=int))


def _map_family_history(conn: Connection, mapping: dict[str, str], known: set[str]) -> None:
    columns = ", ".join(FAMILY_COLUMNS)
    rows = conn.exec_driver_sql(f"SELECT rowid, {columns} FROM {HOLDING}").all()
    changed = []
    for rowid, *values in rows:
        new = [_family_history(value or "", mapping, known) for value in values]
        if new != [value or "" for value in values]:
            changed.append((*new, rowid))
    if changed:
        sets = ", ".join(f"{column} = ?" for column in FAMILY_COLUMNS)
        conn.exec_driver_sql(f"UPDATE {HOLDING} SET {sets} WHERE rowid = ?", changed)


REGISTERED_BY = (
    "(SELECT a.actor_id FROM audit_log a JOIN staff s ON s.id = a.actor_id"
    " WHERE a.table_name = 'residents' AND a.row_id = r.id AND a.action = 'insert' ORDER BY a.at LIMIT 1)"
)
RESPONSIBLE_DOCTOR = (
    "(SELECT c.doctor_id FROM contract_members m JOIN contracts c ON c.id = m.contract_id"
    " WHERE m.resident_id = r.id AND m.is_active AND c.status = 'active' ORDER BY c.start_date DESC LIMIT 1)"
)


def _pregnancies_from_flags(conn: Connection) -> None:
    """Pregnancies for the old ``pregnant`` and ``postpartum_until`` (see the module docstring)."""
    rows = conn.exec_driver_sql(
        f"SELECT id, date(updated_at, '+8 hours'), updated_at, pregnant, postpartum_until FROM {HOLDING}"
        " WHERE pregnant OR postpartum_until IS NOT NULL"
    ).all()
    values: list[tuple[str, str, str | None, str | None, str, str]] = []
    for resident_id, last_change, stamp, pregnant, postpartum_until in rows:
        if postpartum_until is not None:
            delivered = date.fromisoformat(postpartum_until) - timedelta(days=POSTPARTUM_DAYS)
            values.append((uuid7().hex, resident_id, None, delivered.isoformat(), stamp, stamp))
        if pregnant:
            expected = date.fromisoformat(last_change) + timedelta(days=PREGNANCY_DAYS)
            values.append((uuid7().hex, resident_id, expected.isoformat(), None, stamp, stamp))
    if values:
        conn.exec_driver_sql(
            "INSERT INTO pregnancies (id, resident_id, expected_delivery_date, delivery_date, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            values,
        )


def _flags_agree_with_diagnoses(conn: Connection) -> None:
    """A flag without a diagnosis gets one; a diagnosis without its flag sets it."""
    for flag, disease in (("has_hypertension", "2"), ("has_diabetes", "3")):
        diagnosed = (
            f"EXISTS (SELECT 1 FROM diagnoses d WHERE d.resident_id = r.id AND d.disease = '{disease}'"
            " AND d.voided_at IS NULL)"
        )
        missing = conn.exec_driver_sql(f"SELECT id, updated_at FROM residents r WHERE r.{flag} AND NOT {diagnosed}")
        values = [(uuid7().hex, resident_id, disease, stamp, stamp) for resident_id, stamp in missing]
        if values:
            conn.exec_driver_sql(
                "INSERT INTO diagnoses (id, resident_id, disease, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                values,
            )
        conn.exec_driver_sql(
            f"UPDATE residents SET {flag} = 1 WHERE NOT {flag} AND id IN (SELECT id FROM residents r WHERE {diagnosed})"
        )


def upgrade() -> None:
    conn = op.get_bind()
    op.create_table(
        "pregnancies",
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("last_menstrual_period", sa.Date(), nullable=True),
        sa.Column("expected_delivery_date", sa.Date(), nullable=True),
        sa.Column("delivery_date", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("server_version", sa.BigInteger(), nullable=True),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("void_reason", sa.String(length=200), nullable=True),
        sa.Column("voided_by_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "last_menstrual_period IS NOT NULL OR expected_delivery_date IS NOT NULL OR delivery_date IS NOT NULL",
            name=op.f("ck_pregnancies_has_a_date"),
        ),
        sa.CheckConstraint(
            "last_menstrual_period IS NULL OR expected_delivery_date IS NULL"
            " OR last_menstrual_period < expected_delivery_date",
            name=op.f("ck_pregnancies_lmp_before_edd"),
        ),
        sa.CheckConstraint(
            "last_menstrual_period IS NULL OR delivery_date IS NULL OR last_menstrual_period < delivery_date",
            name=op.f("ck_pregnancies_lmp_before_delivery"),
        ),
        sa.CheckConstraint("(voided_at IS NULL) = (void_reason IS NULL)", name=op.f("ck_pregnancies_void_has_reason")),
        sa.ForeignKeyConstraint(["resident_id"], ["residents.id"], name=op.f("fk_pregnancies_resident_id_residents")),
        sa.ForeignKeyConstraint(["voided_by_id"], ["staff.id"], name=op.f("fk_pregnancies_voided_by_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pregnancies")),
    )
    op.create_index(op.f("ix_pregnancies_resident_id"), "pregnancies", ["resident_id"], unique=False)

    shared = _shared_columns()
    triggers = _saved_triggers(conn)
    _rebuild(
        _table_0005(),
        [*shared, "relief_statuses", "registered_on", "registered_by_id", "responsible_doctor_id"],
        [
            *(f"r.{c}" for c in shared),
            "coalesce(r.poverty_status, '')",
            "date(r.created_at, '+8 hours')",
            REGISTERED_BY,
            RESPONSIBLE_DOCTOR,
        ],
        before_copy=lambda: _map_family_history(conn, dict.fromkeys(OLD_OTHER_CODES, "12"), set(FAMILY_CODES)),
    )
    _pregnancies_from_flags(conn)
    _flags_agree_with_diagnoses(conn)
    _finish_rebuild(triggers)


def downgrade() -> None:
    conn = op.get_bind()
    shared = _shared_columns()
    triggers = _saved_triggers(conn)
    _rebuild(
        _table_0004(),
        [*shared, "poverty_status", "pregnant", "postpartum_until"],
        [
            *(f"r.{c}" for c in shared),
            "CASE WHEN r.relief_statuses = '' THEN NULL ELSE substr(r.relief_statuses, 1, 1) END",
            "EXISTS (SELECT 1 FROM pregnancies p WHERE p.resident_id = r.id AND p.voided_at IS NULL"
            " AND p.delivery_date IS NULL)",
            f"(SELECT date(max(p.delivery_date), '+{POSTPARTUM_DAYS} days') FROM pregnancies p"
            " WHERE p.resident_id = r.id AND p.voided_at IS NULL)",
        ],
        before_copy=lambda: _map_family_history(conn, {"11": "13", "12": "13"}, {str(n) for n in range(1, 14)}),
    )
    _finish_rebuild(triggers)
    op.drop_index(op.f("ix_pregnancies_resident_id"), table_name="pregnancies")
    op.drop_table("pregnancies")
