"""The paper visit forms as tables (DOMAIN.md §5): the code lists (their labels in both
languages are those of :mod:`fdclient.domain.codes`, shown in the interface language), and
for each visit kind its sections and rows — each row a label, one or two editors (本次 /
目标, or 收缩压 / 舒张压) and a unit. :class:`~fdclient.ui.dialogs.
visit_forms.VisitForm` builds a form from them; the fields are those of the form dataclasses
of :mod:`fdclient.services.visits.forms`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from fdclient.domain import codes
from fdclient.domain.codes import ServiceKind, VisitKind
from fdclient.text import Text


def form_text(text: str) -> str:
    """A label of the forms marked with QT_TRANSLATE_NOOP("VisitForms", …), translated."""
    return QCoreApplication.translate("VisitForms", text)


# --- code lists (both languages in fdclient.domain.codes) ---------------------------------

Codes = tuple[tuple[str, Text], ...]


def _codes(table: Mapping[str, Text]) -> Codes:
    return tuple(table.items())


VISIT_MODE = _codes(codes.VISIT_MODE_TEXT)
HYPERTENSION_SYMPTOM = _codes(codes.HYPERTENSION_SYMPTOM_TEXT)
DIABETES_SYMPTOM = _codes(codes.DIABETES_SYMPTOM_TEXT)
DANGER_SIGN = _codes(codes.DANGER_SIGN_TEXT)
SALT_INTAKE = _codes(codes.SALT_INTAKE_TEXT)
ADJUSTMENT = _codes(codes.ADJUSTMENT_TEXT)
MEDICATION_COMPLIANCE = _codes(codes.MEDICATION_COMPLIANCE_TEXT)
CLASSIFICATION = _codes(codes.FOLLOWUP_CLASSIFICATION_TEXT)
DORSALIS_PEDIS = _codes(codes.DORSALIS_PEDIS_TEXT)
HYPOGLYCAEMIA = _codes(codes.HYPOGLYCAEMIA_TEXT)
HOME_VISIT_PURPOSE = _codes(codes.HOME_VISIT_PURPOSE_TEXT)
SELF_ASSESSMENT = _codes(codes.SELF_ASSESSMENT_TEXT)
SCREEN_RESULT = _codes(codes.SCREEN_RESULT_TEXT)
EXAM_RESULT = _codes(codes.EXAM_RESULT_TEXT)
#: Services recorded on the generic service record (those without a form of their own).
SERVICE_RECORD_KINDS: Codes = tuple(
    (kind.value, kind.text)
    for kind in (
        ServiceKind.HEALTH_ASSESSMENT,
        ServiceKind.HEALTH_EDUCATION,
        ServiceKind.CONSULTATION,
        ServiceKind.TCM,
        ServiceKind.CHILD_CHECK,
        ServiceKind.MATERNAL_CHECK,
        ServiceKind.MENTAL_FOLLOWUP,
        ServiceKind.TB_FOLLOWUP,
        ServiceKind.LONG_PRESCRIPTION,
    )
)
#: The forms, in the order of the form chooser, with their titles.
KIND_TITLES: tuple[tuple[VisitKind, str], ...] = (
    (VisitKind.HYPERTENSION, str(QT_TRANSLATE_NOOP("VisitForms", "Hypertension follow-up"))),
    (VisitKind.DIABETES, str(QT_TRANSLATE_NOOP("VisitForms", "Type 2 diabetes follow-up"))),
    (VisitKind.ELDERLY_CHECK, str(QT_TRANSLATE_NOOP("VisitForms", "Elderly annual health check"))),
    (VisitKind.HOME_VISIT, str(QT_TRANSLATE_NOOP("VisitForms", "Home visit"))),
    (VisitKind.SERVICE, str(QT_TRANSLATE_NOOP("VisitForms", "Service record"))),
)


# --- layout tables ------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One editor: ``kind`` int, float, text, code (one choice), date or optional_date."""

    name: str
    kind: str
    codes: Codes = ()
    width: int = 72


