"""The contract lifecycle: consent per covered member with guardians, members who join a
contract in force, discarded drafts, and planned services closed with a date.

Revision ID: 0006
Revises: 0005

* ``contract_members`` gains ``joined_on``, the member's consent (``consent_by``,
  ``consented_at``) and the guardian who gave it (name, relationship, document, phone);
* ``contracts`` becomes voidable (``voided_at``, ``void_reason``, ``voided_by_id``): only a
  draft may be voided;
* ``planned_services`` gains ``closed_on``, and its two covering indexes end with it.

``contracts`` is the parent of most tables and ``contract_members`` has a partial unique
index: neither is rebuilt (a rebuild drops the parent while foreign keys are enforced, and
a reflected copy of the partial index could lose its WHERE). Their columns are added with
``ALTER TABLE ... ADD COLUMN``, each CHECK attached to the last column it names, so a
downgrade can drop them again in reverse order.

Backfill: a signed contract's members consented with it, when its representative did (the
representative as ``self``, the others as ``representative``: before this revision the
representative's consent stood for the household). Open services of expired and
terminated contracts, and of members who left, are closed with the day coverage ended;
services cancelled before get that day as ``closed_on``. Open services of renewed contracts
are closed by the expiry use case once their end date has passed.

The downgrade keeps the data the older schema can hold: voided drafts become plain drafts
again, closed services stay cancelled.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

CONSENT_BY = ("self", "guardian", "representative")
GUARDIAN_RELATIONSHIP = (
    "father", "mother", "grandparent", "sibling", "spouse", "child", "other_relative", "other",
)  # fmt: skip
ID_TYPE = ("01", "02", "03", "04", "05", "06", "07", "08", "99")

GUARDIAN_CONSENT = "COALESCE(consent_by, '') = 'guardian'"
GUARDIAN_COMPLETE = (
    "guardian_name IS NOT NULL AND guardian_relationship IS NOT NULL"
    " AND guardian_id_type IS NOT NULL AND guardian_id_number IS NOT NULL"
)


def _codes(column: str, codes: tuple[str, ...]) -> str:
    return f"({column} IS NULL OR {column} IN (" + ", ".join(f"'{c}'" for c in codes) + "))"


def _check(table: str, name: str, expression: str) -> str:
    return f"CONSTRAINT ck_{table}_{name} CHECK ({expression})"


#: (table, column, definition) in the order they are added; dropped in reverse order.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("contracts", "void_reason", "VARCHAR(200)"),
    ("contracts", "voided_by_id", "CHAR(32) CONSTRAINT fk_contracts_voided_by_id_staff REFERENCES staff (id)"),
    (
        "contracts",
        "voided_at",
        "DATETIME "
        + _check("contracts", "void_has_reason", "(voided_at IS NULL) = (void_reason IS NULL)")
        + " "
        + _check("contracts", "only_drafts_voided", "voided_at IS NULL OR status = 'draft'"),
    ),
    ("contract_members", "joined_on", "DATE"),
    (
        "contract_members",
        "consent_by",
        "VARCHAR(14) " + _check("contract_members", "consent_by_code", _codes("consent_by", CONSENT_BY)),
    ),
    (
        "contract_members",
        "consented_at",
        "DATETIME " + _check("contract_members", "consent_has_time", "(consent_by IS NULL) = (consented_at IS NULL)"),
    ),
    ("contract_members", "guardian_name", "VARCHAR(50)"),
    (
        "contract_members",
        "guardian_relationship",
        "VARCHAR(20) "
        + _check(
            "contract_members",
            "guardian_relationship_code",
            _codes("guardian_relationship", GUARDIAN_RELATIONSHIP),
        ),
    ),
    (
        "contract_members",
        "guardian_id_type",
        "VARCHAR(2) " + _check("contract_members", "guardian_id_type_code", _codes("guardian_id_type", ID_TYPE)),
    ),
    ("contract_members", "guardian_id_number", "VARCHAR(30)"),
    (
        "contract_members",
        "guardian_phone",
        "VARCHAR(30) "
        + _check("contract_members", "guardian_complete", f"({GUARDIAN_CONSENT}) = ({GUARDIAN_COMPLETE})")
        + " "
        + _check(
            "contract_members",
            "guardian_only_with_guardian_consent",
            f"{GUARDIAN_CONSENT} OR COALESCE(guardian_name, guardian_relationship, guardian_id_type,"
            " guardian_id_number, guardian_phone) IS NULL",
        ),
    ),
    ("planned_services", "closed_on", "DATE"),
)

COVERING_INDEXES = {
    "ix_planned_services_resident_due": ("resident_id", "window_end", "status", "fulfilled_on"),
    "ix_planned_services_kind_due": ("service_kind", "window_end", "status", "fulfilled_on"),
}

#: The day a planned service's coverage ended: its member left, or its contract was
#: terminated or reached its end date.
COVERAGE_END = (
    "COALESCE("
    "(SELECT m.ended_on FROM contract_members m"
    " WHERE m.contract_id = planned_services.contract_id AND m.resident_id = planned_services.resident_id),"
    " (SELECT COALESCE(c.terminated_on, c.end_date) FROM contracts c WHERE c.id = planned_services.contract_id))"
)


def upgrade() -> None:
    for table, column, definition in COLUMNS:
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
    for name, columns in COVERING_INDEXES.items():
        op.drop_index(name, table_name="planned_services")
        op.create_index(name, "planned_services", [*columns, "closed_on"], unique=False)

    op.execute(
        "UPDATE contract_members SET"
        " consent_by = CASE WHEN resident_id = (SELECT c.representative_id FROM contracts c"
        " WHERE c.id = contract_members.contract_id) THEN 'self' ELSE 'representative' END,"
        " consented_at = (SELECT c.consented_at FROM contracts c WHERE c.id = contract_members.contract_id)"
        " WHERE contract_id IN (SELECT id FROM contracts WHERE status != 'draft' AND consented_at IS NOT NULL)"
    )
    op.execute(f"UPDATE planned_services SET closed_on = {COVERAGE_END} WHERE status = 'cancelled'")
    op.execute(
        f"UPDATE planned_services SET status = 'cancelled', closed_on = {COVERAGE_END}"
        " WHERE status = 'planned' AND ("
        " contract_id IN (SELECT id FROM contracts WHERE status IN ('expired', 'terminated'))"
        " OR EXISTS (SELECT 1 FROM contract_members m JOIN contracts c ON c.id = m.contract_id"
        " WHERE m.contract_id = planned_services.contract_id AND m.resident_id = planned_services.resident_id"
        " AND c.status = 'active' AND NOT m.is_active AND m.ended_on IS NOT NULL))"
    )


def downgrade() -> None:
    for name, columns in COVERING_INDEXES.items():
        op.drop_index(name, table_name="planned_services")
        op.create_index(name, "planned_services", list(columns), unique=False)
    for table, column, _ in reversed(COLUMNS):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
