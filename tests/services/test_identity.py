"""Resident ID numbers: GB 11643 check character, normalisation, legacy numbers, permits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.cn import ric

from fdclient.domain.identity import (
    IdKind,
    IdNumber,
    check_consistency,
    id_check_character,
    is_valid_id_number,
    make_id_number,
    mask_id_number,
    normalise_id_number,
    parse_id_number,
)
from fdclient.errors import ValidationError
from fdclient.text import set_language

TODAY = date(2026, 11, 22)
EXAMPLE = "11010519491231002X"

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def reference_check(first17: str) -> str:
    """GB 11643 written out from the standard, independent of the code under test."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def rejection(text: str, today: date = TODAY) -> str:
    with pytest.raises(ValidationError) as info:
        parse_id_number(text, today=today)
    assert info.value.field == "id_number"
    return info.value.message


# --- examples -------------------------------------------------------------------------


def test_documented_example_parses():
    parsed = parse_id_number(EXAMPLE, today=TODAY)
    assert parsed == IdNumber(
        number=EXAMPLE,
        region_code="110105",
        birth_date=date(1949, 12, 31),
        sex=2,
        kind=IdKind.MAINLAND,
        legacy_number=None,
    )
    assert parsed.sequence == "002"
    assert parsed.check_character == "X"
    assert parsed.masked() == "110105********002X"


@pytest.mark.parametrize(
    "typed",
    [
        "11010519491231002x",
        " 110105 19491231 002X ",
        "110105-19491231-002x",
        "110105\u201319491231\u2013002X",  # en dashes
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width digits and letter
        "１１０１０５\u3000１９４９１２３１\u3000００２ｘ",  # ideographic spaces
        "110105\t19491231\n002X",
    ],
)
def test_typed_variants_equal_the_canonical_number(typed):
    assert normalise_id_number(typed) == EXAMPLE
    assert parse_id_number(typed, today=TODAY).number == EXAMPLE


def test_check_character_matches_the_standard_and_the_example():
    assert id_check_character(EXAMPLE[:17]) == "X"
    assert id_check_character("11010519491231001") == reference_check("11010519491231001")
    assert id_check_character("36042619910101007") == "1"  # stdnum's documented example


@pytest.mark.parametrize("bad", ["1101051949123100", "1101051949123100a", "110105194912310021"])
def test_check_character_needs_17_ascii_digits(bad):
    with pytest.raises(ValidationError, match="前 17 位数字"):
        id_check_character(bad)


def test_male_and_female_from_the_sequence():
    assert parse_id_number(make_id_number("360111", date(1980, 5, 6), 11), today=TODAY).sex == 1
    assert parse_id_number(make_id_number("360111", date(1980, 5, 6), 10), today=TODAY).sex == 2
    assert parse_id_number(make_id_number("360111", date(1980, 5, 6), 0), today=TODAY).sex == 2


# --- region codes are never checked against a table --------------------------------------


def test_region_code_unknown_to_stdnum_is_accepted():
    number = make_id_number("110199", date(1960, 1, 1), 11)
    # stdnum's validate() looks the region up and fails (here even with a KeyError).
    with pytest.raises(Exception):  # noqa: B017 - stdnum raises different types for this
        ric.validate(number)
    parsed = parse_id_number(number, today=TODAY)
    assert parsed.region_code == "110199"
    assert parsed.kind is IdKind.MAINLAND


def test_region_created_after_the_birth_year_is_accepted():
    # 110112 通州区 dates from 1997 in stdnum's table; an 86-year-old can hold that code.
    number = make_id_number("110112", date(1940, 5, 5), 11)
    assert not ric.is_valid(number)
    assert parse_id_number(number, today=TODAY).birth_date == date(1940, 5, 5)


@pytest.mark.parametrize(
    ("region", "kind", "label"),
    [
        ("810000", IdKind.HONG_KONG, "港澳居民居住证（香港）"),
        ("820000", IdKind.MACAU, "港澳居民居住证（澳门）"),
        ("830000", IdKind.TAIWAN, "台湾居民居住证"),
    ],
)
def test_residence_permits(region, kind, label):
    number = make_id_number(region, date(1990, 1, 1), 11)
    assert not ric.is_valid(number)  # stdnum rejects these for a 1990 birth
    parsed = parse_id_number(number, today=TODAY)
    assert parsed.kind is kind
    assert parsed.kind.label == label
    assert parsed.region_code == region
    assert parsed.sex == 1


# --- rejections, each with its own message ------------------------------------------


def test_wrong_check_character_names_the_expected_one():
    assert rejection("110105194912310023") == ("身份证号码校验位错误：最后一位应为 X，实际为 3，请核对号码")
    assert not is_valid_id_number("110105194912310023", today=TODAY)
    assert is_valid_id_number(EXAMPLE, today=TODAY)


def test_empty_is_rejected():
    assert rejection("  ") == "请填写身份证号码"


