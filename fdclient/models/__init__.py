"""SQLAlchemy mapped classes: one aggregate per module, no Qt and no business rules."""

from .audit import AuditEntry
from .base import Base, new_id, utcnow
from .contract import Contract, ContractMember, ContractPackage
from .geography import Township, Village
from .household import Household
from .local import LocalSetting
from .package import PackageItem, ServicePackage
from .referral import Referral, SatisfactionSurvey
from .resident import Diagnosis, HistoryEvent, Resident
from .service_plan import PlannedService
from .staff import Staff, Team, TeamMember, team_villages
from .visit import (
    DiabetesFollowup,
    ElderlyCheck,
    HomeVisit,
    HypertensionFollowup,
    Medication,
    Visit,
)

__all__ = [
    "AuditEntry", "Base", "Contract", "ContractMember", "ContractPackage", "DiabetesFollowup",
    "Diagnosis", "ElderlyCheck", "HistoryEvent", "HomeVisit", "Household",
    "HypertensionFollowup", "LocalSetting", "Medication", "PackageItem", "PlannedService",
    "Referral", "Resident", "SatisfactionSurvey", "ServicePackage", "Staff", "Team",
    "TeamMember", "Township", "Village", "Visit", "new_id", "team_villages", "utcnow",
]
