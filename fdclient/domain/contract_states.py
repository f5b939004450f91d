"""The contract state machine (DOMAIN.md §4): which status a contract may move to next.

    draft → active → expired | renewed | terminated;   expired → renewed

A draft is signed (active); an active contract expires at its end date, is renewed (its
members move to a new contract) or is terminated; an expired contract may still be
renewed. Renewed and terminated contracts are final. A draft that will not be signed is
voided (作废, with a reason): that is not a status, and only a draft may be voided. The
contracts service checks every change of status here, and the county server checks pushed
changes with the same table.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from fdclient.domain.codes import ContractStatus
from fdclient.errors import RuleError
from fdclient.text import Text, msg

S = ContractStatus
#: The statuses each status may move to; a status missing here is final.
TRANSITIONS: Mapping[ContractStatus, frozenset[ContractStatus]] = MappingProxyType(
    {
        S.DRAFT: frozenset({S.ACTIVE}),
        S.ACTIVE: frozenset({S.EXPIRED, S.RENEWED, S.TERMINATED}),
        S.EXPIRED: frozenset({S.RENEWED}),
        S.RENEWED: frozenset(),
        S.TERMINATED: frozenset(),
    }
)
del S


def next_statuses(current: ContractStatus) -> frozenset[ContractStatus]:
    """The statuses a contract in ``current`` may move to (none for a final status)."""
    return TRANSITIONS.get(current, frozenset())


def may_become(current: ContractStatus, requested: ContractStatus) -> bool:
    return requested in next_statuses(current)


def status_text(status: ContractStatus) -> Text:
    """A status as shown in messages: its Chinese label, or its code in English."""
    return msg(status.label, status.value)


def check_transition(contract_no: str, current: ContractStatus, requested: ContractStatus) -> None:
    """Refuse, with a RuleError naming both statuses and what is allowed, a change of
    contract ``contract_no`` from ``current`` to ``requested`` that the table forbids."""
    if may_become(current, requested):
        return
    allowed = [s for s in ContractStatus if s in next_statuses(current)]
    raise RuleError(
        msg(
            "合同 {contract_no} 当前状态为“{current}”，不能改为“{requested}”（当前状态只能改为：{allowed}）。",
            "Contract {contract_no} is “{current}” and cannot become “{requested}” (from this status it can only"
            " become: {allowed}).",
            contract_no=contract_no,
            current=status_text(current),
            requested=status_text(requested),
            allowed=msg(
                "、".join(f"“{s.label}”" for s in allowed) or "无",
                ", ".join(f"“{s.value}”" for s in allowed) or "nothing",
            ),
        )
    )
