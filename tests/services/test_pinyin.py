"""Pinyin of names: syllables, initials, surname readings, minority and Latin names."""

from __future__ import annotations

import pytest

from fdclient.services.registry import pinyin
from fdclient.services.registry.pinyin import SURNAME_READINGS, pinyin_of_name


def test_plain_chinese_name() -> None:
    assert pinyin_of_name("张三") == ("zhang san", "zs")
    assert pinyin_of_name("李") == ("li", "l")
    assert pinyin_of_name("欧阳娜娜") == ("ou yang na na", "oynn")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("单雄信", "shan xiong xin"),
        ("曾国藩", "zeng guo fan"),
        ("解缙", "xie jin"),
        ("仇英", "qiu ying"),
        ("朴正熙", "piao zheng xi"),
        ("查良镛", "zha liang yong"),
        ("覃春", "qin chun"),
        ("区伟", "ou wei"),
        ("万俟卨", "mo qi xie"),
        ("尉迟恭", "yu chi gong"),
        ("单于丹", "chan yu dan"),
        ("长孙无忌", "zhang sun wu ji"),
    ],
)
def test_surname_with_a_special_reading(name: str, expected: str) -> None:
    syllables, initials = pinyin_of_name(name)
    assert syllables == expected
    assert initials == "".join(s[0] for s in expected.split())


def test_surname_reading_only_at_the_start() -> None:
    # 单 in a given name keeps its everyday reading; 曾 likewise.
    assert pinyin_of_name("孤单") == ("gu dan", "gd")
    assert pinyin_of_name("何曾") == ("he ceng", "hc")


def test_compound_surnames_are_tried_before_single_ones() -> None:
    assert "单于" in SURNAME_READINGS and "单" in SURNAME_READINGS
    assert pinyin_of_name("单于")[0] == "chan yu"
    assert pinyin_of_name("单一")[0] == "shan yi"


def test_minority_name_skips_the_middle_dot() -> None:
    assert pinyin_of_name("买买提·艾力") == ("mai mai ti ai li", "mmtal")


def test_u_umlaut_is_v_as_on_a_pinyin_keyboard() -> None:
    assert pinyin_of_name("吕绿") == ("lv lv", "ll")


def test_latin_names_lowercased_without_accents() -> None:
    assert pinyin_of_name("John Smith") == ("john smith", "js")
    assert pinyin_of_name("José O'Neil") == ("jose oneil", "jo")
    assert pinyin_of_name("Jean-Luc Ørsted") == ("jean luc orsted", "jlo")
    assert pinyin_of_name("ＪＯＨＮ") == ("john", "j")


def test_nothing_to_read() -> None:
    assert pinyin_of_name("") == ("", "")
    assert pinyin_of_name(" · ") == ("", "")


def test_each_character_is_converted_once() -> None:
    pinyin_of_name("张三")
    misses = pinyin._char_syllable.cache_info().misses
    pinyin_of_name("三张")
    pinyin_of_name("张三张三")
    assert pinyin._char_syllable.cache_info().misses == misses
