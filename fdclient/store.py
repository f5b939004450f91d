"""Opening a store: the township's SQLite file, migrated and ready (ARCHITECTURE.md §3).

``open_store`` refuses a database written by a newer fdclient, backs the file up with
SQLite's online backup API before any migration, and upgrades it on the same connection.
A store that is already current opens without importing Alembic.
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from fdclient import migrations, paths
from fdclient.errors import StoreError, StoreExistsError, StoreNotFoundError, StoreTooNewError
from fdclient.models import LocalSetting, Township, local, new_id
from fdclient.models.db import make_engine, make_session_factory

#: Backups kept per store; older ones are removed after a successful new backup.
BACKUPS_KEPT = 5


@dataclass(frozen=True)
class StoreInfo:
    path: Path
    township_id: uuid.UUID
    township_code: str
    township_name: str
    schema_revision: str
    backup: Path | None


class Store:
    """An open store: its engine, a session factory and what it is for."""

    def __init__(self, engine: Engine, info: StoreInfo) -> None:
        self.engine = engine
        self.info = info
        self.sessions: sessionmaker[Session] = make_session_factory(engine)

    def session(self) -> Session:
        return self.sessions()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _stored_revision(db: Path) -> str | None:
    """The store's Alembic revision, read with plain sqlite3 (no Alembic import)."""
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            row = con.execute(
                "SELECT version_num FROM alembic_version"
                " WHERE EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'alembic_version')"
            ).fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"无法读取数据库文件 {db}：{_sqlite_reason(exc)}。请从备份恢复或联系县级信息科。") from exc
    return row[0] if row else None


def _sqlite_reason(exc: Exception) -> str:
    text = str(exc)
    if "not a database" in text or "malformed" in text:
        return "文件已损坏或不是 fdclient 数据库"
    if "locked" in text:
        return "数据库正被另一个程序使用"
    return text


def backup_database(db: Path, revision: str | None) -> Path:
    """Copy the live database with SQLite's online backup API into ``backups/``."""
    folder = db.parent / paths.BACKUP_DIR
    folder.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{db.stem}-{stamp}-rev{revision or 'none'}.db"
    src = sqlite3.connect(db)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    for old in sorted(folder.glob(f"{db.stem}-*.db"))[:-BACKUPS_KEPT]:
        old.unlink()
    return target


def _migrate(db: Path) -> tuple[Engine, str, Path | None]:
    revision = _stored_revision(db) if db.exists() else None
    if revision is not None and revision != migrations.SCHEMA_HEAD:
        if revision not in migrations.known_revisions():
            raise StoreTooNewError(
                f"数据库 {db} 由更新版本的 fdclient 创建（数据库结构版本 {revision}），"
                f"本程序只认识到版本 {migrations.SCHEMA_HEAD}。请先升级 fdclient，不要用旧版本打开它。"
            )
    engine = make_engine(db)
    backup = None
    if revision != migrations.SCHEMA_HEAD:
        if revision is not None:
            backup = backup_database(db, revision)
        try:
            with engine.begin() as conn:
                migrations.upgrade(conn)
        except DatabaseError as exc:
            engine.dispose()
            raise StoreError(f"升级数据库 {db} 失败：{_sqlite_reason(exc)}。数据未改动，备份在 {backup}。") from exc
    return engine, migrations.SCHEMA_HEAD, backup


def _read_info(engine: Engine, db: Path, revision: str, backup: Path | None) -> StoreInfo:
    with Session(engine) as session:
        setting = session.get(LocalSetting, local.TOWNSHIP_ID)
        township = session.get(Township, uuid.UUID(setting.value)) if setting else None
    if township is None:
        raise StoreError(f"数据库 {db} 没有记录所属乡镇，无法使用。请重新运行 fdclient init。")
    return StoreInfo(db, township.id, township.code, township.name, revision, backup)


def open_store(data_dir: Path) -> Store:
    """Open the store in ``data_dir``, migrating it when needed."""
    db = paths.database_path(data_dir)
    if not db.exists():
        raise StoreNotFoundError(
            f"在 {data_dir} 没有找到数据库。请先运行 “fdclient init --township 乡镇代码 --name 乡镇名称”"
            "，或运行 “fdclient demo” 生成演示数据。"
        )
    engine, revision, backup = _migrate(db)
    try:
        return Store(engine, _read_info(engine, db, revision, backup))
    except BaseException:
        engine.dispose()
        raise


def create_store(data_dir: Path, township_code: str, township_name: str, **township: str) -> Store:
    """A new, empty store for one township. Refuses to touch an existing store."""
    from fdclient.domain.geography import validate_township

    code, name = validate_township(township_code, township_name)
    db = paths.database_path(data_dir)
    if db.exists():
        raise StoreExistsError(f"{data_dir} 已经有数据库，不会覆盖它。要新建请换一个目录（--data-dir）。")
    data_dir.mkdir(parents=True, exist_ok=True)
    engine, revision, _ = _migrate(db)
    try:
        township_id = new_id()
        with Session(engine) as session, session.begin():
            session.add(Township(id=township_id, code=code, name=name, **township))
            session.add(LocalSetting(key=local.TOWNSHIP_ID, value=str(township_id)))
            session.add(LocalSetting(key=local.DEVICE_ID, value=str(new_id())))
        return Store(engine, StoreInfo(db, township_id, code, name, revision, None))
    except BaseException:
        engine.dispose()
        raise


def store_township(session: Session) -> Township:
    setting = session.get(LocalSetting, local.TOWNSHIP_ID)
    return session.scalars(select(Township).where(Township.id == uuid.UUID(setting.value))).one()
