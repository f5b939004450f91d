"""Every failure a plain message with the right exit status: 2 bad input, 3 a store that
cannot be used, 1 a failed check, 130 cancelled; never a traceback, never Qt by mistake,
in English with --lang en; damage messages name the restore command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from helpers.cli import Run
from helpers.disks import remount_read_only, tmpfs
from helpers.scene import PASSWORD


def fdclient(*args: str, env: dict[str, str] | None = None, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "fdclient", *args],
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )  # type: ignore[call-overload]


def test_an_unknown_global_option_is_a_usage_error_and_never_starts_qt(tmp_path: Path) -> None:
    child = fdclient("--data-dir", str(tmp_path), "--bogus", env={"QT_QPA_PLATFORM": "offscreen"})
    out, err = child.communicate(timeout=60)
    assert child.returncode == 2
    assert "无法识别的参数" in err and "--bogus" in err and "Traceback" not in err


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_dates_out_of_range_are_usage_errors(run: Run, folder: Path, date: str) -> None:
    result = run(folder, "stats", "--as-of", date, user="doctor")
    assert result.code == 2 and "超出范围" in result.err


def test_a_malformed_date_is_a_usage_error(run: Run, folder: Path) -> None:
    result = run(folder, "stats", "--as-of", "2026-02-30", user="doctor")
    assert result.code == 2 and "YYYY-MM-DD" in result.err


def test_lang_en_is_honoured_in_errors(run: Run, folder: Path, tmp_path: Path) -> None:
    missing = run(tmp_path / "empty", "--lang", "en", "stats", user="admin")
    assert missing.code == 3 and missing.err.startswith("Error: No store in")
    wrong = run(folder, "--lang", "en", "stats", user="doctor", password="wrong-password")
    assert wrong.code == 2 and "Wrong user name or password" in wrong.err
    usage = run(folder, "--lang", "en", "stats", "--as-of", "0001-01-01", user="doctor")
    assert usage.code == 2 and "out of range" in usage.err and "参数" not in usage.err
    by_env = run(folder, "stats", user="doctor", password="wrong-password", env={"FDCLIENT_LANG": "en"})
    assert "Wrong user name or password" in by_env.err


def test_a_data_folder_that_is_a_link_loop_or_an_unknown_home(run: Run, tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    loop = run(tmp_path / "a" / "data", "stats", user="admin")
    assert loop.code == 2 and "循环" in loop.err
    home = run(Path("~no-such-user-fdclient/data"), "stats", user="admin")
    assert home.code == 2 and "~" in home.err


def test_a_data_folder_that_is_a_file_is_a_plain_message(run: Run, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run(blocker / "store", "init", "--township", "360111101", "--name", "罗家镇")
    assert result.code in (1, 3) and "Traceback" not in result.err and str(blocker) in result.err


def damage(folder: Path, *, truncate: bool = False) -> None:
    """Truncate the store, or garble the page holding the residents table (which every
    count of the indicators reads)."""
    db = folder / "fdclient.db"
    if truncate:
        data = db.read_bytes()
        db.write_bytes(data[: len(data) // 2 + 100])
        return
    from fdclient.store import sign_in
    from fdclient.store.engine import make_engine

    engine = make_engine(db, sign_in(folder, "admin", PASSWORD))
    with engine.connect() as conn:
        page_size = conn.exec_driver_sql("PRAGMA cipher_page_size").scalar_one()
        root = conn.exec_driver_sql("SELECT rootpage FROM sqlite_master WHERE name = 'residents'").scalar_one()
    engine.dispose()
    data = bytearray(db.read_bytes())
    start = (int(root) - 1) * int(page_size)
    data[start + 100 : start + 400] = os.urandom(300)
    db.write_bytes(bytes(data))


@pytest.mark.parametrize("truncate", [False, True], ids=["damaged-page", "truncated"])
def test_check_reports_damage_with_the_restore_command_and_fails(run: Run, folder: Path, truncate: bool) -> None:
    assert run(folder, "backup", str(folder / "backups"), user="doctor").code == 0
    damage(folder, truncate=truncate)
    result = run(folder, "check", user="nurse")
    assert result.code == 1, result.err
    assert "检查未通过" in result.out and "fdclient --data-dir" in result.out and "restore" in result.out
    assert "内部错误" not in result.err


def test_stats_on_a_damaged_file_refuses_instead_of_printing_figures(run: Run, folder: Path) -> None:
    damage(folder)
    result = run(folder, "stats", user="doctor")
    assert result.code == 3 and "已损坏" in result.err and "restore" in result.err
    assert result.out == ""


def test_a_file_that_is_not_a_store_at_all(run: Run, folder: Path) -> None:
    (folder / "fdclient.db").write_bytes(b"this is not a database" * 500)
    result = run(folder, "stats", user="doctor")
    assert result.code == 3 and "已损坏" in result.err


def test_an_internal_error_says_so_plainly_and_logs_no_values(run: Run, folder: Path, tmp_path: Path) -> None:
    from helpers.scene import Template  # noqa: F401 - documentation of where the folder comes from

    from fdclient.store import open_store, sign_in

    with open_store(folder, sign_in(folder, "admin", PASSWORD), daily_backup=False) as store:
        with store.write() as session:  # a hand-edited setting the program cannot read
            session.connection().exec_driver_sql(
                "UPDATE local_settings SET value = '\"张三丰-11010519491231002X\"' WHERE key = 'device_id'"
            )
    result = run(folder, "stats", user="doctor")
    assert result.code == 1
    assert "程序内部错误" in result.err and "编号" in result.err
    assert "张三丰" not in result.err and "11010519491231002X" not in result.err
    log = (folder / "logs" / "fdclient.log").read_text(encoding="utf-8")
    incident = result.err.split("编号 ")[1].split("）")[0]
    assert incident in log and "张三丰" not in log and "11010519491231002X" not in log
    assert oct((folder / "logs" / "fdclient.log").stat().st_mode & 0o777) == "0o600"
    assert not (Path(tempfile.gettempdir()) / "fdclient-errors.log").exists()


def test_ctrl_c_during_a_demo_cancels_cleanly_and_leaves_no_dead_end(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    env = {"FDCLIENT_PASSWORD": PASSWORD, "FDCLIENT_USER": "admin"}
    child = fdclient("--data-dir", str(folder), "demo", "--villages", "20", "--households", "20000", env=env)
    time.sleep(2.5)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=120)
    assert child.returncode == 130, err
    assert "已取消" in err and "Traceback" not in err and "内部错误" not in err
    assert not (folder / "fdclient.db").exists()
    again = fdclient("--data-dir", str(folder), "init", "--township", "360111101", "--name", "罗家镇", env=env)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert not [p for p in folder.iterdir() if p.name.startswith(".partial")]


def test_a_full_disk_is_a_plain_message_and_leaves_no_store(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "tiny", 512) as disk:
        env = {"FDCLIENT_PASSWORD": PASSWORD}
        child = fdclient("--data-dir", str(disk / "data"), "demo", "--villages", "2", "--households", "400", env=env)
        out, err = child.communicate(timeout=120)
        assert child.returncode == 3, err
        assert "磁盘空间已满" in err and "Traceback" not in err
        assert "INSERT" not in err and "parameters" not in err
        assert not (disk / "data" / "fdclient.db").exists()


def test_a_read_only_disk_is_a_plain_message(tmp_path: Path, scene_template: object) -> None:
    from helpers.scene import Template

    assert isinstance(scene_template, Template)
    with tmpfs(tmp_path / "ro", 20_000) as disk:
        scene_template.copy(disk / "data")
        remount_read_only(disk)
        child = fdclient(
            "--data-dir", str(disk / "data"), "--user", "doctor", "stats", env={"FDCLIENT_PASSWORD": PASSWORD}
        )
        out, err = child.communicate(timeout=120)
        assert child.returncode == 3, err
        assert "只读" in err and "Traceback" not in err
