"""The architecture holds: import-linter's contracts are kept, and the Qt-free packages really load no Qt."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def lint_imports() -> str:
    script = Path(sys.executable).parent / ("lint-imports.exe" if sys.platform == "win32" else "lint-imports")
    command = str(script) if script.exists() else shutil.which("lint-imports")
    assert command, "import-linter is not installed (pip install -e .[test])"
    done = subprocess.run([command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    return output


def test_import_contracts_are_kept():
    output = lint_imports()
    declared = (ROOT / "pyproject.toml").read_text(encoding="utf-8").count("[[tool.importlinter.contracts]]")
    assert declared >= 3
    assert f"Contracts: {declared} kept, 0 broken." in output, output
    for name in ("Layers: ui and cli over services", "Qt only in the ui", "core uses the standard library"):
        assert re.search(rf"{re.escape(name)}.* KEPT", output), output


QT_FREE = """
import importlib, json, pkgutil, sys
import pjdesk
loaded = []
for name in ("pjdesk.core", "pjdesk.storage", "pjdesk.services"):
    importlib.import_module(name)
# walk_packages imports every package it passes to find what is in it: pjdesk.ui (Qt's own) is never passed.
for top in pkgutil.iter_modules(pjdesk.__path__, "pjdesk."):
    if top.name in ("pjdesk.ui", "pjdesk.__main__"):
        continue
    module = importlib.import_module(top.name)
    loaded.append(top.name)
    for info in pkgutil.walk_packages(getattr(module, "__path__", []), top.name + "."):
        importlib.import_module(info.name)
        loaded.append(info.name)
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6"))
print(json.dumps({"loaded": loaded, "qt": qt}))
"""


def test_qt_free_packages_load_no_qt():
    done = subprocess.run([sys.executable, "-c", QT_FREE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert {"pjdesk.core.hazard", "pjdesk.storage.database", "pjdesk.services.hazards"} <= set(result["loaded"])
    assert result["qt"] == [], f"Qt was imported by a Qt-free package: {result['qt']}"
