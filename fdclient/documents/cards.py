"""The contact cards as a PDF: :func:`write_cards` draws a
:class:`~fdclient.services.documents.cards.CardBatch` ten to an A4 sheet, each sheet as a
page of fronts followed by a page of backs mirrored for long-edge duplex printing
(:mod:`fdclient.documents.card_sheet`).

**Front** (家庭医生联系卡): a band with the title and the centre's name; the resident's name
in large type, the ID number masked and the health record number; the QR code with the
card code under it; the family doctor with the phone in large type, the team and its
phone, the centre's phone, the service hours, the contract number and term.
**Back** (居民健康档案信息卡): name and sex, health record number, blood group, chronic
conditions, drug allergies, emergency contact, address and household phone, the
institution and the responsible doctor with their phones; a field with nothing recorded
gets a line to fill in by hand.

What is the same on every card of a batch (bands, titles, labels, the centre's name,
phone and hours, the issue date) is drawn once per batch into a PDF form XObject and
placed on each card: 1,000 cards stay small and fast. Every text is in the embedded
document font (:func:`fdclient.documents.fonts.document_font`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from fdclient.documents.card_pen import BLACK, GREY, WHITE, Pen, group_phone, group_record_no
from fdclient.documents.card_sheet import (
    CARD_WIDTH,
    CARDS_PER_SHEET,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    card_place,
    draw_cut_marks,
)
from fdclient.documents.fonts import document_font
from fdclient.documents.output import Progress, Target, write_document
from fdclient.domain.card_codes import format_card_code
from fdclient.services.documents.cards import CardBatch, ContactCard

__all__ = ["CardsWritten", "write_cards"]

BAND = Color(0.09, 0.42, 0.36)
RULE = Color(0.55, 0.72, 0.67)

# Positions on a card, in points from its lower left corner.
LEFT = 5 * mm
RIGHT = CARD_WIDTH - 5 * mm
VALUE_X = 18 * mm
BAND_Y, BAND_H = 44.5 * mm, 6.5 * mm
TITLE_Y = 46.3 * mm
QR_SIZE = 16 * mm
QR_X, QR_Y = CARD_WIDTH - 4.5 * mm - QR_SIZE, 25.5 * mm
#: Right end of the texts beside the QR code (its quiet zone kept clear).
BESIDE_QR = QR_X - 2.8 * mm
LABEL_SIZE = 6.5

# Baselines of the front's rows.
F_NAME, F_ID, F_RECORD, F_RULE, F_CODE = 37 * mm, 32.2 * mm, 28.4 * mm, 24.8 * mm, 22.3 * mm
F_DOCTOR, F_TEAM, F_CENTRE, F_HOURS, F_CONTRACT = 18.3 * mm, 14.4 * mm, 11.0 * mm, 7.6 * mm, 4.2 * mm
# Baselines of the back's rows.
B_NAME, B_RECORD, B_BLOOD, B_CONDITIONS, B_ALLERGIES = 38.3 * mm, 33.6 * mm, 29.2 * mm, 24.8 * mm, 20.4 * mm
B_EMERGENCY, B_ADDRESS, B_INSTITUTION, B_DOCTOR = 16.0 * mm, 11.8 * mm, 7.8 * mm, 4.2 * mm


@dataclass(frozen=True)
class CardsWritten:
    cards: int
    sheets: int
    pages: int


@dataclass(frozen=True)
class _Shared:
    """What every card of a batch shows alike (drawn once into the templates)."""

    institution_name: str
    centre_phone: str
    service_hours: str
    issued_on: date


def _centre_label(institution: str) -> str:
    if institution.endswith("卫生院"):
        return "卫生院电话"
    if institution.endswith("中心"):
        return "中心电话"
    return "机构电话"


def _band(pen: Pen, title: str) -> None:
    c = pen.canvas
    c.setFillColor(BAND)
    c.roundRect(3 * mm, BAND_Y, CARD_WIDTH - 6 * mm, BAND_H, 1.2 * mm, stroke=0, fill=1)
    pen.text(LEFT, TITLE_Y, title, 10.5, color=WHITE, bold=True)


def _labels(pen: Pen, rows: tuple[tuple[float, str], ...]) -> None:
    for y, label in rows:
        pen.text(LEFT, y, label, LABEL_SIZE, color=GREY)


def _front_template(pen: Pen, shared: _Shared) -> None:
    _band(pen, "家庭医生联系卡")
    title_end = LEFT + pen.width("家庭医生联系卡", 10.5) + 3 * mm
    pen.fitted(RIGHT, TITLE_Y + 0.2 * mm, shared.institution_name, 7.5, RIGHT - title_end, color=WHITE, anchor="right")
    _labels(
        pen,
        (
            (F_ID, "身份证号"),
            (F_RECORD, "健康档案"),
            (F_DOCTOR, "家庭医生"),
            (F_TEAM, "服务团队"),
            (F_CENTRE, _centre_label(shared.institution_name)),
            (F_HOURS, "服务时间"),
            (F_CONTRACT, "签约协议"),
        ),
    )
    c = pen.canvas
    c.setStrokeColor(RULE)
    c.setLineWidth(0.5)
    c.line(LEFT, F_RULE, BESIDE_QR, F_RULE)
    phone = group_phone(shared.centre_phone)
    if phone:
        pen.text(VALUE_X, F_CENTRE, phone, 8.5)
    else:
        pen.blank(VALUE_X, F_CENTRE, VALUE_X + 30 * mm)
    pen.fitted(VALUE_X, F_HOURS, shared.service_hours, 7, RIGHT - VALUE_X, smallest=5)


def _back_template(pen: Pen, shared: _Shared) -> None:
    _band(pen, "居民健康档案信息卡")
    pen.text(RIGHT, TITLE_Y + 0.2 * mm, f"发卡日期 {shared.issued_on.isoformat()}", 6.5, color=WHITE, anchor="right")
    _labels(
        pen,
        (
            (B_NAME, "姓名"),
            (B_RECORD, "档案编号"),
            (B_BLOOD, "血型"),
            (B_CONDITIONS, "慢性病"),
            (B_ALLERGIES, "过敏史"),
            (B_EMERGENCY, "紧急联系人"),
            (B_ADDRESS, "家庭住址"),
            (B_INSTITUTION, "建档机构"),
            (B_DOCTOR, "责任医生"),
        ),
    )
    phone = group_phone(shared.centre_phone)
    phone_room = _labelled_phone(pen, B_INSTITUTION, phone)
    pen.fitted(VALUE_X, B_INSTITUTION, shared.institution_name, 7.5, RIGHT - VALUE_X - phone_room)


def _labelled_phone(pen: Pen, y: float, phone: str) -> float:
    """「电话 …」 ending at the right edge of the rows; returns the room it takes."""
    if not phone:
        return 0.0
    start = pen.text(RIGHT, y, phone, 7.5, anchor="right") - pen.width(phone, 7.5)
    label = "电话"
    pen.text(start - 1.2 * mm, y, label, LABEL_SIZE, color=GREY, anchor="right")
    return RIGHT - start + pen.width(label, LABEL_SIZE) + 4 * mm


def _name_and_sex(pen: Pen, y: float, card: ContactCard, size: float, room: float) -> None:
    sex_room = pen.width(card.sex, 8) + 2 * mm if card.sex else 0
    end = pen.fitted(LEFT if size > 14 else VALUE_X, y, card.name, size, room - sex_room, smallest=9, bold=True)
    if card.sex:
        pen.text(end + 2 * mm, y, card.sex, 8, color=GREY)


def _person_and_phone(pen: Pen, y: float, name: str, phone: str, sizes: tuple[float, float], *, bold: bool) -> None:
    """A person's name and phone on one row (a line to write on when neither is known)."""
    if not name and not phone:
        pen.blank(VALUE_X, y, RIGHT - 10 * mm)
        return
    end = pen.fitted(VALUE_X, y, name, sizes[0], 24 * mm, bold=bold) if name else VALUE_X
    if phone:
        pen.fitted(end + 3 * mm, y, group_phone(phone), sizes[1], RIGHT - end - 3 * mm, bold=bold)


