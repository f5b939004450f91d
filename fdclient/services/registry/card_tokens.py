"""The numbers of residents' contact cards (家庭医生联系卡): made when a resident's first card
is printed, kept by every reprint, replaced when a lost card is reissued; and the resident
a scanned token or a typed card code belongs to.

* :func:`ensure_card_tokens` gives every resident of a list who has none a token and a
  code (``PRINT``: it is part of printing the cards);
* :func:`reissue_card` replaces a resident's token and code (a lost card: the old card
  finds nobody from now on; ``PRINT``);
* :func:`find_by_card` finds the resident of a token (from the QR code) or a code (typed,
  spaces allowed; ``VIEW_RECORDS``).

The tokens never enter the audit trail (whoever reads the trail could otherwise make a
resident's card): the columns are written with one bulk UPDATE and one event records how
many were issued, or that a resident's card was reissued, without the values. The rows'
``updated_at`` is stamped by the unit of work's clock so synchronisation sends them.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fdclient.domain.card_codes import new_card_code, new_card_token, read_card_input
from fdclient.domain.codes import AuditAction, ResidentStatus
from fdclient.domain.roles import Permission
from fdclient.errors import RuleError
from fdclient.models import Resident
from fdclient.services.lookup import fetch
from fdclient.store.audit_trail import record_event
from fdclient.store.context import now, require
from fdclient.sync.capture import capture_rows, snapshot_rows
from fdclient.text import msg

__all__ = ["CardHolder", "CardNumbers", "ensure_card_tokens", "find_by_card", "reissue_card"]

#: Ids per IN (...) query.
_CHUNK = 500


@dataclass(frozen=True)
class CardNumbers:
    token: str
    #: 12 digits, printed as groups of four (fdclient.domain.card_codes.format_card_code).
    code: str


@dataclass(frozen=True)
class CardHolder:
    """The resident a card belongs to."""

    id: uuid.UUID
    name: str
    village_id: uuid.UUID
    household_id: uuid.UUID | None
    status: ResidentStatus
    #: What matched: ``token`` (scanned) or ``code`` (typed).
    matched_on: str


def _chunks(ids: list[uuid.UUID]) -> Iterable[list[uuid.UUID]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _taken(session: Session, column: str, values: Collection[str]) -> set[str]:
    attr = getattr(Resident, column)
    found: set[str] = set()
    listed = list(values)
    for start in range(0, len(listed), _CHUNK):
        found.update(session.scalars(select(attr).where(attr.in_(listed[start : start + _CHUNK]))))
    return found


def _new_numbers(session: Session, count: int) -> list[CardNumbers]:
    """``count`` token/code pairs used by nobody (collisions are checked, however unlikely)."""
    tokens: set[str] = set()
    codes: set[str] = set()
    while len(tokens) < count or len(codes) < count:
        more_tokens = {new_card_token() for _ in range(count - len(tokens))}
        more_codes = {new_card_code() for _ in range(count - len(codes))}
        tokens |= more_tokens - _taken(session, "card_token", more_tokens)
        codes |= more_codes - _taken(session, "card_code", more_codes)
    return [CardNumbers(t, c) for t, c in zip(sorted(tokens), sorted(codes), strict=True)]


def _write(session: Session, numbers: dict[uuid.UUID, CardNumbers]) -> None:
    if not numbers:
        return
    stamp = now(session)
    before = snapshot_rows(session, "residents", numbers)  # for the sync outbox (enrolled stores)
    session.execute(
        update(Resident),
        [{"id": rid, "card_token": n.token, "card_code": n.code, "updated_at": stamp} for rid, n in numbers.items()],
        execution_options={"synchronize_session": False},
    )
    capture_rows(session, "residents", [], before=before)


def ensure_card_tokens(session: Session, resident_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, CardNumbers]:
    """The card numbers of each resident of ``resident_ids`` (voided or unknown ones are left
    out), made for those who have none yet; the numbers of the others are kept."""
    require(session, Permission.PRINT)
    ids = list(dict.fromkeys(resident_ids))
    result: dict[uuid.UUID, CardNumbers] = {}
    missing: list[uuid.UUID] = []
    for chunk in _chunks(ids):
        rows = session.execute(
            select(Resident.id, Resident.card_token, Resident.card_code).where(
                Resident.id.in_(chunk), Resident.voided_at.is_(None)
            )
        )
        for rid, token, code in rows:
            if token and code:
                result[rid] = CardNumbers(token, code)
            else:
                missing.append(rid)
    issued = dict(zip(missing, _new_numbers(session, len(missing)), strict=True))
    _write(session, issued)
    if issued:
        record_event(session, AuditAction.UPDATE, "residents", {"card_numbers_issued": len(issued)})
    result.update(issued)
    return {rid: result[rid] for rid in ids if rid in result}


def reissue_card(session: Session, resident_id: uuid.UUID) -> CardNumbers:
    """New card numbers for a resident whose card was lost: the old token and code find
    nobody from now on. Print the new card after this."""
    require(session, Permission.PRINT)
    resident = fetch(session, Resident, resident_id, msg("该居民", "the resident"), "resident_id")
    if resident.voided_at is not None:
        raise RuleError(
            msg(
                "该居民的档案已作废，不能补发联系卡。",
                "The resident's record was voided: no card can be reissued.",
            ),
            field="resident_id",
        )
    (numbers,) = _new_numbers(session, 1)
    _write(session, {resident.id: numbers})
    session.expire(resident, ["card_token", "card_code", "updated_at"])
    record_event(
        session, AuditAction.UPDATE, "residents", {"card": "reissued"}, row_id=resident.id, subject_id=resident.id
    )
    return numbers


def find_by_card(session: Session, scanned_or_typed: str) -> CardHolder | None:
    """The resident whose card carries this token (as scanned from the QR code) or code
    (12 digits, as typed: spaces and dashes allowed); None when it is neither or the card
    was replaced. Voided residents are never found."""
    require(session, Permission.VIEW_RECORDS)
    card = read_card_input(scanned_or_typed)
    if card is None:
        return None
    column = Resident.card_token if card.kind == "token" else Resident.card_code
    row = session.execute(
        select(Resident.id, Resident.name, Resident.village_id, Resident.household_id, Resident.status).where(
            column == card.value, Resident.voided_at.is_(None)
        )
    ).one_or_none()
    if row is None:
        return None
    return CardHolder(row.id, row.name, row.village_id, row.household_id, ResidentStatus(row.status), card.kind)
