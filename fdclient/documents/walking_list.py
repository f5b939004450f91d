"""The walking list (入户工作清单), A4 landscape: a ruled table, one block per household in
address order, each member with what is due and empty cells to write blood pressure and
glucose in by hand. The column headings repeat on every page; a household is not split
across pages unless it alone is taller than a page. ID numbers arrive masked
(:mod:`fdclient.services.documents.walking_lists`).
"""

from __future__ import annotations

from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Table

from fdclient.documents.flowables import NeedSpace, TextLines
from fdclient.documents.output import Target, write_document
from fdclient.documents.pages import fill_frame, new_frame
from fdclient.documents.styles import A4_LANDSCAPE, BODY, LABEL_FILL, SMALL, Margins, TextStyle, body_font, grid_style
from fdclient.services.documents.walking_lists import (
    FOLLOW_UP,
    RENEWAL,
    SERVICE,
    SIGN_UP,
    WalkingHousehold,
    WalkingList,
    WalkingMember,
)

__all__ = ["render_walking_list", "write_walking_list"]

MARGINS = Margins(left=14 * mm, right=14 * mm, top=12 * mm, bottom=12 * mm)
_FOOTER = 7 * mm
_WEEKDAYS = "一二三四五六日"
#: Column widths (mm) and headings; the tasks column takes what is left.
_COLUMNS = (
    (9, "序号"),
    (21, "姓名"),
    (15, "性别年龄"),
    (37, "身份证号（部分隐藏）"),
    (25, "联系电话"),
    (0, "待办事项"),
    (27, "血压（mmHg）"),
    (27, "血糖（mmol/L）"),
    (22, "完成 / 备注"),
)
_TASKS = 5
_ORDER = (FOLLOW_UP, SERVICE, RENEWAL, SIGN_UP)


def _widths(width: float) -> list[float]:
    fixed = [w * mm for w, _ in _COLUMNS]
    fixed[_TASKS] = width - sum(fixed)
    return fixed


def _header(width: float) -> Table:
    style = grid_style(header_rows=1)
    return Table([[title for _, title in _COLUMNS]], colWidths=_widths(width), style=style)


def _member_row(m: WalkingMember) -> list[object]:
    tasks = "\n".join(f"【{t.kind}】{t.text}" for t in m.tasks)
    age = f"{m.age}岁" if m.age is not None else ""
    chronic = "、".join(x for x, has in (("高血压", m.hypertension), ("糖尿病", m.diabetes)) if has)
    name = m.name + (f"\n（{chronic}）" if chronic else "")
    return [
        "",
        TextLines(name, SMALL),
        f"{m.sex} {age}".strip(),
        m.id_number_masked,
        m.phone,
        TextLines(tasks, SMALL),
        "/",
        "",
        "",
    ]


def _household(number: int, h: WalkingHousehold, width: float, with_village: bool) -> Table:
    where = h.address if not with_village or h.village_name in h.address else f"{h.village_name}　{h.address}"
    head = f"{number}　{where}　　户主：{h.head_name}" + (f"　　电话：{h.phone}" if h.phone else "")
    rows: list[list[object]] = [[TextLines(head, BODY), *[""] * (len(_COLUMNS) - 1)]]
    rows += [_member_row(m) for m in h.members]
    style = grid_style(header_rows=0)
    for command in (
        ("SPAN", (0, 0), (-1, 0)),
        ("BACKGROUND", (0, 0), (-1, 0), LABEL_FILL),
        ("TOPPADDING", (0, 1), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 1), (-1, -1), 6),
        ("ALIGN", (6, 1), (6, -1), "CENTER"),
        ("FONT", (6, 1), (6, -1), body_font(), 14, 14),
        ("LINEABOVE", (0, 0), (-1, 0), 1.0, "black"),
    ):
        style.add(*command)
    return Table(rows, colWidths=_widths(width), style=style)


def _summary(walk: WalkingList) -> str:
    counts = "，".join(f"{kind} {walk.counts[kind]} 项" for kind in _ORDER if walk.counts.get(kind))
    return f"共 {len(walk.households)} 户 {walk.residents} 人" + (f"：{counts}。" if counts else "。")


def _title_block(walk: WalkingList) -> list[Flowable]:
    day = walk.day
    where = "、".join(walk.village_names) + (f"（{walk.team_name}）" if walk.team_name else "")
    line = (
        f"{walk.centre.institution_name}　　{where}　　入户日期：{day.year} 年 {day.month} 月 {day.day} 日"
        f"（星期{_WEEKDAYS[day.weekday()]}）　　打印日期：{walk.printed_on.isoformat()}"
    )
    return [
        TextLines("入户工作清单", TextStyle(18, 26), align="center", bold=True),
        TextLines(line, BODY, align="center"),
        TextLines(_summary(walk) + "血压写作“收缩压/舒张压”，血糖写空腹值。", SMALL, space_after=3),
    ]


def _body(walk: WalkingList, width: float, page_height: float) -> list[Flowable]:
    parts: list[Flowable] = []
    for number, h in enumerate(walk.households, start=1):
        table = _household(number, h, width, len(walk.village_names) > 1)
        _, height = table.wrap(width, page_height)
        if height < page_height * 0.8:
            parts.append(NeedSpace(height))
        parts.append(table)
    if not walk.households:
        parts.append(TextLines("这一天没有待办的入户事项。", BODY, align="center", space_before=20))
    return parts


def render_walking_list(walk: WalkingList, stream: BinaryIO) -> int:
    """Draw the list into *stream* as a PDF; return the number of pages."""
    page_w, page_h = A4_LANDSCAPE
    width = page_w - MARGINS.left - MARGINS.right
    height = page_h - MARGINS.top - MARGINS.bottom - _FOOTER
    canv = Canvas(stream, pagesize=A4_LANDSCAPE, pageCompression=1, invariant=1, initialFontName=body_font())
    canv.setTitle("入户工作清单")
    canv.setCreator("fdclient")
    flowables = _body(walk, width, height)
    pages: list[str] = []
    while flowables:
        name = f"W{len(pages)}"
        canv.beginForm(name, 0, 0, page_w, page_h)
        frame = new_frame(MARGINS.left, MARGINS.bottom + _FOOTER, width, height)
        if pages:
            running = f"入户工作清单　{'、'.join(walk.village_names)}　{walk.day.isoformat()}"
            fill_frame(canv, frame, [TextLines(running, SMALL, align="right")])
        else:
            fill_frame(canv, frame, _title_block(walk))
        fill_frame(canv, frame, [_header(width)])
        fill_frame(canv, frame, flowables)
        canv.endForm()
        pages.append(name)
    for number, name in enumerate(pages, start=1):
        canv.doForm(name)
        canv.setFont(body_font(), SMALL.size)
        canv.drawString(
            MARGINS.left,
            MARGINS.bottom,
            "本清单含居民个人信息（身份证号已部分隐藏），请妥善保管，用后及时交回或销毁。",
        )
        canv.drawRightString(page_w - MARGINS.right, MARGINS.bottom, f"第 {number} 页，共 {len(pages)} 页")
        canv.showPage()
    canv.save()
    return len(pages)


def write_walking_list(walk: WalkingList, target: Target) -> int:
    """Write the list to *target* (a path, replaced only when complete, or a stream);
    return the number of pages."""
    pages: list[int] = []
    write_document(target, lambda stream: pages.append(render_walking_list(walk, stream)))
    return pages[0]
