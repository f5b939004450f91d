"""The commands county IT scripts call: init, stats, check, backup, restore, audit, user, settings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers.cli import Run
from helpers.scene import PASSWORD

from fdclient import __version__


def test_version(run: Run) -> None:
    result = run(None, "--version")
    assert result.code == 0 and result.out.strip() == f"fdclient {__version__}"


def test_init_creates_an_encrypted_store_with_its_administrator(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "new"
    result = run(folder, "init", "--township", "360111101", "--name", "罗家镇", "--admin", "zhouadmin")
    assert result.code == 0, result.err
    assert "罗家镇" in result.out and "zhouadmin" in result.out
    assert not (folder / "fdclient.db").read_bytes().startswith(b"SQLite format 3")
    assert run(folder, "stats", user="zhouadmin").code == 0
    again = run(folder, "init", "--township", "360111101", "--name", "罗家镇")
    assert again.code == 3 and again.err.startswith("错误：") and "已经有数据库" in again.err


def test_init_without_a_password_in_a_script_is_refused(run: Run, tmp_path: Path) -> None:
    result = run(tmp_path / "new", "init", "--township", "360111101", "--name", "罗家镇", password=None)
    assert result.code == 2 and "FDCLIENT_PASSWORD" in result.err
    assert not (tmp_path / "new" / "fdclient.db").exists()


def test_init_with_a_bad_code_says_what_is_expected(run: Run, tmp_path: Path) -> None:
    result = run(tmp_path / "new", "init", "--township", "3601", "--name", "罗家镇")
    assert result.code == 2 and "9 位数字" in result.err and "Traceback" not in result.err


def test_commands_on_a_missing_store_explain_what_to_do(run: Run, tmp_path: Path) -> None:
    for command in ("stats", "check", "audit", "backup"):
        args = (command, str(tmp_path / "out")) if command == "backup" else (command,)
        result = run(tmp_path / "empty", *args, user="admin")
        assert result.code == 3, (command, result.err)
        assert "fdclient init" in result.err


def test_every_command_needs_a_user_and_the_right_password(run: Run, folder: Path) -> None:
    missing = run(folder, "stats")
    assert missing.code == 2 and "--user" in missing.err
    wrong = run(folder, "stats", user="doctor", password="not-the-password")
    assert wrong.code == 2 and "用户名或密码不正确" in wrong.err
    no_password = run(folder, "stats", user="doctor", password=None)
    assert no_password.code == 2 and "FDCLIENT_PASSWORD" in no_password.err
    from_env = run(folder, "stats", password=PASSWORD, env={"FDCLIENT_USER": "doctor"})
    assert from_env.code == 0, from_env.err
    after_command = run(folder, "stats", "--user", "doctor")
    assert after_command.code == 0, after_command.err


def test_stats_json_keeps_its_keys(run: Run, folder: Path) -> None:
    result = run(folder, "stats", "--json", "--as-of", "2026-06-01", user="nurse")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert {"format", "as_of", "township_code", "township_name", "villages"} <= set(report)


def test_check_passes_and_writes_nothing(run: Run, folder: Path) -> None:
    before = sorted(p.name for p in folder.iterdir())
    result = run(folder, "check", user="nurse")
    assert result.code == 0, result.err
    assert "检查通过" in result.out
    assert sorted(p.name for p in folder.iterdir() if p.name not in {".lock", "logs"}) == [
        n for n in before if n not in {".lock", "logs"}
    ]


def test_backup_then_restore_from_the_command_line(run: Run, folder: Path, tmp_path: Path) -> None:
    backup = run(folder, "backup", str(tmp_path / "usb.fdbackup"), user="doctor")
    assert backup.code == 0, backup.err
    assert "fdclient restore" in backup.out
    refused = run(folder, "restore", str(tmp_path / "usb.fdbackup"), user="doctor")
    assert refused.code == 2 and "只有管理员" in refused.err
    restored = run(folder, "restore", str(tmp_path / "usb.fdbackup"), user="admin")
    assert restored.code == 0, restored.err
    assert "恢复前的数据库另存为" in restored.out
    audit = run(folder, "audit", "--json", user="admin")
    actions = [entry["action"] for entry in json.loads(audit.out)]
    assert actions[:2] == ["sign_in", "restore"]  # the restored store predates its own backup event


def test_restore_of_a_garbage_file_changes_nothing(run: Run, folder: Path, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.fdbackup"
    garbage.write_bytes(b"not a backup at all" * 100)
    before = (folder / "fdclient.db").read_bytes()
    result = run(folder, "restore", str(garbage), user="admin")
    assert result.code == 2 and "不是 fdclient 备份文件" in result.err
    assert (folder / "fdclient.db").read_bytes() == before


def test_audit_lists_sign_ins_with_its_json_keys_and_filters(run: Run, folder: Path) -> None:
    assert run(folder, "stats", user="doctor").code == 0
    assert run(folder, "stats", user="nurse", password="wrong-password").code == 2
    result = run(folder, "audit", "--json", "--since", "2000-01-01", user="admin")
    assert result.code == 0, result.err
    entries = json.loads(result.out)
    assert set(entries[0]) == {
        "at",
        "user",
        "staff_name",
        "device_id",
        "action",
        "table",
        "row_id",
        "subject_id",
        "changes",
    }
    failed = [e for e in entries if e["action"] == "sign_in_failed"]
    assert [e["changes"]["username"] for e in failed] == ["nurse"]
    only_doctor = json.loads(run(folder, "audit", "--json", "--user", "doctor", user="admin").out)
    assert only_doctor and all(e["user"] == "doctor" or e["changes"].get("username") == "doctor" for e in only_doctor)
    text = run(folder, "audit", "--limit", "3", user="admin")
    assert text.code == 0 and len(text.out.strip().splitlines()) == 3
    assert run(folder, "audit", user="doctor").code == 2  # not an administrator
    unknown = run(folder, "audit", "--resident", "11010519491231002X", user="admin")
    assert unknown.code == 2 and "没有身份证号" in unknown.err


def test_user_add_passwd_disable(run: Run, folder: Path) -> None:
    added = run(
        folder,
        "user",
        "add",
        "wangli",
        "--role",
        "nurse",
        "--staff-name",
        "王丽",
        user="admin",
        env={"FDCLIENT_NEW_PASSWORD": "wangli-pass-1"},
    )
    assert added.code == 0, added.err
    assert run(folder, "stats", user="wangli", password="wangli-pass-1").code == 0
    changed = run(folder, "user", "passwd", "wangli", user="admin", env={"FDCLIENT_NEW_PASSWORD": "wangli-pass-2"})
    assert changed.code == 0, changed.err
    assert run(folder, "stats", user="wangli", password="wangli-pass-1").code == 2
    assert run(folder, "stats", user="wangli", password="wangli-pass-2").code == 0
    own = run(
        folder,
        "user",
        "passwd",
        "wangli",
        user="wangli",
        password="wangli-pass-2",
        env={"FDCLIENT_NEW_PASSWORD": "wangli-pass-3"},
    )
    assert own.code == 0, own.err  # everyone may change their own password
    other = run(
        folder,
        "user",
        "passwd",
        "doctor",
        user="wangli",
        password="wangli-pass-3",
        env={"FDCLIENT_NEW_PASSWORD": "doctor-pass-9"},
    )
    assert other.code == 2 and "没有" in other.err
    disabled = run(folder, "user", "disable", "wangli", user="admin")
    assert disabled.code == 0, disabled.err
    assert run(folder, "stats", user="wangli", password="wangli-pass-3").code == 2
    listing = run(folder, "user", "list", user="admin")
    assert "wangli" in listing.out and "已停用" in listing.out
    last_admin = run(folder, "user", "disable", "admin", user="admin")
    assert last_admin.code == 2 and "最后一个管理员" in last_admin.err
    short = run(folder, "user", "add", "li", "--role", "doctor", user="admin", env={"FDCLIENT_NEW_PASSWORD": "short"})
    assert short.code == 2 and "至少 8" in short.err


def test_python_dash_m_runs_without_heavy_imports(folder: Path) -> None:
    code = (
        "import json, os, sys, runpy\n"
        "sys.argv = ['fdclient', '--data-dir', sys.argv[1], '--user', 'nurse', 'check']\n"
        "try:\n    runpy.run_module('fdclient', run_name='__main__')\nexcept SystemExit as e:\n"
        "    heavy = [m for m in ('PySide6', 'reportlab', 'openpyxl') if m in sys.modules]\n"
        "    print(json.dumps({'code': e.code, 'heavy': heavy}))"
    )
    import os

    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "FDCLIENT_PASSWORD": PASSWORD}
    result = subprocess.run(
        [sys.executable, "-c", code, str(folder)], capture_output=True, text=True, env=env, check=True
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"code": 0, "heavy": []}, result.stdout + result.stderr


def test_settings_are_listed_and_changed_by_administrators_only(run: Run, folder: Path) -> None:
    listed = run(folder, "settings", "--json", user="doctor")
    assert listed.code == 0, listed.err
    by_key = {s["key"]: s for s in json.loads(listed.out)}
    assert by_key["contract_default_term_years"]["value"] == 1
    assert by_key["contract_default_term_years"]["choices"] == [1, 2, 3]
    assert by_key["contract_renewal_opens_days"]["bounds"] == [0, 365]
    refused = run(folder, "settings", "set", "contract_default_term_years", "3", user="doctor")
    assert refused.code == 2 and "没有“修改乡镇设置、村和服务包”的权限" in refused.err
    changed = run(folder, "settings", "set", "contract_default_term_years", "3", user="admin")
    assert changed.code == 0, changed.err
    assert "默认签约期限" in changed.out
    bad = run(folder, "settings", "set", "contract_default_term_years", "三年", user="admin")
    assert bad.code == 2 and "整数" in bad.err
    out_of_range = run(folder, "settings", "set", "contract_renewal_opens_days", "400", user="admin")
    assert out_of_range.code == 2 and "0 到 365" in out_of_range.err
    unknown = run(folder, "settings", "set", "no_such_setting", "1", user="admin")
    assert unknown.code == 2 and "bp_target" in unknown.err
    text = run(folder, "settings", user="doctor")
    assert text.code == 0 and "contract_default_term_years" in text.out
    now = {s["key"]: s["value"] for s in json.loads(run(folder, "settings", "--json", user="doctor").out)}
    assert now["contract_default_term_years"] == 3 and now["contract_renewal_opens_days"] == 90
    audit = json.loads(run(folder, "audit", "--json", user="admin").out)
    assert any(
        e["table"] == "township_settings" and e["changes"].get("key") == "contract_default_term_years" for e in audit
    )
