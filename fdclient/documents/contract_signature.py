"""The signature block of the contract form: both parties, the family representative's
signature drawn on the pad where one was captured (else a line to sign on), a guardian's
line when a guardian consented, the team's seal and the date. Its lines and labels are a
block drawn once per document (:meth:`SignatureBlock.skeleton`); each form writes its
values on top."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from fdclient.documents.flowables import Reused
from fdclient.documents.styles import BODY, body_font
from fdclient.documents.text import text_width
from fdclient.domain.codes import ContractParty
from fdclient.services.documents.contract_forms import ContractForm

__all__ = ["PARTY_WORD", "SignatureBlock", "spelled_date"]

PARTY_WORD = {ContractParty.RESIDENT: "签约居民（家庭）", ContractParty.TEAM: "家庭医生团队"}


def spelled_date(day: date | None) -> str:
    """``2026 年 1 月 1 日``, or blanks to fill in by hand."""
    if day is None:
        return "        年      月      日"
    return f"{day.year} 年 {day.month} 月 {day.day} 日"


class SignatureBlock:
    """Both parties' signatures and the date: the signature drawn on the pad where one
    was captured, else a line to sign on; a guardian's line when a guardian consented."""

    def __init__(self, form: ContractForm, width: float) -> None:
        self.form = form
        self.width = width
        self.height = 40 * mm

    def _rows(self, party: ContractParty) -> list[str]:
        if party == ContractParty.RESIDENT:
            return ["家庭代表（签字）："] + (["监护人（签字）："] if self.form.guardian_signs else [])
        return ["家庭医生（签字）：", "签约机构（盖章）："]

    def _columns(self) -> list[tuple[float, str, ContractParty]]:
        half = self.width / 2
        return [(0.0, "甲方", self.form.party_a), (half + 6 * mm, "乙方", self.form.party_b)]

    def skeleton(self, name: str) -> Reused:
        def paint(canv: Canvas) -> None:
            size = BODY.size
            canv.setFont(body_font(), size)
            canv.setLineWidth(0.6)
            column = self.width / 2 - 6 * mm
            for x, side, party in self._columns():
                y = self.height - 6 * mm
                canv.drawString(x, y, f"{side}（{PARTY_WORD[party]}）" + ("：" if party == ContractParty.TEAM else ""))
                for label in self._rows(party):
                    y -= 9 * mm
                    canv.drawString(x, y, label)
                    start = x + text_width(label, body_font(), size) + 2
                    canv.line(start, y - 2, x + column - 4 * mm, y - 2)
                canv.drawString(x, 4 * mm, "日期：")

        return Reused(name, self.width, self.height, paint)

    def draw(self, canv: Canvas, skeleton: Reused) -> None:
        """The skeleton and this form's values, with the block's lower-left corner at
        (0, 0)."""
        canv.doForm(skeleton.name)
        f = self.form
        size = BODY.size
        font = body_font()
        canv.setFont(font, size)
        column = self.width / 2 - 6 * mm
        for x, side, party in self._columns():
            title = f"{side}（{PARTY_WORD[party]}）："
            if party == ContractParty.TEAM:
                canv.drawString(x + text_width(title, font, size), self.height - 6 * mm, f.team_name)
            canv.drawString(x + text_width("日期：", font, size), 4 * mm, spelled_date(f.signed_on))
            if party == ContractParty.RESIDENT and f.signature_png:
                label = self._rows(party)[0]
                start = x + text_width(label, font, size) + 2
                y = self.height - 6 * mm - 9 * mm
                canv.drawImage(
                    ImageReader(BytesIO(f.signature_png)),
                    start,
                    y - 3 * mm,
                    width=x + column - 4 * mm - start,
                    height=11 * mm,
                    mask="auto",
                    preserveAspectRatio=True,
                    anchor="sw",
                )
