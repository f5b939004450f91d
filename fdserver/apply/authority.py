"""Which role may write which synced table (docs/sync.md guarantee 5).

The table mirrors the ``require`` calls of the laptop's services (fdclient.services, which
the server may not import): what a role can cause on a laptop, it may push. Where a
service lets a role change a few fields of a table it may not otherwise write (a nurse
recording a death ends the resident's contract membership; any visit fulfils a planned
service), :data:`LENIENT` allows an update touching only those fields. The role is that of
the account that made the change (:func:`acting_role`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from sqlalchemy import Connection

from fdclient.domain.codes import ContractStatus, ServiceKind, VisitKind
from fdclient.domain.roles import Permission, may
from fdclient.sync.protocol import Mutation
from fdserver.apply import records
from fdserver.apply.context import DeviceContext

P = Permission
_VISITS = frozenset({P.RECORD_CLINICAL, P.RECORD_SERVICES})

#: Any one of these permissions lets a role insert into and update the table.
TABLE_PERMISSIONS: Mapping[str, frozenset[Permission]] = MappingProxyType(
    {
        "townships": frozenset({P.MANAGE_SETTINGS}),
        "villages": frozenset({P.MANAGE_SETTINGS}),
        "township_settings": frozenset({P.MANAGE_SETTINGS}),
        "service_packages": frozenset({P.MANAGE_SETTINGS}),
        "package_items": frozenset({P.MANAGE_SETTINGS}),
        "staff": frozenset({P.MANAGE_ACCOUNTS}),
        "teams": frozenset({P.MANAGE_ACCOUNTS}),
        "team_members": frozenset({P.MANAGE_ACCOUNTS}),
        "team_villages": frozenset({P.MANAGE_ACCOUNTS}),
        "households": frozenset({P.REGISTER_RESIDENTS}),
        "residents": frozenset({P.REGISTER_RESIDENTS}),
        "diagnoses": frozenset({P.REGISTER_RESIDENTS}),
        "history_events": frozenset({P.REGISTER_RESIDENTS}),
        "pregnancies": frozenset({P.REGISTER_RESIDENTS}),
        "contracts": frozenset({P.MANAGE_CONTRACTS}),
        "contract_members": frozenset({P.MANAGE_CONTRACTS}),
        "contract_packages": frozenset({P.MANAGE_CONTRACTS}),
        "planned_services": frozenset({P.MANAGE_CONTRACTS}),
        "hypertension_followups": frozenset({P.RECORD_CLINICAL}),
        "diabetes_followups": frozenset({P.RECORD_CLINICAL}),
        "elderly_checks": frozenset({P.RECORD_CLINICAL}),
        "home_visits": frozenset({P.RECORD_SERVICES}),
        "medications": frozenset({P.RECORD_CLINICAL}),
        "referrals": frozenset({P.RECORD_CLINICAL}),
        "satisfaction_surveys": frozenset({P.RECORD_SERVICES}),
        # visits and service_records: by the record's kind (permission_for below).
        "visits": _VISITS,
        "service_records": _VISITS,
    }
)
#: A table missing above (a synced table added later) needs the administrator's settings right.
DEFAULT_PERMISSIONS = frozenset({P.MANAGE_SETTINGS})

#: Visit kinds with a form of their own (fdclient.services.visits.forms.PERMISSION_OF_KIND).
PERMISSION_OF_KIND: Mapping[str, Permission] = MappingProxyType(
    {
        VisitKind.HYPERTENSION.value: P.RECORD_CLINICAL,
        VisitKind.DIABETES.value: P.RECORD_CLINICAL,
        VisitKind.ELDERLY_CHECK.value: P.RECORD_CLINICAL,
        VisitKind.HOME_VISIT.value: P.RECORD_SERVICES,
    }
)
#: Generic service records needing no physician (forms.PERMISSION_OF_SERVICE_KIND); any
#: other service kind needs RECORD_CLINICAL.
SERVICE_KINDS_WITHOUT_PHYSICIAN = frozenset({ServiceKind.HEALTH_EDUCATION.value, ServiceKind.CONSULTATION.value})

_ANY_FIELD_WORK = frozenset({P.REGISTER_RESIDENTS, P.RECORD_CLINICAL, P.RECORD_SERVICES, P.MANAGE_CONTRACTS})
_BOOKKEEPING = frozenset({"updated_at", "created_at", "server_version"})

#: Updates touching only these fields are allowed with any of these permissions:
#: a visit fulfils or reopens a planned service; a death or a move ends a membership,
#: closes the member's services and may terminate the contract (resident_status).
LENIENT: Mapping[str, tuple[frozenset[str], frozenset[Permission]]] = MappingProxyType(
    {
        "planned_services": (frozenset({"status", "fulfilled_on", "closed_on", "visit_id"}), _ANY_FIELD_WORK),
        "contract_members": (frozenset({"is_active", "ended_on"}), frozenset({P.REGISTER_RESIDENTS})),
        "contracts": (
            frozenset({"status", "terminated_on", "termination_reason", "termination_note"}),
            frozenset({P.REGISTER_RESIDENTS}),
        ),
    }
)
del P


def _visit_permissions(kind: Any, service_kind: Any) -> frozenset[Permission]:
    if kind in PERMISSION_OF_KIND:
        return frozenset({PERMISSION_OF_KIND[str(kind)]})
    if kind == VisitKind.SERVICE.value and service_kind is not None:
        if service_kind in SERVICE_KINDS_WITHOUT_PHYSICIAN:
            return frozenset({Permission.RECORD_SERVICES})
        return frozenset({Permission.RECORD_CLINICAL})
    return _VISITS


def permissions_for(table: str, row: Mapping[str, Any]) -> frozenset[Permission]:
    """What writing ``row`` (its current or new state) of ``table`` needs (any one of)."""
    if table == "visits":
        return _visit_permissions(row.get("kind"), None)
    if table == "service_records":
        return _visit_permissions(VisitKind.SERVICE.value, row.get("service_kind"))
    return TABLE_PERMISSIONS.get(table, DEFAULT_PERMISSIONS)


def _lenient(table: str, role: str, fields: Iterable[str], row: Mapping[str, Any]) -> bool:
    rule = LENIENT.get(table)
    if rule is None:
        return False
    allowed_fields, permissions = rule
    if not set(fields) - _BOOKKEEPING <= allowed_fields:
        return False
    if table == "contracts" and row.get("status") != ContractStatus.TERMINATED.value:
        return False
    return any(may(role, p) for p in permissions)


def may_write(role: str, table: str, row: Mapping[str, Any], changed: Iterable[str] | None = None) -> bool:
    """Whether ``role`` may store ``row`` (the record's state after the change) in
    ``table``; ``changed``: the fields an update changes (None: an insert)."""
    if any(may(role, p) for p in permissions_for(table, row)):
        return True
    return changed is not None and _lenient(table, role, changed, row)


def acting_role(conn: Connection, device: DeviceContext, mutation: Mutation) -> DeviceContext:
    """The device as the staff member who made ``mutation``: a laptop is shared by a team,
    and each change is authorised by the role of the account that made it. The role comes
    from the township's staff record on the server, never from the laptop's word; a staff
    record a laptop pushes for the account itself (an existing store's first push) counts
    from that push. Changes with no actor (or an unknown one) act as the enrolled user."""
    actor = mutation.actor_id
    if actor is None or actor == device.staff_id:
        return device
    staff = records.load(conn, "staff", actor)
    if staff is not None and staff.township_id == device.township_id:
        role = staff.data.get("role")
    elif mutation.table == "staff" and mutation.row_id == actor and mutation.op == "insert":
        role = mutation.data.get("role")
    else:
        return device
    if not isinstance(role, str):
        return device
    return dataclasses.replace(device, staff_id=actor, role=role)
