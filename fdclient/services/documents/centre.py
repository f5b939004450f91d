"""The health centre as printed documents name it: county, township, institution, the
centre's phone and service hours."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from fdclient.services.township import store_township
from fdclient.settings import SERVICE_HOURS, get_setting, is_set

__all__ = ["Centre", "centre_details"]


@dataclass(frozen=True)
class Centre:
    county_name: str
    township_name: str
    #: 乡镇卫生院 / 社区卫生服务中心 (the township's name when none is recorded).
    institution_name: str
    phone: str
    service_hours: str


def centre_details(session: Session) -> Centre:
    """The store's township and its centre. Service hours: the township's setting when
    set, else the hours recorded with the township, else the setting's default (as on
    the contact cards)."""
    township = store_township(session)
    hours = get_setting(session, SERVICE_HOURS)
    if not is_set(session, SERVICE_HOURS) and township.service_hours:
        hours = township.service_hours
    return Centre(
        county_name=township.county_name or "",
        township_name=township.name,
        institution_name=township.institution_name or f"{township.name}卫生院",
        phone=township.centre_phone or "",
        service_hours=hours,
    )
