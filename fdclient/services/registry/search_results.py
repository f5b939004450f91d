"""What the search box shows for each resident found (:func:`find_residents`): the hit of
:func:`fdclient.services.registry.search.search_residents` with the village's name, the age
today and the numbers masked (the ID number as printed lists show it) for a list that passers-by may see (the whole numbers are in
the record). Needs ``VIEW_RECORDS`` (checked by the search)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain import codes
from fdclient.domain.codes import ResidentStatus
from fdclient.domain.identity import mask_id_number
from fdclient.domain.key_populations import age_on
from fdclient.models import Village
from fdclient.services.registry.search import search_residents
from fdclient.store.context import today

__all__ = ["FoundResident", "find_residents", "mask_phone"]


@dataclass(frozen=True)
class FoundResident:
    id: uuid.UUID
    name: str
    sex_label: str
    age: int
    village_name: str
    #: Masked: ``360111**********12``.
    id_number: str
    #: Masked: ``139****9000``.
    phone: str
    health_record_no: str
    #: Which field matched: name, pinyin, initials, id_number, phone or health_record_no.
    matched_on: str
    status: ResidentStatus


def mask_phone(phone: str | None) -> str:
    """A phone number with its middle hidden (``139****9000``)."""
    if not phone:
        return ""
    if len(phone) >= 11:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return phone[:2] + "*" * max(len(phone) - 4, 0) + phone[-2:]


def find_residents(session: Session, query: str, *, limit: int = 20) -> tuple[FoundResident, ...]:
    """Residents matching ``query`` (see :mod:`fdclient.services.registry.search`), as shown."""
    hits = search_residents(session, query, limit=limit)
    if not hits:
        return ()
    on = today(session)
    wanted = {h.village_id for h in hits}
    villages: dict[uuid.UUID, str] = dict(
        session.execute(select(Village.id, Village.name).where(Village.id.in_(wanted))).tuples().all()
    )
    return tuple(
        FoundResident(
            id=h.id,
            name=h.name,
            sex_label=codes.SEX.get(str(h.sex), ""),
            age=age_on(h.birth_date, on) if h.birth_date <= on else 0,
            village_name=villages.get(h.village_id, ""),
            id_number=mask_id_number(h.id_number),
            phone=mask_phone(h.phone),
            health_record_no=h.health_record_no or "",
            matched_on=h.matched_on,
            status=h.status,
        )
        for h in hits
    )
