"""Contact-card tokens: what a card's QR code and its printed number find the resident by.

Revision ID: 0008
Revises: 0007

``residents`` gains two columns, both NULL until the resident's first contact card
(家庭医生联系卡) is printed:

* ``card_token``: a random, non-guessable text (``secrets.token_urlsafe(16)``, 22
  characters) carried by the card's QR code — never the ID number or anything derived from
  the person;
* ``card_code``: 12 digits (11 random and a Luhn check digit) printed under the QR code,
  for staff to type when there is no scanner.

Each is unique (a unique index; SQLite and PostgreSQL both allow many NULLs). A reprint
keeps them; reissuing a lost card replaces both, and the old ones find nobody.

Added with ``ALTER TABLE ... ADD COLUMN`` (``residents`` is the parent of most tables: no
rebuild); the digits CHECK is attached to ``card_code`` so the downgrade can drop the
columns again. No backfill: tokens are made when a card is first printed.
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

#: (column, definition) in the order they are added; dropped in reverse order.
ADDED_COLUMNS = (
    ("card_token", "VARCHAR(32)"),
    (
        "card_code",
        "VARCHAR(12) CONSTRAINT ck_residents_card_code_digits CHECK (card_code IS NULL OR"
        " (length(card_code) = 12 AND ltrim(card_code, '0123456789') = ''))",
    ),
)


def upgrade() -> None:
    for column, definition in ADDED_COLUMNS:
        op.execute(f"ALTER TABLE residents ADD COLUMN {column} {definition}")
        op.create_index(f"ix_residents_{column}", "residents", [column], unique=True)


def downgrade() -> None:
    for column, _ in reversed(ADDED_COLUMNS):
        op.drop_index(f"ix_residents_{column}", table_name="residents")
        op.execute(f"ALTER TABLE residents DROP COLUMN {column}")