@pytest.mark.parametrize("text", ["11010519491231002", "1101051949123100", "11010519491231002XX"])
def test_wrong_length_is_rejected(text):
    assert "应为 18 位（旧版为 15 位），实际为" in rejection(text)
    assert f"实际为 {len(text)} 位" in rejection(text)


def test_letter_among_the_first_17_is_rejected():
    assert rejection("1101051949A231002X") == ("身份证号码前 17 位只能是数字，第 11 位是“A”，请核对号码")


def test_non_ascii_digits_are_rejected():
    # Arabic-Indic digits are digits for str.isdigit() and int(), not for an ID number.
    assert "前 17 位只能是数字" in rejection("١١٠١٠٥19491231002X")


def test_bad_last_character_is_rejected():
    assert rejection("11010519491231002Y") == "身份证号码最后一位只能是数字或 X，实际为“Y”，请核对号码"


def test_impossible_birth_date_is_rejected():
    first17 = "11010519490230002"  # 30 February
    assert rejection(first17 + reference_check(first17)) == ("身份证号码中的出生日期 19490230 不是有效日期，请核对号码")


def test_birth_before_1880_is_rejected():
    first17 = "11010518791231002"
    assert "早于 1880 年" in rejection(first17 + reference_check(first17))
    assert is_valid_id_number(make_id_number("110105", date(1880, 1, 1), 2), today=TODAY)


def test_birth_in_the_future_is_rejected_relative_to_today():
    number = make_id_number("110105", TODAY + timedelta(days=1), 2)
    assert "晚于今天（2026-11-22）" in rejection(number)
    tomorrow = TODAY + timedelta(days=1)
    assert parse_id_number(number, today=tomorrow).birth_date == tomorrow


def test_validity_is_judged_on_the_day_given():
    born = date(2030, 1, 1)
    assert not is_valid_id_number(make_id_number("110105", born, 2), today=TODAY)
    assert is_valid_id_number(make_id_number("110105", born, 2), today=born)


def test_an_invisible_character_is_named_by_its_code():
    assert rejection("1101051949\x00231002X") == "身份证号码前 17 位只能是数字，第 11 位是“U+0000”，请核对号码"
    assert rejection("11010519491231002\u202e") == "身份证号码最后一位只能是数字或 X，实际为“U+202E”，请核对号码"


@pytest.mark.parametrize(
    "text",
    [
        "110105194912310023",  # wrong check character
        "1101051949A231002X",  # a letter
        "11010519491231002Y",  # a bad last character
        "110105194902300027",  # no such day
        make_id_number("110105", TODAY + timedelta(days=1), 2),  # born tomorrow
        "11010519491231002XX",  # too long
    ],
)
def test_messages_never_repeat_the_number(text):
    message = rejection(text)
    assert text not in message and text[:17] not in message and text[-12:] not in message


def test_messages_in_english():
    set_language("en")
    try:
        assert rejection("110105194912310023") == (
            "The check character of the ID number is wrong: the last character should be X, not 3; "
            "please check the number"
        )
        assert rejection("1101051949A231002X") == (
            "The first 17 characters of an ID number are digits, but character 11 is “A”: please check the number"
        )
        assert rejection("  ") == "Please enter the ID number"
    finally:
        set_language("zh_CN")


# --- legacy 15-digit numbers ---------------------------------------------------------


def test_legacy_number_is_converted():
    parsed = parse_id_number("110105491231002", today=TODAY)
    assert parsed.number == EXAMPLE
    assert parsed.legacy_number == "110105491231002"
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.sex == 2


def test_legacy_number_with_impossible_date_or_letters_is_rejected():
    assert rejection("110105491331002") == "身份证号码中的出生日期 491331 不是有效日期，请核对号码"
    assert "15 位旧身份证号码只能是数字" in rejection("11010549123100X")


# --- builder -------------------------------------------------------------------------


def test_make_id_number_checks_its_arguments():
    with pytest.raises(ValidationError, match="地区代码应为 6 位数字"):
        make_id_number("11010", date(1980, 1, 1), 1)
    with pytest.raises(ValidationError, match="顺序码应在 0 到 999 之间"):
        make_id_number("110105", date(1980, 1, 1), 1000)
    with pytest.raises(ValidationError, match="早于 1880 年"):
        make_id_number("110105", date(1879, 12, 31), 1)
    assert make_id_number("110105", date(1949, 12, 31), 2) == EXAMPLE


# --- consistency with the form -------------------------------------------------------


def test_consistent_form_has_no_mismatch():
    parsed = parse_id_number(EXAMPLE, today=TODAY)
    assert check_consistency(parsed, birth_date=date(1949, 12, 31), sex=2) == ()
    assert check_consistency(parsed, birth_date=None, sex=None) == ()


@pytest.mark.parametrize("sex", [0, 9])
def test_unknown_or_unstated_sex_is_not_a_mismatch(sex):
    parsed = parse_id_number(EXAMPLE, today=TODAY)
    assert check_consistency(parsed, birth_date=None, sex=sex) == ()


