"""``fdclient print-cards OUT.pdf [--village CODE | --contract NUMBER]`` end to end, on a
copy of the scene's store with signed households: the PDF, its messages and exit
statuses, and that a refused or failed run writes nothing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from helpers.card_world import CardWorld, make_card_world
from helpers.cli import Run
from helpers.scene import CLOCK, Template
from sqlalchemy import func, select

from fdclient.domain.codes import AuditAction
from fdclient.domain.identity import mask_id_number
from fdclient.models import AuditEntry, Resident
from fdclient.store import open_store


@pytest.fixture
def world(folder: Path, scene_template: Template) -> CardWorld:
    with open_store(folder, scene_template.keys["doctor"], clock=CLOCK, daily_backup=False) as store:
        return make_card_world(store)


def _issued_and_printed(folder: Path, scene_template: Template) -> tuple[int, int]:
    with (
        open_store(folder, scene_template.keys["doctor"], clock=CLOCK, daily_backup=False) as store,
        store.read() as session,
    ):
        issued = session.scalar(select(func.count()).where(Resident.card_token.is_not(None)))
        prints = session.scalar(select(func.count()).where(AuditEntry.action == AuditAction.PRINT))
    return int(issued or 0), int(prints or 0)


def test_a_village_s_cards_are_printed(run: Run, folder: Path, world: CardWorld, tmp_path: Path) -> None:
    out = tmp_path / "罗家村联系卡.pdf"
    result = run(folder, "print-cards", str(out), "--village", world.village_code, user="nurse")
    assert result.code == 0, result.err
    assert "已把 4 张联系卡写入" in result.out and "1 张 A4 纸，正反面共 2 页" in result.out
    assert "其中 4 位居民是第一次发卡" in result.out
    text = subprocess.run(["pdftotext", str(out), "-"], check=True, capture_output=True, text=True).stdout
    for person in world.people[:4]:
        assert person.name in text and mask_id_number(person.id_number) in text
        assert person.id_number is not None and person.id_number not in text
    assert world.people[4].name not in text
    # A reprint keeps the cards' numbers: nobody gets a first card again.
    again = run(folder, "print-cards", str(out), "--village", world.village_code, user="doctor")
    assert again.code == 0 and "第一次发卡" not in again.out


def test_one_contract_and_the_whole_township(run: Run, folder: Path, world: CardWorld, tmp_path: Path) -> None:
    one = run(folder, "print-cards", str(tmp_path / "one.pdf"), "--contract", world.contract_numbers[2], user="doctor")
    assert one.code == 0 and "已把 2 张联系卡写入" in one.out
    everyone = run(folder, "print-cards", str(tmp_path / "all.pdf"), user="doctor")
    assert everyone.code == 0 and "已把 6 张联系卡写入" in everyone.out


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """An empty folder for the PDFs (the data folder is beside it)."""
    (tmp_path / "out").mkdir()
    return tmp_path / "out"


def test_bad_input_and_refusals_write_nothing(
    run: Run, folder: Path, world: CardWorld, scene_template: Template, out_dir: Path
) -> None:
    out = out_dir / "cards.pdf"
    unknown = run(folder, "print-cards", str(out), "--village", "360111101399", user="doctor")
    assert unknown.code == 2 and "找不到村代码为 360111101399 的村" in unknown.err
    no_contract = run(folder, "print-cards", str(out), "--contract", "QY-404", user="doctor")
    assert no_contract.code == 2 and "找不到协议编号为 QY-404 的协议" in no_contract.err
    admin = run(folder, "print-cards", str(out), user="admin")
    assert admin.code == 2 and "打印" in admin.err
    both = run(folder, "print-cards", str(out), "--village", world.village_code, "--contract", "X", user="doctor")
    assert both.code == 2
    missing_folder = run(folder, "print-cards", str(out_dir / "nowhere" / "c.pdf"), user="doctor")
    assert missing_folder.code == 1 and "不存在" in missing_folder.err
    not_pdf = run(folder, "print-cards", str(out_dir / "cards.xlsx"), user="doctor")
    assert not_pdf.code == 2 and ".pdf" in not_pdf.err
    assert list(out_dir.iterdir()) == []
    assert _issued_and_printed(folder, scene_template) == (0, 0)


def test_nothing_to_print_is_said_and_no_file_is_written(run: Run, folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "cards.pdf"
    result = run(folder, "print-cards", str(out), user="doctor")
    assert result.code == 1 and "没有要打印的联系卡" in result.out
    assert not out.exists()


def test_a_folder_given_as_the_file_is_refused_before_anything_is_done(
    run: Run, folder: Path, world: CardWorld, scene_template: Template, out_dir: Path
) -> None:
    out = out_dir / "cards.pdf"
    out.mkdir()
    result = run(folder, "print-cards", str(out), user="doctor")
    assert result.code == 1 and "是一个文件夹" in result.err
    assert [p.name for p in out_dir.iterdir()] == ["cards.pdf"] and not any(out.iterdir())
    assert _issued_and_printed(folder, scene_template) == (0, 0)
