"""Interface language: which one to use and where its translation catalogue is.

Chinese (``zh_CN``) is the default whatever the system locale says; English, the language
the strings are written in, is chosen with ``--lang en`` or ``FDCLIENT_LANG=en``.

This module has no Qt import, so the command line can resolve the language without Qt.
Installing the catalogue into a running application is done by :mod:`fdclient.app`.
UI strings are written in English in code through
``QCoreApplication.translate(context, text)`` with literal arguments, so that
``scripts/build_translations.sh`` (pyside6-lupdate) and the tests can find them; their
Chinese is in ``resources/translations/fdclient_zh_CN.ts``, compiled to the ``.qm`` file
next to it.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from fdclient.errors import ValidationError

log = logging.getLogger(__name__)

#: Environment variable that selects the interface language.
LANGUAGE_ENV = "FDCLIENT_LANG"
#: The language used when nothing else is asked for.
DEFAULT_LANGUAGE = "zh_CN"
#: The language the strings are written in: it needs no catalogue.
SOURCE_LANGUAGE = "en"
#: Supported languages and their names in their own language (for a language menu).
LANGUAGES: dict[str, str] = {"zh_CN": "简体中文", "en": "English"}

_ALIASES: dict[str, str] = {
    "zh": "zh_CN",
    "zh_cn": "zh_CN",
    "zh_hans": "zh_CN",
    "zh_hans_cn": "zh_CN",
    "cn": "zh_CN",
    "chinese": "zh_CN",
    "中文": "zh_CN",
    "简体中文": "zh_CN",
    "en": "en",
    "en_us": "en",
    "en_gb": "en",
    "english": "en",
}


def normalize_language(value: str) -> str | None:
    """The supported language code for ``value`` (``"zh-CN"``, ``"en_US.UTF-8"``, ...).

    Returns ``None`` when the value names no supported language.
    """
    key = value.strip().split(".", 1)[0].split("@", 1)[0].replace("-", "_").lower()
    return _ALIASES.get(key)


def _unsupported(value: str) -> str:
    choices = "、".join(LANGUAGES)
    return f"不支持的界面语言：{value!r}（可选：{choices}）"


def resolve_language(option: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language to use: the ``--lang`` option, else ``FDCLIENT_LANG``, else Chinese.

    An unsupported ``option`` is the user's error (:class:`ValidationError`); an unsupported
    ``FDCLIENT_LANG`` is logged and ignored, so a stray variable never stops the program.
    """
    if option is not None and option.strip():
        language = normalize_language(option)
        if language is None:
            raise ValidationError(_unsupported(option), field="lang")
        return language
    env = os.environ if environ is None else environ
    value = env.get(LANGUAGE_ENV, "").strip()
    if value:
        language = normalize_language(value)
        if language is not None:
            return language
        log.warning("ignoring %s=%r: %s", LANGUAGE_ENV, value, _unsupported(value))
    return DEFAULT_LANGUAGE


def language_argument(value: str) -> str:
    """``argparse`` type for a ``--lang`` option: the normalised code, or a Chinese error."""
    language = normalize_language(value)
    if language is None:
        raise argparse.ArgumentTypeError(_unsupported(value))
    return language


def add_language_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--lang {zh_CN,en}`` to a command line parser (default: ``FDCLIENT_LANG``/Chinese)."""
    parser.add_argument(
        "--lang",
        type=language_argument,
        default=None,
        metavar="LANG",
        help=f"界面语言：zh_CN（默认）或 en；也可用环境变量 {LANGUAGE_ENV} 设置",
    )


def resources_dir() -> Path:
    """The ``resources/`` folder: beside the package in a source checkout, or in a bundle."""
    bundle = getattr(sys, "_MEIPASS", None)  # PyInstaller one-folder/one-file bundle
    if bundle is not None:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def translations_dir() -> Path:
    """The folder holding ``fdclient_<lang>.ts`` and the compiled ``.qm`` files."""
    return resources_dir() / "translations"


def catalog_path(language: str) -> Path | None:
    """The compiled catalogue (``.qm``) for ``language``; ``None`` for the source language."""
    if language == SOURCE_LANGUAGE:
        return None
    return translations_dir() / f"fdclient_{language}.qm"


def qt_locale_name(language: str) -> str:
    """The locale name for number and date formats (``QLocale(name)``)."""
    return "en_US" if language == "en" else language
