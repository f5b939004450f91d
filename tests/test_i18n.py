"""Interface language selection and the Chinese catalogue.

The catalogue checks read the code with ``ast``: every
``QCoreApplication.translate(context, text)`` call must use literal strings (so that
pyside6-lupdate finds it) and have a finished Chinese translation in
``resources/translations/fdclient_zh_CN.ts``, whose compiled ``.qm`` must be current.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from fdclient import i18n
from fdclient.errors import ValidationError

REPO = Path(__file__).resolve().parents[1]
TS_FILE = REPO / "resources" / "translations" / "fdclient_zh_CN.ts"
QM_FILE = TS_FILE.with_suffix(".qm")
TRANSLATE_OWNERS = {"QCoreApplication", "QApplication", "QGuiApplication"}
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%L?\d+|%n")

Key = tuple[str, str, str]  # context, source text, disambiguation comment


# --- language selection -------------------------------------------------------------------


def test_chinese_is_the_default() -> None:
    assert i18n.resolve_language(None, {}) == "zh_CN"
    assert i18n.resolve_language(None, {"LANG": "en_US.UTF-8"}) == "zh_CN"


@pytest.mark.parametrize("value", ["en", "EN", "en_US", "en-GB", "english", "en_US.UTF-8"])
def test_english_is_selected_by_the_environment(value: str) -> None:
    assert i18n.resolve_language(None, {i18n.LANGUAGE_ENV: value}) == "en"


def test_the_option_wins_over_the_environment() -> None:
    assert i18n.resolve_language("zh-CN", {i18n.LANGUAGE_ENV: "en"}) == "zh_CN"
    assert i18n.resolve_language("en", {i18n.LANGUAGE_ENV: "zh"}) == "en"


def test_an_unknown_environment_value_falls_back_to_chinese() -> None:
    assert i18n.resolve_language(None, {i18n.LANGUAGE_ENV: "klingon"}) == "zh_CN"


def test_an_unknown_option_is_a_chinese_validation_error() -> None:
    with pytest.raises(ValidationError, match="不支持的界面语言"):
        i18n.resolve_language("fr")


def test_the_lang_option_parses() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    i18n.add_language_option(parser)
    assert parser.parse_args(["--lang", "en"]).lang == "en"
    assert parser.parse_args([]).lang is None
    with pytest.raises(SystemExit):
        parser.parse_args(["--lang", "fr"])


def test_catalogues() -> None:
    assert i18n.catalog_path("en") is None
    assert i18n.catalog_path("zh_CN") == QM_FILE


# --- the catalogue ------------------------------------------------------------------------


def literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def translate_calls() -> Iterator[tuple[str, ast.Call]]:
    """``QCoreApplication.translate(context, text)`` calls, and the ``QT_TRANSLATE_NOOP(context,
    text)`` markers of texts translated later from a variable (page titles)."""
    for path in sorted((REPO / "fdclient").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            translate = (
                isinstance(f, ast.Attribute)
                and f.attr == "translate"
                and isinstance(f.value, ast.Name)
                and f.value.id in TRANSLATE_OWNERS
            )
            if translate or (isinstance(f, ast.Name) and f.id == "QT_TRANSLATE_NOOP"):
                yield f"{path.relative_to(REPO)}:{node.lineno}", node


def code_strings() -> dict[Key, str]:
    found: dict[Key, str] = {}
    bad = []
    for where, call in translate_calls():
        args = [literal(a) for a in call.args[:3]]
        if len(call.args) < 2 or args[0] is None:
            bad.append(where)
            continue
        if args[1] is None:  # a text from a variable: marked with QT_TRANSLATE_NOOP where written
            continue
        comment = args[2] if len(args) > 2 and args[2] is not None else ""
        found[(args[0], args[1], comment)] = where
    assert not bad, f"translate() needs a literal context and a literal or marked text (for lupdate): {bad}"
    return found


def catalogue() -> dict[Key, tuple[str, str | None]]:
    messages: dict[Key, tuple[str, str | None]] = {}
    root = ET.parse(TS_FILE).getroot()
    assert root.get("language") == "zh_CN"
    for context in root.iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            key = (name, message.findtext("source", ""), message.findtext("comment", ""))
            translation = message.find("translation")
            assert translation is not None, key
            messages[key] = (translation.text or "", translation.get("type"))
    return messages


def test_every_ui_string_has_a_finished_chinese_translation() -> None:
    strings = code_strings()
    messages = catalogue()
    assert strings, "no QCoreApplication.translate() call found"
    missing = [f"{where}: {key[:2]}" for key, where in strings.items() if key not in messages]
    unfinished = [
        key[:2] for key in strings if key in messages and (not messages[key][0].strip() or messages[key][1] is not None)
    ]
    assert not missing, "not in fdclient_zh_CN.ts (run scripts/build_translations.sh):\n" + ("\n".join(missing))
    assert not unfinished, f"translations unfinished in fdclient_zh_CN.ts: {unfinished}"


def test_the_catalogue_has_no_stale_strings() -> None:
    stale = sorted(set(catalogue()) - set(code_strings()))
    assert not stale, f"no longer in the code (run scripts/build_translations.sh): {stale}"


def test_translations_keep_placeholders_and_accelerators() -> None:
    wrong = []
    for (context, source, _), (text, _) in catalogue().items():
        if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
            wrong.append((context, source, text))
        if ("&" in source.replace("&&", "")) != ("&" in text.replace("&&", "")):
            wrong.append((context, source, text))
    assert not wrong, f"placeholders or & accelerators differ: {wrong}"


def lrelease() -> str | None:
    import sys

    beside = Path(sys.executable).parent / "pyside6-lrelease"
    return str(beside) if beside.exists() else shutil.which("pyside6-lrelease")


def test_the_compiled_catalogue_is_current(tmp_path: Path) -> None:
    tool = lrelease()
    if tool is None:
        pytest.skip("pyside6-lrelease is not installed")
    assert QM_FILE.exists(), "run scripts/build_translations.sh"
    fresh = tmp_path / "fresh.qm"
    subprocess.run([tool, "-silent", str(TS_FILE), "-qm", str(fresh)], check=True, timeout=60)
    assert fresh.read_bytes() == QM_FILE.read_bytes(), (
        "fdclient_zh_CN.qm is older than the .ts: run scripts/build_translations.sh"
    )