@dataclass(frozen=True)
class Row:
    label: str
    fields: tuple[Field, ...]
    unit: str = ""
    #: How two editors are joined: "target" (本次 / 目标) or "slash" (收缩压 / 舒张压).
    pair: str = "target"


@dataclass(frozen=True)
class Choices:
    """Several codes ticked (symptoms, danger signs), with an optional "other" text field."""

    label: str
    name: str
    codes: Codes
    other: str | None = None
    columns: int = 3


@dataclass(frozen=True)
class Medicines:
    """The medicines table (name, times a day, dose per time)."""

    rows: int = 4


@dataclass(frozen=True)
class Section:
    title: str
    items: tuple[Row | Choices | Medicines, ...]
    #: Show the 本次 / 目标 column heads.
    targets: bool = False


def _n(name: str, width: int = 72) -> Field:
    return Field(name, "int", width=width)


def _f(name: str, width: int = 72) -> Field:
    return Field(name, "float", width=width)


def text_field(name: str, width: int = 0) -> Field:
    return Field(name, "text", width=width)


def _code(name: str, codes: Codes) -> Field:
    return Field(name, "code", codes, width=0)


def _row(label: str, *editors: Field, unit: str = "", pair: str = "target") -> Row:
    return Row(label, editors, unit, pair)


_HEADER = Section(
    str(QT_TRANSLATE_NOOP("VisitForms", "Visit")),
    (
        _row(str(QT_TRANSLATE_NOOP("VisitForms", "Visit date")), Field("visit_date", "date", width=130)),
        _row(str(QT_TRANSLATE_NOOP("VisitForms", "Visit mode")), _code("mode", VISIT_MODE)),
    ),
)


def _chronic_signs(kind: VisitKind) -> Section:
    rows: list[Row | Choices | Medicines] = [
        _row(
            str(QT_TRANSLATE_NOOP("VisitForms", "&Blood pressure")),
            _n("systolic"),
            _n("diastolic"),
            unit="mmHg",
            pair="slash",
        ),
        _row(str(QT_TRANSLATE_NOOP("VisitForms", "Weight")), _f("weight_kg"), _f("weight_target_kg"), unit="kg"),
        _row(str(QT_TRANSLATE_NOOP("VisitForms", "Height")), _f("height_cm"), unit="cm"),
        _row(str(QT_TRANSLATE_NOOP("VisitForms", "Body-mass index (target)")), _f("bmi_target"), unit="kg/m²"),
    ]
    if kind is VisitKind.HYPERTENSION:
        rows.append(
            _row(
                str(QT_TRANSLATE_NOOP("VisitForms", "Heart rate")),
                _n("heart_rate"),
                unit=str(QT_TRANSLATE_NOOP("VisitForms", "beats/min")),
            )
        )
    else:
        rows.append(
            _row(str(QT_TRANSLATE_NOOP("VisitForms", "Dorsalis pedis pulse")), _code("dorsalis_pedis", DORSALIS_PEDIS))
        )
    rows.append(_row(str(QT_TRANSLATE_NOOP("VisitForms", "Other signs")), text_field("other_signs")))
    return Section(str(QT_TRANSLATE_NOOP("VisitForms", "Signs (this visit / target)")), tuple(rows), targets=True)


