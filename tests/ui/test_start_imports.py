"""The window starts without what its first paint does not need: the document engine (reportlab, openpyxl and
xlsxwriter load when a return, a document or an export is first drawn; they cost start-up 0.6 s), the forms,
stdnum, the signature library, and sqlite-utils' search for plugins. Each is checked in a fresh process."""

import os
import subprocess
import sys

import pytest

WINDOW = "import pjdesk.ui.app, pjdesk.ui.main_window, pjdesk.services.session\n"


def loaded_after(imports: str, modules: tuple[str, ...]) -> str:
    """Which of ``modules`` a fresh process has loaded once it ran ``imports`` (comma-separated)."""
    code = f"import sys\n{imports}print(','.join(sorted(m for m in {modules!r} if m in sys.modules)))\n"
    return _run(code)


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_main_window_and_its_first_page_load_no_renderer():
    targets = "import pjdesk.services.targets  # the 工作台's targets, drawn right after the first paint\n"
    assert loaded_after(WINDOW + targets, ("reportlab", "openpyxl", "xlsxwriter")) == ""


def test_the_renderers_are_still_there_when_asked_for():
    from pjdesk import forms

    assert callable(forms.render_pdf) and callable(forms.render_xlsx) and callable(forms.register_cjk_font)
    assert callable(forms.render_document_pdf) and callable(forms.render_document_xlsx)


def test_the_window_loads_neither_the_forms_nor_the_identifier_checks():
    """The 工作台 links a rate's numbers to its people, and a unit's form checks its code: both are there when
    used, not paid for before the first paint (the forms package and stdnum together cost ~50 ms). Nor is the
    hash library the backups use."""
    assert loaded_after(WINDOW, ("pjdesk.forms", "stdnum", "hashlib")) == ""


def test_the_ledger_page_does_not_load_the_signature_library():
    """Opening the ledger (its attachments panel names the exchange format's limits) loads no cryptography:
    that is for reading and writing exchange files."""
    assert loaded_after(WINDOW + "import pjdesk.ui.ledger_page\n", ("cryptography", "pjdesk.sync.keys")) == ""


def test_the_ledger_page_loads_neither_the_identifier_checks_nor_qts_pdf_module():
    """Its import button's words come from the import specs, and its attachments panel previews PDFs: stdnum
    loads with the first wrong check digit and Qt's PDF module with the first PDF shown (together ~30 ms)."""
    assert loaded_after(WINDOW + "import pjdesk.ui.ledger_page\n", ("stdnum", "PySide6.QtPdf")) == ""


def test_the_start_does_not_search_the_installed_packages_for_sqlite_utils_plugins():
    """pjdesk runs no sqlite-utils plugins: looking for them reads every installed package's metadata (~30 ms)."""
    assert _run(WINDOW + "import sqlite_utils.plugins\nprint(sqlite_utils.plugins._plugins_loaded)\n") == "False"


def test_a_start_with_nothing_to_migrate_reads_its_station_without_sqlite_utils(tmp_path):
    """Importing sqlite-utils costs a start some 70 ms. Until its first paint a start only reads: the store
    opens over plain sqlite3, and sqlite-utils' Database is made at the first write or migration."""
    import datetime as dt

    from pjdesk.services.session import init_station

    init_station(tmp_path, code="430626101", operator="张三", today=lambda: dt.date(2026, 11, 29)).close()
    code = ("import os, sys\nfrom pjdesk.ui.app import make_app, start\napp = make_app()\n"
            f"window = start({str(tmp_path)!r}, today=lambda: __import__('datetime').date(2026, 11, 29))\n"
            "app.processEvents()\nprint(window.isVisible(), 'sqlite_utils' in sys.modules, flush=True)\n"
            "window.session.store.transaction().__enter__()\nprint('sqlite_utils' in sys.modules, flush=True)\nos._exit(0)\n")
    assert _run(code).split() == ["True", "False", "True"]


def test_a_countys_ledger_page_opens_without_the_sheet_import_machinery(tmp_path):
    """The county takes the townships' hazards from their exchange files: its ledger has no 从 Excel 导入, and
    opening it loads nothing of the sheet import (~15 ms). A township's, which imports, still says what."""
    import datetime as dt

    from pjdesk.services.session import init_station

    for folder, code in (("county", "430626"), ("township", "430626101")):
        init_station(tmp_path / folder, code=code, operator="张三", county=code == "430626",
                     today=lambda: dt.date(2026, 11, 29)).close()
    code = ("import sys, datetime as dt\nfrom pjdesk.ui.app import make_app\napp = make_app()\n"
            "from pjdesk.services.session import open_session\nfrom pjdesk.ui.ledger_page import LedgerPage\n"
            "for folder in sys.argv[1:]:\n"
            "    page = LedgerPage(open_session(folder, today=lambda: dt.date(2026, 11, 29)))\n"
            "    print(page.import_button.isVisibleTo(page), page.import_button.toolTip().split('：')[0],\n"
            "          'pjdesk.services.record_import' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "county"), str(tmp_path / "township")],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["False  False", "True 从 Excel 表格导入隐患 True"]


def test_pysides_question_of_each_module_is_answered_as_pyside_answers_it():
    """pjdesk.ui answers PySide6's "does this module use PySide6" from the file's bytes (a fraction of the
    cost of its own inspect.getsource): the answers must be PySide6's own, for modules that use it and not."""
    import importlib
    import inspect

    import pjdesk.ui  # noqa: F401 - installs the plain answer

    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not hasattr(feature, "_mod_uses_pyside"):
        pytest.skip("this PySide6 does not ask the question: nothing was changed")
    ask = feature._mod_uses_pyside
    assert getattr(ask, "answers_plainly", False)
    names = ("pjdesk.ui.main_window", "pjdesk.ui.record_page", "pjdesk.storage.records", "pjdesk.services.hazards",
             "json", "sqlite3", "PySide6.QtCore", "_sqlite3")
    for name in names:
        module = importlib.import_module(name)
        try:
            expected = "PySide6" in inspect.getsource(module)
        except (OSError, TypeError):
            expected = False
        assert ask(module) is expected, name
    assert ask(importlib.import_module("pjdesk.ui.main_window")) and not ask(importlib.import_module("json"))
