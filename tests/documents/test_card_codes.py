"""The numbers of a contact card (fdclient/domain/card_codes.py): random tokens, 12-digit
codes with a Luhn check digit, and reading what was scanned or typed."""

from __future__ import annotations

from fdclient.domain.card_codes import (
    CODE_LENGTH,
    format_card_code,
    is_card_code,
    is_card_token,
    luhn_digit,
    new_card_code,
    new_card_token,
    read_card_input,
)


def test_luhn_digit_of_known_numbers() -> None:
    assert luhn_digit("7992739871") == "3"  # the textbook example
    assert luhn_digit("4539578763621486"[:-1]) == "6"


def test_new_codes_are_twelve_digits_with_their_check_digit() -> None:
    codes = {new_card_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert len(code) == CODE_LENGTH and code.isdigit() and code[0] != "0"
        assert is_card_code(code)


def test_a_mistyped_or_swapped_digit_is_not_a_code() -> None:
    code = new_card_code()
    wrong = code[:5] + str((int(code[5]) + 1) % 10) + code[6:]
    assert not is_card_code(wrong)
    if code[3] != code[4]:
        assert not is_card_code(code[:3] + code[4] + code[3] + code[5:])


def test_tokens_are_random_url_safe_and_22_characters() -> None:
    tokens = {new_card_token() for _ in range(500)}
    assert len(tokens) == 500
    assert all(is_card_token(t) and len(t) == 22 for t in tokens)


def test_what_was_scanned_or_typed_is_read() -> None:
    token, code = new_card_token(), new_card_code()
    assert read_card_input(token) == read_card_input(f"  {token}\n")
    assert read_card_input(token).kind == "token"  # type: ignore[union-attr]
    printed = format_card_code(code)
    assert printed == f"{code[:4]} {code[4:8]} {code[8:]}"
    for typed in (
        code,
        printed,
        printed.replace(" ", "-"),
        code.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    ):
        found = read_card_input(typed)
        assert found is not None and (found.kind, found.value) == ("code", code)
    for nothing in ("", "张三", "13800138000", code[:-1], "11010519491231002X", token[:-1]):
        assert read_card_input(nothing) is None
