"""The clause templates of the contract form: the shipped ones load, the parties are
filled in by the setting, and a broken template is refused with where and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from fdclient.domain.codes import ContractParty
from fdclient.services.documents.contract_terms import (
    CONSENT_FILE,
    TERMS_FILE,
    ContractTermsError,
    load_contract_terms,
    parse_clause_text,
    terms_folder,
)


def test_the_shipped_templates_load_with_their_versions() -> None:
    terms = load_contract_terms(ContractParty.RESIDENT)
    assert terms.terms.version and terms.consent.version
    titles = [s.title for s in terms.terms.sections]
    assert "二、甲方的权利" in titles and "五、乙方的义务" in titles
    text = "".join(p for s in terms.consent.sections for p in s.paragraphs)
    assert "个人信息保护法" in text and "乙方为提供家庭医生签约服务" in text
    for section in (*terms.terms.sections, *terms.consent.sections):
        for paragraph in section.paragraphs:
            assert "{" not in paragraph and "}" not in paragraph


def test_the_team_as_party_a_swaps_the_words() -> None:
    terms = load_contract_terms(ContractParty.TEAM)
    titles = [s.title for s in terms.terms.sections]
    assert "二、乙方的权利" in titles and "五、甲方的义务" in titles
    first = terms.terms.sections[0].paragraphs[0]
    assert first.startswith("1. 甲方按照国家基本公共卫生服务规范")


def test_the_template_format() -> None:
    source = (
        "<!-- 说明\n多行 -->\n版本：T-7\n\n# 一、{居民方}的义务\n\n"
        "1. 第一行\n接着写，\nand more\nwords\n\n2. {团队方}负责。\n"
    )
    parsed = parse_clause_text(source, ContractParty.RESIDENT, Path("t.md"))
    assert parsed.version == "T-7"
    assert parsed.sections[0].title == "一、甲方的义务"
    assert parsed.sections[0].paragraphs == ("1. 第一行接着写，and more words", "2. 乙方负责。")


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("# 标题\n\n正文\n", "缺少“版本：”一行"),
        ("版本：1\n", "没有条款文字"),
        ("版本：1\n\n# 标题\n\n正文\n\n{乙方}负责\n", "不认识的占位符“{乙方}”"),
    ],
)
def test_a_broken_template_says_where_and_why(source: str, problem: str) -> None:
    with pytest.raises(ContractTermsError) as info:
        parse_clause_text(source, ContractParty.RESIDENT, Path("/x/terms.md"))
    assert problem in str(info.value) and "/x/terms.md" in str(info.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    (tmp_path / TERMS_FILE).write_text((terms_folder() / TERMS_FILE).read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ContractTermsError) as info:
        load_contract_terms(ContractParty.RESIDENT, tmp_path)
    assert CONSENT_FILE in str(info.value) and "文件不存在" in str(info.value)
