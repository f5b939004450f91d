"""Pinyin of residents' names, for search (``zs`` → 张三) and for sorting by pronunciation.

``pinyin_of_name("张三")`` returns ``("zhang san", "zs")``: toneless lowercase syllables
separated by spaces, and their initial letters. ü is written ``v`` (吕 → ``lv``), as on a
pinyin keyboard.

* Characters are converted one at a time through a cache, so 100k names cost little more
  than the distinct characters they use (pypinyin costs ≈ 30 µs a call, and is imported
  on the first one: its dictionaries take ≈ 0.25 s to load).
* A surname read differently from the character's everyday reading (单 shan, 曾 zeng,
  解 xie, ...) is taken from :data:`SURNAME_READINGS`; compound surnames (万俟 moqi,
  尉迟 yuchi, ...) are tried first. Only the start of a name is a surname.
* The middle dot of minority names (买买提·艾力) is skipped; characters with no known
  reading are skipped too.
* Latin names (foreigners) are lowercased, accents removed, one word per syllable:
  ``"José O'Neil"`` → ``("jose oneil", "jo")``.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from types import MappingProxyType

__all__ = ["SURNAME_READINGS", "opening_syllables", "pinyin_of_name"]

#: Surnames whose reading differs from what a character-by-character conversion gives.
#: Keys of more than one character are compound surnames and are matched first.
SURNAME_READINGS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        # compound surnames (复姓)
        "万俟": ("mo", "qi"),
        "尉迟": ("yu", "chi"),
        "单于": ("chan", "yu"),
        "长孙": ("zhang", "sun"),
        "澹台": ("tan", "tai"),
        "乐正": ("yue", "zheng"),
        "令狐": ("ling", "hu"),
        "亓官": ("qi", "guan"),
        "毌丘": ("guan", "qiu"),
        "宰父": ("zai", "fu"),
        "钟离": ("zhong", "li"),
        # single-character surnames
        "单": ("shan",),
        "曾": ("zeng",),
        "解": ("xie",),
        "仇": ("qiu",),
        "朴": ("piao",),
        "查": ("zha",),
        "覃": ("qin",),
        "区": ("ou",),
        "盖": ("ge",),
        "繁": ("po",),
        "句": ("gou",),
        "乐": ("yue",),
        "缪": ("miao",),
        "翟": ("zhai",),
        "种": ("chong",),
        "秘": ("bi",),
        "召": ("shao",),
        "折": ("she",),
        "员": ("yun",),
        "长": ("chang",),
        "重": ("chong",),
        "角": ("jue",),
        "祭": ("zhai",),
        "宓": ("fu",),
        "能": ("nai",),
        "隗": ("wei",),
        "阚": ("kan",),
        "澹": ("tan",),
        "薄": ("bo",),
        "藏": ("zang",),
        "洗": ("xian",),
        "都": ("du",),
        "卜": ("bu",),
        "蕃": ("pi",),
        "郇": ("xun",),
    }
)

_COMPOUND_LENGTHS = sorted({len(k) for k in SURNAME_READINGS if len(k) > 1}, reverse=True)


@lru_cache(maxsize=65536)
def _char_syllable(ch: str) -> str:
    """The everyday toneless reading of one CJK character ('' when unknown)."""
    # pypinyin loads its dictionaries on import (≈ 0.25 s): only when a name needs it.
    from pypinyin import Style, lazy_pinyin

    out = lazy_pinyin(ch, style=Style.NORMAL, errors="ignore", v_to_u=False)
    return out[0].lower() if out else ""


def _is_ascii_letter(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z")


#: Latin letters that have no decomposition into a base letter and an accent.
_LATIN_FOLD = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "þ": "th",
    }
)


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_LATIN_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _latin_words(text: str) -> list[str]:
    """Lowercase ASCII words of a Latin name: apostrophes join, anything else separates."""
    text = _strip_accents(text).lower().replace("'", "").replace("\u2019", "")
    words: list[str] = []
    current: list[str] = []
    for ch in text:
        if _is_ascii_letter(ch):
            current.append(ch)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def _is_hanzi(ch: str) -> bool:
    """A character that has (or may have) a pinyin reading: CJK ideographs, 〇, ..."""
    return ch >= "\u2e80" and (ch.isalpha() or unicodedata.category(ch) == "Nl")


def _syllables(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).strip()
    syllables: list[str] = []
    i = 0
    for length in (*_COMPOUND_LENGTHS, 1):
        reading = SURNAME_READINGS.get(text[:length])
        if reading is not None:
            syllables.extend(reading)
            i = length
            break
    latin: list[str] = []
    for ch in text[i:]:
        if _is_hanzi(ch):
            if latin:
                syllables.extend(_latin_words("".join(latin)))
                latin = []
            syllable = _char_syllable(ch)
            if syllable:
                syllables.append(syllable)
        else:
            latin.append(ch)
    if latin:
        syllables.extend(_latin_words("".join(latin)))
    return syllables


def pinyin_of_name(name: str) -> tuple[str, str]:
    """``("zhang san", "zs")`` for 张三: syllables separated by spaces, and their initials."""
    syllables = _syllables(name)
    return " ".join(syllables), "".join(s[0] for s in syllables)


def opening_syllables(ch: str) -> tuple[str, ...]:
    """Every syllable a name starting with the character *ch* can start with in
    :func:`pinyin_of_name`: its reading as a surname, and the first syllable of each
    compound surname that starts with it (单 → ``shan``; 单于 → ``chan``). Empty when the
    character has no reading (a name starting with it starts with the next one's)."""
    ch = unicodedata.normalize("NFKC", ch)
    own = SURNAME_READINGS.get(ch)
    first = own[0] if own else (_char_syllable(ch) if _is_hanzi(ch) else "")
    if not first:
        return ()
    compound = {reading[0] for key, reading in SURNAME_READINGS.items() if len(key) > 1 and key[0] == ch}
    return tuple(sorted({first} | compound))
