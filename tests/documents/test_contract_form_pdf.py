"""The contract form (签约服务协议书) as printed: real PDFs read back with poppler (fonts
embedded, text, page size, images), the 甲方/乙方 setting, long lists flowing onto more
pages without a line starting with punctuation, the audit trail and the permission."""

from __future__ import annotations

import io
import json
import re
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from helpers import builders
from helpers.print_world import (
    GUARDIAN,
    PrintWorld,
    make_print_world,
    page_size_is_a4,
    pdffonts,
    pdfimages,
    pdfinfo,
    pdftotext,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.documents.contract_form import write_contract_forms
from fdclient.documents.text import NO_LINE_START
from fdclient.domain.codes import AuditAction
from fdclient.domain.roles import Role
from fdclient.errors import PermissionDenied
from fdclient.models import AuditEntry, ServicePackage, Staff, Team, Village
from fdclient.services.contracts import lifecycle, packages
from fdclient.services.documents.contract_forms import ContractFormBatch, contract_forms
from fdclient.settings import CONTRACT_PARTY_A, set_setting
from fdclient.store import Store

#: Closing punctuation that must never begin a printed line.
LINE_START_MARKS = "，。、；：？！）」"


@pytest.fixture
def world(store: Store) -> PrintWorld:
    return make_print_world(store)


def _print(store: Store, path: Path, **selection: str) -> ContractFormBatch:
    with store.write() as session:
        batch = contract_forms(session, **selection)
    write_contract_forms(batch, path)
    return batch


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_a_household_s_form_reads_back(store: Store, world: PrintWorld, tmp_path: Path) -> None:
    out = tmp_path / "协议书.pdf"
    batch = _print(store, out, contract_no=world.signed_with_pad)
    form = batch.forms[0]
    fonts = pdffonts(out)
    assert fonts and all(f["emb"] == "yes" and f["sub"] == "yes" and f["uni"] == "yes" for f in fonts), fonts
    info = pdfinfo(out)
    assert page_size_is_a4(info)
    text = pdftotext(out)
    for expected in (
        world.signed_with_pad,
        "家庭医生签约服务协议书",
        "张三",
        "李梅",
        "张小明",
        world.id_numbers["张三"],
        world.id_numbers["张小明"],
        GUARDIAN,
        "祖父母、外祖父母",
        "王建国",
        "陈小红",
        "13700137000",
        "罗家村二组 10 号",
        "甲方留存",
        "乙方留存",
        "基础服务包",
        "高血压服务包",
        "2025 年 7 月 1 日",
        "2026 年 6 月 30 日",
    ):
        # Cells of several lines come back in pieces: compare without white space.
        assert _flat(expected) in _flat(text), expected
    # The clauses, their versions and the consent clause.
    assert "乙方按照国家基本公共卫生服务规范" in text
    assert f"协议条款版本：{batch.terms.terms.version}" in text
    assert f"个人信息处理同意条款版本：{batch.terms.consent.version}" in text
    assert "个人健康信息处理单独同意" in text
    # Fees: basic 55 × 3 members + hypertension 150 × the head alone = 315.00 CNY, split
    # 170 insurance + 120 public health + 25 resident; per person and year as agreed.
    for amount in ("315.00", "170.00", "120.00", "25.00", "55.00", "150.00", "165.00"):
        assert amount in text, amount
    assert form.total.total_fen == 31500
    # Two copies of the same pages.
    pages = int(info["Pages"])
    assert pages % 2 == 0 and text.count("甲方留存") == text.count("乙方留存") == pages // 2
    # The categories ticked: the head is 65+ with hypertension, the grandson is neither.
    ticked = {label for label, on in form.categories if on}
    assert ticked == {"一般人群", "65岁及以上老年人", "高血压患者"}
    # The signature drawn on the pad, on each copy's signature page.
    images = pdfimages(out)
    assert len(images) == 2 and {int(i["page"]) for i in images} == {pages // 2, pages}


def test_signed_by_hand_leaves_the_lines_blank(store: Store, world: PrintWorld, tmp_path: Path) -> None:
    out = tmp_path / "hand.pdf"
    batch = _print(store, out, contract_no=world.signed_by_hand)
    assert batch.forms[0].signature_png is None
    assert pdfimages(out) == []
    text = pdftotext(out)
    assert "家庭代表（签字）：" in text and "家庭医生（签字）：" in text and "王五" in text
    assert "监护人（签字）" not in text  # no guardian in this household


def test_party_a_follows_the_township_setting(store: Store, world: PrintWorld, tmp_path: Path) -> None:
    default = pdftotext(_print_path(store, tmp_path / "a.pdf", world))
    assert "甲方：签约居民（家庭）" in default and "乙方：家庭医生团队" in default
    with store.write() as session, builders.as_admin(session):
        set_setting(session, CONTRACT_PARTY_A, "team")
    swapped = pdftotext(_print_path(store, tmp_path / "b.pdf", world))
    assert "甲方：家庭医生团队" in swapped and "乙方：签约居民（家庭）" in swapped
    assert "甲方按照国家基本公共卫生服务规范" in swapped and "二、乙方的权利" in swapped


def _print_path(store: Store, path: Path, world: PrintWorld) -> Path:
    _print(store, path, contract_no=world.signed_by_hand)
    return path


_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅"


def _big_household(s: Session, world: PrintWorld) -> str:
    village, team = s.get(Village, world.village_id), s.get(Team, world.team_id)
    assert village is not None and team is not None and team.leader_id is not None
    doctor = s.get(Staff, team.leader_id)
    assert doctor is not None
    rows = [builders.make_basic_package(s), builders.make_hypertension_package(s)]
    named = [("老年人健康管理服务包（含中医药体质辨识）", "home_visit"), ("中医药特色服务包", "tcm")]
    named += [(f"康复护理上门服务包{'甲乙丙丁'[i]}", "home_visit") for i in range(4)]
    with builders.as_admin(s):
        for i, (name, kind) in enumerate(named):
            info = packages.create_package(
                s,
                code=f"BIG{i}",
                name=name,
                kind="personalised",
                fee_total_fen=12000,
                fee_insurance_fen=8000,
                fee_public_health_fen=3000,
                fee_resident_fen=1000,
                items=[
                    packages.PackageItemInput("健康评估与指导，包括生活方式、用药和心理", "health_assessment", 2),
                    packages.PackageItemInput("上门随访服务", kind, 4),
                    packages.PackageItemInput("健康教育讲座", "health_education", 6),
                ],
            )
            package = s.get(ServicePackage, info.id)
            assert package is not None
            rows.append(package)
    members = [("张大伟", date(1950, 3, 1), 1, "01")]
    relationships = ["10", "20", "30", "40", "50", "70", "80"]
    for i in range(39):
        name = "张" + _GIVEN[i % len(_GIVEN)] + _GIVEN[(i * 7 + 3) % len(_GIVEN)]
        members.append((name, date(1950 + i, 1 + i % 12, 1 + i % 27), 1 + i % 2, relationships[i % 7]))
    household = builders.make_household(
        s,
        village,
        members=members,
        address="罗家村一组 8 号，靠近村委会东侧的老粮站旁边第三户，门前有一棵大樟树",
        has_hypertension=True,
    )
    return builders.make_signed_contract(s, household, team, doctor, rows).contract_no


def test_forty_members_and_many_packages_flow_onto_more_pages(store: Store, world: PrintWorld, tmp_path: Path) -> None:
    with store.write() as session:
        number = _big_household(session, world)
    out = tmp_path / "big.pdf"
    batch = _print(store, out, contract_no=number)
    assert len(batch.forms[0].members) == 40 and len(batch.forms[0].packages) == 8
    pages = int(pdfinfo(out)["Pages"])
    assert pages >= 8  # two copies of at least four pages
    text = pdftotext(out)
    for member in batch.forms[0].members:
        assert member.name in text and member.id_number in text
    # The members' table goes on over a page break with its header repeated.
    second = pdftotext_page(out, 2)
    assert "身份证件号码" in second and "序号" in second
    for layout in (False, True):
        for line in _lines(pdftotext(out, layout=layout)):
            assert line[0] not in LINE_START_MARKS, line
    assert set(LINE_START_MARKS) <= NO_LINE_START


def pdftotext_page(path: Path, page: int) -> str:
    return subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_a_village_batch_a_stream_and_progress(store: Store, world: PrintWorld, tmp_path: Path) -> None:
    with store.write() as session:
        batch = contract_forms(session, village_code=world.village_code)
    assert {f.contract_no for f in batch.forms} == {world.signed_with_pad, world.signed_by_hand}
    seen: list[tuple[int, int]] = []
    stream = io.BytesIO()
    pages = write_contract_forms(batch, stream, progress=lambda done, total: seen.append((done, total)))
    assert stream.getvalue().startswith(b"%PDF") and pages > 0
    assert seen == [(1, 2), (2, 2)]


def test_a_cancelled_batch_writes_nothing(store: Store, world: PrintWorld, tmp_path: Path) -> None:
    with store.write() as session:
        batch = contract_forms(session, village_code=world.village_code)
    out = tmp_path / "out" / "forms.pdf"
    out.parent.mkdir()
    out.write_bytes(b"the old file")

    def cancel(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_contract_forms(batch, out, progress=cancel)
    assert out.read_bytes() == b"the old file"
    assert [p.name for p in out.parent.iterdir()] == ["forms.pdf"]


def test_a_draft_prints_with_blank_dates(store: Store, world: PrintWorld, tmp_path: Path) -> None:
    with store.write() as s:
        team, village = s.get(Team, world.team_id), s.get(Village, world.village_id)
        assert team is not None and team.leader_id is not None and village is not None
        household = builders.make_household(
            s, village, members=[("孙七", date(1980, 1, 1), 1, "01")], address="三组 1 号"
        )
        assert household.head_id is not None
        draft = lifecycle.draft_contract(
            s,
            household_id=household.id,
            representative_id=household.head_id,
            team_id=team.id,
            doctor_id=team.leader_id,
            package_ids=[builders.make_basic_package(s).id],
            start_date=date(2026, 6, 1),
        )
    out = tmp_path / "draft.pdf"
    batch = _print(store, out, contract_no=draft.contract_no)
    assert batch.forms[0].signed_on is None
    text = pdftotext(out)
    assert "孙七" in text and "2026 年 6 月 1 日" in text  # the term starts on it
    assert "状态：草稿（待签字）" in text
    assert text.count("日期：") == 2 * 2  # both parties, both copies, left blank
    assert pdfimages(out) == []


def test_each_print_is_audited_with_counts_only(store: Store, world: PrintWorld, tmp_path: Path) -> None:
    _print(store, tmp_path / "v.pdf", village_code=world.village_code)
    with store.read() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.PRINT)).all()
    assert len(entries) == 1
    entry = entries[0]
    assert entry.table_name == "contract_form"
    assert entry.changes["forms"] == 2 and entry.changes["members"] == 4 and entry.changes["with_signature"] == 1
    assert entry.changes["village"] == world.village_code
    dumped = json.dumps(entry.changes, ensure_ascii=False)
    for name, number in world.id_numbers.items():
        assert name not in dumped and number not in dumped


def test_printing_needs_the_print_permission(store_as: Callable[[Role], Store], tmp_path: Path) -> None:
    admin = store_as(Role.ADMIN)
    with admin.write() as session, pytest.raises(PermissionDenied):
        contract_forms(session, village_code="360111101201")
    nurse = store_as(Role.NURSE)
    world = make_print_world(nurse)
    batch = _print(nurse, tmp_path / "n.pdf", contract_no=world.signed_by_hand)
    assert len(batch.forms) == 1
