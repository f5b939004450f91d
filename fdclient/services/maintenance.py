"""Backups the user asks for (``fdclient backup OUT``, the GUI's backup action)."""

from __future__ import annotations

from pathlib import Path

from fdclient.domain.codes import AuditAction
from fdclient.domain.roles import Permission
from fdclient.store import Store, backups, failures, files
from fdclient.store.audit_trail import record_event
from fdclient.store.context import require
from fdclient.store.signin import read_keyring


def backup_to(store: Store, output: Path) -> Path:
    """Back the store up into ``output`` (a file, or an existing folder to put one in);
    the backup is encrypted like the store and opens with the passwords of today."""
    with store.read() as session:
        require(session, Permission.BACKUP)
    now = store.clock.now()
    name = backups.backup_name(store.info.township_code, now, "manual")
    target = output / name if output.is_dir() else output
    if target.suffix != backups.SUFFIX and not output.is_dir():
        target = target.with_name(target.name + backups.SUFFIX)
    files.make_private_folder(target.parent) if not target.parent.exists() else None
    manifest = backups.Manifest(
        now,
        "manual",
        store.info.township_code,
        store.info.township_name,
        store.info.schema_revision,
        read_keyring(store.paths).store_id,
    )
    with failures.database_errors(store.paths):
        backups.backup_store(store.engine, store.key, store.paths, manifest, target)
    with store.write() as session:
        record_event(session, AuditAction.BACKUP, "store", {"file": target.name, "reason": "manual"})
    return target.resolve()
