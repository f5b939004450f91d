"""What every unit of work carries: who acts, on which device, by which clock.

A session from :meth:`Store.read` or :meth:`Store.write` has a :class:`UnitContext` in
``session.info``. Services read it through the functions here (the actor's permissions,
today's date, the current time) instead of asking the operating system or trusting a
parameter, so the role table is enforced below every screen and a test or the sync
engine can set the clock.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from fdclient.domain.roles import Permission, Role, may
from fdclient.domain.time import Clock, today_in_china
from fdclient.errors import PermissionDenied
from fdclient.text import msg

CONTEXT_KEY = "fdclient.context"


@dataclass(frozen=True)
class Actor:
    """The signed-in staff member."""

    staff_id: uuid.UUID
    username: str
    name: str
    role: Role

    def may(self, permission: Permission) -> bool:
        return may(self.role, permission)


@dataclass(frozen=True)
class UnitContext:
    actor: Actor | None
    device_id: uuid.UUID | None
    clock: Clock
    writable: bool
    #: Whether changes to synced tables go to the sync outbox (off while the sync engine
    #: writes what it pulled: those changes came from the server).
    capture: bool = True


def context_of(session: Session) -> UnitContext:
    """The unit of work's context; a session from anywhere else is a programming error."""
    context = session.info.get(CONTEXT_KEY)
    if not isinstance(context, UnitContext):
        raise RuntimeError("this session was not opened by Store.read() or Store.write()")
    return context


def actor_of(session: Session) -> Actor | None:
    return context_of(session).actor


def actor_id(session: Session) -> uuid.UUID | None:
    actor = context_of(session).actor
    return actor.staff_id if actor else None


def now(session: Session) -> datetime:
    """The current time (aware, UTC) by the unit of work's clock."""
    return context_of(session).clock.now()


def today(session: Session) -> date:
    """Today's date in China by the unit of work's clock."""
    return today_in_china(context_of(session).clock)


def require(session: Session, permission: Permission) -> Actor:
    """The signed-in actor, if their role has ``permission``; else PermissionDenied."""
    actor = context_of(session).actor
    if actor is None:
        raise PermissionDenied(msg("请先登录。", "Please sign in first."))
    if not actor.may(permission):
        raise PermissionDenied(
            msg(
                "{role}（{user}）没有“{what}”的权限。",
                "{user} ({role}) may not do this: {what}.",
                role=actor.role.label,
                user=actor.username,
                what=permission.label,
            )
        )
    return actor
