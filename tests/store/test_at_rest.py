"""What a lost laptop's data folder gives away without a password: nothing personal.
And every file of it is private to its user (0700 / 0600) whatever the umask."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from fdclient.models import Household, Resident
from fdclient.store import open_store, sign_in

PASSWORD = "at-rest-password"


def fdclient(folder: Path, *args: str, umask: int = 0o022) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FDCLIENT_PASSWORD": PASSWORD, "FDCLIENT_USER": "admin", "FDCLIENT_DATA_DIR": str(folder)}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f"import os, sys; os.umask({umask}); from fdclient.cli import main; sys.exit(main())",
            *args,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lost-laptop") / "data"
    done = fdclient(folder, "demo", "--villages", "2", "--households", "80", umask=0)
    assert done.returncode == 0, done.stderr
    for command in (("stats",), ("audit", "--limit", "5"), ("check",), ("backup", str(folder / "backups"))):
        result = fdclient(folder, *command, umask=0)
        assert result.returncode == 0, result.stderr
    # A failed sign-in, a refused command: both leave traces in sign-in.json and the log.
    wrong = subprocess.run(
        [sys.executable, "-m", "fdclient", "--user", "doctor001", "stats"],
        env={**os.environ, "FDCLIENT_PASSWORD": "wrong-password", "FDCLIENT_DATA_DIR": str(folder)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert wrong.returncode == 2
    return folder


def personal_values(folder: Path) -> set[str]:
    key = sign_in(folder, "admin", PASSWORD)
    with open_store(folder, key, daily_backup=False, read_only=True) as store, store.read() as session:
        values: set[str] = set()
        for name, number, phone, contact in session.execute(
            select(Resident.name, Resident.id_number, Resident.phone, Resident.contact_name)
        ):
            values.update(v for v in (name, number, phone, contact) if v and len(v) >= 2)
        values.update(p for p in session.scalars(select(Household.phone)) if p)
        values.update(a for a in session.scalars(select(Household.address)) if a)
    return values


def test_no_file_in_the_data_folder_holds_a_name_id_number_or_phone_in_clear(demo_folder: Path) -> None:
    values = personal_values(demo_folder)
    assert len(values) > 200  # names, ID numbers, phones and addresses of the demo
    files = [p for p in demo_folder.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"fdclient.db", "keyring.json", "fdclient.log", "sign-in.json"}
    assert any(p.suffix == ".fdbackup" for p in files)
    leaks = []
    for path in files:
        data = path.read_bytes()
        for value in values:
            # The store, its log and its files are UTF-8. (A two-character name in UTF-16 is
            # only 4 bytes: random ciphertext holds such runs by chance.)
            if value.encode("utf-8") in data:
                leaks.append(f"{path.relative_to(demo_folder)}: {value[:2]}…")
    assert not leaks, leaks[:10]


def test_the_data_folder_is_private_whatever_the_umask(demo_folder: Path) -> None:
    loose = []
    for path in [demo_folder, *demo_folder.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        wanted = 0o700 if path.is_dir() else 0o600
        if mode != wanted:
            loose.append(f"{path.relative_to(demo_folder)}: {oct(mode)}")
    assert not loose, loose


def test_the_database_is_not_readable_as_plain_sqlite(demo_folder: Path) -> None:
    import sqlite3

    assert not (demo_folder / "fdclient.db").read_bytes().startswith(b"SQLite format 3")
    con = sqlite3.connect(demo_folder / "fdclient.db")
    with pytest.raises(sqlite3.DatabaseError):
        con.execute("SELECT name FROM residents").fetchall()
    con.close()