def _lifestyle(kind: VisitKind) -> Section:
    rows: list[Row | Choices | Medicines] = [
        _row(
            str(QT_TRANSLATE_NOOP("VisitForms", "Cigarettes a day")),
            _n("cigarettes_per_day"),
            _n("cigarettes_target"),
            unit=str(QT_TRANSLATE_NOOP("VisitForms", "cigarettes")),
        ),
        _row(
            str(QT_TRANSLATE_NOOP("VisitForms", "Alcohol a day")),
            _f("alcohol_per_day"),
            _f("alcohol_target"),
            unit=str(QT_TRANSLATE_NOOP("VisitForms", "liang")),
        ),
        _row(
            str(QT_TRANSLATE_NOOP("VisitForms", "Exercise")),
            _n("exercise_times_per_week"),
            _n("exercise_target_times"),
            unit=str(QT_TRANSLATE_NOOP("VisitForms", "times/week")),
        ),
        _row(
            str(QT_TRANSLATE_NOOP("VisitForms", "Minutes each time")),
            _n("exercise_minutes"),
            _n("exercise_target_minutes"),
            unit=str(QT_TRANSLATE_NOOP("VisitForms", "min/time")),
        ),
    ]
    if kind is VisitKind.HYPERTENSION:
        rows.append(
            _row(
                str(QT_TRANSLATE_NOOP("VisitForms", "Salt intake")),
                _code("salt_intake", SALT_INTAKE),
                _code("salt_target", SALT_INTAKE),
            )
        )
    else:
        rows.append(
            _row(
                str(QT_TRANSLATE_NOOP("VisitForms", "Staple food")),
                _n("staple_food_g"),
                _n("staple_food_target_g"),
                unit=str(QT_TRANSLATE_NOOP("VisitForms", "g/day")),
            )
        )
    rows += [
        _row(
            str(QT_TRANSLATE_NOOP("VisitForms", "Psychological adjustment")),
            _code("psychological_adjustment", ADJUSTMENT),
        ),
        _row(str(QT_TRANSLATE_NOOP("VisitForms", "Compliance with advice")), _code("compliance_behaviour", ADJUSTMENT)),
    ]
    return Section(str(QT_TRANSLATE_NOOP("VisitForms", "Lifestyle guidance (now / target)")), tuple(rows), targets=True)


def _chronic(kind: VisitKind) -> tuple[Section, ...]:
    symptoms = HYPERTENSION_SYMPTOM if kind is VisitKind.HYPERTENSION else DIABETES_SYMPTOM
    exams: list[Row | Choices | Medicines] = []
    if kind is VisitKind.DIABETES:
        exams += [
            _row(str(QT_TRANSLATE_NOOP("VisitForms", "Fasting g&lucose")), _f("fasting_glucose"), unit="mmol/L"),
            _row(str(QT_TRANSLATE_NOOP("VisitForms", "HbA1c")), _f("hba1c"), unit="%"),
            _row(str(QT_TRANSLATE_NOOP("VisitForms", "HbA1c date")), Field("hba1c_date", "optional_date", width=130)),
        ]
    exams.append(_row(str(QT_TRANSLATE_NOOP("VisitForms", "Other examinations")), text_field("auxiliary_exam")))
    treatment: list[Row | Choices | Medicines] = [
        _row(
            str(QT_TRANSLATE_NOOP("VisitForms", "Medication compliance")),
            _code("medication_compliance", MEDICATION_COMPLIANCE),
        ),
        _row(str(QT_TRANSLATE_NOOP("VisitForms", "Adverse drug reaction")), text_field("adverse_reaction")),
    ]
    if kind is VisitKind.DIABETES:
        treatment.append(
            _row(str(QT_TRANSLATE_NOOP("VisitForms", "Hypoglycaemic reactions")), _code("hypoglycaemia", HYPOGLYCAEMIA))
        )
    treatment.append(
        _row(
            str(QT_TRANSLATE_NOOP("VisitForms", "Classification of this visit")),
            _code("classification", CLASSIFICATION),
        )
    )
    medicines: list[Row | Choices | Medicines] = [Medicines()]
    if kind is VisitKind.DIABETES:
        medicines += [
            _row(str(QT_TRANSLATE_NOOP("VisitForms", "Insulin type")), text_field("insulin_type")),
            _row(str(QT_TRANSLATE_NOOP("VisitForms", "Insulin dose")), text_field("insulin_dose")),
        ]
    return (
        _HEADER,
        Section(
            str(QT_TRANSLATE_NOOP("VisitForms", "Danger signs (refer urgently after first aid)")),
            (Choices(str(QT_TRANSLATE_NOOP("VisitForms", "Danger signs")), "danger_signs", DANGER_SIGN, columns=2),),
        ),
        Section(
            str(QT_TRANSLATE_NOOP("VisitForms", "Symptoms")),
            (Choices(str(QT_TRANSLATE_NOOP("VisitForms", "Symptoms")), "symptoms", symptoms, other="symptom_other"),),
        ),
        _chronic_signs(kind),
        _lifestyle(kind),
        Section(str(QT_TRANSLATE_NOOP("VisitForms", "Auxiliary examinations")), tuple(exams)),
        Section(str(QT_TRANSLATE_NOOP("VisitForms", "Treatment")), tuple(treatment)),
        Section(str(QT_TRANSLATE_NOOP("VisitForms", "Medicines")), tuple(medicines)),
        Section(
            str(QT_TRANSLATE_NOOP("VisitForms", "Referral")),
            (
                _row(str(QT_TRANSLATE_NOOP("VisitForms", "Referral reason")), text_field("referral_reason")),
                _row(
                    str(QT_TRANSLATE_NOOP("VisitForms", "Institution and department")),
                    text_field("referral_institution"),
                ),
            ),
        ),
        _next_visit(),
    )


