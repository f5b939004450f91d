"""The same person registered on two laptops (docs/sync.md "Merge rules").

A resident inserted with the ID number of an active resident of the township is merged
into it when name, birth date and sex agree: the newcomer becomes an alias
(``merged_into_id`` = survivor, voided with :data:`VOID_REASON`), its non-empty fields fill
the survivor's empty ones, and every record of the township naming it is re-pointed to the
survivor (each with a new version). Otherwise both stay active and a task is opened for a
person. What a merge changed is kept in the merge row's ``undo``:
``{"repointed": [[table, row_id, column], ...], "filled": {column: value},
"loser_before": {column: value}}``, so :func:`undo_merge` can reverse it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, UniqueConstraint

from fdclient.domain.codes import ContractStatus
from fdclient.models import Base
from fdclient.sync.tables import mergeable, referring
from fdserver.apply import conflicts, merges, records
from fdserver.apply.records import Author, Doc
from fdserver.apply.scope import RESIDENTS

VOID_REASON = "重复登记，已合并到同一居民"
AUTO_REASON = "身份证号、姓名、出生日期和性别一致，已自动合并。"
TASK_REASON = "身份证号相同，但姓名、出生日期或性别不一致，请核实是否为同一人。"
CONTRACTS_REASON = "合并后该居民有两份履约中的签约合同（{numbers}），请解约其中一份。"
#: What must agree for an automatic merge.
IDENTITY = ("name", "birth_date", "sex")
#: The alias's own state, restored by an undo.
LOSER_FIELDS = ("merged_into_id", "voided_at", "void_reason", "voided_by_id")
_NOT_FILLED = frozenset(
    {*LOSER_FIELDS, *IDENTITY, "id", "id_type", "id_number", "health_record_no", "status", "status_changed_on"}
)


def _unique_columns(table: str) -> frozenset[str]:
    t = Base.metadata.tables[table]
    out = {c.name for c in t.c if c.unique}
    out |= {c.name for i in t.indexes if i.unique for c in i.columns}
    out |= {c.name for u in t.constraints if isinstance(u, UniqueConstraint) for c in u.columns}
    return frozenset(out)


def fillable() -> tuple[str, ...]:
    """Resident columns an alias may fill on its survivor (never identity, numbers, state
    or a unique column: a card token stays with its holder)."""
    excluded = _NOT_FILLED | _unique_columns(RESIDENTS)
    return tuple(c for c in mergeable(RESIDENTS) if c not in excluded)


def _empty(value: Any) -> bool:
    return value is None or value == ""


def _active(doc: Doc) -> bool:
    return not doc.voided and not doc.data.get("merged_into_id")


def on_new_resident(conn: Connection, author: Author, doc: Doc) -> str | None:
    """After storing a new resident: merge it or open a task when an active resident of
    the township has its ID number. Returns ``"same_person"`` (merged), ``"merge_task"``
    or None."""
    key = records.identity_key(RESIDENTS, doc.data)
    if key is None or not _active(doc):
        return None
    same = [
        d
        for d in records.by_identity(conn, doc.township_id, RESIDENTS, key)
        if d.row_id != doc.row_id and _active(d) and d.data.get("id_type") == doc.data.get("id_type")
    ]
    if not same:
        return None
    survivor = same[0]
    if all(survivor.data.get(f) == doc.data.get(f) for f in IDENTITY):
        merge_residents(conn, author, survivor.row_id, doc.row_id)
        return "same_person"
    if merges.find_open(conn, doc.township_id, merges.SAME_PERSON, survivor.row_id, doc.row_id) is None:
        merges.create(
            conn,
            author,
            kind=merges.SAME_PERSON,
            status=merges.OPEN,
            survivor_id=survivor.row_id,
            other_id=doc.row_id,
            reason=TASK_REASON,
        )
    return "merge_task"


def _repoint(conn: Connection, author: Author, source: str, target: str) -> list[list[str]]:
    """Point every record of the township naming resident ``source`` at ``target``."""
    done: list[list[str]] = []
    for table, column in referring(RESIDENTS):
        for doc in records.where_value(conn, author.township_id, table, column, source):
            if table == RESIDENTS and doc.row_id == source:
                continue
            if table == "contract_members" and _member_exists(conn, author, doc, column, target):
                continue  # the survivor is already a member of that contract: keep one row
            records.patch(conn, author, doc, {column: target})
            done.append([table, doc.row_id, column])
    return done


def _member_exists(conn: Connection, author: Author, doc: Doc, column: str, target: str) -> bool:
    rows = records.where_value(conn, author.township_id, "contract_members", column, target)
    return any(r.data.get("contract_id") == doc.data.get("contract_id") for r in rows)


def merge_residents(
    conn: Connection, author: Author, survivor_id: str, loser_id: str, task: merges.MergeRow | None = None
) -> str:
    """Merge resident ``loser_id`` into ``survivor_id`` (see the module docstring); record it
    as a done merge (a new row, or the decided ``task``). Returns the merge id."""
    survivor = records.load(conn, RESIDENTS, survivor_id)
    loser = records.load(conn, RESIDENTS, loser_id)
    assert survivor is not None and loser is not None
    filled = {c: loser.data[c] for c in fillable() if _empty(survivor.data.get(c)) and not _empty(loser.data.get(c))}
    loser_before = {c: loser.data.get(c) for c in LOSER_FIELDS}
    records.patch(
        conn,
        author,
        loser,
        {
            "merged_into_id": survivor_id,
            "voided_at": records.storage_time(author.now),
            "void_reason": VOID_REASON,
            "voided_by_id": author.actor_id,
        },
    )
    if filled:
        records.patch(conn, author, survivor, filled)
    _differences_as_conflicts(conn, author, survivor, loser)
    repointed = _repoint(conn, author, loser_id, survivor_id)
    undo = {"repointed": repointed, "filled": filled, "loser_before": loser_before}
    if task is None:
        merge_id = merges.create(
            conn,
            author,
            kind=merges.SAME_PERSON,
            status=merges.DONE,
            survivor_id=survivor_id,
            other_id=loser_id,
            reason=AUTO_REASON,
            undo=undo,
        )
    else:
        merges.decide(conn, author, task, merges.DONE, undo=undo)
        merge_id = task.id
    check_two_contracts(conn, author, survivor_id)
    return merge_id


def _differences_as_conflicts(conn: Connection, author: Author, survivor: Doc, loser: Doc) -> None:
    """A field both records hold with different values (two phone numbers, two addresses,
    two households) is a conflict for a person: the survivor's value is kept, the alias's
    value is never silently dropped."""
    written_by = Author(
        author.township_id,
        loser.changed_device or author.device_id,
        loser.changed_by,
        loser.changed_hlc,
        author.now,
        author.mutation_id,
    )
    for column in fillable():
        mine, theirs = survivor.data.get(column), loser.data.get(column)
        if not _empty(mine) and not _empty(theirs) and mine != theirs:
            conflicts.open_conflict(conn, written_by, survivor, column, conflicts.FIELD, mine, theirs)


def undo_merge(conn: Connection, author: Author, merge: merges.MergeRow) -> None:
    """Reverse a done same-person merge: the alias is active again, re-pointed records
    point back at it, filled fields are emptied where still unchanged since."""
    undo = merge.undo
    loser = records.load(conn, RESIDENTS, merge.other_id)
    if loser is not None:
        records.patch(conn, author, loser, dict(undo.get("loser_before", {})))
    for table, row_id, column in undo.get("repointed", []):
        doc = records.load(conn, table, row_id)
        if doc is not None and doc.data.get(column) == merge.survivor_id:
            records.patch(conn, author, doc, {column: merge.other_id})
    survivor = records.load(conn, RESIDENTS, merge.survivor_id)
    filled = dict(undo.get("filled", {}))
    if survivor is not None:
        emptied = {c: None for c, v in filled.items() if survivor.data.get(c) == v}
        if emptied:
            records.patch(conn, author, survivor, emptied)
    merges.decide(conn, author, merge, merges.UNDONE)


def active_contracts(conn: Connection, township_id: str, resident_id: str) -> list[Doc]:
    """The active, unvoided contracts covering the resident (oldest version first)."""
    members = records.where_value(conn, township_id, "contract_members", "resident_id", resident_id)
    found: dict[str, Doc] = {}
    for member in members:
        contract_id = member.data.get("contract_id")
        if not member.data.get("is_active") or not contract_id or contract_id in found:
            continue
        contract = records.load(conn, "contracts", str(contract_id))
        if contract is not None and not contract.voided and contract.data.get("status") == ContractStatus.ACTIVE:
            found[contract.row_id] = contract
    return sorted(found.values(), key=lambda d: d.version)


def check_two_contracts(conn: Connection, author: Author, resident_id: str) -> None:
    """Open a task (never an error) when the resident is covered by two active contracts:
    ``survivor_id`` is the resident (laptops show the person), ``other_id`` the later
    contract; the reason names both contract numbers."""
    contracts = active_contracts(conn, author.township_id, resident_id)
    if len(contracts) < 2:
        return
    later = contracts[-1]
    if merges.find_open(conn, author.township_id, merges.TWO_ACTIVE_CONTRACTS, resident_id, later.row_id) is None:
        numbers = "、".join(str(c.data.get("contract_no") or c.row_id) for c in contracts)
        merges.create(
            conn,
            author,
            kind=merges.TWO_ACTIVE_CONTRACTS,
            status=merges.OPEN,
            survivor_id=resident_id,
            other_id=later.row_id,
            reason=CONTRACTS_REASON.format(numbers=numbers),
        )
