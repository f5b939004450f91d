"""Past history (既往史) of the personal information form: diagnoses with their date, and
surgery, trauma and transfusion events (DOMAIN.md §3).

* A diagnosis names a disease of the form's list (codes.PAST_DISEASE) other than 1 (无:
  no diagnosis is recorded by having none), its date (确诊时间, from the birth date to
  today) and, for 恶性肿瘤, 其他法定传染病, 职业病 and 其他, the disease's name. The same
  disease (with the same name) is recorded once.
* A surgery, trauma or transfusion names what it was and when.
* Rows are corrected by voiding them (with a reason) and adding the right one.

The diagnoses are the one source of truth of whether a resident is a hypertension or a
diabetes patient: ``residents.has_hypertension`` / ``has_diabetes`` are kept equal to
"a diagnosis of 高血压 / 糖尿病 that is not voided exists" by these use cases (every add and
void), so that the indicators and the follow-up rules read a flag. The form does not set
them.

Adding and voiding need ``REGISTER_RESIDENTS`` (the form is filled in when the file is
made, by whoever makes it); reading needs ``VIEW_RECORDS``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fdclient.domain import codes
from fdclient.domain.codes import HistoryEventKind
from fdclient.domain.roles import Permission
from fdclient.domain.validation import check_date_in_life, clean_text, required_text
from fdclient.errors import RuleError, ValidationError
from fdclient.models import Diagnosis, HistoryEvent, Resident
from fdclient.services.lookup import fetch
from fdclient.services.registry.resident_forms import code_choices
from fdclient.services.registry.residents import get_resident_row
from fdclient.services.voiding import void_row
from fdclient.store.context import require, today
from fdclient.text import msg

#: Width of the detail and description columns.
MAX_DETAIL = 100
DIAGNOSED_ON = msg("确诊时间", "date of diagnosis")
#: Diseases that can be diagnosed (all but 1 无).
DIAGNOSABLE = {code: label for code, label in codes.PAST_DISEASE.items() if code != "1"}
EVENT_TEXT = {
    HistoryEventKind.SURGERY: (msg("手术", "surgery"), msg("手术名称", "name of the operation")),
    HistoryEventKind.TRAUMA: (msg("外伤", "trauma"), msg("外伤名称", "name of the injury")),
    HistoryEventKind.TRANSFUSION: (msg("输血", "transfusion"), msg("输血原因", "reason for the transfusion")),
}


@dataclass(frozen=True)
class DiagnosisInfo:
    id: uuid.UUID
    resident_id: uuid.UUID
    disease: str
    detail: str | None
    #: None only for a diagnosis made from an old flag (migration 0005).
    diagnosed_on: date | None
    voided: bool

    @property
    def disease_label(self) -> str:
        return codes.PAST_DISEASE[self.disease]


@dataclass(frozen=True)
class HistoryEventInfo:
    id: uuid.UUID
    resident_id: uuid.UUID
    kind: HistoryEventKind
    description: str
    occurred_on: date | None
    voided: bool


@dataclass(frozen=True)
class PastHistory:
    """A resident's past history, oldest first, voided rows included (marked)."""

    diagnoses: tuple[DiagnosisInfo, ...]
    events: tuple[HistoryEventInfo, ...]


def diagnosis_info(d: Diagnosis) -> DiagnosisInfo:
    return DiagnosisInfo(d.id, d.resident_id, d.disease, d.detail, d.diagnosed_on, d.voided_at is not None)


def event_info(e: HistoryEvent) -> HistoryEventInfo:
    return HistoryEventInfo(
        e.id, e.resident_id, HistoryEventKind(e.kind), e.description, e.occurred_on, e.voided_at is not None
    )


def _living_file(session: Session, resident_id: uuid.UUID) -> Resident:
    r = get_resident_row(session, resident_id)
    if r.voided_at is not None:
        raise RuleError(
            msg(
                "居民 {name} 的档案已作废，不能再添加既往史。",
                "The file of {name} has been voided: no past history can be added to it.",
                name=r.name,
            )
        )
    return r


def sync_patient_flags(session: Session, r: Resident) -> None:
    """Make ``has_hypertension`` / ``has_diabetes`` say whether ``r`` has a diagnosis of
    the disease that is not voided."""
    diseases = set(
        session.scalars(select(Diagnosis.disease).where(Diagnosis.resident_id == r.id, Diagnosis.voided_at.is_(None)))
    )
    r.has_hypertension = codes.HYPERTENSION_DISEASE in diseases
    r.has_diabetes = codes.DIABETES_DISEASE in diseases


