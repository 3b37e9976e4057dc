"""A file from an older pjdesk is brought up to date before the window opens, behind a dialog that says so
(on a county's five-year file the upgrade takes a minute or two: the program must not seem not to start)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from pjdesk.services.session import DB_NAME, upgrade_pending
from pjdesk.storage.database import read_schema
from pjdesk.storage.migrations import SCHEMA_VERSION

OLD = Path(__file__).parents[1] / "data" / "station-schema15.db"


def _old_station(tmp_path: Path) -> Path:
    data_dir = tmp_path / "station"
    data_dir.mkdir()
    shutil.copyfile(OLD, data_dir / DB_NAME)
    return data_dir


def _dialogs_seen(seen: list) -> QTimer:
    """Note the upgrade dialogs shown while the program starts (the timer fires inside its wait)."""
    timer = QTimer(interval=5)
    timer.timeout.connect(lambda: seen.extend(
        w.windowTitle() + "|" + w.labelText() for w in QApplication.topLevelWidgets()
        if isinstance(w, QProgressDialog) and w.objectName() == "upgrading" and w.isVisible()))
    timer.start()
    return timer


def test_an_older_file_is_upgraded_behind_a_dialog_before_the_window_opens(qtbot, tmp_path):
    from pjdesk.ui.app import start

    data_dir = _old_station(tmp_path)
    assert upgrade_pending(data_dir)
    seen: list[str] = []
    timer = _dialogs_seen(seen)
    window = start(data_dir, today=lambda: dt.date(2026, 11, 29))
    timer.stop()
    qtbot.addWidget(window)
    assert seen and seen[0].startswith("正在升级数据文件|") and "不要关闭程序" in seen[0]
    assert len(read_schema(data_dir / DB_NAME)[1]) == SCHEMA_VERSION
    assert any(p.name.startswith("pjdesk-before-migration-") for p in (data_dir / "backups").iterdir())
    assert not upgrade_pending(data_dir)
    assert window.session.station is not None and window.isVisible()
    window.close()


def test_a_current_file_opens_with_no_upgrade_dialog(qtbot, tmp_path):
    from pjdesk.ui.app import start

    data_dir = _old_station(tmp_path)
    start(data_dir, today=lambda: dt.date(2026, 11, 29)).close()  # upgraded once
    seen: list[str] = []
    timer = _dialogs_seen(seen)
    window = start(data_dir, today=lambda: dt.date(2026, 11, 29))
    timer.stop()
    qtbot.addWidget(window)
    assert seen == []
    window.close()


def test_nothing_is_pending_for_a_new_folder_or_a_file_that_is_not_a_station(tmp_path):
    assert not upgrade_pending(tmp_path / "new")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / DB_NAME).write_bytes(b"not a database at all")
    assert not upgrade_pending(tmp_path / "other")  # opening it says what it is
