"""Counts and where they belong: the township, a village, a team or a family doctor.

The queries count per *cell*, (village, team, doctor): the residents of a village covered
by a contract of that team and doctor on the statistics date, or by none (team and doctor
None). Most counts add up, so each cell's count goes into the township, its village, its
team and its doctor; the figures of every level are sums of cells and always agree.
Counts that do not add up (households with a covered member: one household can have
members with two doctors) are given for one unit and stay there.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import NamedTuple

__all__ = ["Count", "Counted", "Counts", "Scope", "Tally"]


class Scope(NamedTuple):
    """Where a count belongs: with ``summed``, the cell (village, team, doctor) and every
    wider unit containing it (no village: the township only); without, only the narrowest
    unit named (a doctor of a team, a team, a village, or the township)."""

    village: uuid.UUID | None = None
    team: uuid.UUID | None = None
    doctor: uuid.UUID | None = None
    summed: bool = True


#: ``(scope, count name, value)`` as the queries yield them.
Count = tuple[Scope, str, int]
Counted = Iterator[Count]
Counts = dict[str, int]


def _counts() -> defaultdict[str, int]:
    return defaultdict(int)


class Tally:
    """The counts of every unit, from the queries' counts. Counts of villages not in
    *villages* (another township's) are left out everywhere."""

    def __init__(self, villages: Iterable[uuid.UUID]) -> None:
        self.known = set(villages)
        self.township: defaultdict[str, int] = _counts()
        self.villages: defaultdict[uuid.UUID, defaultdict[str, int]] = defaultdict(_counts)
        self.teams: defaultdict[uuid.UUID, defaultdict[str, int]] = defaultdict(_counts)
        self.doctors: defaultdict[tuple[uuid.UUID, uuid.UUID], defaultdict[str, int]] = defaultdict(_counts)

    def add_all(self, counts: Iterable[Count]) -> None:
        for scope, name, value in counts:
            self.add(scope, name, value)

    def add(self, scope: Scope, name: str, value: int) -> None:
        village, team, doctor, summed = scope
        if village is not None and village not in self.known:
            return
        if not summed:
            self._narrowest(scope)[name] += value
            return
        self.township[name] += value
        if village is not None:
            self.villages[village][name] += value
        if team is not None:
            self.teams[team][name] += value
            if doctor is not None:
                self.doctors[team, doctor][name] += value

    def _narrowest(self, scope: Scope) -> defaultdict[str, int]:
        if scope.team is not None:
            return self.doctors[scope.team, scope.doctor] if scope.doctor is not None else self.teams[scope.team]
        return self.villages[scope.village] if scope.village is not None else self.township

    def doctors_of(self, team: uuid.UUID) -> list[uuid.UUID]:
        """The doctors with counts in *team*."""
        return [doctor for (t, doctor) in self.doctors if t == team]
