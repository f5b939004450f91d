"""Creating a store is one step: complete and in place, or nothing (and no dead end)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers.scene import CLOCK, PASSWORD, TOWNSHIP_CODE, TOWNSHIP_NAME, Template

from fdclient.errors import FdError, StoreExistsError, ValidationError
from fdclient.paths import StorePaths
from fdclient.store import Store, create_store, open_store, sign_in
from fdclient.store.files import finish_swap


def entries(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def create(folder: Path, **kwargs: object) -> Store:
    return create_store(
        folder, TOWNSHIP_CODE, TOWNSHIP_NAME, admin_username="admin", admin_password=PASSWORD, clock=CLOCK, **kwargs
    )  # type: ignore[arg-type]


def test_a_new_store_has_its_township_administrator_and_key_file(tmp_path: Path) -> None:
    with create(tmp_path / "s") as store:
        assert store.info.township_code == TOWNSHIP_CODE
        assert store.actor is not None and store.actor.username == "admin"
    assert {"fdclient.db", "keyring.json"} <= entries(tmp_path / "s")
    assert not [n for n in entries(tmp_path / "s") if n.startswith(".partial")]


def test_a_failure_while_building_leaves_no_store_and_no_partial_file(tmp_path: Path) -> None:
    folder = tmp_path / "s"

    def populate(_store: Store) -> None:
        raise RuntimeError("the machine died here")

    with pytest.raises(RuntimeError):
        create(folder, populate=populate)
    assert entries(folder) <= {".lock", "logs"}
    create(folder).close()  # and the next attempt simply works


def test_a_row_the_database_refuses_while_building_leaves_nothing_behind(tmp_path: Path) -> None:
    folder = tmp_path / "s"

    def populate(store: Store) -> None:  # a CHECK refuses this village code
        with store.write() as session:
            session.connection().exec_driver_sql(
                "INSERT INTO villages (id, township_id, code, name, record_segment, created_at, updated_at)"
                " SELECT 'x', id, '36011110120A', '某村', '101', '2026-01-01', '2026-01-01' FROM townships"
            )

    with pytest.raises(FdError, match="ck_villages"):
        create(folder, populate=populate)
    assert "fdclient.db" not in entries(folder) and "keyring.json" not in entries(folder)
    create(folder).close()


def test_a_township_code_in_another_script_s_digits_is_read_as_digits(tmp_path: Path) -> None:
    with create_store(tmp_path / "s", "٣٦٠١١١١٠١", "罗家镇", admin_username="admin", admin_password=PASSWORD) as store:
        assert store.info.township_code == "360111101"


def test_an_existing_store_is_never_overwritten(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    create(folder).close()
    before = (folder / "fdclient.db").read_bytes(), (folder / "keyring.json").read_bytes()
    with pytest.raises(StoreExistsError, match="已经有数据库"):
        create(folder)
    assert ((folder / "fdclient.db").read_bytes(), (folder / "keyring.json").read_bytes()) == before


@pytest.mark.parametrize("code", ["36011110", "3601111011", "36011110A", ""])
def test_a_bad_township_code_is_refused_before_anything_is_written(tmp_path: Path, code: str) -> None:
    with pytest.raises(ValidationError, match="乡镇代码"):
        create_store(tmp_path / "s", code, "罗家镇", admin_username="admin", admin_password=PASSWORD)
    assert "fdclient.db" not in entries(tmp_path / "s")


def test_a_short_password_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="至少 8"):
        create_store(tmp_path / "s", TOWNSHIP_CODE, TOWNSHIP_NAME, admin_username="admin", admin_password="short")


KILLED_BUILD = """
import sys, time
from pathlib import Path
from fdclient.store import create_store
def populate(store):
    print("building", flush=True)
    time.sleep(60)
create_store(Path(sys.argv[1]), "360111101", "罗家镇", admin_username="admin", admin_password="test-password-1",
             populate=populate)
"""


def test_a_build_killed_half_way_leaves_no_store_and_the_next_one_cleans_up(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    child = subprocess.Popen([sys.executable, "-c", KILLED_BUILD, str(folder)], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "building"
    time.sleep(0.1)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    left = entries(folder)
    assert "fdclient.db" not in left and "keyring.json" not in left
    assert any(name.startswith(".partial") for name in left)  # what the crash left behind
    create(folder).close()
    assert not [n for n in entries(folder) if n.startswith(".partial")]
    with open_store(folder, sign_in(folder, "admin", PASSWORD), daily_backup=False) as store:
        assert store.info.township_name == TOWNSHIP_NAME


def test_a_swap_interrupted_after_its_journal_is_finished_by_the_next_open(
    scene_template: Template, tmp_path: Path
) -> None:
    folder = scene_template.copy(tmp_path / "s")
    paths = StorePaths(folder)
    # Pretend a restore had written its journal and died before renaming: the "new" files
    # are the template's own, moved aside under partial names.
    os.replace(paths.database, folder / ".partial-restore-x-fdclient.db")
    os.replace(paths.keyring, folder / ".partial-restore-x-keyring.json")
    (folder / "fdclient.db-wal").write_bytes(b"stale pages of an older store")
    journal_only = [
        (folder / ".partial-restore-x-fdclient.db", paths.database),
        (folder / ".partial-restore-x-keyring.json", paths.keyring),
    ]
    (folder / ".swap.json").write_text(
        json.dumps(
            {
                "moves": [[s.name, t.name] for s, t in journal_only],
                "removals": ["fdclient.db-wal", "fdclient.db-shm"],
            }
        )
    )
    key = sign_in(folder, "admin", PASSWORD)  # the next open finishes the swap first
    with open_store(folder, key, daily_backup=False) as store:
        assert store.info.township_code == TOWNSHIP_CODE
    assert not (folder / ".swap.json").exists() and not finish_swap(paths)
