"""The contract form (签约服务协议书), A4 portrait, one copy for each party.

Each form is laid out once into PDF form XObjects, one per page, and each page is then
placed twice: the copies marked 甲方留存 and 乙方留存 (the party whose copy it is, by the
township's setting). The clauses are the same on every form of a batch: they are drawn
once per document and placed by reference. So 1,000 forms cost about what 1,000 single
copies would, and the file stays small (the font is embedded once, as a subset).

:func:`write_contract_forms` takes a batch from
:func:`fdclient.services.documents.contract_forms.contract_forms` and a path (written to a
partial file, then renamed) or a binary stream (for a preview).
"""

from __future__ import annotations

from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame

from fdclient.documents.contract_parts import FormKit
from fdclient.documents.output import Progress, Target, write_document
from fdclient.documents.pages import fill_frame, new_frame
from fdclient.documents.styles import A4_PORTRAIT, SMALL, Margins, body_font
from fdclient.services.documents.contract_forms import ContractForm, ContractFormBatch

__all__ = ["COPY_MARKS", "render_contract_forms", "write_contract_forms"]

#: The mark on each copy, in the order the copies are printed.
COPY_MARKS = ("甲方留存", "乙方留存")
MARGINS = Margins(top=16 * mm, bottom=14 * mm)
_FOOTER = 8 * mm


def _define_copy_marks(canv: Canvas) -> list[str]:
    """One block per copy: the boxed mark at the top right of every page."""
    page_w, page_h = A4_PORTRAIT
    size = 10.5
    names = []
    for i, mark in enumerate(COPY_MARKS):
        name = f"Copy{i}"
        canv.beginForm(name, 0, 0, page_w, page_h)
        w = size * len(mark) + 8
        x, y = page_w - MARGINS.right - w, page_h - MARGINS.top + 2 * mm
        canv.setLineWidth(0.8)
        canv.rect(x, y, w, size + 7, stroke=1, fill=0)
        canv.setFont(body_font(), size)
        canv.drawCentredString(x + w / 2, y + 4.5, mark)
        canv.endForm()
        names.append(name)
    return names


class _Pages:
    """Where the batch's shared pages are: the clause pages (the same on every form) and
    the room left under them for the signatures."""

    def __init__(self, canv: Canvas, kit: FormKit) -> None:
        self.canv = canv
        self.kit = kit
        page_w, page_h = A4_PORTRAIT
        self.width = page_w - MARGINS.left - MARGINS.right
        self.height = page_h - MARGINS.top - MARGINS.bottom - _FOOTER
        flowables = kit.clauses()
        for block in kit.blocks():
            block.define(canv)
        self.clauses: list[str] = []
        frame = self.frame()
        while flowables:
            name = f"Clauses{len(self.clauses)}"
            canv.beginForm(name, 0, 0, page_w, page_h)
            frame = self.frame()
            fill_frame(canv, frame, flowables)
            canv.endForm()
            self.clauses.append(name)
        #: The top of the free space on the last clause page.
        self.free_top = float(frame._y)  # noqa: SLF001 - the frame's cursor
        self.free = self.free_top - (MARGINS.bottom + _FOOTER)
        self._footers: set[tuple[int, int]] = set()

    def frame(self) -> Frame:
        return new_frame(MARGINS.left, MARGINS.bottom + _FOOTER, self.width, self.height)

    def footer(self, page: int, pages: int) -> str:
        """``第 n 页，共 N 页`` at the bottom right (one block per pair in the batch)."""
        name = f"Page{page}of{pages}"
        if (page, pages) not in self._footers:
            page_w, page_h = A4_PORTRAIT
            self.canv.beginForm(name, 0, 0, page_w, page_h)
            self.canv.setFont(body_font(), SMALL.size)
            self.canv.drawRightString(page_w - MARGINS.right, MARGINS.bottom, f"第 {page} 页，共 {pages} 页")
            self.canv.endForm()
            self._footers.add((page, pages))
        return name


def _number(canv: Canvas, form: ContractForm) -> None:
    """The contract number at the bottom left (on the form's own pages: the first and the
    one with the signatures; the clause pages between are the same on every form)."""
    canv.setFont(body_font(), SMALL.size)
    canv.drawString(MARGINS.left, MARGINS.bottom, f"协议编号：{form.contract_no}")


def _lay_out(pages: _Pages, form: ContractForm, index: int) -> list[list[str]]:
    """Draw the form's own pages into form XObjects; return, page by page, the blocks
    each page places (besides its footer)."""
    canv, kit = pages.canv, pages.kit
    page_w, page_h = A4_PORTRAIT
    flowables = kit.particulars(form)
    block, skeleton = kit.signature(form)
    for reused in kit.blocks():
        reused.define(canv)
    result: list[list[str]] = []
    while flowables:
        name = f"F{index}P{len(result)}"
        canv.beginForm(name, 0, 0, page_w, page_h)
        fill_frame(canv, pages.frame(), flowables)
        _number(canv, form)
        canv.endForm()
        result.append([name])
    result += [[clause] for clause in pages.clauses]
    signature = f"F{index}S"
    canv.beginForm(signature, 0, 0, page_w, page_h)
    canv.saveState()
    if pages.free >= block.height + 10:
        canv.translate(MARGINS.left, pages.free_top - block.height - 10)
    else:
        canv.translate(MARGINS.left, page_h - MARGINS.top - block.height)
        result.append([])
    block.draw(canv, skeleton)
    canv.restoreState()
    _number(canv, form)
    canv.endForm()
    result[-1].append(signature)
    return result


def render_contract_forms(batch: ContractFormBatch, stream: BinaryIO, progress: Progress | None = None) -> int:
    """Draw the batch into *stream* as one PDF; return the number of pages. *progress* is
    told ``(forms done, forms)`` and may raise to stop."""
    canv = Canvas(stream, pagesize=A4_PORTRAIT, pageCompression=1, invariant=1, initialFontName=body_font())
    canv.setTitle("家庭医生签约服务协议书")
    canv.setAuthor(batch.forms[0].centre.institution_name if batch.forms else "")
    canv.setCreator("fdclient")
    marks = _define_copy_marks(canv)
    shared = _Pages(canv, FormKit(batch.terms, A4_PORTRAIT[0] - MARGINS.left - MARGINS.right))
    count = 0
    total = len(batch.forms)
    for index, form in enumerate(batch.forms):
        own = _lay_out(shared, form, index)
        footers = [shared.footer(n, len(own)) for n in range(1, len(own) + 1)]
        for mark in marks:
            for blocks, footer in zip(own, footers, strict=True):
                for name in (*blocks, footer, mark):
                    canv.doForm(name)
                canv.showPage()
                count += 1
        if progress is not None:
            progress(index + 1, total)
    if not batch.forms:
        canv.setFont(body_font(), 12)
        canv.drawCentredString(A4_PORTRAIT[0] / 2, A4_PORTRAIT[1] / 2, "没有要打印的签约服务协议。")
        canv.showPage()
        count = 1
    canv.save()
    return count


def write_contract_forms(batch: ContractFormBatch, target: Target, progress: Progress | None = None) -> int:
    """Write the batch to *target* (a path, replaced only when complete, or a stream);
    return the number of pages."""
    pages: list[int] = []
    write_document(target, lambda stream: pages.append(render_contract_forms(batch, stream, progress)))
    return pages[0]