def _next_visit() -> Section:
    return Section(
        str(QT_TRANSLATE_NOOP("VisitForms", "Next visit")),
        (
            _row(
                str(QT_TRANSLATE_NOOP("VisitForms", "&Next visit date")),
                Field("next_visit_date", "optional_date", width=130),
            ),
            _row(str(QT_TRANSLATE_NOOP("VisitForms", "Notes")), text_field("notes")),
            _row(str(QT_TRANSLATE_NOOP("VisitForms", "Visiting doctor")), Field("doctor", "display", width=0)),
        ),
    )


def _elderly() -> tuple[Section, ...]:
    return (
        _HEADER,
        Section(
            str(QT_TRANSLATE_NOOP("VisitForms", "Symptoms and general condition")),
            (
                _row(str(QT_TRANSLATE_NOOP("VisitForms", "Symptoms")), text_field("symptoms")),
                _row(str(QT_TRANSLATE_NOOP("VisitForms", "Temperature")), _f("temperature_c"), unit="°C"),
                _row(
                    str(QT_TRANSLATE_NOOP("VisitForms", "Pulse")),
                    _n("pulse"),
                    unit=str(QT_TRANSLATE_NOOP("VisitForms", "beats/min")),
                ),
                _row(
                    str(QT_TRANSLATE_NOOP("VisitForms", "Respiration")),
                    _n("respiration"),
                    unit=str(QT_TRANSLATE_NOOP("VisitForms", "breaths/min")),
                ),
                _row(
                    str(QT_TRANSLATE_NOOP("VisitForms", "Blood pressure, left")),
                    _n("systolic_left"),
                    _n("diastolic_left"),
                    unit="mmHg",
                    pair="slash",
                ),
                _row(
                    str(QT_TRANSLATE_NOOP("VisitForms", "Blood pressure, right")),
                    _n("systolic_right"),
                    _n("diastolic_right"),
                    unit="mmHg",
                    pair="slash",
                ),
                _row(str(QT_TRANSLATE_NOOP("VisitForms", "Height")), _f("height_cm"), unit="cm"),
                _row(str(QT_TRANSLATE_NOOP("VisitForms", "Weight")), _f("weight_kg"), unit="kg"),
                _row(str(QT_TRANSLATE_NOOP("VisitForms", "Waist")), _f("waist_cm"), unit="cm"),
                _row(
                    str(QT_TRANSLATE_NOOP("VisitForms", "Self-assessed health")),
                    _code("health_self_assessment", SELF_ASSESSMENT),
                ),
                _row(
                    str(QT_TRANSLATE_NOOP("VisitForms", "Self-care score")),
                    _n("self_care_score"),
                    unit=str(QT_TRANSLATE_NOOP("VisitForms", "points")),
                ),
                _row(
                    str(QT_TRANSLATE_NOOP("VisitForms", "Cognitive function")), _code("cognition_screen", SCREEN_RESULT)
                ),
                _row(str(QT_TRANSLATE_NOOP("VisitForms", "Emotional state")), _code("emotion_screen", SCREEN_RESULT)),
            ),
        ),
        Section(
            str(QT_TRANSLATE_NOOP("VisitForms", "Laboratory tests")),
            (
                _row(str(QT_TRANSLATE_NOOP("VisitForms", "Haemoglobin")), _f("haemoglobin_g_l"), unit="g/L"),
                _row(str(QT_TRANSLATE_NOOP("VisitForms", "Fasting g&lucose")), _f("fasting_glucose"), unit="mmol/L"),
                _row(str(QT_TRANSLATE_NOOP("VisitForms", "Total cholesterol")), _f("total_cholesterol"), unit="mmol/L"),
                _row(str(QT_TRANSLATE_NOOP("VisitForms", "Triglycerides")), _f("triglycerides"), unit="mmol/L"),
                _row(str(QT_TRANSLATE_NOOP("VisitForms", "LDL cholesterol")), _f("ldl_cholesterol"), unit="mmol/L"),
                _row(str(QT_TRANSLATE_NOOP("VisitForms", "HDL cholesterol")), _f("hdl_cholesterol"), unit="mmol/L"),
                _row(str(QT_TRANSLATE_NOOP("VisitForms", "Serum creatinine")), _f("creatinine_umol_l"), unit="μmol/L"),
                _row(str(QT_TRANSLATE_NOOP("VisitForms", "Serum ALT")), _f("alt_u_l"), unit="U/L"),
                _row(str(QT_TRANSLATE_NOOP("VisitForms", "Serum AST")), _f("ast_u_l"), unit="U/L"),
                _row(str(QT_TRANSLATE_NOOP("VisitForms", "ECG")), _code("ecg", EXAM_RESULT)),
                _row(
                    str(QT_TRANSLATE_NOOP("VisitForms", "Abdominal ultrasound")),
                    _code("abdominal_ultrasound", EXAM_RESULT),
                ),
            ),
        ),
        Section(
            str(QT_TRANSLATE_NOOP("VisitForms", "Evaluation and guidance")),
            (
                _row(str(QT_TRANSLATE_NOOP("VisitForms", "Health evaluation")), _code("evaluation", EXAM_RESULT)),
                _row(str(QT_TRANSLATE_NOOP("VisitForms", "Abnormal findings")), text_field("abnormal_findings")),
                _row(str(QT_TRANSLATE_NOOP("VisitForms", "Health guidance")), text_field("health_guidance")),
            ),
        ),
        _next_visit(),
    )


