"""Audit trail for every event, append-only; passwords leave the staff table.

Revision ID: 0004
Revises: 0003

* ``audit_log`` gains the device and the resident an entry concerns (``subject_id``),
  indexes to list it by resident and by staff member, and the event actions (sign-in,
  failed sign-in, account, print, export, import, backup, restore, encrypt, demo);
* triggers refuse any UPDATE or DELETE of ``audit_log``: the application can only add;
* ``staff.password_hash`` (never used) is dropped: each laptop's key file wraps the store
  key with the password instead (fdclient.store.keyring).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ACTIONS = (
    "insert", "update", "void", "sign_in", "sign_in_failed", "account", "print", "export", "import",
    "backup", "restore", "encrypt", "demo",
)  # fmt: skip
OLD_ACTIONS = ("insert", "update", "void")
APPEND_ONLY = "SELECT RAISE(ABORT, 'the audit trail is append-only')"


def _action_check(actions: tuple[str, ...]) -> str:
    return "action IN (" + ", ".join(f"'{a}'" for a in actions) + ")"


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_audit_log_action_code"), type_="check")
        batch_op.create_check_constraint("action_code", _action_check(ACTIONS))
        batch_op.add_column(sa.Column("device_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("subject_id", sa.Uuid(), nullable=True))
        batch_op.alter_column("action", existing_type=sa.String(length=8), type_=sa.String(length=16))
        batch_op.create_index("ix_audit_log_subject", ["subject_id", "at"], unique=False)
        batch_op.create_index("ix_audit_log_actor", ["actor_id", "at"], unique=False)
    # Entries of the demo were "insert" rows of the table "demo".
    op.execute("UPDATE audit_log SET action = 'demo' WHERE table_name = 'demo'")
    op.execute(f"CREATE TRIGGER trg_audit_log_no_update BEFORE UPDATE ON audit_log BEGIN {APPEND_ONLY}; END")
    op.execute(f"CREATE TRIGGER trg_audit_log_no_delete BEFORE DELETE ON audit_log BEGIN {APPEND_ONLY}; END")
    # SQLite's own DROP COLUMN keeps the table's CHECK constraints (a batch rebuild would not).
    op.execute("ALTER TABLE staff DROP COLUMN password_hash")


def downgrade() -> None:
    op.execute("ALTER TABLE staff ADD COLUMN password_hash VARCHAR(200)")
    op.execute("DROP TRIGGER IF EXISTS trg_audit_log_no_update")
    op.execute("DROP TRIGGER IF EXISTS trg_audit_log_no_delete")
    # A downgrade loses the events the older schema cannot hold.
    op.execute(f"DELETE FROM audit_log WHERE NOT ({_action_check(OLD_ACTIONS)}) AND action != 'demo'")
    op.execute("UPDATE audit_log SET action = 'insert' WHERE action = 'demo'")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_audit_log_action_code"), type_="check")
        batch_op.create_check_constraint("action_code", _action_check(OLD_ACTIONS))
        batch_op.drop_index("ix_audit_log_actor")
        batch_op.drop_index("ix_audit_log_subject")
        batch_op.alter_column("action", existing_type=sa.String(length=16), type_=sa.String(length=8))
        batch_op.drop_column("subject_id")
        batch_op.drop_column("device_id")
