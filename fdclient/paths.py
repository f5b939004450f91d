"""Where a store lives, and the name of every file in its data folder.

The folder is ``--data-dir``, else ``FDCLIENT_DATA_DIR``, else the platform's user data
folder (``platformdirs``). It holds, all private to the user (0700 / 0600)::

    fdclient.db          the store, encrypted with SQLCipher (and its -wal / -shm)
    keyring.json         the store's key, wrapped once per staff account (store/keyring.py)
    sign-in.json         failed sign-ins and lock-outs, until they reach the audit trail
    backups/             automatic backups (*.fdbackup), rotated
    logs/                the error log, rotated; never a name, ID number or phone
    .lock                held shared while a store is open, exclusively while it is
                         created, converted or restored
    .swap.json           present only while a set of files is being swapped into place
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

from fdclient.errors import ValidationError
from fdclient.text import msg

APP_NAME = "fdclient"
DATABASE_FILE = "fdclient.db"
KEYRING_FILE = "keyring.json"
SIGN_IN_FILE = "sign-in.json"
BACKUP_DIR = "backups"
LOG_DIR = "logs"
LOCK_FILE = ".lock"
SWAP_JOURNAL = ".swap.json"
UI_PREFERENCES_FILE = "ui.ini"
#: Prefix of files being built (a new store, a restore, a conversion): leftovers of a
#: crash carry it and are removed by the next init/demo/restore.
PARTIAL_PREFIX = ".partial-"
#: SQLite's companion files of a database in WAL mode.
SQLITE_SUFFIXES = ("-wal", "-shm", "-journal")


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data folder to use, as an absolute path (it need not exist yet).

    A ``~user`` that does not exist or a chain of links that loops is the user's error.
    """
    raw = os.fspath(override) if override else os.environ.get("FDCLIENT_DATA_DIR", "")
    if not raw:
        from platformdirs import user_data_dir

        return Path(user_data_dir(APP_NAME, appauthor=False))
    try:
        return Path(raw).expanduser().resolve()
    except (RuntimeError, OSError) as exc:  # unknown ~user; a link loop (RuntimeError before 3.13)
        if isinstance(exc, OSError) and exc.errno != errno.ELOOP:
            raise ValidationError(
                msg(
                    "数据目录“{path}”无法使用（{reason}）。",
                    "The data folder “{path}” cannot be used ({reason}).",
                    path=raw,
                    reason=exc.strerror or type(exc).__name__,
                ),
                field="data_dir",
            ) from None
        if raw.startswith("~") and "home" in str(exc).lower():
            raise ValidationError(
                msg(
                    "数据目录“{path}”中的用户目录（~用户名）不存在，请写出完整路径。",
                    "The data folder “{path}” names a home folder (~user) that does not exist; give the full path.",
                    path=raw,
                ),
                field="data_dir",
            ) from None
        raise ValidationError(
            msg(
                "数据目录“{path}”是一串循环的链接，无法使用。请换一个目录。",
                "The data folder “{path}” is a loop of symbolic links; choose another folder.",
                path=raw,
            ),
            field="data_dir",
        ) from None


@dataclass(frozen=True)
class StorePaths:
    """The files of one data folder."""

    folder: Path
    #: The database's and the key file's names (a store being built has partial names).
    database_file: str = DATABASE_FILE
    keyring_file: str = KEYRING_FILE

    @property
    def database(self) -> Path:
        return self.folder / self.database_file

    @property
    def keyring(self) -> Path:
        return self.folder / self.keyring_file

    @property
    def sign_in_state(self) -> Path:
        return self.folder / SIGN_IN_FILE

    @property
    def backups(self) -> Path:
        return self.folder / BACKUP_DIR

    @property
    def logs(self) -> Path:
        return self.folder / LOG_DIR

    @property
    def lock(self) -> Path:
        return self.folder / LOCK_FILE

    @property
    def swap_journal(self) -> Path:
        return self.folder / SWAP_JOURNAL

    @property
    def ui_preferences(self) -> Path:
        """This laptop's GUI preferences (window, page, font size, idle lock), kept apart
        from the township's settings in the store."""
        return self.folder / UI_PREFERENCES_FILE

    def companions(self, database: Path | None = None) -> tuple[Path, ...]:
        """SQLite's -wal, -shm and -journal files of ``database`` (the store's by default)."""
        db = database or self.database
        return tuple(db.with_name(db.name + suffix) for suffix in SQLITE_SUFFIXES)


def database_path(directory: Path) -> Path:
    return StorePaths(directory).database
