"""The clause text of the contract form, read from editable templates.

``resources/contract_terms/terms.md`` holds the rights and duties of both sides and
``consent.md`` the separate consent to the processing of health information (PIPL art.
28-31). Each is UTF-8 text, a small subset of Markdown a county can edit:

* ``版本：2026.1`` (a line of its own, required): printed on every form, so a paper form
  says which wording it carries; change it with the text;
* ``# 标题``: a clause heading; a blank line ends a paragraph (lines of one paragraph are
  joined); ``<!-- ... -->`` is a comment for whoever edits the file;
* ``{居民方}`` and ``{团队方}`` become 甲方 or 乙方 by the township's setting
  ``contract_party_a``: the text never names 甲方/乙方 for a side itself.

A missing file, a missing version or an unknown ``{...}`` placeholder is a
:class:`ContractTermsError` naming the file and line, before anything is printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from fdclient.domain.codes import ContractParty
from fdclient.errors import FdError
from fdclient.i18n import resources_dir
from fdclient.text import msg

__all__ = [
    "CONSENT_FILE",
    "TERMS_FILE",
    "ClauseSection",
    "ClauseText",
    "ContractTerms",
    "ContractTermsError",
    "load_contract_terms",
    "parse_clause_text",
    "terms_folder",
]

TERMS_FILE = "terms.md"
CONSENT_FILE = "consent.md"
#: The placeholders and the party they stand for.
PLACEHOLDERS = {"居民方": ContractParty.RESIDENT, "团队方": ContractParty.TEAM}

_VERSION = re.compile(r"^\s*版本\s*[：:]\s*(\S.*?)\s*$")
_HEADING = re.compile(r"^\s*#{1,3}\s*(.*?)\s*$")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class ContractTermsError(FdError):
    """A clause template that cannot be used."""

    exit_code = 1


@dataclass(frozen=True)
class ClauseSection:
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class ClauseText:
    """One template with the parties filled in."""

    version: str
    sections: tuple[ClauseSection, ...]


@dataclass(frozen=True)
class ContractTerms:
    """What the form prints after the contract's particulars."""

    terms: ClauseText
    consent: ClauseText


def terms_folder() -> Path:
    return resources_dir() / "contract_terms"


def _error(path: Path, line: int | None, problem: str, problem_en: str) -> ContractTermsError:
    where = f"{path}" if line is None else f"{path}:{line}"
    return ContractTermsError(
        msg(
            "协议条款模板 {where} 有误：{problem}。请改正模板后再打印。",
            "The contract clause template {where} is wrong: {problem}. Correct it and print again.",
            where=where,
            problem=msg(problem, problem_en),
        )
    )


def _join(lines: list[str]) -> str:
    """The lines of a paragraph as one: no space between Chinese characters, one space
    where a Latin word meets another."""
    text = ""
    for line in lines:
        if text and text[-1].isascii() and line[0].isascii():
            text += " "
        text += line
    return text


def _fill(text: str, party_a: ContractParty, path: Path, line: int) -> str:
    def word(match: re.Match[str]) -> str:
        party = PLACEHOLDERS.get(match.group(1).strip())
        if party is None:
            raise _error(
                path,
                line,
                f"不认识的占位符“{match.group(0)}”（只能用 {{居民方}} 和 {{团队方}}）",
                f"unknown placeholder “{match.group(0)}” (only {{居民方}} and {{团队方}} are known)",
            )
        return "甲方" if party == party_a else "乙方"

    return _PLACEHOLDER.sub(word, text)


def parse_clause_text(source: str, party_a: ContractParty, path: Path) -> ClauseText:
    """A template's text (see the module docstring) with the parties filled in."""
    # Comments become blank lines of the same count, so line numbers stay right.
    text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), source.replace("\r\n", "\n").lstrip("\ufeff"))
    version: str | None = None
    sections: list[ClauseSection] = []
    title: str | None = None
    paragraphs: list[str] = []
    pending: list[str] = []
    pending_line = 0

    def end_paragraph() -> None:
        nonlocal pending
        if pending:
            paragraphs.append(_fill(_join(pending), party_a, path, pending_line))
            pending = []

    def end_section() -> None:
        nonlocal paragraphs
        end_paragraph()
        if title is not None or paragraphs:
            sections.append(ClauseSection(title or "", tuple(paragraphs)))
        paragraphs = []

    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            end_paragraph()
            continue
        found = _VERSION.match(line)
        if found and version is None:
            version = found.group(1)
            continue
        heading = _HEADING.match(line) if line.startswith("#") else None
        if heading:
            end_section()
            title = _fill(heading.group(1), party_a, path, number)
            continue
        if not pending:
            pending_line = number
        pending.append(line)
    end_section()
    if version is None:
        raise _error(path, None, "缺少“版本：”一行", "the “版本：” (version) line is missing")
    if not sections:
        raise _error(path, None, "没有条款文字", "it holds no clause text")
    return ClauseText(version, tuple(sections))


def _read(path: Path, party_a: ContractParty) -> ClauseText:
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _error(path, None, "文件不存在", "the file does not exist") from None
    except UnicodeDecodeError:
        raise _error(path, None, "不是 UTF-8 编码的文本", "it is not UTF-8 text") from None
    except OSError as exc:
        raise _error(path, None, f"无法读取（{exc.strerror}）", f"it cannot be read ({exc.strerror})") from None
    return parse_clause_text(source, party_a, path)


def load_contract_terms(party_a: ContractParty, folder: Path | None = None) -> ContractTerms:
    """The clauses and the consent clause, with 甲方/乙方 as *party_a* says."""
    where = folder or terms_folder()
    return ContractTerms(_read(where / TERMS_FILE, party_a), _read(where / CONSENT_FILE, party_a))
