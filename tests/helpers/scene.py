"""The one shared test scene: a real, encrypted store of one township with an account of
every role, built once per test session and copied for each test.

Building a store costs a migration and one argon2id derivation per account; copying the
data folder costs a few milliseconds. A copy opens with the store key unwrapped when the
template was made (exactly what a sign-in hands to ``open_store``), so tests exercise the
real SQLCipher files and the real units of work without paying for a sign-in each time;
the sign-in itself has its own tests.

Accounts (all with :data:`PASSWORD`): ``admin``, ``doctor`` (医生 王建国), ``specialist``,
``nurse`` and ``gongwei`` (public health). The clock is fixed at :data:`TODAY`.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from fdclient.domain.roles import Role
from fdclient.domain.time import Clock, FixedClock
from fdclient.services.staff import accounts
from fdclient.store import Store, StoreKey, create_store, open_store

TOWNSHIP_CODE = "360111101"
TOWNSHIP_NAME = "罗家镇"
PASSWORD = "test-password-1"
#: A date safely after every default birth date and contract start used by the builders.
TODAY = date(2026, 6, 1)
CLOCK = FixedClock.on(TODAY)

#: Sign-in name, role and staff name of the scene's accounts (admin is made by create_store).
ACCOUNTS: tuple[tuple[str, Role, str], ...] = (
    ("doctor", Role.DOCTOR, "王建国"),
    ("specialist", Role.SPECIALIST, "刘专家"),
    ("nurse", Role.NURSE, "陈护士"),
    ("gongwei", Role.PUBLIC_HEALTH, "周公卫"),
)
#: The account each role signs in with.
USER_OF_ROLE: dict[Role, str] = {Role.ADMIN: "admin", **{role: user for user, role, _ in ACCOUNTS}}


@dataclass(frozen=True)
class Template:
    folder: Path
    keys: dict[str, StoreKey] = field(repr=False)

    def copy(self, destination: Path) -> Path:
        """A private copy of the template's data folder (no lock, log or backup)."""
        shutil.copytree(self.folder, destination, ignore=shutil.ignore_patterns(".lock", "logs", "backups"))
        return destination

    def open(self, destination: Path, *, user: str = "doctor", clock: Clock = CLOCK) -> Store:
        """Copy the template to ``destination`` and open it signed in as ``user``."""
        self.copy(destination)
        return open_store(destination, self.keys[user], clock=clock, daily_backup=False)


def make_template(folder: Path) -> Template:
    with create_store(
        folder, TOWNSHIP_CODE, TOWNSHIP_NAME, admin_username="admin", admin_password=PASSWORD, clock=CLOCK
    ) as store:
        for username, role, name in ACCOUNTS:
            accounts.add_account(store, username, role, PASSWORD, staff_name=name)
        assert store.key is not None
        raw = store.key.key
    keys = {user: StoreKey(user, raw) for user in ("admin", *(a[0] for a in ACCOUNTS))}
    return Template(folder, keys)
