"""Township summary: the figures the main window shows for the township of this store.

Plain data only (no Qt); :func:`load_summary` fills it with the indicators' definitions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fdclient.domain.roles import Permission
from fdclient.models import Village
from fdclient.services.indicators.definitions import DEFAULT_DEFINITIONS
from fdclient.services.indicators.queries import households_by_village, population_by_village
from fdclient.services.indicators.sql import contracted_residents
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

    Two aggregate queries (residents grouped by village and contracted, households);
    no rows are loaded.
    """
    require(session, Permission.VIEW_INDICATORS)
    # No key-population counts are needed here: leave them out of the scan.
    definitions = replace(DEFAULT_DEFINITIONS, key_populations=())
    day = as_of or today(session)
    township = store_township(session)
    villages = session.scalar(select(func.count()).select_from(Village).where(Village.township_id == township.id)) or 0
    totals = {"residents": 0, "contracted": 0, "households": 0}
    with contracted_residents(session, day) as contracted:
        for source in (
            population_by_village(session, day, contracted, definitions),
            households_by_village(session, day),
        ):
            for _village, name, value in source:
                if name in totals:
                    totals[name] += value
    residents = totals["residents"]
    return TownshipSummary(
        township_code=township.code,
        township_name=township.name,
        villages=villages,
        households=totals["households"],
        residents=residents,
        contracted_residents=totals["contracted"],
        coverage=totals["contracted"] / residents if residents else None,
    )
