"""Writing a roster import plan in the caller's write unit of work, in bulk.

Rows go in the way the demo loader writes 100k residents (:mod:`fdclient.services.demo.writer`):
plain tuples of the values SQLite stores (:mod:`fdclient.services.demo.common`: 32-digit
hex ids, ISO dates, naive-UTC timestamps, 0/1, sorted code lists) through the driver's
``executemany`` with no bind processing, in foreign-key order: villages, households (heads
set once their residents exist), residents and their diagnoses, changes of stored
residents, contracts with their members, packages and planned services. SQLite's per-row
CHECK evaluation is switched off while inserting and the rows just inserted are verified by
one scan per table (a violation is a programming error: it raises and the whole unit rolls
back); a large import rebuilds the residents' search index once at the end
(:func:`fdclient.services.registry.search.deferred_search_index`).

Each new resident gets the next health record number of their village
(:func:`fdclient.services.registry.residents.next_health_record_no`), each contract the next
contract number of its year (:mod:`fdclient.services.contracts.numbers`). Planned services
follow :func:`fdclient.services.contracts.plan.plan_member`'s rules exactly (the same
helpers, over plain values; a test compares them).
"""

from __future__ import annotations

import random
import secrets
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from fdclient.domain.codes import ContractScope, ContractStatus, ServiceKind
from fdclient.domain.key_populations import KeyPopulation, compute_tags
from fdclient.errors import RuleError
from fdclient.models import Village
from fdclient.rosters.import_contracts import CHANNEL, PAPER_CONSENT, ContractPlan
from fdclient.services import numbering
from fdclient.services.contracts import plan as service_plan
from fdclient.services.contracts.numbers import (
    contract_number_prefix,
    format_contract_no,
    next_contract_no,
    parse_contract_no,
)
from fdclient.services.demo.common import id_maker, stored_datetime
from fdclient.services.demo.writer import check_violations, checks_skipped
from fdclient.services.registry.pinyin import pinyin_of_name
from fdclient.services.registry.residents import next_health_record_no, person_facts
from fdclient.services.registry.search import deferred_search_index
from fdclient.services.township import store_township
from fdclient.settings import CONTRACT_AUTO_RENEW, get_setting
from fdclient.store.context import actor_id, now, today
from fdclient.sync.capture import capture_many, snapshot_rows
from fdclient.text import msg

if TYPE_CHECKING:
    from fdclient.rosters.importing import ImportPlan

__all__ = ["DEFERRED_SEARCH_FROM", "write_plan"]

#: From this many new residents on, the search index is rebuilt once at the end.
DEFERRED_SEARCH_FROM = 2_000
BATCH = 5_000
_FLAGS = (
    "has_hypertension",
    "has_diabetes",
    "has_tuberculosis",
    "has_severe_mental_disorder",
    "family_planning_special",
)
RESIDENT_COLUMNS = (
    "id", "created_at", "updated_at", "village_id", "household_id", "relationship_to_head", "name", "name_pinyin",
    "name_initials", "sex", "birth_date", "id_type", "id_number", "health_record_no", "ethnicity", "phone",
    "resident_type", "payment_methods", "drug_allergies", "exposures", "family_history_father",
    "family_history_mother", "family_history_siblings", "family_history_children", "disabilities",
    "relief_statuses", *_FLAGS, "registered_on", "registered_by_id", "status",
)  # fmt: skip
CONTRACT_COLUMNS = (
    "id", "created_at", "updated_at", "contract_no", "scope", "household_id", "representative_id", "team_id",
    "doctor_id", "start_date", "end_date", "term_years", "auto_renew", "status", "channel", "consent_given",
    "consented_at", "consent_text_version", "signed_at",
)  # fmt: skip
MEMBER_COLUMNS = (
    "id", "created_at", "updated_at", "contract_id", "resident_id", "is_active", "consent_by", "consented_at",
    "guardian_name", "guardian_relationship", "guardian_id_type", "guardian_id_number", "guardian_phone",
)  # fmt: skip
PACKAGE_COLUMNS = (
    "id", "created_at", "updated_at", "contract_id", "package_id", "fee_total_fen", "fee_insurance_fen",
    "fee_public_health_fen", "fee_resident_fen",
)  # fmt: skip
PLANNED_COLUMNS = (
    "id", "created_at", "updated_at", "contract_id", "resident_id", "package_item_id", "service_kind", "sequence",
    "window_start", "window_end", "status",
)  # fmt: skip


