"""The window starts without what its first paint does not need: the document engine (reportlab, openpyxl and
xlsxwriter load when a return, a document or an export is first drawn; they cost start-up 0.6 s), the forms,
stdnum, the signature library, and sqlite-utils' search for plugins. Each is checked in a fresh process."""

import os
import subprocess
import sys

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
    used, not paid for before the first paint (the forms package and stdnum together cost ~50 ms)."""
    assert loaded_after(WINDOW, ("pjdesk.forms", "stdnum")) == ""


def test_the_ledger_page_does_not_load_the_signature_library():
    """Opening the ledger (its attachments panel names the exchange format's limits) loads no cryptography:
    that is for reading and writing exchange files."""
    assert loaded_after(WINDOW + "import pjdesk.ui.ledger_page\n", ("cryptography", "pjdesk.sync.keys")) == ""


def test_the_start_does_not_search_the_installed_packages_for_sqlite_utils_plugins():
    """pjdesk runs no sqlite-utils plugins: looking for them reads every installed package's metadata (~30 ms)."""
    assert _run(WINDOW + "import sqlite_utils.plugins\nprint(sqlite_utils.plugins._plugins_loaded)\n") == "False"