def add_diagnosis(
    session: Session, resident_id: uuid.UUID, *, disease: str, diagnosed_on: date, detail: str | None = None
) -> DiagnosisInfo:
    """Record a diagnosis of the resident (see the module docstring)."""
    require(session, Permission.REGISTER_RESIDENTS)
    r = _living_file(session, resident_id)
    if disease not in DIAGNOSABLE:
        raise ValidationError(
            msg(
                "疾病代码“{code}”不对，应为：{choices}（没有既往疾病时不必添加）。",
                "There is no disease code “{code}”; use one of: {choices} (with no past disease, add nothing).",
                code=disease,
                choices=code_choices(DIAGNOSABLE),
            ),
            field="disease",
        )
    label = DIAGNOSABLE[disease]
    name = clean_text(detail, label=msg("疾病名称", "name of the disease"), field="detail", max_length=MAX_DETAIL)
    if name is None and disease in codes.PAST_DISEASE_WITH_DETAIL:
        raise ValidationError(
            msg(
                "选择“{disease}”时请写明具体疾病名称。",
                "For “{disease}” please write the name of the disease.",
                disease=label,
            ),
            field="detail",
        )
    check_date_in_life(
        diagnosed_on, label=DIAGNOSED_ON, field="diagnosed_on", birth_date=r.birth_date, today=today(session)
    )
    same = session.scalars(
        select(Diagnosis).where(
            Diagnosis.resident_id == r.id, Diagnosis.disease == disease, Diagnosis.voided_at.is_(None)
        )
    ).all()
    twin = next((d for d in same if (d.detail or "").casefold() == (name or "").casefold()), None)
    if twin is not None:
        raise RuleError(
            msg(
                "{name} 已有“{disease}”的诊断（确诊时间 {day}）。如原记录有误，请先作废再重新添加。",
                "{name} already has a diagnosis of “{disease}” (diagnosed {day}). If that record is wrong, void it "
                "and add the right one.",
                name=r.name,
                disease=label if twin.detail is None else msg("{a}：{b}", "{a}: {b}", a=label, b=twin.detail),
                day=twin.diagnosed_on.isoformat() if twin.diagnosed_on else msg("不详", "unknown"),
            ),
            field="disease",
        )
    row = Diagnosis(resident_id=r.id, disease=disease, detail=name, diagnosed_on=diagnosed_on)
    session.add(row)
    sync_patient_flags(session, r)
    session.flush()
    return diagnosis_info(row)


def void_diagnosis(session: Session, diagnosis_id: uuid.UUID, reason: str) -> DiagnosisInfo:
    """Void a diagnosis recorded by mistake; the patient flags follow."""
    require(session, Permission.REGISTER_RESIDENTS)
    row = fetch(session, Diagnosis, diagnosis_id, msg("该诊断记录", "the diagnosis"), "diagnosis_id")
    void_row(
        session,
        row,
        reason,
        label=msg("“{disease}”的诊断", "The diagnosis of “{disease}”", disease=codes.PAST_DISEASE[row.disease]),
    )
    sync_patient_flags(session, get_resident_row(session, row.resident_id))
    session.flush()
    return diagnosis_info(row)


def add_history_event(
    session: Session, resident_id: uuid.UUID, *, kind: HistoryEventKind | str, description: str, occurred_on: date
) -> HistoryEventInfo:
    """Record a surgery, a trauma or a transfusion: what it was and when."""
    require(session, Permission.REGISTER_RESIDENTS)
    r = _living_file(session, resident_id)
    try:
        event_kind = HistoryEventKind(kind)
    except ValueError:
        raise ValidationError(
            msg(
                "既往史类别“{kind}”不存在，应为手术、外伤或输血。",
                "There is no kind of past history “{kind}”: use surgery, trauma or transfusion.",
                kind=str(kind),
            ),
            field="kind",
        ) from None
    what, name_label = EVENT_TEXT[event_kind]
    text = required_text(description, label=name_label, field="description", max_length=MAX_DETAIL)
    day_label = msg("{what}时间", "date of the {what}", what=what)
    check_date_in_life(occurred_on, label=day_label, field="occurred_on", birth_date=r.birth_date, today=today(session))
    row = HistoryEvent(resident_id=r.id, kind=event_kind, description=text, occurred_on=occurred_on)
    session.add(row)
    session.flush()
    return event_info(row)


def void_history_event(session: Session, event_id: uuid.UUID, reason: str) -> HistoryEventInfo:
    require(session, Permission.REGISTER_RESIDENTS)
    row = fetch(session, HistoryEvent, event_id, msg("该既往史记录", "the past-history record"), "event_id")
    what, _ = EVENT_TEXT[HistoryEventKind(row.kind)]
    void_row(
        session,
        row,
        reason,
        label=msg("{what}记录“{name}”", "The {what} record “{name}”", what=what, name=row.description),
    )
    session.flush()
    return event_info(row)


def past_history(session: Session, resident_id: uuid.UUID) -> PastHistory:
    """The resident's diagnoses and events, oldest first (undated ones first)."""
    require(session, Permission.VIEW_RECORDS)
    r = get_resident_row(session, resident_id)
    diagnoses = sorted(r.diagnoses, key=lambda d: (d.diagnosed_on or date.min, d.created_at))
    events = sorted(r.history_events, key=lambda e: (e.occurred_on or date.min, e.created_at))
    return PastHistory(tuple(map(diagnosis_info, diagnoses)), tuple(map(event_info, events)))
