"""The code lists of the visit forms have one source: fdclient.domain.codes keeps each label
in Chinese and English; the Chinese tables (CHECK constraints, documents) and the forms'
lists (fdclient.ui.dialogs.visit_layouts: tests/ui/test_visit_language.py) are made from it."""

from __future__ import annotations

from fdclient.domain import codes
from fdclient.domain.codes import ServiceKind, in_sentence
from fdclient.services.visits.forms import SERVICE_TEXT
from fdclient.text import Text


def test_the_chinese_tables_are_made_from_the_bilingual_lists() -> None:
    assert codes.VISIT_MODE == {"1": "门诊", "2": "家庭", "3": "电话"}
    assert codes.VISIT_MODE_TEXT["1"] == Text("门诊", "Clinic")
    assert codes.DANGER_SIGN["7"] == "呼气有烂苹果样丙酮味"
    assert codes.FOLLOWUP_CLASSIFICATION == {k: t.zh for k, t in codes.FOLLOWUP_CLASSIFICATION_TEXT.items()}
    for name in dir(codes):
        if name.endswith("_TEXT") and not name.startswith("_"):
            table = getattr(codes, name)
            assert getattr(codes, name.removesuffix("_TEXT")) == {k: t.zh for k, t in table.items()}, name
            assert all(t.en and t.en != t.zh for t in table.values()), name


def test_service_kinds_have_english_names_for_labels_and_sentences() -> None:
    assert all(kind.label_en for kind in ServiceKind)
    assert ServiceKind.HEALTH_EDUCATION.text.render("en") == "Health education"
    assert SERVICE_TEXT[ServiceKind.HEALTH_EDUCATION].render("en") == "health education"
    assert in_sentence(ServiceKind.TCM.text).en == "TCM health management"  # an abbreviation keeps its case
    assert SERVICE_TEXT[ServiceKind.TCM].render("zh_CN") == "中医药健康管理"
