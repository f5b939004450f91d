"""Line breaking of Chinese text (禁则): no line starts with closing punctuation, none ends
with opening punctuation, numbers are not cut, and nothing is lost."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fdclient.documents.fonts import document_font
from fdclient.documents.text import NO_LINE_END, NO_LINE_START, break_lines, break_text, text_width

SIZE = 10.5


@pytest.fixture(scope="module")
def font() -> str:
    return document_font().name


def test_a_comma_at_the_end_of_a_full_line_takes_the_character_before_it_along(font: str) -> None:
    # Ten characters fit; the comma would be the twelfth: 人 moves down with it.
    width = text_width("签" * 10, font, SIZE) + 0.5
    lines = break_text("签约居民应如实提供本人，及家庭成员的健康信息。", width, font, SIZE)
    assert lines[0] == "签约居民应如实提供本"
    assert lines[1].startswith("人，")
    # Where the comma would be the eleventh character, the tenth goes down with it.
    lines = break_text("签约居民应如实提供本，人及家庭成员的健康信息。", width, font, SIZE)
    assert lines[0] == "签约居民应如实提供"
    assert lines[1].startswith("本，")
    assert all(line[0] not in NO_LINE_START for line in lines[1:])


def test_numbers_and_dates_stay_whole(font: str) -> None:
    text = "身份证号110105194912310021，电话13800138000，签约日期2026-01-01。"
    for chars in range(10, 40):
        lines = break_text(text, text_width("签" * chars, font, SIZE), font, SIZE)
        joined = "\n".join(lines)
        for number in ("110105194912310021", "13800138000", "2026-01-01"):
            assert number in joined.replace("\n", "") and (number in joined)


def test_an_opening_bracket_goes_down_with_what_follows(font: str) -> None:
    width = text_width("签" * 8, font, SIZE) + 0.5
    lines = break_text("居民的健康信息属（《个人信息保护法》第二十八条）。", width, font, SIZE)
    assert all(line[-1] not in NO_LINE_END for line in lines)
    assert all(line[0] not in NO_LINE_START for line in lines[1:])


def test_first_line_indent_and_paragraphs(font: str) -> None:
    width = text_width("签" * 10, font, SIZE) + 0.5
    first = break_text("一二三四五六七八九十甲乙", width, font, SIZE, first_indent=2 * SIZE)
    assert first == ["一二三四五六七八", "九十甲乙"]
    assert break_lines("甲\n\n乙", width, font, SIZE) == ["甲", "", "乙"]


_CJK = st.sampled_from(list("签约居民家庭医生团队服务包健康档案随访体检同意监护人"))
_PUNCT = st.sampled_from(list("，。、；：？！）」》”（「《“"))
_ASCII = st.text(alphabet="0123456789X-", min_size=1, max_size=20)
_PIECES = st.lists(st.one_of(_CJK, _CJK, _CJK, _PUNCT, _ASCII, st.just(" ")), min_size=1, max_size=120)


@settings(max_examples=300, deadline=None)
@given(pieces=_PIECES, chars=st.integers(min_value=3, max_value=40))
def test_no_line_starts_with_closing_punctuation_and_nothing_is_lost(pieces: list[str], chars: int) -> None:
    font = document_font().name
    text = "".join(pieces)
    width = text_width("签" * chars, font, SIZE)
    lines = break_text(text, width, font, SIZE)
    for line in lines[1:]:
        assert not line or line[0] not in NO_LINE_START, (text, lines)
    # Only spaces may disappear at a break.
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    # A line is no wider than the measure, but for one hanging mark or a run that alone
    # is wider than a line.
    hang = max(text_width(p, font, SIZE) for p in NO_LINE_START)
    for line in lines:
        if " " not in line.strip() and not any("\u4e00" <= c <= "\u9fff" for c in line):
            continue  # a single run of digits or marks
        assert text_width(line, font, SIZE) <= width + 2 * hang + 0.01, (text, lines)
