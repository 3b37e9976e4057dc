"""The 工作台's 载入演示数据 on a station that already holds that demo: a message, not an unexpected error."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from pjdesk.services.demo import load_demo
from pjdesk.ui.main_window import MainWindow


def test_loading_the_demo_again_from_the_dashboard_says_it_is_already_there(qtbot, session, monkeypatch):
    load_demo(session)  # what the first-run wizard or the button loaded before: the default set
    counts = session.store.db.execute("SELECT (SELECT COUNT(*) FROM unit), (SELECT COUNT(*) FROM hazard)").fetchone()
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append((title, text)))
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    window.dashboard.demo_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    [(title, text)] = shown
    assert "演示数据已载入" in text and "意外错误" not in text
    after = session.store.db.execute("SELECT (SELECT COUNT(*) FROM unit), (SELECT COUNT(*) FROM hazard)").fetchone()
    assert after == counts
