"""One-time enrolment codes (``fdserver enroll-code``) and the hashes of codes and tokens.

A code names a township, a staff member (a ``staff`` record of the township, created on
the first code for that user name) and a role. It is 12 characters of base32 in three
groups (``ABCD-EFGH-JKLM``), valid for a few days and once; the database keeps only its
SHA-256, as it keeps only the SHA-256 of device tokens.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, insert

from fdclient.domain.accounts import normalise_username
from fdclient.domain.roles import Role
from fdclient.sync.protocol import TownshipInfo
from fdclient.text import msg
from fdserver.db import lock_township, transaction, utcnow
from fdserver.errors import AdminError
from fdserver.meta import require_epoch
from fdserver.models import EnrolmentCode
from fdserver.records import STAFF, new_hex_id, put_record, records_of, storage_row, township_by_code

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1: read aloud over the phone
CODE_LENGTH = 12
DEFAULT_EXPIRES_HOURS = 72


@dataclass(frozen=True)
class NewEnrolmentCode:
    code: str
    township: TownshipInfo
    staff_id: str
    username: str
    role: str
    expires_at: datetime
    staff_created: bool


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalise_code(code: str) -> str:
    """A typed code as stored: upper case, without spaces and dashes."""
    return "".join(c for c in code.upper() if c not in " -\t")


def code_hash(code: str) -> str:
    return sha256_hex(normalise_code(code))


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def parse_role(role: str) -> Role:
    try:
        return Role(role.strip().lower())
    except ValueError:
        raise AdminError(
            msg(
                "角色“{role}”不存在，可选：{choices}。",
                "There is no role “{role}”; choose one of {choices}.",
                role=role,
                choices=", ".join(r.value for r in Role),
            ),
        ) from None


def create_enrolment_code(
    engine: Engine,
    township_code: str,
    username: str,
    role: str,
    *,
    name: str | None = None,
    expires_hours: float = DEFAULT_EXPIRES_HOURS,
) -> NewEnrolmentCode:
    """A one-time code for ``username`` of the township; the staff record is created if
    the township has none with that user name (its role and name updated otherwise)."""
    user = normalise_username(username)
    the_role = parse_role(role)
    if not 0 < expires_hours <= 24 * 30:
        raise AdminError(msg("有效期应在 0 到 720 小时之间。", "The validity must be between 0 and 720 hours."))
    display_name = (name or "").strip() or user
    with transaction(engine) as conn:
        require_epoch(conn)
        township = township_by_code(conn, township_code.strip())
        if township is None:
            raise AdminError(
                msg(
                    "乡镇 {code} 尚未登记：请先运行 fdserver add-township。",
                    "The township {code} is not registered: run fdserver add-township first.",
                    code=township_code,
                )
            )
        lock_township(conn, township.id)
        staff = next((r for r in records_of(conn, STAFF, township.id) if r[1].get("username") == user), None)
        created = staff is None
        if staff is None:
            staff_id = new_hex_id()
            data = storage_row(
                STAFF,
                {
                    "id": staff_id,
                    "township_id": township.id,
                    "name": display_name[:50],
                    "role": the_role.value,
                    "username": user,
                    "active": True,
                },
            )
            put_record(conn, STAFF, staff_id, township.id, data)
        else:
            staff_id, data = staff
            changed = dict(data, role=the_role.value, active=1)
            if name:
                changed["name"] = display_name[:50]
            if changed != data:
                put_record(conn, STAFF, staff_id, township.id, changed)
        code = new_code()
        now = utcnow()
        expires = now + timedelta(hours=expires_hours)
        conn.execute(
            insert(EnrolmentCode).values(
                code_hash=code_hash(code),
                township_id=township.id,
                staff_id=staff_id,
                username=user,
                role=the_role.value,
                created_at=now,
                expires_at=expires,
            )
        )
        return NewEnrolmentCode(code, township, staff_id, user, the_role.value, expires, created)
