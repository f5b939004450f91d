"""SQLAlchemy mapped classes: one aggregate per module, no Qt and no business rules."""

from fdclient.models.audit import AuditEntry
from fdclient.models.base import Base, new_id
from fdclient.models.contract import Contract, ContractMember, ContractPackage
from fdclient.models.geography import Township, Village
from fdclient.models.household import Household
from fdclient.models.local import LocalSetting
from fdclient.models.package import PackageItem, ServicePackage
from fdclient.models.referral import Referral, SatisfactionSurvey
from fdclient.models.resident import Diagnosis, HistoryEvent, Pregnancy, Resident
from fdclient.models.service_plan import PlannedService
from fdclient.models.settings_table import TownshipSetting
from fdclient.models.staff import Staff, Team, TeamMember, TeamVillage, team_villages
from fdclient.models.sync import ConflictRow, MergeTaskRow, NumberBlockRow, OutboxEntry, SyncRun
from fdclient.models.visit import (
    DiabetesFollowup,
    ElderlyCheck,
    HomeVisit,
    HypertensionFollowup,
    Medication,
    ServiceRecord,
    Visit,
)

__all__ = [
    "AuditEntry",
    "Base",
    "ConflictRow",
    "Contract",
    "ContractMember",
    "ContractPackage",
    "DiabetesFollowup",
    "Diagnosis",
    "ElderlyCheck",
    "HistoryEvent",
    "HomeVisit",
    "Household",
    "HypertensionFollowup",
    "LocalSetting",
    "Medication",
    "MergeTaskRow",
    "NumberBlockRow",
    "OutboxEntry",
    "PackageItem",
    "PlannedService",
    "Pregnancy",
    "Referral",
    "Resident",
    "SatisfactionSurvey",
    "ServicePackage",
    "ServiceRecord",
    "Staff",
    "SyncRun",
    "Team",
    "TeamMember",
    "TeamVillage",
    "Township",
    "TownshipSetting",
    "Village",
    "Visit",
    "new_id",
    "team_villages",
]
