"""Phone numbers, names, free text, township and village codes, and measurement ranges."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fdclient.domain.geography import validate_township, validate_village_code, village_code_warning
from fdclient.domain.validation import (
    MEASUREMENTS,
    bmi,
    check_blood_pressure,
    check_measurement,
    clean_text,
    normalise_name,
    normalise_phone,
    phone_digits,
    required_text,
)
from fdclient.errors import ValidationError
from fdclient.text import msg

#: The example number some messages give.
EXAMPLE_PHONE = "0791-88123456"


def phone_error(text: str) -> str:
    with pytest.raises(ValidationError) as info:
        normalise_phone(text)
    assert info.value.field == "phone"
    message = info.value.message
    digits = phone_digits(text)
    if len(digits) >= 5:  # the message says what is wrong without repeating the number
        without_example = message.replace(EXAMPLE_PHONE, "")
        assert text.strip() not in without_example and digits not in phone_digits(without_example)
    return message


def name_error(text: str) -> str:
    with pytest.raises(ValidationError) as info:
        normalise_name(text)
    assert info.value.field == "name"
    return info.value.message


# --- phones --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "+86 138 0013 8000",
        "+8613800138000",
        "0086-138-0013-8000",
        "86 13800138000",
        "１３８００１３８０００",
        "１３８－００１３－８０００",
    ],
)
def test_mobile_numbers(typed):
    assert normalise_phone(typed) == "13800138000"


@pytest.mark.parametrize("typed", ["19912345678", "16612345678"])
def test_mobile_prefixes_13_to_19(typed):
    assert normalise_phone(typed) == typed


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("0791-88123456", "0791-88123456"),
        ("079188123456", "0791-88123456"),
        ("0791 88123456", "0791-88123456"),
        ("(0791)88123456", "0791-88123456"),
        ("（0791）8812 3456", "0791-88123456"),
        ("0791-8812-3456", "0791-88123456"),
        ("+86 791 88123456", "0791-88123456"),
        ("01012345678", "010-12345678"),
        ("010-12345678", "010-12345678"),
        ("02112345678", "021-12345678"),
        ("0797-8123456", "0797-8123456"),
        ("07978123456", "0797-8123456"),
        ("0791-88123456转123", "0791-88123456转123"),
        ("0791-88123456 转 123", "0791-88123456转123"),
        ("0791-88123456-123", "0791-88123456转123"),
        ("079188123456分机8", "0791-88123456转8"),
        ("0791-88123456 ext. 55", "0791-88123456转55"),
    ],
)
def test_landlines(typed, canonical):
    assert normalise_phone(typed) == canonical
    assert normalise_phone(canonical) == canonical  # canonical form is stable


@pytest.mark.parametrize("typed", ["88123456", "8123456", "8812-3456"])
def test_local_number_without_area_code_asks_for_it(typed):
    assert phone_error(typed) == "固定电话缺少区号，请加上区号，如 0791-88123456"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", "请填写电话号码"),
        ("   ", "请填写电话号码"),
        ("12345", "手机号码应为 1 开头的 11 位数字"),
        ("1380013800", "手机号码应为 1 开头的 11 位数字"),  # 10 digits
        ("12800138000", "手机号码应为 1 开头的 11 位数字"),  # 12x is not a mobile prefix
        ("0791-012345", "区号 0791 后应为 7 或 8 位号码（不以 0 开头），实际为 6 位"),
        ("0791-881234567", "区号 0791 后应为 7 或 8 位号码（不以 0 开头），实际为 9 位"),
        ("138abc", "含有无法识别的字符“a”"),
        ("13800138000转12", "手机号码不应带分机号"),
        ("12-88123456", "区号应为以 0 开头的 3 或 4 位数字"),
        ("138\x000013\x008000", "电话号码的第 4 个字符是不可见的控制字符（U+0000）"),
        ("13800138000\u200b", "U+200B"),
    ],
)
def test_bad_phone_numbers(typed, expected):
    assert expected in phone_error(typed)


def test_phone_digits_keeps_only_digits():
    assert phone_digits("0791-88123456转12") == "07918812345612"
    assert phone_digits("+86 １３８ 0013 8000") == "8613800138000"
    assert phone_digits("无") == ""


mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
areas = st.one_of(
    st.sampled_from(["010", "020", "021", "022", "023", "024", "025", "027", "028", "029"]),
    st.from_regex(r"0[3-9][0-9]{2}", fullmatch=True),
)
locals_ = st.from_regex(r"[2-9][0-9]{6,7}", fullmatch=True)
separators = st.sampled_from(["", " ", "-", "\u3000", "－"])


@given(mobiles, st.sampled_from(["", "+86 ", "0086", "86-"]), separators)
def test_any_mobile_with_prefix_and_separators(mobile, prefix, sep):
    typed = prefix + mobile[:3] + sep + mobile[3:7] + sep + mobile[7:]
    assert normalise_phone(typed) == mobile
    assert phone_digits(normalise_phone(typed)) == mobile


extensions = st.one_of(st.none(), st.from_regex(r"[0-9]{1,4}", fullmatch=True))


@given(areas, locals_, separators, extensions)
def test_any_landline_normalises_to_area_dash_local(area, local, sep, extension):
    typed = area + sep + local + (f" 转{extension}" if extension else "")
    canonical = f"{area}-{local}" + (f"转{extension}" if extension else "")
    assert normalise_phone(typed) == canonical
    assert normalise_phone(canonical) == canonical


# --- names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("张三", "张三"),
        ("  张  三 ", "张三"),
        ("张\u3000三", "张三"),
        ("王", "王"),
        ("王〇", "王〇"),
        ("𠈌𠈌", "𠈌𠈌"),  # CJK extension B
        ("买买提·艾力", "买买提·艾力"),
        ("买买提•艾力", "买买提·艾力"),
        ("买买提‧艾力", "买买提·艾力"),
        ("阿依古丽・吐尔逊", "阿依古丽·吐尔逊"),
        ("阿依古丽･吐尔逊", "阿依古丽·吐尔逊"),
        ("阿依古丽．吐尔逊", "阿依古丽·吐尔逊"),
        ("阿依古丽.吐尔逊", "阿依古丽·吐尔逊"),
        ("阿依古丽。吐尔逊", "阿依古丽·吐尔逊"),
        ("阿依古丽 · 吐尔逊", "阿依古丽·吐尔逊"),
        ("John Smith", "John Smith"),
        ("  John   Smith ", "John Smith"),
        ("Jean-Luc O'Neil", "Jean-Luc O'Neil"),
        ("O’Brien", "O'Brien"),
        ("José Müller", "José Müller"),
        ("ＪＯＨＮ", "JOHN"),
    ],
)
def test_names_are_normalised(typed, canonical):
    assert normalise_name(typed) == canonical
    assert normalise_name(canonical) == canonical


def test_the_dot_is_u00b7():
    assert normalise_name("买买提•艾力")[3] == "\u00b7"


def test_twenty_five_characters_with_dots_is_the_limit():
    longest = "阿" * 12 + "·" + "布" * 12
    assert normalise_name(longest) == longest
    assert "最多 25 个字" in name_error(longest + "布")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", "请填写姓名"),
        ("  ", "请填写姓名"),
        ("张三1", "姓名“张三1”中不能有数字"),
        ("John2", "不能有数字"),
        ("·张三", "不能在开头或结尾"),
        ("张三·", "不能在开头或结尾"),
        ("张三.", "不能在开头或结尾"),
        ("买买提··艾力", "分隔点“·”重复了"),
        ("买买提..艾力", "分隔点“·”重复了"),
        ("张三!", "有不允许的符号“!”"),
        ("张_三", "有不允许的符号“_”"),
        ("李John", "汉字和字母混用"),
        ("John@Smith", "有不允许的符号“@”"),
        ("-John", "应以字母开头和结尾"),
        ("John--Smith", "连在一起了"),
        ("Иван", "无法识别"),
        ("???", "无法识别"),
    ],
)
def test_bad_names(typed, expected):
    assert expected in name_error(typed)


def test_the_longest_latin_name_is_the_column_width():
    longest = "A" * 50
    assert normalise_name(longest) == longest
    assert name_error(longest + "B") == "姓名太长：最多 50 个字（汉字姓名最多 25 个字，含分隔点），实际为 51 个"


def test_a_long_name_is_refused_for_its_length_without_being_repeated():
    typed = "阿" * 30 + "!"
    message = name_error(typed)
    assert "最多 25 个字" in message and "阿" * 26 not in message
    assert "最多 50 个字" in name_error("x" * 10_000) and "xxxxxxxxxx" not in name_error("x" * 10_000)


@pytest.mark.parametrize(
    ("typed", "code", "position"),
    [
        ("张\x00三", "0000", 2),
        ("张三\x1b[0m", "001B", 3),
        ("张\t三", "0009", 2),
        ("张\n三", "000A", 2),
        ("\u202e张三", "202E", 1),
        ("张\u200d三", "200D", 2),
        ("John\u2028Smith", "2028", 5),
        ("John\x7fSmith", "007F", 5),
    ],
)
def test_control_characters_in_names_are_refused(typed, code, position):
    assert name_error(typed) == f"姓名的第 {position} 个字符是不可见的控制字符（U+{code}），请删除后重新填写。"


def test_surrounding_line_breaks_are_trimmed():
    assert normalise_name("张三\r\n") == "张三"


# --- free text -----------------------------------------------------------------------

ADDRESS = msg("家庭住址", "home address")


def test_free_text_is_trimmed_and_its_spaces_collapsed():
    assert (
        clean_text("  罗家村  三组\u3000 12 号 ", label=ADDRESS, field="address", max_length=200) == "罗家村 三组 12 号"
    )
    assert clean_text("   ", label=ADDRESS, field="address", max_length=200) is None
    assert clean_text(None, label=ADDRESS, field="address", max_length=200) is None
    with pytest.raises(ValidationError, match="请填写家庭住址") as info:
        required_text(" ", label=ADDRESS, field="address", max_length=200)
    assert info.value.field == "address"


def test_free_text_longer_than_its_column_is_refused():
    assert clean_text("村" * 10, label=ADDRESS, field="address", max_length=10) == "村" * 10
    with pytest.raises(ValidationError) as info:
        clean_text("村" * 11, label=ADDRESS, field="address", max_length=10)
    assert info.value.message == "家庭住址太长：最多 10 个字，实际为 11 个。"


@pytest.mark.parametrize("bad", ["\x00", "\x1b", "\x85", "\u200b", "\u202e", "\u2029", "\n", "\t"])
def test_control_characters_in_free_text_are_refused(bad):
    with pytest.raises(ValidationError, match="第 4 个字符是不可见的控制字符") as info:
        clean_text(f"罗家村{bad}三组", label=ADDRESS, field="address", max_length=200)
    assert info.value.field == "address"


def test_multiline_text_keeps_its_line_breaks_but_refuses_other_controls():
    reason = msg("作废原因", "reason for voiding")
    assert required_text(" 重复\n登记 ", label=reason, field="reason", max_length=200, multiline=True) == "重复\n登记"
    with pytest.raises(ValidationError, match="U\\+0007"):
        required_text("重复\a登记", label=reason, field="reason", max_length=200, multiline=True)


# --- township and village codes ------------------------------------------------------


def test_township_code_and_name():
    assert validate_township("３６０１１１１０１", " 罗家镇 ") == ("360111101", "罗家镇")
    with pytest.raises(ValidationError, match="9 位数字") as info:
        validate_township("36011110", "罗家镇")
    assert info.value.field == "township_code"
    with pytest.raises(ValidationError, match="请填写乡镇名称"):
        validate_township("360111101", " ")
    with pytest.raises(ValidationError, match="乡镇名称太长：最多 60 个字"):
        validate_township("360111101", "镇" * 61)
    with pytest.raises(ValidationError, match="乡镇名称的第 3 个字符是不可见的控制字符"):
        validate_township("360111101", "罗家\x00镇")
    with pytest.raises(ValidationError, match="乡镇代码的第 1 个字符"):
        validate_township("\x00360111101", "罗家镇")


def test_village_code():
    assert validate_village_code("360111101201") == "360111101201"
    assert validate_village_code(" ３６０１１１１０１２０１ ") == "360111101201"
    with pytest.raises(ValidationError, match="12 位数字") as info:
        validate_village_code("36011110120")
    assert info.value.field == "village_code"
    with pytest.raises(ValidationError, match="12 位数字"):
        validate_village_code("36011110120X")


def test_a_village_code_outside_the_township_is_a_warning_not_an_error():
    # A village that kept its old code after a township merger: its code is accepted.
    assert validate_village_code("360111102201") == "360111102201"
    assert village_code_warning("360111101201", "360111101") is None
    warning = village_code_warning("360111102201", "360111101")
    assert warning is not None and "前 9 位不是本乡镇代码 360111101" in str(warning)


# --- measurements --------------------------------------------------------------------

EXPECTED_RANGES = {
    "systolic": (60, 260, "mmHg"),
    "diastolic": (30, 160, "mmHg"),
    "heart_rate": (30, 200, "次/分钟"),
    "fasting_glucose": (1.0, 35.0, "mmol/L"),
    "random_glucose": (1.0, 40.0, "mmol/L"),
    "hba1c": (3.0, 20.0, "%"),
    "weight": (0.5, 300.0, "kg"),
    "height": (30.0, 250.0, "cm"),
    "waist": (30.0, 200.0, "cm"),
    "temperature": (34.0, 43.0, "°C"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED_RANGES))
def test_range_table_and_bounds(name):
    low, high, unit = EXPECTED_RANGES[name]
    spec = MEASUREMENTS[name]
    assert (spec.minimum, spec.maximum, spec.unit) == (low, high, unit)
    assert spec.label
    assert check_measurement(name, low) == low
    assert check_measurement(name, high) == high
    step = 1 if spec.decimals == 0 else 0.1
    for outside in (low - step, high + step):
        with pytest.raises(ValidationError, match="超出合理范围") as info:
            check_measurement(name, outside)
        assert info.value.field == name


def test_out_of_range_message():
    with pytest.raises(ValidationError) as info:
        check_measurement("systolic", 300)
    assert info.value.message == "收缩压 300 mmHg 超出合理范围（60–260 mmHg），请核对"
    with pytest.raises(ValidationError) as info:
        check_measurement("fasting_glucose", "40")
    assert info.value.message == "空腹血糖 40 mmol/L 超出合理范围（1.0–35.0 mmol/L），请核对"
    with pytest.raises(ValidationError) as info:
        check_measurement("hba1c", 25)
    assert info.value.message == "糖化血红蛋白 25% 超出合理范围（3.0–20.0%），请核对"


def test_text_input_is_parsed():
    assert check_measurement("temperature", " 36.5 ") == 36.5
    assert check_measurement("weight", "６５.５") == 65.5


@pytest.mark.parametrize("value", ["abc", "nan", "inf", "", "120mmHg"])
def test_non_numbers_are_rejected(value):
    with pytest.raises(ValidationError, match="体重") as info:
        check_measurement("weight", value)
    assert info.value.field == "weight"


def test_whole_number_measurements_reject_fractions():
    with pytest.raises(ValidationError, match="心率应为整数"):
        check_measurement("heart_rate", 72.5)


def test_blood_pressure():
    assert check_blood_pressure("128", 82) == (128, 82)
    with pytest.raises(ValidationError) as info:
        check_blood_pressure(80, 120)
    assert info.value.message == "收缩压（80 mmHg）应高于舒张压（120 mmHg），请核对是否填反"
    with pytest.raises(ValidationError, match="应高于舒张压"):
        check_blood_pressure(100, 100)
    with pytest.raises(ValidationError, match="舒张压 170 mmHg 超出合理范围") as info:
        check_blood_pressure(200, 170)
    assert info.value.field == "diastolic"


def test_bmi():
    assert bmi(70, 175) == 22.9
    assert bmi("60", "160") == 23.4
    assert bmi(3.2, 50) == 12.8  # newborn
    with pytest.raises(ValidationError, match="体重 0.3 kg"):
        bmi(0.3, 170)
    with pytest.raises(ValidationError, match="体质指数为 3333.3") as info:
        bmi(300, 30)
    assert "请核对体重和身高" in info.value.message


# --- messages in English -------------------------------------------------------------


def test_messages_in_english(english):
    assert phone_error("6712345") == "The landline number has no area code: add it, as in 0791-88123456"
    assert name_error("张三1") == "The name “张三1” may not contain digits"
    assert name_error("张\x00三") == (
        "The name has an invisible control character (U+0000) at position 2: delete it and type the text again."
    )
    with pytest.raises(ValidationError) as info:
        check_measurement("heart_rate", 250)
    assert info.value.message == (
        "The heart rate 250 beats/min is outside the plausible range (30–200 beats/min): please check it"
    )
    with pytest.raises(ValidationError) as info:
        check_blood_pressure(80, 120)
    assert info.value.message.startswith("The systolic pressure (80 mmHg) must be higher than the diastolic")
    warning = village_code_warning("360111102201", "360111101")
    assert warning is not None and warning.render() == (
        "The first 9 digits of the village code 360111102201 are not this township's code 360111101; it was saved "
        "as entered. A village that kept its old code after townships merged can stay so; otherwise check the code."
    )
    with pytest.raises(ValidationError) as info:
        clean_text("村" * 11, label=ADDRESS, field="address", max_length=10)
    assert info.value.message == "The home address is too long: at most 10 characters, not 11."
