"""Dependency rules of ARCHITECTURE.md §1 that a test can enforce.

Only ``fdclient/ui/`` and ``fdclient/app.py`` may import PySide6, so that the server and the
headless commands run on a machine without Qt; the layers below the UI (and the server)
never import the UI; importing the command line loads neither Qt nor ReportLab.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("fdclient", "fdserver")
QT_MODULES = {"PySide6", "shiboken6", "PyQt5", "PyQt6", "PySide2"}


def python_files() -> Iterator[Path]:
    for package in PACKAGES:
        yield from sorted((REPO / package).rglob("*.py"))


def may_import_qt(path: Path) -> bool:
    relative = path.relative_to(REPO).as_posix()
    return relative == "fdclient/app.py" or relative.startswith("fdclient/ui/")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import, relative ones resolved."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package.pop()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                base = node.module or ""
            else:
                anchor = package[: len(package) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            yield node.lineno, base
            for alias in node.names:  # "from fdclient import ui" imports fdclient.ui
                yield node.lineno, f"{base}.{alias.name}"
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, (ast.Name, ast.Attribute))
            and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr) in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def test_the_packages_have_python_files() -> None:
    assert any(python_files()), "no .py files found under fdclient/ or fdserver/"


def test_pyside6_is_imported_only_by_the_ui_and_app() -> None:
    offenders = []
    for path in python_files():
        if may_import_qt(path):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for lineno, module in imported_modules(path, tree):
            if module.split(".")[0] in QT_MODULES:
                offenders.append(f"{path.relative_to(REPO)}:{lineno} imports {module}")
    assert not offenders, "Qt may be imported only in fdclient/ui/ and fdclient/app.py:\n" + "\n".join(offenders)


def is_gui_module(module: str) -> bool:
    return module in {"fdclient.ui", "fdclient.app"} or module.startswith("fdclient.ui.")


def test_the_layers_below_the_ui_and_the_server_never_import_the_ui() -> None:
    lower = [REPO / "fdserver"] + [
        REPO / "fdclient" / name for name in ("models", "migrations", "services", "documents", "sync")
    ]
    offenders = []
    for path in python_files():
        if not any(folder in path.parents for folder in lower):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for lineno, module in imported_modules(path, tree):
            if is_gui_module(module):
                offenders.append(f"{path.relative_to(REPO)}:{lineno} imports {module}")
    assert not offenders, "models, services, documents, sync and fdserver must not import the UI:\n" + "\n".join(
        offenders
    )


def test_relative_imports_are_resolved() -> None:
    path = REPO / "fdclient" / "services" / "example.py"
    tree = ast.parse("from ..ui import main_window\nfrom . import summary\n")
    modules = [module for _, module in imported_modules(path, tree)]
    assert "fdclient.ui.main_window" in modules
    assert "fdclient.services.summary" in modules


def loaded_modules_after_import(module: str, roots: set[str]) -> list[str]:
    code = (
        "import importlib, json, sys\n"
        f"importlib.import_module({module!r})\n"
        f"roots = {sorted(roots)!r}\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in roots)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_importing_the_cli_loads_neither_qt_nor_reportlab() -> None:
    if importlib.util.find_spec("fdclient.cli") is None:
        pytest.skip("fdclient/cli.py does not exist yet")
    loaded = loaded_modules_after_import("fdclient.cli", QT_MODULES | {"reportlab"})
    assert loaded == [], f"import fdclient.cli loaded {loaded}: import them lazily"


def _imports_of(folder: str) -> list[tuple[Path, int, str]]:
    found = []
    for path in python_files():
        if (REPO / folder) not in path.parents and path != REPO / f"{folder}.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found += [(path, lineno, module) for lineno, module in imported_modules(path, tree)]
    return found


def test_the_domain_needs_no_database_store_services_or_ui() -> None:
    forbidden = (
        "fdclient.models",
        "fdclient.store",
        "fdclient.services",
        "fdclient.ui",
        "fdclient.app",
        "sqlalchemy",
        "alembic",
    )
    offenders = [
        f"{path.relative_to(REPO)}:{lineno} imports {module}"
        for path, lineno, module in _imports_of("fdclient/domain")
        if module.startswith(forbidden)
    ]
    assert not offenders, "fdclient/domain holds pure rules only:\n" + "\n".join(offenders)


def test_the_store_does_not_import_the_services() -> None:
    offenders = [
        f"{path.relative_to(REPO)}:{lineno} imports {module}"
        for path, lineno, module in _imports_of("fdclient/store")
        if module.startswith(("fdclient.services", "fdclient.ui", "fdclient.app", "fdclient.cli"))
    ]
    assert not offenders, "the store sits below the services (no import cycle):\n" + "\n".join(offenders)


SESSION_MAKERS = {"Session", "sessionmaker", "scoped_session", "create_engine", "create_async_engine"}


def test_only_the_store_creates_sessions_and_engines() -> None:
    """One audited session factory: nothing outside fdclient/store makes a Session or an
    engine of its own (store creation included: it goes through the same factory)."""
    offenders = []
    for path in python_files():
        relative = path.relative_to(REPO).as_posix()
        if relative.startswith("fdclient/store/") or not relative.startswith("fdclient/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if name in SESSION_MAKERS:
                    offenders.append(f"{relative}:{node.lineno} calls {name}()")
    assert not offenders, "sessions and engines come from fdclient.store only:\n" + "\n".join(offenders)


def test_the_time_comes_from_the_unit_of_work_clock() -> None:
    """No date.today() / datetime.now() / datetime.utcnow() outside the clock itself."""
    offenders = []
    for path in python_files():
        relative = path.relative_to(REPO).as_posix()
        if relative in {"fdclient/domain/time.py"} or not relative.startswith("fdclient/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"today", "now", "utcnow"}
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in {"date", "datetime"}
            ):
                offenders.append(f"{relative}:{node.lineno} calls {node.func.value.id}.{node.func.attr}()")
    assert not offenders, "use the unit of work's clock (fdclient.store.context.today/now):\n" + "\n".join(offenders)


def test_user_errors_carry_both_languages() -> None:
    """Every FdError raised in fdclient is built with msg(zh, en): a literal string or an
    f-string would be Chinese only."""
    errors = {
        "FdError",
        "ValidationError",
        "RuleError",
        "PermissionDenied",
        "SignInError",
        "OperationFailed",
        "StoreError",
        "StoreExistsError",
        "StoreNotFoundError",
        "StoreTooNewError",
        "StoreBusyError",
        "DiskFullError",
        "StoreReadOnlyError",
        "StoreDamagedError",
        "NotAStoreError",
        "PlainStoreError",
    }
    offenders = []
    for path in python_files():
        relative = path.relative_to(REPO).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in errors
                and node.args
                and isinstance(node.args[0], (ast.Constant, ast.JoinedStr, ast.BinOp))
            ):
                offenders.append(f"{relative}:{node.lineno} {node.func.id}(<plain text>)")
    assert not offenders, "build user errors with fdclient.text.msg(zh, en):\n" + "\n".join(offenders)


def test_the_server_uses_only_the_shared_parts_of_fdclient() -> None:
    """fdserver imports the rules, the table definitions and the wire format, never the
    laptop's store, services, documents or command line (ARCHITECTURE.md §1)."""
    allowed = (
        "fdclient.domain",
        "fdclient.errors",
        "fdclient.models",
        "fdclient.sync.protocol",
        "fdclient.sync.tables",
        "fdclient.text",
    )
    offenders = [
        f"{path.relative_to(REPO)}:{lineno} imports {module}"
        for path, lineno, module in _imports_of("fdserver")
        if module.startswith("fdclient") and module != "fdclient" and not module.startswith(allowed)
    ]
    assert not offenders, "fdserver may import only the shared parts of fdclient:\n" + "\n".join(offenders)