def _code_set(codes: Iterable[str]) -> str:
    if not codes:
        return ""
    return ",".join(sorted(set(codes), key=lambda c: (int(c), c) if c.isdigit() else (1 << 30, c)))


def _stored(value: Any) -> Any:
    """A value as SQLite stores it through SQLAlchemy's types (see the module docstring)."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return stored_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return _code_set(value)
    return value


class _Tables:
    """Inserts tuples of stored values with CHECKs skipped; verifies each table's new rows."""

    def __init__(self, connection: Connection, counts: dict[str, int]) -> None:
        self.connection, self.counts = connection, counts
        self.after: dict[str, int] = {}
        #: The ids inserted per table, in order (for the sync outbox).
        self.ids: dict[str, list[str]] = {}

    def put(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> None:
        run = self.connection.exec_driver_sql
        if table not in self.after:
            self.after[table] = int(run(f"SELECT coalesce(max(rowid), 0) FROM {table}").scalar_one())
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        ids = self.ids.setdefault(table, [])
        for batch in _batches(rows):
            run(sql, batch)
            ids.extend(row[0] for row in batch)
            self.counts[table] = self.counts.get(table, 0) + len(batch)

    def verify(self) -> None:
        for name, last in self.after.items():
            broken = check_violations(self.connection, [name], last)
            if broken:
                raise RuntimeError(f"roster rows break CHECK constraints of the store: {', '.join(broken)}")


def _batches(rows: Iterable[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def write_plan(session: Session, plan: ImportPlan) -> dict[str, int]:
    """Write ``plan``; returns the rows inserted per table (and ``residents_updated``)."""
    session.flush()
    connection = session.connection()
    stamp = _stored(now(session))
    counts: dict[str, int] = {}
    tables = _Tables(connection, counts)
    ids = id_maker(random.Random(secrets.randbits(64)), now(session))
    new = [c for c in plan.residents if c.stored is None]
    deferral = deferred_search_index(connection) if len(new) >= DEFERRED_SEARCH_FROM else nullcontext()
    township = store_township(session)
    # An enrolled store queues every row written here for the county server.
    updated_before = snapshot_rows(session, "residents", [c.id for c in plan.residents if c.stored is not None])
    with deferral, checks_skipped(connection):
        tables.put(
            "villages",
            ("id", "created_at", "updated_at", "township_id", "code", "name", "record_segment"),
            ((v.id.hex, stamp, stamp, township.id.hex, v.code, v.name, v.record_segment) for v in plan.villages),
        )
        tables.put(
            "households",
            ("id", "created_at", "updated_at", "village_id", "address"),
            ((h.id.hex, stamp, stamp, h.village.id.hex, h.address) for h in plan.households),
        )
        tables.put("residents", RESIDENT_COLUMNS, _resident_rows(session, new, stamp))
        tables.put(
            "diagnoses",
            ("id", "created_at", "updated_at", "resident_id", "disease"),
            ((ids(), stamp, stamp, c.id.hex, code) for c in plan.residents for code in c.diagnoses),
        )
        resident_of = {c.row.key: c.id for c in plan.residents}
        heads = [(resident_of[h.head_row.key].hex, h.id.hex) for h in plan.households if h.head_row is not None]
        for batch in _batches(heads):
            connection.exec_driver_sql("UPDATE households SET head_id = ? WHERE id = ?", batch)
        counts["residents_updated"] = _update_residents(connection, plan, stamp)
        _contracts(session, plan, stamp, tables, ids)
        tables.verify()
    capture_many(session, tables.ids, {"residents": updated_before})
    return counts


def _resident_rows(session: Session, new: list[Any], stamp: str) -> Iterator[tuple[Any, ...]]:
    by_village: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for c in new:
        by_village[c.village.id].append(c)
    registrar = _stored(actor_id(session))
    on = today(session).isoformat()
    for village_id, changes in by_village.items():
        village = session.get(Village, village_id)
        assert village is not None
        numbers = _record_numbers(session, village, len(changes))
        for c, number in zip(changes, numbers, strict=True):
            v = c.changes
            pinyin, initials = pinyin_of_name(v["name"])
            yield (
                c.id.hex, stamp, stamp, village_id.hex, c.household.id.hex if c.household else None,
                v["relationship_to_head"], v["name"], pinyin, initials, v["sex"], v["birth_date"].isoformat(), "01",
                v["id_number"], number, "01", v["phone"], "1", "", "", "", "", "", "",
                "", _code_set(v.get("disabilities", ())), _code_set(v.get("relief_statuses", ())),
                *(int(bool(v.get(flag))) for flag in _FLAGS), on, registrar, "active",
            )  # fmt: skip


def _record_numbers(session: Session, village: Village, count: int) -> list[str]:
    """``count`` health record numbers of ``village``: on an enrolled laptop one by one from
    the blocks reserved from the county server (a plain refusal when they run out); on a
    standalone store the next ``count`` after its highest."""
    if numbering.is_enrolled(session):
        return [next_health_record_no(session, village) for _ in range(count)]
    first = next_health_record_no(session, village)
    prefix, sequence = first[:-5], int(first[-5:])
    if sequence + count - 1 > 99_999:
        raise RuleError(
            msg(
                "{village} 的健康档案编号不够 {n} 位新居民使用（{prefix}99999 为止），请联系县级信息科。",
                "The health record numbers of {village} do not suffice for {n} new residents (up to "
                "{prefix}99999): contact the county's IT department.",
                village=village.name,
                n=count,
                prefix=prefix,
            )
        )
    return [f"{prefix}{sequence + offset:05d}" for offset in range(count)]


def _update_residents(connection: Connection, plan: ImportPlan, stamp: str) -> int:
    """Changes of stored residents, one executemany per set of changed columns."""
    groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = defaultdict(list)
    for c in plan.residents:
        if c.stored is None or not c.changes:
            continue
        values = dict(c.changes)
        if "name" in values:
            values["name_pinyin"], values["name_initials"] = pinyin_of_name(values["name"])
        columns = tuple(sorted(values))
        groups[columns].append((stamp, *(_stored(values[k]) for k in columns), c.id.hex))
    for columns, rows in groups.items():
        assignments = ", ".join(f"{k} = ?" for k in ("updated_at", *columns))
        for batch in _batches(rows):
            connection.exec_driver_sql(f"UPDATE residents SET {assignments} WHERE id = ?", batch)
    return sum(len(rows) for rows in groups.values())


def _contracts(session: Session, plan: ImportPlan, stamp: str, tables: _Tables, ids: Callable[[], str]) -> None:
    if not plan.contracts:
        return
    township_code = store_township(session).code
    prefix = contract_number_prefix(session)
    auto_renew = int(get_setting(session, CONTRACT_AUTO_RENEW))
    ordered = sorted(plan.contracts, key=lambda c: (c.signed_at, c.id))
    sequences: dict[int, int] = {}
    numbers = []
    enrolled = numbering.is_enrolled(session)
    for c in ordered:
        year = c.start.year
        if enrolled:  # one by one from the blocks reserved from the county server
            numbers.append(next_contract_no(session, township_code, year))
            continue
        if year not in sequences:
            parsed = parse_contract_no(next_contract_no(session, township_code, year))
            assert parsed is not None
            sequences[year] = parsed[2]
        else:
            sequences[year] += 1
        numbers.append(format_contract_no(township_code, year, sequences[year], prefix))
    scope = {True: ContractScope.HOUSEHOLD.value, False: ContractScope.INDIVIDUAL.value}
    tables.put(
        "contracts",
        CONTRACT_COLUMNS,
        (
            (
                c.id.hex,
                stamp,
                stamp,
                number,
                scope[c.household is not None],
                c.household.id.hex if c.household else None,
                c.representative_id.hex,
                c.team_id.hex,
                c.doctor_id.hex,
                c.start.isoformat(),
                c.end.isoformat(),
                c.term_years,
                auto_renew,
                ContractStatus.ACTIVE.value,
                CHANNEL.value,
                1,
                stored_datetime(c.signed_at),
                PAPER_CONSENT,
                stored_datetime(c.signed_at),
            )  # fmt: skip
            for c, number in zip(ordered, numbers, strict=True)
        ),
    )
    tables.put("contract_members", MEMBER_COLUMNS, _member_rows(ordered, stamp, ids))
    tables.put(
        "contract_packages",
        PACKAGE_COLUMNS,
        (
            (
                ids(),
                stamp,
                stamp,
                c.id.hex,
                p.id.hex,
                p.fee_total_fen,
                p.fee_insurance_fen,
                p.fee_public_health_fen,
                p.fee_resident_fen,
            )  # fmt: skip
            for c in ordered
            for p in c.packages
        ),
    )
    planner = _Planner()
    tables.put("planned_services", PLANNED_COLUMNS, (row for c in ordered for row in planner.rows(c, stamp, ids)))


def _member_rows(contracts: list[ContractPlan], stamp: str, ids: Callable[[], str]) -> Iterator[tuple[Any, ...]]:
    for c in contracts:
        at = stored_datetime(c.signed_at)
        for m in c.members:
            consent = c.consents[m.id]
            g = consent.guardian
            yield (
                ids(), stamp, stamp, c.id.hex, m.id.hex, 1, consent.by.value, at,
                g.name if g else None, g.relationship.value if g else None, g.id_type if g else None,
                g.id_number if g else None, g.phone if g else None,
            )  # fmt: skip


#: A package as planned: its population, and its items (id, kind, times a year, population).
_Items = tuple[str | None, list[tuple[str, ServiceKind, int, "KeyPopulation | None"]]]


class _Planner:
    """:func:`fdclient.services.contracts.plan.plan_member`'s loop over plain values: each
    package's items read once, each contract year's windows computed once (contracts share
    their start dates), the stored text of ids and days made once."""

    def __init__(self) -> None:
        self.items: dict[uuid.UUID, _Items] = {}
        self.windows: dict[tuple[ServiceKind, date, date, int], list[tuple[date, date]]] = {}
        self.days: dict[date, str] = {}

    def package(self, package: Any) -> _Items:
        found = self.items.get(package.id)
        if found is not None:
            return found
        items = []
        for item in package.items:
            kind = ServiceKind(item.service_kind)
            items.append((item.id.hex, kind, item.times_per_year, service_plan.SERVICE_POPULATION.get(kind)))
        self.items[package.id] = (package.target_population, items)
        return self.items[package.id]

    def day(self, value: date) -> str:
        text = self.days.get(value)
        if text is None:
            text = self.days[value] = value.isoformat()
        return text

    def rows(self, c: ContractPlan, stamp: str, ids: Callable[[], str]) -> Iterator[tuple[Any, ...]]:
        """The planned services of the members of ``c`` (all covered from the start)."""
        years = service_plan.covered_years(c.start, c.term_years, None)
        packages = [self.package(p) for p in c.packages]
        contract_hex = c.id.hex
        applies, day = service_plan.applies, self.day
        for resident in c.members:
            facts = person_facts(resident)
            resident_hex = resident.id.hex
            for year in years:
                tags = compute_tags(facts, year.since)
                for population, items in packages:
                    if not applies(population, tags):
                        continue
                    for item_hex, kind, times, needs in items:
                        if not applies(needs, tags):
                            continue
                        first_day, last_day = service_plan.age_span(kind, resident.birth_date)
                        key = (kind, year.first, year.last, times)
                        windows = self.windows.get(key)
                        if windows is None:
                            windows = self.windows[key] = service_plan.service_windows(kind, *key[1:])
                        for sequence, (start, end) in enumerate(windows, 1):
                            start, end = max(start, year.since, first_day), min(end, last_day)
                            if start <= end:
                                yield (
                                    ids(), stamp, stamp, contract_hex, resident_hex, item_hex, kind.value, sequence,
                                    day(start), day(end), "planned",
                                )  # fmt: skip