def _home_visit() -> tuple[Section, ...]:
    return (
        _HEADER,
        Section(
            str(QT_TRANSLATE_NOOP("VisitForms", "Service")),
            (
                Choices(
                    str(QT_TRANSLATE_NOOP("VisitForms", "Services given")), "purposes", HOME_VISIT_PURPOSE, columns=4
                ),
                _row(str(QT_TRANSLATE_NOOP("VisitForms", "What was done")), text_field("summary")),
                _row(
                    str(QT_TRANSLATE_NOOP("VisitForms", "&Blood pressure")),
                    _n("systolic"),
                    _n("diastolic"),
                    unit="mmHg",
                    pair="slash",
                ),
                _row(str(QT_TRANSLATE_NOOP("VisitForms", "Blood glucose")), _f("blood_glucose"), unit="mmol/L"),
            ),
        ),
        _next_visit(),
    )


def _service() -> tuple[Section, ...]:
    return (
        _HEADER,
        Section(
            str(QT_TRANSLATE_NOOP("VisitForms", "Service")),
            (
                _row(str(QT_TRANSLATE_NOOP("VisitForms", "Service")), _code("service_kind", SERVICE_RECORD_KINDS)),
                _row(str(QT_TRANSLATE_NOOP("VisitForms", "What was done")), text_field("summary")),
            ),
        ),
        _next_visit(),
    )


#: The sections of each form, in the order of the paper table.
LAYOUTS: dict[VisitKind, tuple[Section, ...]] = {
    VisitKind.HYPERTENSION: _chronic(VisitKind.HYPERTENSION),
    VisitKind.DIABETES: _chronic(VisitKind.DIABETES),
    VisitKind.ELDERLY_CHECK: _elderly(),
    VisitKind.HOME_VISIT: _home_visit(),
    VisitKind.SERVICE: _service(),
}
