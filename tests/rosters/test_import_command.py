"""``fdclient import-roster`` as county IT scripts call it: exit statuses, the JSON object,
the errors workbook (read back with openpyxl and LibreOffice), a file that is not a roster,
and the role."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import messy_roster as mr
from helpers.cli import Result
from helpers.scene import PASSWORD, Template
from sqlalchemy import func, select

from fdclient.cli import main
from fdclient.models import AuditEntry, Resident
from fdclient.rosters.errors_workbook import REASON_HEADER, ROW_HEADER
from fdclient.rosters.import_summary import JSON_KEYS
from fdclient.store import open_store
from fdclient.text import set_language


@pytest.fixture
def folder(scene_template: Template, tmp_path: Path) -> Path:
    """A copy of the scene's store with the messy roster's villages, team and packages."""
    data = scene_template.copy(tmp_path / "data")
    with open_store(data, scene_template.keys["doctor"], daily_backup=False) as store:
        mr.prepare_store(store)
    return data


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    return mr.write_messy_roster(tmp_path / "花名册.xlsx")


def run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, folder: Path, *args: str, user: str
) -> Result:
    for name in ("FDCLIENT_USER", "FDCLIENT_LANG", "FDCLIENT_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FDCLIENT_PASSWORD", PASSWORD)
    capsys.readouterr()
    try:
        code = main(["--data-dir", str(folder), "--user", user, *args])
    finally:
        set_language("zh_CN")
    out = capsys.readouterr()
    return Result(code, out.out, out.err)


def residents(folder: Path, scene_template: Template) -> tuple[int, int]:
    """Residents and import events in the store."""
    with open_store(folder, scene_template.keys["doctor"], daily_backup=False) as store, store.read() as session:
        count = session.scalar(select(func.count()).select_from(Resident)) or 0
        events = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "import"))
        return count, events or 0


def test_json_has_exactly_the_keys_and_rejected_rows_exit_3(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, folder: Path, roster: Path, tmp_path: Path
) -> None:
    errors = tmp_path / "不合格.xlsx"
    result = run(
        capsys, monkeypatch, folder, "import-roster", str(roster), "--json", "--errors", str(errors), user="doctor"
    )
    assert result.code == 3, result.err
    report = json.loads(result.out)
    assert tuple(report) == JSON_KEYS
    assert report["read"] == mr.EXPECTED.read and report["rejected"] == mr.EXPECTED.rejected
    assert report["contracts_created"] == mr.EXPECTED.contracts_created
    assert all(set(e) == {"row", "column", "message"} for e in report["errors"])
    assert {e["row"] for e in report["errors"]} == set(mr.REJECTED_ROWS)
    assert all(isinstance(e["message"], str) and e["message"] for e in report["errors"])


def test_the_errors_workbook_repeats_each_rejected_row_with_its_reason(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, folder: Path, roster: Path, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    errors = tmp_path / "不合格.xlsx"
    result = run(capsys, monkeypatch, folder, "import-roster", str(roster), "--errors", str(errors), user="doctor")
    assert result.code == 3
    assert "读取 14 行" in result.out and "新建村" in result.out and str(errors) in result.out
    sheet = load_workbook(errors).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (*mr.HEADERS, ROW_HEADER, REASON_HEADER)
    assert [r[-2] for r in rows[1:]] == list(mr.REJECTED_ROWS)
    by_row = {r[-2]: r for r in rows[1:]}
    id_column = mr.HEADERS.index("公民身份号码")
    assert by_row[15][id_column] == mr.BAD_CHECK  # as text, every digit kept
    assert by_row[15][mr.HEADERS.index("居民姓名")] == "周八"
    assert "校验位" in by_row[15][-1] and by_row[15][-1].startswith("公民身份号码：")
    assert "文本" in by_row[14][-1] and "豪华包" in by_row[17][-1]
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    env = {**os.environ, "HOME": str(tmp_path)}
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(tmp_path),
            str(errors),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env=env,
    )
    text = (tmp_path / "不合格.csv").read_text(encoding="utf-8")
    assert mr.BAD_CHECK in text and "原因" in text and "豪华包" in text


def test_a_file_that_is_not_a_roster_exits_2_and_writes_nothing(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    folder: Path,
    tmp_path: Path,
    scene_template: Template,
) -> None:
    garbage = tmp_path / "花名册.xlsx"
    garbage.write_bytes(os.urandom(4096))
    before = residents(folder, scene_template)
    errors = tmp_path / "errors.xlsx"
    result = run(capsys, monkeypatch, folder, "import-roster", str(garbage), "--errors", str(errors), user="doctor")
    assert result.code == 2
    assert "无法读取花名册" in result.err and "没有导入任何数据" in result.err
    assert residents(folder, scene_template) == before and not errors.exists()
    truncated = tmp_path / "cut.xlsx"
    truncated.write_bytes(mr.write_messy_roster(tmp_path / "whole.xlsx").read_bytes()[:3000])
    assert run(capsys, monkeypatch, folder, "import-roster", str(truncated), user="doctor").code == 2
    missing = run(capsys, monkeypatch, folder, "import-roster", str(tmp_path / "nothing.xlsx"), user="doctor")
    assert missing.code == 2 and "不存在" in missing.err
    assert residents(folder, scene_template) == before


def test_dry_run_and_strict_write_nothing(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    folder: Path,
    roster: Path,
    scene_template: Template,
) -> None:
    before = residents(folder, scene_template)
    dry = run(capsys, monkeypatch, folder, "import-roster", str(roster), "--dry-run", "--json", user="doctor")
    assert dry.code == 3 and json.loads(dry.out)["created"] == mr.EXPECTED.created
    strict = run(capsys, monkeypatch, folder, "import-roster", str(roster), "--strict", user="doctor")
    assert strict.code == 3 and "没有写入数据库" in strict.out
    assert residents(folder, scene_template) == before


def test_a_nurse_may_not_import(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, folder: Path, roster: Path
) -> None:
    result = run(capsys, monkeypatch, folder, "import-roster", str(roster), user="nurse")
    assert result.code == 2 and "导入花名册" in result.err
