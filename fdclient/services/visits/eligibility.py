"""Whether a visit may be recorded for a resident (DOMAIN.md §5), checked before anything is
written, with a plain message that says what to do instead.

* Every record: the resident's record is not void, the visit date is between the birth
  date and today (the unit of work's clock) and not after the resident's death, and the
  visiting doctor exists.
* Hypertension and type 2 diabetes follow-ups: only for residents whose record has the
  diagnosis (the message says to register it in the resident's record first), aged 35 or
  over on the visit date — the specification's target population (辖区内 35 岁及以上常住
  居民中原发性高血压患者 / 2型糖尿病患者).
* The elderly annual check (老年人健康体检): from 65 on the visit date, and once per calendar
  year: a second one points to correcting the first.
* Generic service records: only for services without a form of their own; child health
  checks for children 0-6; maternal care not for men; severe mental disorder and
  tuberculosis follow-ups only with the diagnosis.

A correction is checked the same way, leaving out the record it corrects.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain.codes import ResidentStatus, ServiceKind, VisitKind
from fdclient.domain.key_populations import age_on
from fdclient.domain.service_ages import age_limit
from fdclient.errors import RuleError, ValidationError
from fdclient.models import Resident, Staff, Visit
from fdclient.services.contracts.plan import VISIT_SERVICE_KIND
from fdclient.services.registry.residents import get_resident_row
from fdclient.services.visits.forms import KIND_TEXT, SERVICE_TEXT, ServiceRecordInput, VisitInput, kind_of_form
from fdclient.services.visits.records import current_only
from fdclient.store.context import today
from fdclient.text import Text, msg

__all__ = ["check_eligible"]


@dataclass(frozen=True)
class _Diagnosis:
    #: The resident's flag saying the record has the diagnosis (for hypertension and
    #: diabetes kept by the diagnosis use cases of the registry).
    flag: str
    name: Text


#: Services only for patients with a diagnosis on their record.
_DIAGNOSIS_NEEDED: Mapping[ServiceKind, _Diagnosis] = MappingProxyType(
    {
        ServiceKind.HYPERTENSION_FOLLOWUP: _Diagnosis("has_hypertension", msg("高血压", "hypertension")),
        ServiceKind.DIABETES_FOLLOWUP: _Diagnosis("has_diabetes", msg("2型糖尿病", "type 2 diabetes")),
        ServiceKind.MENTAL_FOLLOWUP: _Diagnosis(
            "has_severe_mental_disorder", msg("严重精神障碍", "severe mental disorder")
        ),
        ServiceKind.TB_FOLLOWUP: _Diagnosis("has_tuberculosis", msg("肺结核", "tuberculosis")),
    }
)
#: Visit kinds that fulfil a service kind, by the service (a generic record is not for these).
_FORM_OF_SERVICE: Mapping[ServiceKind, VisitKind] = MappingProxyType(
    {service: kind for kind, service in VISIT_SERVICE_KIND.items()}
)


def check_eligible(session: Session, form: VisitInput, record_id: uuid.UUID | None = None) -> None:
    """Refuse (ValidationError, RuleError) a visit that may not be recorded; ``record_id``
    is the record a correction corrects."""
    resident = get_resident_row(session, form.resident_id)
    _check_resident_and_date(session, resident, form)
    kind = kind_of_form(form)
    if isinstance(form, ServiceRecordInput):
        service = ServiceKind(form.service_kind.strip())
        own_form = _FORM_OF_SERVICE.get(service)
        if own_form is not None:
            raise RuleError(
                msg(
                    "“{service}”有自己的表单：请录入{form}，不用服务记录。",
                    "The {service} has a form of its own: record it as {form}, not as a service record.",
                    service=SERVICE_TEXT[service],
                    form=KIND_TEXT[own_form],
                ),
                field="service_kind",
            )
    else:
        service = VISIT_SERVICE_KIND[kind]
    age = age_on(resident.birth_date, form.visit_date)
    limit = age_limit(service)
    if not limit.allows(age):
        raise RuleError(
            msg(
                "{service}只面向 {ages}的居民：{name} 在 {day} 为 {age} 岁。",
                "The {service} is only for residents {ages}: {name} was {age} on {day}.",
                service=SERVICE_TEXT[service],
                ages=limit.text,
                name=resident.name,
                day=form.visit_date.isoformat(),
                age=age,
            )
        )
    needed = _DIAGNOSIS_NEEDED.get(service)
    if needed is not None and not getattr(resident, needed.flag):
        raise RuleError(
            msg(
                "{name} 的档案中没有{diagnosis}诊断，不能录入{service}。请先在居民档案中登记{diagnosis}诊断，再录入。",
                "{name}'s record has no {diagnosis} diagnosis, so no {service} can be recorded. Register the "
                "{diagnosis} diagnosis in the resident's record first.",
                name=resident.name,
                diagnosis=needed.name,
                service=SERVICE_TEXT[service],
            )
        )
    if service is ServiceKind.MATERNAL_CHECK and resident.sex == 1:
        raise RuleError(
            msg(
                "孕产妇健康管理只面向女性：{name} 的档案登记为男性。",
                "Maternal health care is for women: {name} is registered as male.",
                name=resident.name,
            )
        )
    if kind is VisitKind.ELDERLY_CHECK:
        _check_once_a_year(session, resident, form, record_id)


def _check_resident_and_date(session: Session, resident: Resident, form: VisitInput) -> None:
    if resident.voided_at is not None:
        raise RuleError(
            msg(
                "居民 {name} 的档案已作废，不能录入随访。",
                "The record of resident {name} is void: no visits can be recorded for them.",
                name=resident.name,
            )
        )
    if not resident.birth_date <= form.visit_date <= today(session):
        raise ValidationError(
            msg(
                "随访日期 {day} 不对：应在出生日期 {birth} 之后、今天之前。",
                "The visit date {day} is wrong: it must be after the date of birth ({birth}) and not after today.",
                day=form.visit_date.isoformat(),
                birth=resident.birth_date.isoformat(),
            ),
            field="visit_date",
        )
    died = resident.status_changed_on
    if resident.status == ResidentStatus.DECEASED and died is not None and form.visit_date > died:
        raise RuleError(
            msg(
                "{name} 已于 {day} 死亡，不能录入之后的随访。",
                "{name} died on {day}: no visits after that date can be recorded.",
                name=resident.name,
                day=died.isoformat(),
            )
        )
    if session.get(Staff, form.doctor_id) is None:
        raise ValidationError(
            msg("找不到随访医生，请刷新后重试。", "The visiting doctor was not found; refresh and try again."),
            field="doctor_id",
        )


def _check_once_a_year(session: Session, resident: Resident, form: VisitInput, record_id: uuid.UUID | None) -> None:
    year = form.visit_date.year
    query = current_only(select(Visit.visit_date), Visit).where(
        Visit.resident_id == resident.id,
        Visit.kind == VisitKind.ELDERLY_CHECK,
        Visit.visit_date.between(date(year, 1, 1), date(year, 12, 31)),
    )
    if record_id is not None:
        query = query.where(Visit.record_id != record_id)
    earlier = session.scalar(query.order_by(Visit.visit_date).limit(1))
    if earlier is not None:
        raise RuleError(
            msg(
                "{name} 在 {year} 年已做过老年人健康体检（{day}），每年只做一次。"
                "如果那次的记录有误，请更正那次的记录，不要再录一次。",
                "{name} already had the elderly health check of {year} (on {day}); it is done once a year. "
                "If that record is wrong, correct it instead of recording another.",
                name=resident.name,
                year=year,
                day=earlier.isoformat(),
            ),
            field="visit_date",
        )
