"""Where a store lives: ``--data-dir``, else ``FDCLIENT_DATA_DIR``, else the platform's
user data folder (``platformdirs``)."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "fdclient"
DATABASE_FILE = "fdclient.db"
BACKUP_DIR = "backups"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    if override:
        return Path(override).expanduser().resolve()
    env = os.environ.get("FDCLIENT_DATA_DIR")
    if env:
        return Path(env).expanduser().resolve()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def database_path(directory: Path) -> Path:
    return directory / DATABASE_FILE
