"""Township summary: the figures the main window shows for the township of this store.

Plain data only (no Qt); :func:`load_summary` fills it with the indicators' definitions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fdclient.domain.roles import Permission
from fdclient.models import Village
from fdclient.services.indicators.queries import households
from fdclient.services.indicators.sql import RESIDENTS, covered_residents, registered
from fdclient.services.township import store_township
from fdclient.store.context import require, today


@dataclass(frozen=True, slots=True)
class TownshipSummary:
    """Counts for one township (乡镇/街道) as of now.

    ``coverage`` is the share of residents with an active contract, from 0.0 to 1.0, or
    ``None`` when it cannot be computed (no residents yet).
    """

    township_code: str
    township_name: str
    villages: int
    households: int
    residents: int
    contracted_residents: int
    coverage: float | None


def load_summary(session: Session, as_of: date | None = None) -> TownshipSummary:
    """The store's township summary on *as_of* (today by the unit of work's clock), with
    the same definitions as the indicators (``fdclient stats``): registered residents,
    households with at least one of them, residents covered by a signed contract in force
    that day.

    Three counts (the registered residents, the table of covered residents, households);
    no rows are loaded.
    """
    require(session, Permission.VIEW_INDICATORS)
    day = as_of or today(session)
    township = store_township(session)
    villages = session.scalar(select(func.count()).select_from(Village).where(Village.township_id == township.id)) or 0
    r = RESIDENTS
    residents = session.scalar(select(func.count()).select_from(r).where(registered(r, day))) or 0
    with covered_residents(session, day) as covered:
        contracted = session.scalar(select(func.count()).select_from(covered)) or 0
    household_count = sum(value for _scope, _name, value in households(session, day))
    return TownshipSummary(
        township_code=township.code,
        township_name=township.name,
        villages=villages,
        households=household_count,
        residents=residents,
        contracted_residents=contracted,
        coverage=contracted / residents if residents else None,
    )
