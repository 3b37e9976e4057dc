"""The window starts without the document engine: reportlab, openpyxl and xlsxwriter load when a return, a
document or an export is first drawn, not with the window (they cost start-up 0.6 s before its first paint)."""

import os
import subprocess
import sys

RENDERERS = ("reportlab", "openpyxl", "xlsxwriter")


def test_the_main_window_and_its_first_page_load_no_renderer():
    code = ("import sys\n"
            "import pjdesk.ui.app, pjdesk.ui.main_window, pjdesk.services.session\n"
            "import pjdesk.services.targets  # the 工作台's targets, drawn right after the first paint\n"
            f"print(','.join(sorted(m for m in {RENDERERS!r} if m in sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"loaded at start-up: {done.stdout.strip()}"


def test_the_renderers_are_still_there_when_asked_for():
    from pjdesk import forms

    assert callable(forms.render_pdf) and callable(forms.render_xlsx) and callable(forms.register_cjk_font)
    assert callable(forms.render_document_pdf) and callable(forms.render_document_xlsx)


def test_the_window_loads_neither_the_forms_nor_the_identifier_checks():
    """The 工作台 links a rate's numbers to its people, and a unit's form checks its code: both are there when
    used, not paid for before the first paint (the forms package and stdnum together cost ~50 ms)."""
    code = ("import sys\n"
            "import pjdesk.ui.app, pjdesk.ui.main_window, pjdesk.services.session\n"
            "print(','.join(sorted(m for m in ('pjdesk.forms', 'stdnum') if m in sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"loaded at start-up: {done.stdout.strip()}"


def test_the_ledger_page_does_not_load_the_signature_library():
    """Opening the ledger (its attachments panel names the exchange format's limits) loads no cryptography:
    that is for reading and writing exchange files."""
    code = ("import sys\n"
            "import pjdesk.ui.main_window, pjdesk.ui.ledger_page\n"
            "print(','.join(sorted(m for m in ('cryptography', 'pjdesk.sync.keys') if m in sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"loaded with the ledger: {done.stdout.strip()}"


def test_the_start_does_not_search_the_installed_packages_for_sqlite_utils_plugins():
    """pjdesk runs no sqlite-utils plugins: looking for them reads every installed package's metadata (~30 ms)."""
    code = ("import pjdesk.ui.app, pjdesk.ui.main_window, pjdesk.services.session\n"
            "import sqlite_utils.plugins\n"
            "print(sqlite_utils.plugins._plugins_loaded)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
