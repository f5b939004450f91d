"""Township summary: the figures the main window shows for the township of this store.

Plain data only (no Qt): the query that fills it is added with the store services.
"""

from __future__ import annotations

from dataclasses import dataclass


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
