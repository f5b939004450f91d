"""``fdclient export-roster`` as county IT scripts run it: exit status, messages, the
password from FDCLIENT_EXPORT_PASSWORD, refusals that leave nothing behind."""

from __future__ import annotations

import io
from pathlib import Path

import msoffcrypto
import openpyxl
import pytest
from helpers.roster_world import WEST, make_roster_world
from helpers.scene import PASSWORD, Template

from fdclient.cli import main
from fdclient.text import set_language


@pytest.fixture
def folder(scene_template: Template, tmp_path: Path) -> Path:
    """A copy of the scene with the roster world in it."""
    with scene_template.open(tmp_path / "data", user="doctor") as store, store.write() as session:
        make_roster_world(session)
    return tmp_path / "data"


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    folder: Path,
    *args: str,
    user: str = "doctor",
    env: dict[str, str] | None = None,
) -> tuple[int, str, str]:
    for name in ("FDCLIENT_USER", "FDCLIENT_EXPORT_PASSWORD", "FDCLIENT_LANG", "FDCLIENT_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FDCLIENT_PASSWORD", PASSWORD)
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    capsys.readouterr()
    try:
        code = main(["--data-dir", str(folder), "--user", user, "export-roster", *args])
    finally:
        set_language("zh_CN")
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_export_roster_writes_the_workbook_and_says_so(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, folder: Path, out: Path
) -> None:
    code, said, err = run(capsys, monkeypatch, folder, str(out / "花名册.xlsx"))
    assert (code, err) == (0, "")
    assert "已导出 4 位居民" in said and "3 张花名册表" in said and "花名册.xlsx" in said
    assert openpyxl.load_workbook(out / "花名册.xlsx").sheetnames == ["东村", "西村", "北村", "考核指标"]

    code, said, _ = run(capsys, monkeypatch, folder, str(out / "w.xlsx"), "--village", WEST, "--signed-only")
    assert code == 0 and "已导出 0 位居民" in said
    code, said, _ = run(capsys, monkeypatch, folder, str(out / "one.xlsx"), "--one-sheet")
    assert code == 0 and openpyxl.load_workbook(out / "one.xlsx").sheetnames == ["签约居民花名册", "考核指标"]


def test_password_comes_from_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, folder: Path, out: Path
) -> None:
    target = out / "locked.xlsx"
    env = {"FDCLIENT_EXPORT_PASSWORD": "u-disk-pass-2026"}
    code, said, _ = run(capsys, monkeypatch, folder, str(target), "--password", env=env)
    assert code == 0 and "加密" in said
    with open(target, "rb") as fh:
        office = msoffcrypto.OfficeFile(fh)
        office.load_key(password="u-disk-pass-2026")
        plain = io.BytesIO()
        office.decrypt(plain)
    assert openpyxl.load_workbook(plain).sheetnames[-1] == "考核指标"


def test_refusals_exit_2_with_a_message_and_write_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, folder: Path, out: Path
) -> None:
    target = str(out / "r.xlsx")
    # No terminal and no variable: no prompt, a clear message.
    code, _, err = run(capsys, monkeypatch, folder, target, "--password")
    assert code == 2 and "FDCLIENT_EXPORT_PASSWORD" in err
    code, _, err = run(capsys, monkeypatch, folder, target, "--password", env={"FDCLIENT_EXPORT_PASSWORD": "123"})
    assert code == 2 and "密码太短" in err
    code, _, err = run(capsys, monkeypatch, folder, target, user="admin")
    assert code == 2 and "导出" in err
    code, _, err = run(capsys, monkeypatch, folder, target, "--village", "360111101999")
    assert code == 2 and "360111101999" in err
    assert list(out.iterdir()) == []
