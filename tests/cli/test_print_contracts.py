"""``fdclient print-contracts`` and ``fdclient print-worklist`` end to end, on a copy of the
scene's store with signed households: the PDFs, the messages and exit statuses, and that
a refused run writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.cli import Run
from helpers.print_world import PrintWorld, make_print_world, pdfinfo, pdftotext
from helpers.scene import CLOCK, Template
from sqlalchemy import func, select

from fdclient.domain.codes import AuditAction
from fdclient.domain.identity import mask_id_number
from fdclient.models import AuditEntry
from fdclient.store import open_store


@pytest.fixture
def world(folder: Path, scene_template: Template) -> PrintWorld:
    with open_store(folder, scene_template.keys["doctor"], clock=CLOCK, daily_backup=False) as store:
        return make_print_world(store)


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    (tmp_path / "out").mkdir()
    return tmp_path / "out"


def _prints(folder: Path, scene_template: Template) -> int:
    with (
        open_store(folder, scene_template.keys["doctor"], clock=CLOCK, daily_backup=False) as store,
        store.read() as session,
    ):
        return int(session.scalar(select(func.count()).where(AuditEntry.action == AuditAction.PRINT)) or 0)


def test_a_village_s_contracts_and_one_contract(run: Run, folder: Path, world: PrintWorld, out_dir: Path) -> None:
    out = out_dir / "罗家村协议书.pdf"
    result = run(folder, "print-contracts", str(out), "--village", world.village_code, user="doctor")
    assert result.code == 0, result.err
    assert "已生成 2 份签约服务协议书" in result.out and str(out) in result.out
    text = pdftotext(out)
    assert world.signed_with_pad in text and world.signed_by_hand in text and "王五" in text
    one = run(folder, "print-contracts", str(out_dir / "one.pdf"), "--contract", world.signed_by_hand, user="nurse")
    assert one.code == 0 and "已生成 1 份" in one.out
    assert int(pdfinfo(out_dir / "one.pdf")["Pages"]) % 2 == 0


def test_bad_input_and_refusals_write_nothing(
    run: Run, folder: Path, world: PrintWorld, scene_template: Template, out_dir: Path
) -> None:
    out = out_dir / "forms.pdf"
    neither = run(folder, "print-contracts", str(out), user="doctor")
    assert neither.code == 2 and "--village" in neither.err and "--contract" in neither.err
    unknown = run(folder, "print-contracts", str(out), "--village", "360111101399", user="doctor")
    assert unknown.code == 2 and "找不到村代码为 360111101399 的村" in unknown.err
    no_contract = run(folder, "print-contracts", str(out), "--contract", "QY-404", user="doctor")
    assert no_contract.code == 2 and "找不到协议编号为 QY-404 的协议" in no_contract.err
    admin = run(folder, "print-contracts", str(out), "--village", world.village_code, user="admin")
    assert admin.code == 2 and "打印" in admin.err
    both = run(folder, "print-contracts", str(out), "--village", "x", "--contract", "y", user="doctor")
    assert both.code == 2
    not_pdf = run(folder, "print-contracts", str(out_dir / "forms.txt"), "--village", world.village_code, user="doctor")
    assert not_pdf.code == 2 and ".pdf" in not_pdf.err
    nowhere = run(folder, "print-contracts", str(out_dir / "no" / "f.pdf"), "--contract", "x", user="doctor")
    assert nowhere.code == 2 and "不存在" in nowhere.err
    assert list(out_dir.iterdir()) == []
    assert _prints(folder, scene_template) == 0


def test_the_walking_list(run: Run, folder: Path, world: PrintWorld, out_dir: Path) -> None:
    out = out_dir / "walk.pdf"
    args = ("print-worklist", str(out), "--village", world.village_code, "--date", "2026-06-02")
    result = run(folder, *args, user="gongwei")
    assert result.code == 0, result.err
    assert "已生成 2026-06-02 的入户工作清单：3 户" in result.out
    text = pdftotext(out)
    assert mask_id_number(world.id_numbers["张三"]) in text and world.id_numbers["张三"] not in text
    refused = run(folder, *args, user="admin")
    assert refused.code == 2
    bad_date = run(folder, "print-worklist", str(out), "--village", world.village_code, "--date", "2026-13-01")
    assert bad_date.code == 2 and "YYYY-MM-DD" in bad_date.err
    no_village = run(folder, "print-worklist", str(out), user="doctor")
    assert no_village.code == 2
