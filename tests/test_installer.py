"""The installer checks that run without a frozen program or the network: which Qt parts a bundle may carry,
and which dependencies the Windows wheel check asks for (the check itself is installer/check.sh)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "installer"))
licenses = pytest.importorskip("licenses")


def bundle_with(tmp_path, *names: str) -> Path:
    root = tmp_path / "pjdesk"
    for name in names:
        path = root / "_internal" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\x7fELF")
    return root


def test_a_bundle_of_lgpl_qt_parts_passes(tmp_path):
    root = bundle_with(tmp_path, "PySide6/Qt/lib/libQt6Core.so.6", "PySide6/Qt/lib/libQt6PdfWidgets.so.6",
                       "PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt6Widgets.dll",
                       "PySide6/plugins/imageformats/qsvg.dll", "PySide6/Qt/plugins/iconengines/libqsvgicon.so")
    assert licenses.check_qt(root) == []
    assert {module for _, module, _, _ in licenses.qt_parts(root)} == {"Core", "PdfWidgets", "Gui", "Widgets", "Svg"}


def test_gpl_only_and_unknown_qt_parts_fail(tmp_path):
    root = bundle_with(tmp_path, "PySide6/Qt/lib/libQt6Core.so.6",
                       "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
                       "PySide6/Qt6Charts.dll", "PySide6/Qt/lib/libQt6SomethingNew.so.6")
    problems = licenses.check_qt(root)
    assert len(problems) == 3
    assert any("libqtvirtualkeyboardplugin.so" in p and "GPL-only" in p for p in problems)
    assert any("Qt6Charts.dll" in p and "GPL-only" in p for p in problems)
    assert any("SomethingNew" in p and "not known" in p for p in problems)


def test_the_windows_check_honours_the_pyside6_marker():
    pytest.importorskip("tomllib")
    import windows_wheels

    def pyside(python):
        return [r for r in windows_wheels.top_level(python) if r.lower().startswith("pyside6")]
    assert len(pyside("3.11")) == 1 and "!=6.12.0" in pyside("3.11")[0]
    assert len(pyside("3.12")) == 1 and "!=6.12.0" not in pyside("3.12")[0]
    assert windows_wheels.windows("3.10")["sys_platform"] == "win32"