def test_mismatches_are_reported_with_chinese_messages():
    parsed = parse_id_number(EXAMPLE, today=TODAY)
    found = check_consistency(parsed, birth_date=date(1950, 1, 1), sex=1)
    assert [m.field for m in found] == ["birth_date", "sex"]
    birth, sex = found
    assert (birth.typed, birth.derived) == (date(1950, 1, 1), date(1949, 12, 31))
    assert str(birth.message) == "出生日期与身份证号不一致：填写的是 1950-01-01，身份证号显示 1949-12-31"
    assert (sex.typed, sex.derived) == (1, 2)
    assert str(sex.message) == "性别与身份证号不一致：填写的是男，身份证号显示为女"
    assert (
        sex.message.render("en") == "The sex does not match the ID number: male was entered, the ID number says female"
    )


def test_invalid_sex_code_is_rejected():
    parsed = parse_id_number(EXAMPLE, today=TODAY)
    with pytest.raises(ValidationError, match="性别代码应为") as info:
        check_consistency(parsed, birth_date=None, sex=3)
    assert info.value.field == "sex"


# --- properties ----------------------------------------------------------------------

regions = st.from_regex(r"[0-9]{6}", fullmatch=True)
birth_dates = st.dates(min_value=date(1880, 1, 1), max_value=TODAY)
sequences = st.integers(min_value=0, max_value=999)


@given(regions, birth_dates, sequences)
def test_make_then_parse_round_trips(region, born, sequence):
    number = make_id_number(region, born, sequence)
    assert len(number) == 18
    assert number[17] == reference_check(number[:17])
    parsed = parse_id_number(number, today=TODAY)
    assert parsed.number == number
    assert parsed.region_code == region
    assert parsed.birth_date == born
    assert parsed.sex == (1 if sequence % 2 else 2)
    assert parsed.sequence == f"{sequence:03d}"
    assert parsed.legacy_number is None
    expected_kind = {"810000": IdKind.HONG_KONG, "820000": IdKind.MACAU, "830000": IdKind.TAIWAN}
    assert parsed.kind is expected_kind.get(region, IdKind.MAINLAND)


@given(regions, birth_dates, sequences, st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_character_change_is_rejected(region, born, sequence, position, char):
    number = make_id_number(region, born, sequence)
    assume(number[position] != char)
    changed = number[:position] + char + number[position + 1 :]
    with pytest.raises(ValidationError):
        parse_id_number(changed, today=TODAY)


@given(regions, birth_dates, sequences, st.integers(0, 15))
def test_swapping_two_adjacent_digits_is_rejected(region, born, sequence, position):
    number = make_id_number(region, born, sequence)
    a, b = number[position], number[position + 1]
    assume(a != b)
    swapped = number[:position] + b + a + number[position + 2 :]
    assert not is_valid_id_number(swapped, today=TODAY)


@given(st.text())
def test_normalisation_is_idempotent_on_any_text(text):
    once = normalise_id_number(text)
    assert normalise_id_number(once) == once


_NOISE = st.sampled_from(["", " ", "-", "\u3000", "\u2013", "\t"])


@given(regions, birth_dates, sequences, st.data())
def test_noisy_typing_equals_the_canonical_number(region, born, sequence, data):
    number = make_id_number(region, born, sequence)
    typed = []
    for ch in number:
        if ch == "X":
            ch = data.draw(st.sampled_from(["X", "x", "Ｘ", "ｘ"]))
        elif data.draw(st.booleans()):
            ch = chr(ord(ch) - ord("0") + ord("０"))  # full-width digit
        typed.append(data.draw(_NOISE) + ch)
    text = "".join(typed) + data.draw(_NOISE)
    assert normalise_id_number(text) == number
    assert parse_id_number(text, today=TODAY) == parse_id_number(number, today=TODAY)


@given(
    regions,
    st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)),
    sequences,
)
def test_legacy_conversion_preserves_region_birth_and_sex(region, born, sequence):
    legacy = f"{region}{born:%y%m%d}{sequence:03d}"
    parsed = parse_id_number(legacy, today=TODAY)
    assert parsed.region_code == region
    assert parsed.birth_date == born
    assert parsed.sex == (1 if sequence % 2 else 2)
    assert parsed.number == make_id_number(region, born, sequence)
    assert parsed.legacy_number == legacy


def test_mask_id_number_shows_first_six_and_last_four():
    assert mask_id_number(EXAMPLE) == "110105********002X"
    assert mask_id_number("110105491231215") == "110105*****1215"  # legacy 15 digits
    assert mask_id_number("12345") == "***45"  # never a whole short value
    assert mask_id_number(None) == ""
    assert mask_id_number("") == ""


@given(regions, st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)), sequences)
def test_mask_id_number_hides_birth_date(region, born, sequence):
    number = make_id_number(region, born, sequence)
    masked = mask_id_number(number)
    assert len(masked) == 18
    assert masked[:6] == region and masked[-4:] == number[-4:]
    assert f"{born:%Y%m%d}" not in masked
