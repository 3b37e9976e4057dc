"""The frozen program carries what makes it speak Chinese: Qt's own translation (qtbase_zh_CN) and the help."""

from __future__ import annotations

import ast
from pathlib import Path

SPEC = Path(__file__).parents[1] / "installer" / "pjdesk.spec"


def spec_filter():
    """installer/pjdesk.spec's is_unused with the lists it reads, without PyInstaller (the spec's other
    statements run only inside PyInstaller)."""
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    [function] = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "is_unused"]
    read = {n.id for n in ast.walk(function) if isinstance(n, ast.Name)}
    lists = [n for n in tree.body if isinstance(n, ast.Assign) and any(getattr(t, "id", None) in read for t in n.targets)]
    kept = [*lists, function]
    names: dict = {}
    exec(compile(ast.Module(body=kept, type_ignores=[]), str(SPEC), "exec"), names)  # noqa: S102 - our own spec
    return names["is_unused"]


def test_the_bundle_keeps_qt_chinese_translation_and_drops_the_others():
    is_unused = spec_filter()
    for kept in ("PySide6/Qt/translations/qtbase_zh_CN.qm", "PySide6\\translations\\qtbase_zh_CN.qm"):
        assert not is_unused(kept), kept
    assert is_unused("PySide6/Qt/translations/qtbase_de.qm")


def test_the_bundle_keeps_the_help():
    is_unused = spec_filter()
    assert not any(is_unused(f"resources/help/{p.name}") for p in (SPEC.parents[1] / "resources" / "help").iterdir())
