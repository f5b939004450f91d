"""What a roster import did (or would do): the counts, the rejected rows with their reasons
and the villages it added, for the command line (text or JSON), the GUI and the audit
trail (counts only: no name or number goes into the audit trail)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from fdclient.rosters.import_rows import Problem
from fdclient.text import msg

if TYPE_CHECKING:
    from fdclient.rosters.import_contracts import ContractPlan
    from fdclient.rosters.import_places import HouseholdPlan, VillagePlan
    from fdclient.rosters.importing import RowOutcome
    from fdclient.rosters.reading import RosterTable

__all__ = ["JSON_KEYS", "ImportSummary", "NewVillage"]

#: The keys of ``fdclient import-roster --json``, in order.
JSON_KEYS = ("read", "created", "updated", "unchanged", "rejected", "contracts_created", "errors")


@dataclass(frozen=True)
class NewVillage:
    """A village the import adds to the township."""

    code: str
    name: str
    record_segment: str
    #: The roster gave no code: the import chose a free one (to be checked).
    code_made_up: bool


@dataclass(frozen=True)
class ImportSummary:
    file: str
    #: Rows read (blank rows not counted): created + updated + unchanged + rejected.
    read: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    contracts_created: int
    households_created: int
    errors: tuple[Problem, ...]
    new_villages: tuple[NewVillage, ...]
    #: Whether the store was changed (False for a dry run or a strict import with errors).
    written: bool = False
    #: Rows written per table, once written.
    table_counts: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def of(
        cls,
        table: RosterTable,
        outcomes: Sequence[RowOutcome],
        problems: Iterable[Problem],
        villages: Sequence[VillagePlan],
        households: Sequence[HouseholdPlan],
        contracts: Sequence[ContractPlan],
    ) -> ImportSummary:
        count = {action: 0 for action in ("created", "updated", "unchanged", "rejected")}
        for outcome in outcomes:
            count[outcome.action.value] += 1
        return cls(
            file=table.path.name,
            read=len(outcomes),
            created=count["created"],
            updated=count["updated"],
            unchanged=count["unchanged"],
            rejected=count["rejected"],
            contracts_created=len(contracts),
            households_created=len(households),
            errors=tuple(problems),  # in the order of the rows
            new_villages=tuple(NewVillage(v.code, v.name, v.record_segment, v.code_made_up) for v in villages),
        )

    def written_with(self, counts: Mapping[str, int]) -> ImportSummary:
        return replace(self, written=True, table_counts=MappingProxyType(dict(counts)))

    def to_json(self) -> dict[str, Any]:
        """The object ``import-roster --json`` prints (keys :data:`JSON_KEYS`)."""
        return {
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "contracts_created": self.contracts_created,
            "errors": [{"row": p.row, "column": p.where, "message": p.message.render()} for p in self.errors],
        }

    def audit_details(self) -> dict[str, Any]:
        """For the audit trail: the file's name and the counts, nothing personal."""
        return {
            "file": self.file,
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "contracts_created": self.contracts_created,
            "households_created": self.households_created,
            "villages_created": [v.code for v in self.new_villages],
            "rows_written": dict(self.table_counts),
        }

    def describe(self) -> str:
        """The summary for the command line, in the current language."""
        lines = [
            str(
                msg(
                    "花名册“{file}”：读取 {read} 行，新增 {created} 人，更新 {updated} 人，无变化 {unchanged} 人，"
                    "不合格 {rejected} 行；新建家庭 {households} 户，新建签约 {contracts} 份。",
                    "Roster “{file}”: {read} rows read, {created} residents added, {updated} updated, {unchanged} "
                    "unchanged, {rejected} rows rejected; {households} households and {contracts} contracts created.",
                    file=self.file,
                    read=self.read,
                    created=self.created,
                    updated=self.updated,
                    unchanged=self.unchanged,
                    rejected=self.rejected,
                    households=self.households_created,
                    contracts=self.contracts_created,
                )
            )
        ]
        for v in self.new_villages:
            note = (
                msg(
                    "（花名册未给村代码，已暂定，请管理员核对）",
                    " (the roster gave no code: provisional, to be checked)",
                )
                if v.code_made_up
                else msg("", "")
            )
            lines.append(
                str(
                    msg(
                        "  新增村（居）委会：{name}，代码 {code}，档案村段 {segment}{note}",
                        "  Village added: {name}, code {code}, record segment {segment}{note}",
                        name=v.name,
                        code=v.code,
                        segment=v.record_segment,
                        note=note,
                    )
                )
            )
        if not self.written:
            lines.append(str(msg("没有写入数据库。", "Nothing was written to the store.")))
        return "\n".join(lines)
