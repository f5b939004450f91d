"""A small township for the contract-form and walking-list tests (``from helpers.print_world
import ...``) and the poppler tools that read the PDFs back.

The scene's clock says 2026-06-01. The village 罗家村 has a team (the doctor 王建国, a nurse
and a public-health worker, with phones) and:

* household A, 二组 10 号: 张三 (head, 1950, hypertension), 李梅 (spouse) and 张小明 (a
  grandson born 2018: his guardian 张大山 consents), signed on 2025-07-01 for a year (it
  ends within 60 days) with the basic and hypertension packages and a signature drawn on
  the pad;
* household B, 二组 2 号: 王五 alone, signed on 2026-01-01, signed by hand (no drawing);
* household C, 一组 5 号: 赵老汉 (born 1940) without a contract (a key population to sign).
"""

from __future__ import annotations

import re
import struct
import subprocess
import uuid
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.models import Household, Resident, ServicePackage, Staff, Team
from fdclient.services.contracts import lifecycle
from fdclient.services.contracts.consent import MemberConsent
from fdclient.store import Store
from helpers import builders

__all__ = [
    "GUARDIAN",
    "PrintWorld",
    "make_print_world",
    "pdffonts",
    "pdfimages",
    "pdfinfo",
    "pdftotext",
    "signature_png",
]

GUARDIAN = "张大山"


@dataclass(frozen=True)
class PrintWorld:
    village_code: str
    village_id: uuid.UUID
    team_id: uuid.UUID
    #: Household A's contract (with a signature) and household B's (signed by hand).
    signed_with_pad: str
    signed_by_hand: str
    #: Name → ID number of the people above.
    id_numbers: dict[str, str]


def signature_png(width: int = 240, height: int = 80) -> bytes:
    """A real PNG (greyscale) with a scribble, as the signature pad makes."""
    rows = []
    for y in range(height):
        row = bytearray([255] * width)
        for x in range(width):
            if abs((y - height / 2) - (height / 3) * ((x % 60) / 30 - 1)) < 2:
                row[x] = 0
        rows.append(b"\x00" + bytes(row))
    raw = zlib.compress(b"".join(rows))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def sign(
    session: Session,
    household: Household,
    team: Team,
    doctor: Staff,
    packages: list[ServicePackage],
    *,
    start: date,
    png: bytes | None,
    guardian_for: frozenset[str] = frozenset(),
) -> str:
    """Draft and sign a household contract; members named in *guardian_for* consent
    through the guardian 张大山."""
    assert household.head_id is not None
    draft = lifecycle.draft_contract(
        session,
        household_id=household.id,
        representative_id=household.head_id,
        team_id=team.id,
        doctor_id=doctor.id,
        package_ids=[p.id for p in packages],
        start_date=start,
    )
    consents = []
    for m in draft.members:
        r = session.get(Resident, m.resident_id)
        assert r is not None
        if r.name in guardian_for:
            consents.append(
                MemberConsent(r.id, "guardian", builders.guardian(name=GUARDIAN, relationship="grandparent"))
            )
        else:
            consents.append(MemberConsent(r.id))
    signed = lifecycle.sign_contract(
        session,
        draft.id,
        consents=consents,
        signed_at=builders.signed_at(start),
        channel="door_to_door",
        signature_png=png,
    )
    return signed.contract_no


def make_print_world(store: Store) -> PrintWorld:
    with store.write() as s, builders.acting_as(s, builders.actor_named(s, "doctor")):
        village = builders.make_village(s, name="罗家村")
        nurse = builders.make_staff(s, name="陈小红", role="nurse", phone="13700137000")
        gongwei = builders.make_staff(s, name="周公卫", role="public_health", phone="13600136000")
        team, doctor = builders.make_team(s, villages=[village], others=[nurse, gongwei])
        basic = builders.make_basic_package(s)
        hypertension = builders.make_hypertension_package(s)
        a = builders.make_household(
            s,
            village,
            members=[
                ("张三", date(1950, 3, 1), 1, "01"),
                ("李梅", date(1952, 8, 9), 2, "10"),
                ("张小明", date(2018, 5, 3), 1, "40"),
            ],
            address="罗家村二组 10 号",
            has_hypertension=True,
        )
        b = builders.make_household(
            s, village, members=[("王五", date(1970, 2, 2), 1, "01")], address="罗家村二组 2 号"
        )
        builders.make_household(s, village, members=[("赵老汉", date(1940, 9, 9), 1, "01")], address="罗家村一组 5 号")
        with_pad = sign(
            s,
            a,
            team,
            doctor,
            [basic, hypertension],
            start=date(2025, 7, 1),
            png=signature_png(),
            guardian_for=frozenset({"张小明"}),
        )
        by_hand = sign(s, b, team, doctor, [basic], start=date(2026, 1, 1), png=None)
        people = s.scalars(select(Resident).where(Resident.village_id == village.id)).all()
        return PrintWorld(
            village_code=village.code,
            village_id=village.id,
            team_id=team.id,
            signed_with_pad=with_pad,
            signed_by_hand=by_hand,
            id_numbers={r.name: r.id_number or "" for r in people},
        )


# --- poppler -------------------------------------------------------------------------------


def _run(*args: str) -> str:
    return subprocess.run(list(args), check=True, capture_output=True, text=True).stdout


def pdftotext(path: Path, *, layout: bool = False) -> str:
    return _run("pdftotext", *(["-layout"] if layout else []), "-enc", "UTF-8", str(path), "-")


def pdffonts(path: Path) -> list[dict[str, str]]:
    """One row per font: name, type, emb, sub, uni."""
    lines = _run("pdffonts", str(path)).splitlines()[2:]
    fonts = []
    for line in lines:
        parts = line.split()
        # name type [type...] encoding emb sub uni object ID: the flags are fixed from the end.
        fonts.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return fonts


def pdfinfo(path: Path) -> dict[str, str]:
    info = {}
    for line in _run("pdfinfo", str(path)).splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def pdfimages(path: Path) -> list[dict[str, str]]:
    """``pdfimages -list``: one row per image placed (page, type, width, height)."""
    rows = _run("pdfimages", "-list", str(path)).splitlines()[2:]
    return [dict(zip(("page", "num", "type", "width", "height"), row.split()[:5], strict=True)) for row in rows]


def page_size_is_a4(info: dict[str, str], *, landscape: bool = False) -> bool:
    found = re.match(r"([\d.]+) x ([\d.]+) pts", info["Page size"])
    assert found is not None
    w, h = float(found.group(1)), float(found.group(2))
    if landscape:
        w, h = h, w
    return abs(w - 595.28) < 1 and abs(h - 841.89) < 1
