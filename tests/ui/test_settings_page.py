"""设置 → 备份与恢复 driven through its buttons: the copy runs in the background, the page shows its progress
and then says what happened; a backup from before the last upgrade is upgraded as it is restored."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from pjdesk.services import backups
from pjdesk.services.units import save_unit
from pjdesk.ui.settings_page import SettingsPage
from tests.services.test_backups import old_backup
from tests.ui.conftest import type_into


@pytest.fixture
def page(qtbot, session):
    for i in range(300):  # a station of a few hundred pages: the copy reports in several steps
        save_unit(session, {"name": f"平江县设置页测试单位{i:03d}号", "sector": "危化", "address": "安定镇" * 40})
    shown = SettingsPage(session)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def unit_names(session):
    return {r[0] for r in session.store.db.execute("SELECT name FROM unit")}


def click(qtbot, page, name):
    qtbot.mouseClick(page.findChild(QPushButton, name), Qt.LeftButton)


def watch_progress(page):
    seen = []
    page.progress.valueChanged.connect(lambda value: seen.append((value, page.progress.maximum())))
    return seen


def test_backup_now_runs_in_the_background_with_progress_and_says_where(qtbot, page, session):
    seen = watch_progress(page)
    click(qtbot, page, "backup_now")
    # Back on the window's thread at once: the copy is running elsewhere, the buttons wait for it.
    assert page.progress.isVisible() and not page.findChild(QPushButton, "backup_now").isEnabled()
    assert not page.findChild(QPushButton, "restore_backup").isEnabled()
    qtbot.waitUntil(lambda: "已备份" in page.result.text(), timeout=20000)
    [made] = backups.list_backups(session)
    assert str(made["path"]) in page.result.text()
    assert len(seen) >= 3 and seen[-1][0] == seen[-1][1] > 0, seen
    assert [value for value, _ in seen] == sorted(value for value, _ in seen)
    assert page.backups.rowCount() == 1
    assert page.findChild(QPushButton, "backup_now").isEnabled()


def test_restore_runs_in_the_background_with_progress_and_says_what_came_back(qtbot, page, session, monkeypatch):
    backups.backup_now(session)
    save_unit(session, {"name": "平江县备份之后录入的单位", "sector": "危化"})
    page.refresh_backups()
    page.backups.selectRow(0)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    seen = watch_progress(page)
    with qtbot.waitSignal(page.changed, timeout=20000) as changed:
        click(qtbot, page, "restore_backup")
        assert not page.findChild(QPushButton, "restore_backup").isEnabled()
    assert "unit" in changed.args[0] and "hazard" in changed.args[0]
    assert "已恢复：单位 300 家" in page.result.text()
    assert seen[-1] == (100, 100) and any(0 < value < 100 for value, _ in seen), seen
    assert "平江县备份之后录入的单位" not in unit_names(session)  # the window's own connection sees it too
    assert [b["reason"] for b in backups.list_backups(session)][:2] == ["恢复前", "手动"]


def test_restoring_a_backup_from_before_the_last_upgrade_upgrades_it(qtbot, page, session, monkeypatch):
    (session.data_dir / "backups").mkdir()
    old_backup(session, session.data_dir / "backups", 3, ["平江县旧版本的单位"])
    page.refresh_backups()
    page.backups.selectRow(0)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    click(qtbot, page, "restore_backup")
    qtbot.waitUntil(lambda: "已恢复" in page.result.text(), timeout=20000)
    assert unit_names(session) == {"平江县旧版本的单位"}
    tables = {r[0] for r in session.store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "sync_held_back" in tables


def test_a_backup_that_cannot_be_restored_is_said_so(qtbot, page, session, monkeypatch):
    (session.data_dir / "backups").mkdir()
    (session.data_dir / "backups" / "pjdesk-manual-20261128-080000-000000.db").write_bytes(b"not a backup" * 100)
    page.refresh_backups()
    page.backups.selectRow(0)
    warned = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warned.append(text))
    click(qtbot, page, "restore_backup")
    qtbot.waitUntil(lambda: bool(warned), timeout=20000)
    assert "不能从“pjdesk-manual-20261128-080000-000000.db”恢复" in warned[0]
    assert warned[0] in page.result.text()
    assert len(unit_names(session)) == 300
    assert page.findChild(QPushButton, "restore_backup").isEnabled() and not page.progress.isVisible()


def test_the_issuing_name_of_documents_is_set_here_and_blank_goes_back_to_the_default(qtbot, session,
                                                                                      answer_dialog):
    from pjdesk.services import documents

    shown = SettingsPage(session)
    qtbot.addWidget(shown)
    default = documents.issuer(session)
    assert shown.issuer.text() == default and shown.issuer.placeholderText() == default
    said = []
    shown.issuer.clear()
    type_into(shown.issuer, "平江县安定镇安全生产监督管理站")
    answer_dialog(lambda box: (said.append(box.text()), box.accept()))
    click(qtbot, shown, "save_issuer")
    assert documents.issuer(session) == "平江县安定镇安全生产监督管理站"
    assert "平江县安定镇安全生产监督管理站" in said[0]
    shown.issuer.clear()
    answer_dialog(lambda box: box.accept())
    click(qtbot, shown, "save_issuer")
    assert documents.issuer(session) == default and shown.issuer.text() == default
