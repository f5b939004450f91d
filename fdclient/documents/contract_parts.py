"""The parts of the contract form (签约服务协议书): the ruled grids of the parties, the
members, the guardians and the packages, the population ticks, the clauses and the
signature block. :mod:`fdclient.documents.contract_form` puts them on pages.

Like a printed form, every part has a fixed skeleton (headings, labels, lines, boxes, the
clause text) that :class:`FormKit` draws once per document and places by reference on
every form; only the particulars of each contract are written on top. That is what makes
a batch of 1,000 forms fast and small.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Spacer

from fdclient.documents.contract_signature import PARTY_WORD, SignatureBlock, spelled_date
from fdclient.documents.flowables import EndsLine, NeedSpace, Reused, TextLines, TickBoxes, Ticks
from fdclient.documents.grid import Cell, Grid, Overlay, Row
from fdclient.documents.styles import BODY, SMALL, TextStyle
from fdclient.domain.codes import ContractParty, ContractStatus
from fdclient.services.contracts.packages import fen_to_yuan
from fdclient.services.documents.contract_forms import ContractForm, FormMember
from fdclient.services.documents.contract_terms import ClauseText, ContractTerms

__all__ = ["FormKit"]

HEADING = TextStyle(11.5, 19)
#: The clauses: the same page on every form (they start on a page of their own), set at
#: the body size for readers with poor sight.
CLAUSE = TextStyle(10.5, 15.5)
CLAUSE_HEADING = TextStyle(11, 19)
_MEMBER_COLUMNS = (
    (9, "序号"),
    (20, "姓名"),
    (9, "性别"),
    (21, "出生日期"),
    (19, "与户主关系"),
    (39, "身份证件号码"),
    (35, "重点人群"),
    (0, "同意方式"),
)
_GUARDIAN_COLUMNS = (
    (22, "被监护成员"),
    (20, "监护人"),
    (26, "与被监护人关系"),
    (22, "证件类型"),
    (42, "证件号码"),
    (0, "联系电话"),
)
_PACKAGE_COLUMNS = (
    (27, "服务包"),
    (0, "服务项目（每年次数）"),
    (16, "合计"),
    (16, "医保基金"),
    (16, "公卫经费"),
    (13, "个人"),
    (12, "人·年"),
    (19, "小计（元）"),
)
#: The packages' header: 每人每年费用 over its four parts; the other headings span both rows.
_PACKAGE_HEADER = (
    Row(
        (
            Cell("服务包", align="center", static=True),
            Cell("服务项目（每年次数）", align="center", static=True),
            Cell("每人每年费用（元）", span=4, align="center", static=True),
            Cell("人·年", align="center", static=True),
            Cell("小计（元）", align="center", static=True),
        ),
        shade=True,
        open_below=(0, 1, 3, 4),
    ),
    Row(
        tuple(
            Cell(title if 2 <= i <= 5 else "", align="center", static=True)
            for i, (_, title) in enumerate(_PACKAGE_COLUMNS)
        ),
        shade=True,
    ),
)
FEE_NOTE = (
    "各服务包的费用按每人每年计，只计其适用的成员和年份；由医保基金和基本公共卫生服务经费负担的部分，居民无需缴纳。"
)
CONSENT_STATEMENT = (
    "签约成员（不满十四周岁的由其监护人）已阅读上述条款，在下方签字表示同意本协议，并对处理其个人健康信息表示单独同意"
    "（各成员的同意方式见“签约成员”一栏）。"
)


def _widths(columns: Sequence[tuple[float, str]], width: float) -> list[float]:
    widths = [w * mm for w, _ in columns]
    flexible = next(i for i, (w, _) in enumerate(columns) if w == 0)
    widths[flexible] = width - sum(widths)
    return widths


def _header(columns: Sequence[tuple[float, str]]) -> Row:
    return Row(tuple(Cell(title, align="center", static=True) for _, title in columns), shade=True)


def _member_cells(number: int, m: FormMember) -> Row:
    notes = [f"{d.isoformat()}{what}" for d, what in ((m.joined_on, "加入"), (m.ended_on, "退出")) if d]
    name = m.name + (f"（{'，'.join(notes)}）" if notes else "")
    id_number = m.id_number if m.id_type in ("", "居民身份证") else f"{m.id_type} {m.id_number}"
    populations = "、".join(k.label for k in m.key_populations) or "一般人群"
    texts = (str(number), name, m.sex, m.birth_date.isoformat(), m.relationship, id_number, populations, m.consent_by)
    aligns = ("center", "left", "center", "left", "left", "left", "left", "left")
    return Row(tuple(Cell(t, align=a) for t, a in zip(texts, aligns, strict=True)))


def _channel_and_status(form: ContractForm) -> str:
    """The signing channel, and the status of a contract not in force (a reprint of an
    ended contract says so; a draft is to be signed)."""
    text = f"签约方式：{form.channel}"
    if form.status == ContractStatus.DRAFT:
        return text + "　状态：草稿（待签字）"
    if form.status != ContractStatus.ACTIVE:
        return text + f"　状态：{form.status.label}"
    return text


class FormKit:
    """The reused blocks of one batch (one document), made on first use."""

    def __init__(self, terms: ContractTerms, width: float) -> None:
        self.terms = terms
        self.width = width
        self._blocks: dict[str, Reused] = {}

    def block(self, key: str, make: Callable[[str], Reused]) -> Reused:
        """The block for *key*, made (with a PDF-safe name) the first time."""
        if key not in self._blocks:
            self._blocks[key] = make(f"R{len(self._blocks)}")
        return self._blocks[key]

    def blocks(self) -> list[Reused]:
        return list(self._blocks.values())

    def _text(self, key: str, text: TextLines) -> Reused:
        def make(name: str) -> Reused:
            _, height = text.wrap(self.width, 10_000)
            total = height + text.spaceBefore + text.spaceAfter
            return Reused(name, self.width, total, lambda c: text.drawOn(c, 0, text.spaceAfter))

        return self.block(key, make)

    def heading(self, text: str) -> list[Flowable]:
        return [
            NeedSpace(80),
            self._text(f"H:{text}", TextLines(text, HEADING, bold=True, space_before=5, space_after=2)),
        ]

    # --- particulars ------------------------------------------------------------------

    def title(self, form: ContractForm) -> list[Flowable]:
        centre = form.centre
        head = " ".join(x for x in (centre.county_name, centre.institution_name) if x)
        return [
            self._text(f"T:{head}", TextLines(head, BODY, align="center")),
            self._text("T:title", TextLines("家庭医生签约服务协议书", TextStyle(20, 30), align="center", bold=True)),
            EndsLine(f"协议编号：{form.contract_no}", _channel_and_status(form), self.width),
            Spacer(0, 3),
        ]

    def _party_rows(self, form: ContractForm, party: ContractParty, side: str) -> list[Row]:
        def pair(label1: str, value1: str, label2: str, value2: str) -> Row:
            return Row(
                (
                    Cell(label1, shade=True, static=True),
                    Cell(value1),
                    Cell(label2, shade=True, static=True),
                    Cell(value2),
                )
            )

        def one(label: str, value: str) -> Row:
            return Row((Cell(label, shade=True, static=True), Cell(value, span=3)))

        rows = [Row((Cell(f"{side}：{PARTY_WORD[party]}", span=4, static=True, style=BODY),), shade=True)]
        if party == ContractParty.RESIDENT:
            phone = form.representative_phone or form.household_phone
            rows += [pair("家庭代表", form.representative, "联系电话", phone)]
            rows += [pair("所在村", form.village_name, "家庭电话", form.household_phone), one("家庭住址", form.address)]
            return rows
        centre = form.centre
        rows += [pair("签约机构", centre.institution_name, "机构电话", centre.phone)]
        rows += [pair("团队名称", form.team_name, "团队电话", form.team_phone)]
        staff = {line.duty: f"{line.name}  {line.phone}".strip() for line in form.staff}
        rows += [pair("团队长", staff.get("团队长", ""), "家庭医生", staff.get("家庭医生", ""))]
        rows += [
            pair("护士", staff.get("护士", ""), "公卫人员", staff.get("公卫人员", "")),
            one("服务时间", centre.service_hours),
        ]
        return rows

    def parties(self, form: ContractForm) -> Flowable:
        label, value = 22 * mm, self.width / 2 - 22 * mm
        rows = [*self._party_rows(form, form.party_a, "甲方"), *self._party_rows(form, form.party_b, "乙方")]
        grid = Grid([label, value, label, value], rows, fixed=True)
        skeleton = self.block(f"P:{form.party_a}", grid.skeleton)
        return Overlay(grid, skeleton)

    def members(self, form: ContractForm) -> list[Flowable]:
        widths = _widths(_MEMBER_COLUMNS, self.width)
        header = self.block("M:head", Grid(widths, [], header=[_header(_MEMBER_COLUMNS)]).skeleton)
        rows = [_member_cells(i, m) for i, m in enumerate(form.members, start=1)]
        return [*self.heading("签约成员"), Grid(widths, rows, header=[_header(_MEMBER_COLUMNS)], header_block=header)]

    def guardians(self, form: ContractForm) -> list[Flowable]:
        if not form.guardians:
            return []
        widths = _widths(_GUARDIAN_COLUMNS, self.width)
        header = self.block("G:head", Grid(widths, [], header=[_header(_GUARDIAN_COLUMNS)]).skeleton)
        rows = [
            Row(tuple(Cell(t) for t in (g.member_name, g.name, g.relationship, g.id_type, g.id_number, g.phone)))
            for g in form.guardians
        ]
        grid = Grid(widths, rows, header=[_header(_GUARDIAN_COLUMNS)], header_block=header)
        return [*self.heading("监护人（代未成年人或无民事行为能力人同意并签字）"), grid]

    def categories(self, form: ContractForm) -> list[Flowable]:
        labels = tuple(label for label, _ in form.categories)

        def make(name: str) -> Reused:
            boxes = TickBoxes([(label, False) for label in labels], SMALL)
            _, height = boxes.wrap(self.width - 8, 1000)

            def paint(canv: Canvas) -> None:
                canv.setLineWidth(0.5)
                canv.rect(0, 0, self.width, height + 8, stroke=1, fill=0)
                canv.saveState()
                canv.translate(4, 4)
                boxes.paint(canv, ticks=False)
                canv.restoreState()

            return Reused(name, self.width, height + 8, paint)

        skeleton = self.block(f"K:{'|'.join(labels)}", make)
        return [*self.heading("签约人群类别（按签约时的情况勾选）"), Ticks(skeleton, form.categories, self.width)]

    def packages(self, form: ContractForm) -> list[Flowable]:
        widths = _widths(_PACKAGE_COLUMNS, self.width)
        header = self.block("F:head", Grid(widths, [], header=_PACKAGE_HEADER).skeleton)
        rows = []
        for p in form.packages:
            fee = p.per_person_year
            items = "；".join(f"{name} {times}次" for name, times in p.items)
            money = (fee.total_fen, fee.insurance_fen, fee.public_health_fen, fee.resident_fen)
            rows.append(
                Row(
                    (
                        Cell(p.name),
                        Cell(items),
                        *(Cell(fen_to_yuan(x), align="right") for x in money),
                        Cell(str(p.person_years), align="right"),
                        Cell(fen_to_yuan(p.total.total_fen), align="right"),
                    )
                )
            )
        t = form.total
        split = (
            f"医保基金 {fen_to_yuan(t.insurance_fen)} 元，基本公共卫生服务经费 {fen_to_yuan(t.public_health_fen)} 元，"
            f"个人 {fen_to_yuan(t.resident_fen)} 元"
        )
        rows.append(
            Row(
                (
                    Cell("合计", align="center", shade=True),
                    Cell(split, span=6),
                    Cell(fen_to_yuan(t.total_fen), align="right"),
                )
            )
        )
        grid = Grid(widths, rows, header=_PACKAGE_HEADER, header_block=header)
        note = self._text("N:fee", TextLines(FEE_NOTE, SMALL, align="justify", space_before=2))
        return [*self.heading("服务包及收费"), grid, note]

    def term(self, form: ContractForm) -> list[Flowable]:
        renewal = (
            "到期时双方均未提出异议的，自动续约一个周期。"
            if form.auto_renew
            else "到期不自动续约，期满前可以办理续约。"
        )
        text = f"自 {spelled_date(form.start_date)}起至 {spelled_date(form.end_date)}止，共 {form.term_years} 年。{renewal}"
        return [*self.heading("服务期限"), TextLines(text, BODY, align="justify")]

    # --- clauses and signatures ----------------------------------------------------------

    def _clauses(self, clauses: ClauseText, prefix: str) -> list[Flowable]:
        parts: list[Flowable] = []
        for s, section in enumerate(clauses.sections):
            if section.title:
                title = TextLines(section.title, CLAUSE_HEADING, bold=True, space_before=2)
                parts += [NeedSpace(60), self._text(f"{prefix}{s}", title)]
            for p, paragraph in enumerate(section.paragraphs):
                block = TextLines(paragraph, CLAUSE, align="justify", first_indent=2 * CLAUSE.size)
                parts.append(self._text(f"{prefix}{s}.{p}", block))
        return parts

    def clauses(self) -> list[Flowable]:
        versions = (
            f"（协议条款版本：{self.terms.terms.version}；个人信息处理同意条款版本：{self.terms.consent.version}）"
        )
        return [
            *self._clauses(self.terms.terms, "C:T"),
            *self._clauses(self.terms.consent, "C:C"),
            self._text("C:versions", TextLines(versions, SMALL, align="right")),
            self._text(
                "C:statement",
                TextLines(CONSENT_STATEMENT, BODY, align="justify", first_indent=2 * BODY.size, space_before=4),
            ),
        ]

    def signature(self, form: ContractForm) -> tuple[SignatureBlock, Reused]:
        block = SignatureBlock(form, self.width)
        return block, self.block(f"S:{form.party_a}:{form.guardian_signs}", block.skeleton)

    def particulars(self, form: ContractForm) -> list[Flowable]:
        """Everything before the clauses (on the first page, and more when the lists are
        long)."""
        return [
            *self.title(form),
            self.parties(form),
            *self.members(form),
            *self.guardians(form),
            *self.categories(form),
            *self.packages(form),
            *self.term(form),
        ]
