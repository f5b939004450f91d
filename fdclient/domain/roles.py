"""Who may do what: the one table of roles and permissions (DOMAIN.md §1, §8).

The services check it (:func:`fdclient.store.context.require`), so a screen that forgets
to hide a button still cannot do what the role may not; the GUI reads it to hide or
disable actions; the county server will authorise pushed changes with it.

* admin: staff accounts and teams, township settings, villages and packages, backups,
  restore, the audit trail; never clinical records;
* doctor and specialist: everything clinical, contracts, imports, printing, exports;
* nurse and public-health worker: register and edit households and residents, record
  services that need no physician (home visits, surveys), print, export.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class Role(StrEnum):
    ADMIN = "admin"
    DOCTOR = "doctor"
    SPECIALIST = "specialist"
    NURSE = "nurse"
    PUBLIC_HEALTH = "public_health"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: Mapping[Role, str] = MappingProxyType(
    {
        Role.DOCTOR: "医生",
        Role.NURSE: "护士",
        Role.PUBLIC_HEALTH: "公卫人员",
        Role.SPECIALIST: "专科医生",
        Role.ADMIN: "管理员",
    }
)


class Permission(StrEnum):
    MANAGE_ACCOUNTS = "manage_accounts"  # staff, teams, sign-in accounts
    MANAGE_SETTINGS = "manage_settings"  # township rules, villages, service packages
    BACKUP = "backup"
    RESTORE = "restore"
    VIEW_AUDIT = "view_audit"
    LOAD_DEMO = "load_demo"
    VIEW_INDICATORS = "view_indicators"  # aggregate figures, no person named
    VIEW_RECORDS = "view_records"  # a resident's record, search
    REGISTER_RESIDENTS = "register_residents"  # households and residents
    MANAGE_CONTRACTS = "manage_contracts"
    RECORD_CLINICAL = "record_clinical"  # follow-ups, health checks, referrals
    RECORD_SERVICES = "record_services"  # home visits, satisfaction surveys
    IMPORT_ROSTERS = "import_rosters"
    PRINT = "print"
    EXPORT = "export"

    @property
    def label(self) -> str:
        return PERMISSION_LABELS[self]


PERMISSION_LABELS: Mapping[Permission, str] = MappingProxyType(
    {
        Permission.MANAGE_ACCOUNTS: "管理工作人员和账号",
        Permission.MANAGE_SETTINGS: "修改乡镇设置、村和服务包",
        Permission.BACKUP: "备份数据",
        Permission.RESTORE: "从备份恢复",
        Permission.VIEW_AUDIT: "查看操作日志",
        Permission.LOAD_DEMO: "生成演示数据",
        Permission.VIEW_INDICATORS: "查看统计指标",
        Permission.VIEW_RECORDS: "查看居民档案",
        Permission.REGISTER_RESIDENTS: "登记家庭和居民",
        Permission.MANAGE_CONTRACTS: "签约、续约和解约",
        Permission.RECORD_CLINICAL: "记录随访、体检和转诊",
        Permission.RECORD_SERVICES: "记录上门服务和满意度调查",
        Permission.IMPORT_ROSTERS: "导入花名册",
        Permission.PRINT: "打印",
        Permission.EXPORT: "导出",
    }
)

P = Permission
_EVERYONE = frozenset({P.BACKUP, P.VIEW_INDICATORS})
_FIELD_STAFF = _EVERYONE | {P.VIEW_RECORDS, P.REGISTER_RESIDENTS, P.RECORD_SERVICES, P.PRINT, P.EXPORT}
_PHYSICIAN = _FIELD_STAFF | {P.MANAGE_CONTRACTS, P.RECORD_CLINICAL, P.IMPORT_ROSTERS}

#: The table: what each role may do. Nothing else grants a permission.
ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = MappingProxyType(
    {
        Role.ADMIN: _EVERYONE | {P.MANAGE_ACCOUNTS, P.MANAGE_SETTINGS, P.RESTORE, P.VIEW_AUDIT, P.LOAD_DEMO},
        Role.DOCTOR: _PHYSICIAN,
        Role.SPECIALIST: _PHYSICIAN,
        Role.NURSE: _FIELD_STAFF,
        Role.PUBLIC_HEALTH: _FIELD_STAFF,
    }
)
del P


def may(role: Role | str, permission: Permission) -> bool:
    """Whether ``role`` has ``permission`` (an unknown role has none)."""
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False
