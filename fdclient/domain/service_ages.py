"""The ages a service is for (DOMAIN.md §5), in one table: contract plans schedule a
service only within them, and the visit use cases refuse a record outside them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from fdclient.domain.codes import ServiceKind
from fdclient.domain.key_populations import CHILD_MAX_AGE, ELDERLY_MIN_AGE
from fdclient.domain.time import add_years
from fdclient.text import Text, msg

__all__ = ["CHRONIC_MIN_AGE", "SERVICE_AGES", "AgeLimit", "age_limit"]

#: Hypertension and type 2 diabetes patients are managed from this age (2017 specification).
CHRONIC_MIN_AGE = 35


@dataclass(frozen=True)
class AgeLimit:
    """Ages (full years, both inclusive; None: no limit) a service is for."""

    min_age: int | None = None
    max_age: int | None = None

    def allows(self, age: int) -> bool:
        return (self.min_age is None or age >= self.min_age) and (self.max_age is None or age <= self.max_age)

    def span(self, birth_date: date) -> tuple[date, date]:
        """First and last day a person born on ``birth_date`` has these ages."""
        first = add_years(birth_date, self.min_age) if self.min_age is not None else date.min
        last = add_years(birth_date, self.max_age + 1) - timedelta(days=1) if self.max_age is not None else date.max
        return first, last

    @property
    def text(self) -> Text:
        if self.max_age is None:
            return msg("{low} 岁及以上", "aged {low} and over", low=self.min_age)
        return msg("{low}-{high} 岁", "aged {low} to {high}", low=self.min_age or 0, high=self.max_age)


NO_LIMIT = AgeLimit()

#: The services with age limits, by service; the others are for every age.
SERVICE_AGES: Mapping[ServiceKind, AgeLimit] = MappingProxyType(
    {
        ServiceKind.HYPERTENSION_FOLLOWUP: AgeLimit(min_age=CHRONIC_MIN_AGE),
        ServiceKind.DIABETES_FOLLOWUP: AgeLimit(min_age=CHRONIC_MIN_AGE),
        ServiceKind.ELDERLY_CHECK: AgeLimit(min_age=ELDERLY_MIN_AGE),
        ServiceKind.CHILD_CHECK: AgeLimit(max_age=CHILD_MAX_AGE),
    }
)


def age_limit(kind: ServiceKind) -> AgeLimit:
    """The ages ``kind`` is for (:data:`NO_LIMIT` for a service for every age)."""
    return SERVICE_AGES.get(kind, NO_LIMIT)