def _front(pen: Pen, card: ContactCard) -> None:
    _name_and_sex(pen, F_NAME, card, 18, BESIDE_QR - LEFT)
    if card.id_number_masked:
        pen.fitted(VALUE_X, F_ID, card.id_number_masked, 8.5, BESIDE_QR - VALUE_X)
    else:
        pen.text(VALUE_X, F_ID, "（未登记）", 7.5, color=GREY)
    if card.health_record_no:
        pen.fitted(VALUE_X, F_RECORD, group_record_no(card.health_record_no), 8.5, BESIDE_QR - VALUE_X)
    else:
        pen.text(VALUE_X, F_RECORD, "（未登记）", 7.5, color=GREY)
    pen.qr(card.token, QR_X, QR_Y, QR_SIZE)
    pen.text(QR_X + QR_SIZE / 2, F_CODE, format_card_code(card.code), 7, anchor="centre")
    _person_and_phone(pen, F_DOCTOR, card.doctor_name, card.doctor_phone, (10.5, 12.5), bold=True)
    end = pen.fitted(VALUE_X, F_TEAM, card.team_name, 7.5, 34 * mm)
    if card.team_phone:
        pen.fitted(end + 3 * mm, F_TEAM, f"团队电话 {group_phone(card.team_phone)}", 7.5, RIGHT - end - 3 * mm)
    term = f"{card.start_date.isoformat()} 至 {card.end_date.isoformat()}"
    term_start = RIGHT - pen.width(term, 7)
    pen.text(term_start, F_CONTRACT, term, 7)
    pen.fitted(VALUE_X, F_CONTRACT, card.contract_no, 7, term_start - VALUE_X - 2 * mm)


