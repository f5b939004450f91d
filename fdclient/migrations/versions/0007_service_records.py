"""Generic service records; danger signs at follow-ups; the blood-pressure target of a
diabetes follow-up.

Revision ID: 0007
Revises: 0006

* ``visits.kind`` allows ``service`` (服务记录). A changed CHECK means rebuilding ``visits``,
  the parent of every visit table: its rows are held aside, the table is dropped and
  created again and the rows copied back, with foreign keys deferred to the end of the
  migration (a parent dropped first and filled again leaves no violation); an index on
  ``referrals.visit_id`` exists meanwhile so the checks of each row are lookups. Its
  indexes and immutability triggers are created again.
* ``service_records`` (id = ``visits.id``, ``service_kind``, ``summary``) for services
  without a form of their own, immutable and never deleted like the other visit tables.
* ``hypertension_followups`` and ``diabetes_followups`` gain ``danger_signs`` (codes, ``''``
  when none was found); ``diabetes_followups`` gains ``bp_target``. Added with
  ``ALTER TABLE ... ADD COLUMN``: no rebuild of immutable tables.

Backfill: none is needed. Existing follow-ups recorded no danger sign (the form had no such
field: ``''``), and the target their blood pressure was judged against was not recorded
(``NULL``: readers use the township's current target).

The downgrade keeps the data the older schema can hold: a service record becomes a home
visit whose summary starts with the service's name (【健康教育】…), so the planned service
it fulfilled stays fulfilled by it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

HOLDING = "_visits_0007"
VISIT_KINDS = ("hypertension", "diabetes", "elderly_check", "home_visit", "service")
OLD_VISIT_KINDS = VISIT_KINDS[:-1]
#: codes.SERVICE_KIND when this revision was written.
SERVICE_KINDS = {
    "health_assessment": "健康评估",
    "health_education": "健康教育",
    "consultation": "健康咨询",
    "hypertension_followup": "高血压随访",
    "diabetes_followup": "糖尿病随访",
    "elderly_check": "老年人健康体检",
    "home_visit": "上门服务",
    "tcm": "中医药健康管理",
    "child_check": "儿童健康检查",
    "maternal_check": "孕产妇健康管理",
    "mental_followup": "严重精神障碍患者随访",
    "tb_followup": "肺结核患者随访",
    "long_prescription": "长期处方",
}
VISIT_COLUMNS = (
    "record_id", "revision", "supersedes_id", "correction_reason", "resident_id", "contract_id", "kind",
    "visit_date", "mode", "doctor_id", "next_visit_date", "notes", "id", "created_at", "updated_at",
    "server_version", "voided_at", "void_reason", "voided_by_id",
)  # fmt: skip
# As in 0001: voiding and the sync bookkeeping are the only updates of a visit.
VISIT_CLINICAL_COLUMNS = (
    "record_id", "revision", "supersedes_id", "correction_reason", "contract_id", "kind",
    "visit_date", "mode", "doctor_id", "next_visit_date", "notes",
)  # fmt: skip
NEVER_DELETED = "SELECT RAISE(ABORT, 'visit records are never deleted; void them with a reason')"
IMMUTABLE = "SELECT RAISE(ABORT, 'visit records are immutable; record a new revision')"
#: (table, column definition) added by this revision, dropped in reverse order.
ADDED_COLUMNS = (
    ("hypertension_followups", "danger_signs VARCHAR(120) DEFAULT '' NOT NULL"),
    ("diabetes_followups", "danger_signs VARCHAR(120) DEFAULT '' NOT NULL"),
    ("diabetes_followups", "bp_target VARCHAR(30)"),
)


def _in(column: str, values: tuple[str, ...] | list[str]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def _visits_table(kinds: tuple[str, ...]) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("supersedes_id", sa.Uuid(), nullable=True),
        sa.Column("correction_reason", sa.String(length=200), nullable=True),
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("contract_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("mode", sa.String(length=1), nullable=False),
        sa.Column("doctor_id", sa.Uuid(), nullable=False),
        sa.Column("next_visit_date", sa.Date(), nullable=True),
        sa.Column("notes", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("server_version", sa.BigInteger(), nullable=True),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("void_reason", sa.String(length=200), nullable=True),
        sa.Column("voided_by_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint(_in("kind", kinds), name=op.f("ck_visits_kind_code")),
        sa.CheckConstraint("mode IN ('1', '2', '3')", name=op.f("ck_visits_mode_code")),
        sa.CheckConstraint("(revision = 1) = (supersedes_id IS NULL)", name=op.f("ck_visits_revision_chain")),
        sa.CheckConstraint("(voided_at IS NULL) = (void_reason IS NULL)", name=op.f("ck_visits_void_has_reason")),
        sa.CheckConstraint(
            "next_visit_date IS NULL OR next_visit_date > visit_date", name=op.f("ck_visits_next_after")
        ),
        sa.CheckConstraint("revision >= 1", name=op.f("ck_visits_revision_positive")),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"], name=op.f("fk_visits_contract_id_contracts")),
        sa.ForeignKeyConstraint(["doctor_id"], ["staff.id"], name=op.f("fk_visits_doctor_id_staff")),
        sa.ForeignKeyConstraint(["resident_id"], ["residents.id"], name=op.f("fk_visits_resident_id_residents")),
        sa.ForeignKeyConstraint(["supersedes_id"], ["visits.id"], name=op.f("fk_visits_supersedes_id_visits")),
        sa.ForeignKeyConstraint(["voided_by_id"], ["staff.id"], name=op.f("fk_visits_voided_by_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visits")),
        sa.UniqueConstraint("supersedes_id", name=op.f("uq_visits_supersedes_id")),
    ]


def _visit_triggers() -> list[str]:
    return [
        f"CREATE TRIGGER trg_visits_immutable BEFORE UPDATE OF {', '.join(VISIT_CLINICAL_COLUMNS)}"
        f" ON visits BEGIN {IMMUTABLE}; END",
        f"CREATE TRIGGER trg_visits_no_delete BEFORE DELETE ON visits BEGIN {NEVER_DELETED}; END",
    ]


#: A patient's follow-ups in a period, covering what the indicators read (mode: only
#: face-to-face follow-ups count towards 规范管理).
FOLLOW_UP_INDEX = ("resident_id", "kind", "visit_date", "voided_at", "mode", "id")
OLD_FOLLOW_UP_INDEX = ("resident_id", "kind", "visit_date", "voided_at", "id")


def _rebuild_visits(kinds: tuple[str, ...], follow_up_index: tuple[str, ...]) -> None:
    """Rebuild ``visits`` with ``kinds`` allowed (see the module docstring)."""
    op.execute("PRAGMA defer_foreign_keys = ON")
    op.execute(f"CREATE TABLE {HOLDING} AS SELECT * FROM visits")
    op.execute("CREATE INDEX _ix_referrals_visit_0007 ON referrals (visit_id)")
    op.drop_table("visits")  # its indexes and triggers go with it
    op.create_table("visits", *_visits_table(kinds))
    columns = ", ".join(VISIT_COLUMNS)
    op.execute(f"INSERT INTO visits ({columns}) SELECT {columns} FROM {HOLDING}")
    op.execute(f"DROP TABLE {HOLDING}")
    op.execute("DROP INDEX _ix_referrals_visit_0007")
    op.create_index(op.f("ix_visits_contract_id"), "visits", ["contract_id"], unique=False)
    op.create_index("ix_visits_resident_kind_date", "visits", list(follow_up_index), unique=False)
    op.create_index(op.f("ix_visits_visit_date"), "visits", ["visit_date"], unique=False)
    op.create_index("uq_visits_record_revision", "visits", ["record_id", "revision"], unique=True)
    for sql in _visit_triggers():
        op.execute(sql)


def upgrade() -> None:
    _rebuild_visits(VISIT_KINDS, FOLLOW_UP_INDEX)
    op.create_table(
        "service_records",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("service_kind", sa.String(length=30), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=True),
        sa.CheckConstraint(_in("service_kind", list(SERVICE_KINDS)), name=op.f("ck_service_records_service_kind_code")),
        sa.ForeignKeyConstraint(["id"], ["visits.id"], name=op.f("fk_service_records_id_visits")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_records")),
    )
    op.execute(f"CREATE TRIGGER trg_service_records_immutable BEFORE UPDATE ON service_records BEGIN {IMMUTABLE}; END")
    op.execute(
        f"CREATE TRIGGER trg_service_records_no_delete BEFORE DELETE ON service_records BEGIN {NEVER_DELETED}; END"
    )
    for table, column in ADDED_COLUMNS:
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column}")


def downgrade() -> None:
    for table, column in reversed(ADDED_COLUMNS):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column.split()[0]}")
    labels = " ".join(f"WHEN '{code}' THEN '{label}'" for code, label in SERVICE_KINDS.items())
    op.execute(
        "INSERT INTO home_visits (id, purposes, summary)"
        f" SELECT id, '', substr('【' || CASE service_kind {labels} END || '】' || coalesce(summary, ''), 1, 500)"
        " FROM service_records"
    )
    op.execute("DROP TRIGGER trg_service_records_immutable")
    op.execute("DROP TRIGGER trg_service_records_no_delete")
    op.drop_table("service_records")
    # The kind of a record changes only here: the triggers are lifted, and the rebuild
    # below creates them again.
    op.execute("DROP TRIGGER trg_visits_immutable")
    op.execute("UPDATE visits SET kind = 'home_visit' WHERE kind = 'service'")
    _rebuild_visits(OLD_VISIT_KINDS, OLD_FOLLOW_UP_INDEX)
