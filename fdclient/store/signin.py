"""Signing in: the password unwraps the store key; repeated failures lock the account.

The database cannot record a failed sign-in (it cannot be opened without a password), so
failures and lock-outs are kept in ``sign-in.json`` beside it (account names and times
only) and moved into the audit trail by the next successful open.

Lock-out: four wrong passwords in a row are free; the fifth locks the account for 30
seconds, and each further failure doubles the wait, up to 30 minutes. A correct password
during a lock is refused too; a successful sign-in clears the count. This stops guessing
through the program; someone who copies the data folder can guess offline, at the cost
of one argon2id derivation (64 MiB) per guess: choose passwords accordingly.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fdclient.domain.accounts import normalise_username
from fdclient.domain.time import Clock
from fdclient.errors import SignInError, StoreNotFoundError, ValidationError
from fdclient.paths import StorePaths
from fdclient.store import files
from fdclient.store.keyring import Keyring, StoreKey
from fdclient.text import msg

FREE_FAILURES = 4
FIRST_LOCK = timedelta(seconds=30)
LONGEST_LOCK = timedelta(minutes=30)
#: Events kept while nobody signs in successfully (the oldest are dropped beyond this).
PENDING_KEPT = 500


@dataclass(frozen=True)
class PendingEvent:
    """A failed sign-in waiting to be written to the audit trail."""

    at: datetime
    username: str
    reason: str  # "wrong_password" (or unknown account) | "locked"


def lock_duration(failures: int) -> timedelta | None:
    """How long ``failures`` consecutive failures lock an account (None: not locked)."""
    if failures <= FREE_FAILURES:
        return None
    return min(FIRST_LOCK * 2 ** (failures - FREE_FAILURES - 1), LONGEST_LOCK)


class SignInState:
    """``sign-in.json``: consecutive failures per account and events for the audit trail."""

    def __init__(self, paths: StorePaths) -> None:
        self.path = paths.sign_in_state
        data: dict[str, Any] = {}
        with contextlib.suppress(FileNotFoundError, ValueError):
            data = json.loads(self.path.read_text(encoding="utf-8"))
        self.accounts: dict[str, dict[str, Any]] = dict(data.get("accounts", {}))
        self.pending: list[dict[str, Any]] = list(data.get("pending", []))

    def save(self) -> None:
        files.write_json_atomically(self.path, {"accounts": self.accounts, "pending": self.pending[-PENDING_KEPT:]})

    def locked_until(self, username: str) -> datetime | None:
        entry = self.accounts.get(username)
        if not entry or not entry.get("locked_until"):
            return None
        return datetime.fromisoformat(entry["locked_until"])

    def failed(self, username: str, at: datetime, reason: str) -> None:
        entry = self.accounts.setdefault(username, {"failures": 0})
        if reason != "locked":
            entry["failures"] = int(entry.get("failures", 0)) + 1
            duration = lock_duration(entry["failures"])
            entry["locked_until"] = (at + duration).isoformat() if duration else None
        self.pending.append({"at": at.isoformat(), "username": username, "reason": reason})

    def succeeded(self, username: str) -> bool:
        """Clear the account's failures; True when there were any."""
        return self.accounts.pop(username, None) is not None

    def take_pending(self) -> list[PendingEvent]:
        events = [PendingEvent(datetime.fromisoformat(e["at"]), e["username"], e["reason"]) for e in self.pending]
        self.pending = []
        return events


def _refused() -> SignInError:
    return SignInError(
        msg(
            "用户名或密码不正确。连续输错多次后账号会被暂时锁定。",
            "Wrong user name or password. After several wrong attempts in a row the account is locked for a while.",
        )
    )


def _locked(until: datetime, now: datetime) -> SignInError:
    seconds = max(1, int((until - now).total_seconds() + 0.999))
    return SignInError(
        msg(
            "密码连续输错次数过多，账号已暂时锁定。请在 {seconds} 秒后再试，或请管理员重设密码。",
            "Too many wrong passwords in a row: the account is locked. Try again in {seconds} seconds, or ask an "
            "administrator to reset the password.",
            seconds=seconds,
        )
    )


def unlock(paths: StorePaths, keyring: Keyring, username: str, password: str, clock: Clock) -> StoreKey:
    """The store key, if ``password`` is ``username``'s and the account is not locked."""
    now = clock.now()
    try:
        name = normalise_username(username)
    except ValidationError:
        raise _refused() from None
    state = SignInState(paths)
    until = state.locked_until(name)
    if until is not None and now < until:
        state.failed(name, now, "locked")
        state.save()
        raise _locked(until, now)
    key = keyring.unwrap(name, password)
    if key is None:
        state.failed(name, now, "wrong_password")
        state.save()
        until = state.locked_until(name)
        if until is not None and now < until:
            raise _locked(until, now)
        raise _refused()
    if state.succeeded(name):
        state.save()
    return key


def read_keyring(paths: StorePaths) -> Keyring:
    keyring = Keyring.load(paths.keyring)
    if keyring is None:
        raise StoreNotFoundError(
            msg(
                "在 {folder} 没有找到钥匙文件（keyring.json），无法打开数据库。如果刚换了电脑，请用备份恢复："
                "fdclient --data-dir {folder} restore 备份文件。",
                "No key file (keyring.json) in {folder}, so the store cannot be opened. On a new computer, restore a "
                "backup: fdclient --data-dir {folder} restore BACKUP-FILE.",
                folder=str(paths.folder),
            )
        )
    return keyring
