"""The program's log: ``DATA_DIR/logs/fdclient.log``, rotated, private, and never holding
a resident's data.

Records are written by a rotating handler (5 files of 1 MB) that creates its files 0600.
An internal error is logged as the exception types and the code locations of the chain,
without the exceptions' messages: a message may quote SQL parameters or a field value
(a name, an ID number), and the log outlives the session. When the data folder cannot
hold a log, the platform's user log folder does; never a fixed name in the temp folder.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import secrets
import sys
import traceback
from pathlib import Path
from types import TracebackType

from fdclient import __version__
from fdclient.paths import APP_NAME, StorePaths
from fdclient.store import files

LOG_FILE = "fdclient.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 4
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files are created 0600 whatever the umask."""

    def _open(self):  # type: ignore[no-untyped-def]  # noqa: ANN202 - logging's signature
        fd = os.open(self.baseFilename, os.O_CREAT | os.O_WRONLY | os.O_APPEND, files.FILE_MODE)
        if sys.platform != "win32":
            os.fchmod(fd, files.FILE_MODE)
        return os.fdopen(fd, "a", encoding=self.encoding or "utf-8", errors=self.errors)

    def doRollover(self) -> None:  # noqa: N802 - logging's name
        super().doRollover()
        for n in range(1, self.backupCount + 1):
            rotated = Path(f"{self.baseFilename}.{n}")
            if rotated.exists() and sys.platform != "win32":
                os.chmod(rotated, files.FILE_MODE)


def log_folder(data_dir: Path | None) -> Path | None:
    """The folder for the log: the data folder's ``logs/``, else the user log folder."""
    candidates: list[Path] = []
    if data_dir is not None:
        candidates.append(StorePaths(data_dir).logs)
    from platformdirs import user_log_dir

    candidates.append(Path(user_log_dir(APP_NAME, appauthor=False)))
    for folder in candidates:
        try:
            files.make_private_folder(folder)
        except Exception:  # noqa: BLE001 - try the next place
            continue
        if os.access(folder, os.W_OK):
            return folder
    return None


def setup_logging(data_dir: Path | None, *, level: int = logging.INFO) -> Path | None:
    """Log to the data folder's rotating log; returns its path (None: nowhere to log)."""
    folder = log_folder(data_dir)
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, PrivateRotatingFileHandler):
            root.removeHandler(handler)
            handler.close()
    if folder is None:
        return None
    path = folder / LOG_FILE
    try:
        handler = PrivateRotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
    root.setLevel(min(root.level or level, level))
    return path


def describe_failure(exc: BaseException) -> str:
    """The exception chain as types and code locations only (no messages, no values)."""
    lines: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        code = getattr(current, "sqlite_errorcode", None) or getattr(
            getattr(current, "orig", None), "sqlite_errorcode", None
        )
        kind = f"{type(current).__module__}.{type(current).__qualname__}"
        lines.append(kind + (f" (SQLite result code {code})" if code else ""))
        tb: TracebackType | None = current.__traceback__
        for frame in traceback.extract_tb(tb):
            lines.append(f"  {frame.filename}:{frame.lineno} in {frame.name}")
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
        if current is not None:
            lines.append("caused by / during:")
    return "\n".join(lines)


def log_internal_error(exc: BaseException, command: str) -> str:
    """Log an internal error of ``command``; returns an incident number the user can quote."""
    incident = secrets.token_hex(4)
    logging.getLogger("fdclient").error(
        "internal error %s in fdclient %s (command: %s)\n%s", incident, __version__, command, describe_failure(exc)
    )
    return incident
