"""Sign-in accounts of this laptop: add, set a password, disable, list (admins only,
except that everyone may change their own password).

An account is a staff row with a sign-in name and a role (in the database, audited and,
later, synced) plus an entry in this laptop's key file wrapping the store key with the
password (:mod:`fdclient.store.keyring`). The key file is rewritten inside the database's
write transaction, so two processes never interleave their changes to it, and a failed
write of either leaves the other unchanged.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain.accounts import check_new_password, normalise_username
from fdclient.domain.codes import AuditAction
from fdclient.domain.roles import Permission, Role
from fdclient.errors import RuleError, ValidationError
from fdclient.models import Staff
from fdclient.services.staff.organisation import register_staff
from fdclient.store import Store
from fdclient.store.audit_trail import record_event
from fdclient.store.context import require
from fdclient.store.keyring import Keyring
from fdclient.store.signin import read_keyring
from fdclient.text import msg


@dataclass(frozen=True)
class AccountInfo:
    username: str
    staff_id: uuid.UUID
    name: str
    role: Role
    active: bool
    #: Whether the account can sign in on this laptop (it has an entry in the key file).
    signs_in_here: bool


def _info(staff: Staff, keyring: Keyring) -> AccountInfo:
    assert staff.username is not None
    return AccountInfo(
        staff.username, staff.id, staff.name, Role(staff.role), staff.active, keyring.has(staff.username)
    )


def _account(session: Session, username: str) -> Staff:
    staff = session.scalar(select(Staff).where(Staff.username == username))
    if staff is None:
        raise ValidationError(
            msg("没有登录名为 {user} 的账号。", "There is no account named {user}.", user=username), field="username"
        )
    return staff


def list_accounts(store: Store) -> tuple[AccountInfo, ...]:
    keyring = read_keyring(store.paths)
    with store.read() as session:
        require(session, Permission.MANAGE_ACCOUNTS)
        rows = session.scalars(select(Staff).where(Staff.username.is_not(None)).order_by(Staff.username))
        return tuple(_info(s, keyring) for s in rows)


def add_account(
    store: Store,
    username: str,
    role: Role | str,
    password: str,
    *,
    staff_name: str | None = None,
    phone: str | None = None,
) -> AccountInfo:
    """A new staff member with an account that signs in on this laptop with ``password``.

    A staff member already registered without an account gets it (same name, no account
    yet); a disabled account is enabled again with the new role and password."""
    name = normalise_username(username)
    check_new_password(password)
    try:
        role = Role(role)
    except ValueError:
        known = "、".join(f"{r.value}（{r.label}）" for r in Role)
        raise ValidationError(
            msg(
                "角色“{role}”不存在，应为：{known}。",
                "There is no role “{role}”; choose one of: {known}.",
                role=str(role),
                known=known,
            ),
            field="role",
        ) from None
    assert store.key is not None
    with store.write() as session:
        require(session, Permission.MANAGE_ACCOUNTS)
        keyring = read_keyring(store.paths)
        staff = session.scalar(select(Staff).where(Staff.username == name))
        if staff is not None and staff.active:
            raise RuleError(
                msg(
                    "登录名 {user} 已被使用，请换一个。", "The sign-in name {user} is taken; choose another.", user=name
                ),
                field="username",
            )
        if staff is None:
            info = register_staff(session, name=staff_name or name, role=role, phone=phone, username=name)
            staff = session.get(Staff, info.id)
            assert staff is not None
        else:
            staff.active, staff.role = True, role
        record_event(
            session,
            AuditAction.ACCOUNT,
            "staff",
            {"username": name, "change": "added", "role": role.value},
            row_id=staff.id,
        )
        session.flush()
        keyring.with_entry(name, password, store.key).save(store.paths.keyring)
        return _info(staff, read_keyring(store.paths))


def set_password(store: Store, username: str, password: str) -> None:
    """Set ``username``'s password on this laptop (an admin for anyone, anyone for themself)."""
    name = normalise_username(username)
    check_new_password(password)
    assert store.key is not None
    with store.write() as session:
        actor = store.actor
        if actor is None or actor.username != name:
            require(session, Permission.MANAGE_ACCOUNTS)
        staff = _account(session, name)
        if not staff.active:
            raise RuleError(msg("账号 {user} 已停用。", "The account {user} is disabled.", user=name))
        record_event(session, AuditAction.ACCOUNT, "staff", {"username": name, "change": "password"}, row_id=staff.id)
        session.flush()
        read_keyring(store.paths).with_entry(name, password, store.key).save(store.paths.keyring)


def disable_account(store: Store, username: str) -> AccountInfo:
    """Disable ``username``: the staff row is kept (records name them) but marked inactive,
    and their entry leaves this laptop's key file, so their password no longer opens it."""
    name = normalise_username(username)
    with store.write() as session:
        require(session, Permission.MANAGE_ACCOUNTS)
        staff = _account(session, name)
        keyring = read_keyring(store.paths)
        if staff.role == Role.ADMIN:
            others = session.scalars(
                select(Staff.username).where(Staff.role == Role.ADMIN, Staff.active, Staff.username != name)
            ).all()
            if not any(keyring.has(other) for other in others if other):
                raise RuleError(
                    msg(
                        "{user} 是这台电脑上最后一个管理员账号，不能停用：请先为另一位管理员建立账号。",
                        "{user} is the last administrator account on this laptop and cannot be disabled; add "
                        "another administrator first.",
                        user=name,
                    )
                )
        staff.active = False
        record_event(session, AuditAction.ACCOUNT, "staff", {"username": name, "change": "disabled"}, row_id=staff.id)
        session.flush()
        keyring = keyring.without_entry(name)
        keyring.save(store.paths.keyring)
        return _info(staff, keyring)
