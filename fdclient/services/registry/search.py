"""Finding residents by what a person types in one search box.

``search_residents(session, "zs")`` understands, after full-width characters are folded
and punctuation and spaces dropped:

* Chinese characters (``张``, ``张三``, ``艾力``): the name contains them, in order and
  adjacent (``name``);
* Latin letters: a prefix of the name's initials (``zs`` → 张三, ``initials``) or of its
  full pinyin with the syllables joined (``zhang``, ``zhangs``, ``zhang san``, ``pinyin``);
* characters then letters (``张s``): the characters are read as pinyin, then as above;
* digits (and ``X``), three or more: a fragment anywhere in the ID number, phone or
  health record number (``id_number`` / ``phone`` / ``health_record_no``).

* a contact card's QR token (as a scanner types it) or its 12-digit code (spaces and
  dashes allowed): the card's holder alone (``card``; a replaced card finds nobody).

Anything else (only punctuation, one or two digits, digits mixed with other letters)
finds nobody. Voided residents are never found. Results come exact match first (the whole
name, initials, pinyin or number), then names that start with the query (or numbers, in
number order), then the rest: names by pinyin, number fragments in registration order
(a fragment such as a county code can be shared by the whole township: no sort).
Searching needs ``VIEW_RECORDS``.

The indexes (migration 0002) are kept by triggers: ``resident_search_map`` holds what is
searched for each resident not voided, with B-tree indexes for exact and prefix reads
(pinyin, initials, numbers: read in index order, so a one-letter query stops after
``limit`` rows), and two FTS5 tables over it find runs of characters in names and
fragments of numbers. The text typed is never passed to FTS5 as syntax: it is reduced to
letters and digits and quoted.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    Select,
    String,
    Uuid,
    bindparam,
    case,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.orm import Session

from fdclient.domain.codes import ResidentStatus
from fdclient.domain.roles import Permission
from fdclient.models import Resident
from fdclient.services.registry.card_tokens import find_by_card
from fdclient.services.registry.pinyin import opening_syllables, pinyin_of_name
from fdclient.store.context import require

__all__ = [
    "MIN_NUMBER_FRAGMENT",
    "ResidentHit",
    "clean_query",
    "deferred_search_index",
    "rebuild_search_index",
    "search_residents",
]

#: The trigram index finds fragments of at least three characters.
MIN_NUMBER_FRAGMENT = 3

_MAP = table(
    "resident_search_map",
    column("rowid"),
    column("resident_id", Uuid),
    column("village_id", Uuid),
    column("chars", String),
    column("pinyin", String),
    column("initials", String),
    column("id_number", String),
    column("phone", String),
    column("health_record_no", String),
)
_NAMES = table("resident_search", column("rowid"))
_NUMBERS = table("resident_search_numbers", column("rowid"))
_NUMBER_COLUMNS = (_MAP.c.id_number, _MAP.c.phone, _MAP.c.health_record_no)
_PINYIN_ORDER = (_MAP.c.pinyin, _MAP.c.rowid)
_HANZI_THEN_LETTERS = re.compile(r"([^\x00-\x7f]+)([a-z]+)")
#: Above every character stored in pinyin, initials and numbers: ``q <= x < q + _TOP``
#: is "x starts with q".
_TOP = "\x7f"


@dataclass(frozen=True)
class ResidentHit:
    """One resident found. Numbers are raw: the UI masks them for display."""

    id: uuid.UUID
    name: str
    sex: int
    birth_date: date
    id_number: str | None
    phone: str | None
    village_id: uuid.UUID
    household_id: uuid.UUID | None
    health_record_no: str | None
    #: Which field matched: name, pinyin, initials, id_number, phone or health_record_no.
    matched_on: str
    #: A search also finds residents no longer active.
    status: ResidentStatus


def _fold(ch: str) -> str:
    """Accents off Latin letters (full-width forms were folded by NFKC before)."""
    if ch < "\u0250" and not ch.isascii():
        return "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return ch


def clean_query(query: str) -> str:
    """The letters and digits of ``query``, lowercased: what the search looks for."""
    text = "".join(_fold(ch) for ch in unicodedata.normalize("NFKC", query)).lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def search_residents(
    session: Session,
    query: str,
    *,
    limit: int = 50,
    village_id: uuid.UUID | None = None,
) -> list[ResidentHit]:
    """Residents matching ``query`` (see the module docstring), at most ``limit``."""
    require(session, Permission.VIEW_RECORDS)
    if limit <= 0:
        return []
    card = find_by_card(session, query)  # a contact card's QR token, scanned, or its 12 digits
    if card is not None:
        return _load(session, [(_CardHolderRow(card.id), "card")])
    q = clean_query(query)
    if not q:
        return []
    if q.isascii():
        if not any(ch.isdigit() for ch in q):
            found = _by_pinyin(session, q, limit, village_id)
        elif q.strip("0123456789x") or len(q) < MIN_NUMBER_FRAGMENT:
            return []  # letters other than the X of an ID number, or too short
        else:
            found = _by_number(session, q.upper(), limit, village_id)
    elif mixed := _HANZI_THEN_LETTERS.fullmatch(q):  # 张s: the characters read as pinyin
        syllables = pinyin_of_name(mixed.group(1))[0].replace(" ", "")
        found = _by_pinyin(session, syllables + mixed.group(2), limit, village_id) if syllables else []
    elif any(ch.isascii() for ch in q):
        return []
    else:
        found = _by_characters(session, q, limit, village_id)
    return _load(session, found)


class _CardHolderRow(NamedTuple):
    """The one resident a contact card finds, as :func:`_load` takes it."""

    resident_id: uuid.UUID


def _map_rows(village_id: uuid.UUID | None) -> Select[Any]:
    stmt = select(_MAP)
    return stmt if village_id is None else stmt.where(_MAP.c.village_id == village_id)


def _fts(fts: Any, match: str, village_id: uuid.UUID | None) -> Select[Any]:
    return (
        _map_rows(village_id).join(fts, fts.c.rowid == _MAP.c.rowid).where(literal_column(fts.name).op("MATCH")(match))
    )


def _by_characters(session: Session, q: str, limit: int, village_id: uuid.UUID | None) -> list[tuple[Any, str]]:
    if len(q) == 1 and village_id is None and (syllables := opening_syllables(q)):
        return _by_first_character(session, q, syllables, limit)
    spaced = " ".join(q)
    chars = func.replace(_MAP.c.chars, " ·", "")  # 买 买 提 · 艾 力 → 买 买 提 艾 力
    rank = case((chars == spaced, 0), (func.substr(chars, 1, len(spaced)) == spaced, 1), else_=2)
    stmt = _fts(_NAMES, f'chars : "{spaced}"', village_id).order_by(rank, *_PINYIN_ORDER)
    return [(row, "name") for row in session.execute(stmt.limit(limit))]


def _by_first_character(session: Session, ch: str, syllables: tuple[str, ...], limit: int) -> list[tuple[Any, str]]:
    """One character typed (a surname, mostly): the order of :func:`_by_characters`
    (the name itself, names starting with it, names holding it; each by pinyin) without
    sorting every name that holds it (a common surname: thousands). Names starting with
    *ch* start with one of its *syllables*, so they are read from the pinyin index in
    order, stopping at *limit*; the names holding it elsewhere are read only when fewer
    were found."""
    py = _MAP.c.pinyin
    first = func.substr(_MAP.c.chars, 1, 1) == ch
    exact = _map_rows(None).where(py.in_(syllables), _MAP.c.chars == ch).order_by(*_PINYIN_ORDER)
    rows = list(session.execute(exact.limit(limit)))
    seen = {row.rowid for row in rows}
    starting = [
        list(
            session.execute(_map_rows(None).where(py >= s, py < s + _TOP, first).order_by(*_PINYIN_ORDER).limit(limit))
        )
        for s in syllables
    ]
    for row in heapq.merge(*starting, key=lambda r: (r.pinyin, r.rowid)):
        if len(rows) >= limit:
            break
        if row.rowid not in seen:
            seen.add(row.rowid)
            rows.append(row)
    if len(rows) < limit:
        inside = _fts(_NAMES, f'chars : "{ch}"', None).where(~first).order_by(*_PINYIN_ORDER)
        rows += session.execute(inside.limit(limit - len(rows)))
    return [(row, "name") for row in rows]


def _by_pinyin(session: Session, q: str, limit: int, village_id: uuid.UUID | None) -> list[tuple[Any, str]]:
    """Exact pinyin or initials first, then names whose pinyin or initials start with
    ``q``, merged in pinyin order; each part is an index range read in order."""
    py, ini = _MAP.c.pinyin, _MAP.c.initials
    exact = _map_rows(village_id).where(or_(py == q, ini == q)).order_by(*_PINYIN_ORDER)
    parts = [_map_rows(village_id).where(py > q, py < q + _TOP).order_by(*_PINYIN_ORDER)]
    if len(q) > 1:  # one letter: the initials prefix finds the same people as the pinyin one
        parts.append(_map_rows(village_id).where(ini > q, ini < q + _TOP).order_by(*_PINYIN_ORDER))
    rows = list(session.execute(exact.limit(limit)))
    seen = {row.rowid for row in rows}
    prefixed = [list(session.execute(part.limit(limit))) for part in parts]
    for row in heapq.merge(*prefixed, key=lambda r: (r.pinyin, r.rowid)):
        if len(rows) >= limit:
            break
        if row.rowid not in seen:
            seen.add(row.rowid)
            rows.append(row)
    return [(row, "initials" if row.pinyin != q and row.initials.startswith(q) else "pinyin") for row in rows]


def _by_number(session: Session, q: str, limit: int, village_id: uuid.UUID | None) -> list[tuple[Any, str]]:
    """Numbers equal to ``q`` (by pinyin), then starting with it (in number order), then,
    unless one was equal, holding it anywhere (in registration order). Every part is read
    in index order and stops at ``limit``, so a fragment shared by the whole township
    (``360``, a county code) costs no sort."""
    rows: list[Any] = []
    seen: set[int] = set()

    def add(batch: Iterable[Any]) -> None:
        for row in batch:
            if len(rows) >= limit:
                return
            if row.rowid not in seen:
                seen.add(row.rowid)
                rows.append(row)

    exact = _map_rows(village_id).where(or_(*(n == q for n in _NUMBER_COLUMNS)))
    add(session.execute(exact.order_by(*_PINYIN_ORDER).limit(limit)))
    identified = bool(rows)
    starts = [
        list(session.execute(_map_rows(village_id).where(n > q, n < q + _TOP).order_by(n, _MAP.c.rowid).limit(limit)))
        for n in _NUMBER_COLUMNS
    ]
    add(
        heapq.merge(
            *starts, key=lambda r: min(v for v in (r.id_number, r.phone, r.health_record_no) if v and v.startswith(q))
        )
    )
    if not identified and len(rows) < limit:
        inside = _fts(_NUMBERS, f'"{q}"', village_id).order_by(_NUMBERS.c.rowid)
        add(session.execute(inside.limit(limit + len(rows))))
    return [(row, _number_field(row, q)) for row in rows]


def _number_field(row: Any, q: str) -> str:
    """The field holding ``q``: an equal one first, then a prefix, then any."""
    fields = (
        ("id_number", row.id_number or ""),
        ("phone", row.phone or ""),
        ("health_record_no", row.health_record_no or ""),
    )
    for test in (str.__eq__, str.startswith, str.__contains__):
        for field, value in fields:
            if test(value, q):
                return field
    return "id_number"


_LOAD = select(
    Resident.id,
    Resident.name,
    Resident.sex,
    Resident.birth_date,
    Resident.id_number,
    Resident.phone,
    Resident.village_id,
    Resident.household_id,
    Resident.health_record_no,
    Resident.status,
).where(Resident.id.in_(bindparam("ids", expanding=True)), Resident.voided_at.is_(None))


def _load(session: Session, found: list[tuple[Any, str]]) -> list[ResidentHit]:
    """The residents of ``found`` (map rows in result order, with what matched)."""
    if not found:
        return []
    ids = [row.resident_id for row, _ in found]
    residents = {r.id: r for r in session.execute(_LOAD, {"ids": ids})}
    hits = []
    for row, matched_on in found:
        r = residents.get(row.resident_id)
        if r is not None:
            values = r._asdict() | {"status": ResidentStatus(r.status), "matched_on": matched_on}
            hits.append(ResidentHit(**values))
    return hits


@contextmanager
def deferred_search_index(connection: Connection) -> Iterator[None]:
    """Bulk loads: inside the block, writing residents skips the full-text indexes (an
    FTS5 write flushes at every statement, which makes each ``executemany`` row several
    times dearer); leaving the block rebuilds them in one statement each.

    Use it inside the caller's transaction, for loads that are large beside the store
    (demo data, a township snapshot): the rebuild costs as much as indexing every
    resident in the store once. Searches in the same transaction meanwhile miss
    fragments of names and numbers.
    """
    connection.exec_driver_sql("INSERT INTO resident_search_deferred (since) VALUES (datetime('now'))")
    # A failure in the block ends here: the transaction that rolls back the load rolls
    # back the deferral too, so there is nothing to rebuild.
    yield
    # Residents inserted meanwhile skipped the map trigger: add them in one pass
    # (still deferred, so the map's own triggers leave the full-text tables alone).
    connection.exec_driver_sql(
        f"INSERT INTO resident_search_map ({_MAP_COLUMNS}) SELECT {_MAP_COLUMNS}"
        " FROM resident_search_source s"
        " WHERE NOT EXISTS (SELECT 1 FROM resident_search_map m WHERE m.resident_id = s.resident_id)"
    )
    connection.exec_driver_sql("DELETE FROM resident_search_deferred")
    rebuild_search_index(connection)


_MAP_COLUMNS = "resident_id, village_id, chars, pinyin, initials, id_number, phone, health_record_no"


def rebuild_search_index(connection: Connection) -> None:
    """Rebuild both full-text indexes from ``resident_search_map``."""
    for fts in (_NAMES.name, _NUMBERS.name):
        connection.exec_driver_sql(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")
