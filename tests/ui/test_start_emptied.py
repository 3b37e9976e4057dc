"""Starting the program on a station whose file was lost or emptied beside its backups: it offers the newest
backup instead of setting up a new station over them."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from pjdesk.services.backups import backup_now
from pjdesk.services.session import DB_NAME, init_station
from pjdesk.services.units import save_unit
from pjdesk.ui.app import start
from tests.conftest import TODAY


def emptied_station(folder):
    session = init_station(folder, code="430626101", operator="张三", today=lambda: TODAY)
    save_unit(session, {"name": "平江县安定化工有限公司", "sector": "危化"})
    newest = backup_now(session)
    session.close()
    (folder / DB_NAME).write_bytes(b"")
    return newest


def press(label):
    def fill(box):
        assert "backups 文件夹里有 1 个备份" in box.text(), box.text()
        [button] = [b for b in box.buttons() if b.text() == label]
        button.click()
    return fill


def test_the_newest_backup_is_offered_and_restored(qtbot, data_dir, answer_dialog, monkeypatch):
    emptied_station(data_dir)
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a: told.append(text))
    answer_dialog(press("从最新备份恢复"))
    window = start(data_dir, today=lambda: TODAY)
    qtbot.addWidget(window)
    assert told and "已恢复：单位 1 家" in told[0]
    assert window.session.station.code == "430626101"
    assert [r[0] for r in window.session.store.db.execute("SELECT name FROM unit")] == ["平江县安定化工有限公司"]
    window.close()
    window.session.close()


def test_declining_leaves_the_empty_file_as_it_is(qtbot, data_dir, answer_dialog):
    emptied_station(data_dir)
    answer_dialog(press("退出"))
    assert start(data_dir, today=lambda: TODAY) is None
    assert (data_dir / DB_NAME).stat().st_size == 0
