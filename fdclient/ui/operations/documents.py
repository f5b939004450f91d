"""Printing from the GUI: the contract forms, contact cards and walking lists of a village (or
one contract), made as long work off the GUI thread with progress and cancel.

Each batch is gathered and drawn in ONE write unit of work, as the command line does
(:mod:`fdclient.cli.printing`): the print is in the audit trail, and first-time cards get
their numbers, only when the document is complete; a cancel or a failure (a full disk)
rolls both back and leaves no file (:func:`fdclient.documents.output.write_document`
writes beside the target and renames when complete). The unit of work holds the store's
write lock while it draws (a village's batch: a few seconds); a save asked meanwhile waits
for it (up to the store's busy timeout).

A preview is a print to the screen: it is recorded like one, and the cards it shows keep
the numbers they got, so printing or saving the previewed document (from its bytes, with
no second gathering) gives exactly what was looked at.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from PySide6.QtCore import QObject
from PySide6.QtPrintSupport import QPrinter

from fdclient.documents.output import write_document
from fdclient.errors import OperationFailed
from fdclient.text import msg
from fdclient.ui.pdf_pages import PdfPages
from fdclient.ui.session import UiSession
from fdclient.ui.tasks import Failed, Progress, TaskHandle

__all__ = [
    "DocumentKind",
    "MadeDocument",
    "PrintChoice",
    "make_document",
    "print_document",
    "save_document",
    "save_pdf",
]

#: ``progress(done, total, text)`` on the GUI thread (total 0: still gathering).
Report = Callable[[int, int, str], None]


class DocumentKind(StrEnum):
    CONTRACT_FORMS = "contract_forms"
    CONTACT_CARDS = "contact_cards"
    WALKING_LIST = "walking_list"


@dataclass(frozen=True)
class PrintChoice:
    """What to print: a village (by code) or one contract (by number; forms and cards);
    the walking list is always a village's, for *day*."""

    kind: DocumentKind
    village_code: str | None = None
    contract_no: str | None = None
    day: date | None = None


@dataclass(frozen=True)
class MadeDocument:
    kind: DocumentKind
    #: Forms, cards or households in the document.
    items: int
    pages: int
    #: Where it was written (None: in :attr:`data`).
    path: Path | None = None
    #: The PDF itself, when made in memory (preview, print).
    data: bytes = b""
    #: Residents who got their first card with this batch.
    new_cards: int = 0


def _nothing_to_print(choice: PrintChoice) -> OperationFailed:
    if choice.kind is DocumentKind.CONTACT_CARDS:
        return OperationFailed(
            msg(
                "没有要打印的联系卡：所选范围内没有履约中的签约居民。没有生成文件。",
                "No contact card to print: nobody in the chosen range is covered by a contract in force."
                " No file was made.",
            )
        )
    return OperationFailed(
        msg(
            "没有要打印的协议：该村没有履约中的签约协议。没有生成文件。",
            "Nothing to print: the village has no contract in force. No file was made.",
        )
    )


def _make(session: UiSession, choice: PrintChoice, target: Path | BinaryIO, state: Progress) -> MadeDocument:
    """Gather and draw *choice* into *target* in one write unit of work."""
    from fdclient.documents.cards import write_cards
    from fdclient.documents.contract_form import write_contract_forms
    from fdclient.documents.walking_list import write_walking_list
    from fdclient.services.documents.cards import contact_cards
    from fdclient.services.documents.contract_forms import contract_forms
    from fdclient.services.documents.walking_lists import walking_list

    def drawn(done: int, total: int) -> None:
        state.step(done, total)

    path = target if isinstance(target, Path) else None
    state.step(0, 0)
    with session.store.write() as s:
        if choice.kind is DocumentKind.CONTRACT_FORMS:
            forms = contract_forms(s, village_code=choice.village_code, contract_no=choice.contract_no)
            if not forms.forms:
                raise _nothing_to_print(choice)
            state.step(0, len(forms.forms))
            pages = write_contract_forms(forms, target, progress=drawn)
            made = MadeDocument(choice.kind, len(forms.forms), pages, path)
        elif choice.kind is DocumentKind.CONTACT_CARDS:
            cards = contact_cards(s, village_code=choice.village_code, contract_no=choice.contract_no)
            if not cards.cards:
                raise _nothing_to_print(choice)
            state.step(0, len(cards.cards))
            written = write_cards(cards, target, progress=drawn)
            made = MadeDocument(choice.kind, written.cards, written.pages, path, new_cards=cards.new_cards)
        else:
            walk = walking_list(s, village_code=choice.village_code, day=choice.day)
            state.step(0, 1)
            pages = write_walking_list(walk, target)
            state.step(1, 1)
            made = MadeDocument(choice.kind, len(walk.households), pages, path)
        state.check()  # a cancel at the last moment still rolls back
    return made


def make_document(
    session: UiSession,
    choice: PrintChoice,
    done: Callable[[MadeDocument], None],
    failed: Failed | None = None,
    *,
    progress: Report | None = None,
    owner: QObject | None = None,
) -> TaskHandle:
    """Make the document in memory (for the preview or the printer)."""

    def work(state: Progress) -> MadeDocument:
        buffer = io.BytesIO()
        made = _make(session, choice, buffer, state)
        return MadeDocument(made.kind, made.items, made.pages, None, buffer.getvalue(), made.new_cards)

    return session.runner.long(work, done, failed, progress=progress, owner=owner)


def save_document(
    session: UiSession,
    choice: PrintChoice,
    path: Path,
    done: Callable[[MadeDocument], None],
    failed: Failed | None = None,
    *,
    progress: Report | None = None,
    owner: QObject | None = None,
) -> TaskHandle:
    """Make the document straight into *path* (replaced only when complete)."""
    return session.runner.long(
        lambda state: _make(session, choice, path, state), done, failed, progress=progress, owner=owner
    )


def save_pdf(
    session: UiSession,
    data: bytes,
    path: Path,
    done: Callable[[Path], None],
    failed: Failed | None = None,
    *,
    owner: QObject | None = None,
) -> TaskHandle:
    """Write a document already made (the one previewed) to *path*, whole or not at all."""

    def work(state: Progress) -> Path:
        state.check()
        write_document(path, lambda stream: stream.write(data))
        return path

    return session.runner.long(work, done, failed, owner=owner)


def print_document(
    session: UiSession,
    pages: PdfPages,
    printer: QPrinter,
    done: Callable[[int], None],
    failed: Failed | None = None,
    *,
    progress: Report | None = None,
    owner: QObject | None = None,
) -> TaskHandle:
    """Send the pages to the printer chosen in the print dialog (drawn off the GUI thread:
    Qt paints on a QPrinter from any thread); a cancel aborts the job. Gives the pages
    sent."""

    def work(state: Progress) -> int:
        return pages.print_to(printer, lambda done, total: state.step(done, total))

    return session.runner.long(work, done, failed, progress=progress, owner=owner)