def _listed(pen: Pen, y: float, items: tuple[str, ...], *, bold: bool = False) -> None:
    pen.fitted(VALUE_X, y, "、".join(items), 9, RIGHT - VALUE_X, smallest=6, bold=bold)


def _back(pen: Pen, card: ContactCard) -> None:
    _name_and_sex(pen, B_NAME, card, 12, RIGHT - VALUE_X)
    if card.health_record_no:
        pen.fitted(VALUE_X, B_RECORD, group_record_no(card.health_record_no), 8.5, RIGHT - VALUE_X)
    else:
        pen.blank(VALUE_X, B_RECORD, VALUE_X + 45 * mm)
    pen.text(VALUE_X, B_BLOOD, card.blood_group, 9)
    _listed(pen, B_CONDITIONS, card.conditions, bold=True)
    _listed(pen, B_ALLERGIES, card.allergies, bold=True)
    _person_and_phone(pen, B_EMERGENCY, card.emergency_contact, card.emergency_phone, (9, 9.5), bold=False)
    phone_room = _labelled_phone(pen, B_ADDRESS, group_phone(card.household_phone))
    if card.address:
        pen.fitted(VALUE_X, B_ADDRESS, card.address, 7.5, RIGHT - VALUE_X - phone_room)
    else:
        pen.blank(VALUE_X, B_ADDRESS, RIGHT - phone_room)
    _person_and_phone(pen, B_DOCTOR, card.responsible_doctor, card.responsible_phone, (7.5, 7.5), bold=False)


def _draw(canvas: Canvas, batch: CardBatch, progress: Progress | None) -> CardsWritten:
    pen = Pen(canvas)
    templates: dict[_Shared, tuple[str, str]] = {}

    def template_of(card: ContactCard) -> tuple[str, str]:
        shared = _Shared(card.institution_name, card.centre_phone, card.service_hours, batch.issued_on)
        if shared not in templates:
            names = (f"CardFront{len(templates)}", f"CardBack{len(templates)}")
            for name, draw in zip(names, (_front_template, _back_template), strict=True):
                canvas.beginForm(name)
                draw(pen, shared)
                canvas.endForm()
            templates[shared] = names
        return templates[shared]

    cards = batch.cards
    total = len(cards)
    done = 0
    sheets = 0
    for first in range(0, total, CARDS_PER_SHEET):
        sheet = cards[first : first + CARDS_PER_SHEET]
        for back in (False, True):
            for index, card in enumerate(sheet):
                place = card_place(index, back=back)
                canvas.saveState()
                canvas.translate(place.x, place.y)
                canvas.doForm(template_of(card)[1 if back else 0])
                (_back if back else _front)(pen, card)
                canvas.restoreState()
                if back:
                    done += 1
                    if progress is not None:
                        progress(done, total)
            draw_cut_marks(canvas)
            canvas.showPage()
        sheets += 1
    return CardsWritten(total, sheets, 2 * sheets)


def _canvas(target: BinaryIO) -> Canvas:
    # The initial font too is the embedded one: ReportLab's default would put an
    # unembedded Helvetica on every page.
    canvas = Canvas(target, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1, initialFontName=document_font().name)
    canvas.setTitle("家庭医生联系卡")
    canvas.setSubject("家庭医生联系卡（正反面，长边翻转双面打印）")
    canvas.setCreator("fdclient")
    canvas.setFillColor(BLACK)
    return canvas


def write_cards(batch: CardBatch, target: Target, *, progress: Progress | None = None) -> CardsWritten:
    """Write the cards of ``batch`` as a PDF to ``target``: a file (through a partial file
    beside it, renamed when complete: :func:`fdclient.documents.output.write_document`)
    or a binary stream. ``progress`` may raise to cancel: nothing is left at the path."""
    written: list[CardsWritten] = []
    write_document(target, lambda stream: written.append(_write(batch, stream, progress)))
    return written[0]


def _write(batch: CardBatch, stream: BinaryIO, progress: Progress | None) -> CardsWritten:
    canvas = _canvas(stream)
    written = _draw(canvas, batch, progress)
    canvas.save()
    return written
