"""The 数据交换 page: a county imports a folder of township files (a new device accepted after its fingerprint
is shown, a repeat, a damaged file), townships and the county export, the county revokes a device, and a
concurrent edit is settled from the 冲突待确认 list."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox

from pjdesk.core.townships import townships
from pjdesk.services import hazards
from pjdesk.services.sync import device_key, export_bundle, import_bundles, list_conflicts
from pjdesk.ui.exchange_page import ExchangePage
from pjdesk.ui.trust_dialog import TrustDialog

from ..sync.conftest import ANDING, accept, add_hazard, add_unit

SANSHI = "430626102"  # 三市镇


@pytest.fixture
def anding(stations):
    return stations("anding")


@pytest.fixture
def usb(tmp_path):
    folder = tmp_path / "usb"
    folder.mkdir()
    return folder


def make_page(qtbot, session):
    page = ExchangePage(session)
    qtbot.addWidget(page)
    page.resize(1210, 780)
    page.show()
    emitted = []
    page.changed.connect(emitted.append)
    return page, emitted


def summary_of(page) -> dict[str, tuple[str, str]]:
    table = page.summary
    return {table.item(r, 0).text(): (table.item(r, 1).text(), table.item(r, 2).text())
            for r in range(table.rowCount())}


def imported(page) -> bool:
    return not page.busy and bool(page.rows)


def device_row(page, name: str) -> int:
    return next(r for r in range(page.devices.rowCount()) if page.devices.item(r, 1).text().startswith(name))


def choose_folder(monkeypatch, folder) -> None:
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))


def press(text: str):
    """Answer a message box by the button with this text."""
    def answer(box):
        button = next(b for b in box.buttons() if b.text() == text)
        button.click()
    return answer


def test_county_imports_a_folder_and_accepts_a_new_device_after_showing_its_fingerprint(
        qtbot, stations, county, anding, usb, monkeypatch, answer_dialog):
    sanshi = stations("sanshi", SANSHI, device_name="三市镇电脑", operator="王五")
    add_hazard(anding, add_unit(anding))
    earlier = export_bundle(anding, usb)
    accept(county, earlier)  # 安定镇's device is known to the county from an earlier month
    new_hazard = add_hazard(anding, add_unit(anding), "配电箱电线老化")
    later = export_bundle(anding, usb)
    sanshi_hazard = add_hazard(sanshi, add_unit(sanshi, "平江县三市镇加油站"), "油罐区静电接地损坏")
    from_sanshi = export_bundle(sanshi, usb)
    data = later.read_bytes()
    (usb / "damaged.pjz").write_bytes(data[: len(data) * 2 // 3])
    (usb / "会议纪要.docx").write_text("not a bundle", encoding="utf-8")
    page, emitted = make_page(qtbot, county)
    choose_folder(monkeypatch, usb)
    shown = {}

    def check_and_accept(dialog):
        assert isinstance(dialog, TrustDialog)
        [card] = dialog.cards
        shown["fingerprint"] = card.fingerprint.text()
        shown["station"] = card.device["station_name"], card.device["device_name"]
        assert not dialog.accept_button.isEnabled(), "nothing is accepted before the person ticks the check"
        card.checked.setChecked(True)
        qtbot.mouseClick(dialog.accept_button, Qt.LeftButton)

    answer_dialog(check_and_accept)
    qtbot.mouseClick(page.choose_folder_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: imported(page), timeout=15000)

    fingerprint = device_key(sanshi).fingerprint
    assert shown["station"] == ("三市镇", "三市镇电脑")
    assert shown["fingerprint"].split() == fingerprint.split()
    assert shown["fingerprint"].count("\n") == 1, "the sixteen groups on two lines, to read out"
    rows = summary_of(page)
    assert set(rows) == {earlier.name, later.name, from_sanshi.name, "damaged.pjz"}
    assert rows[earlier.name][0] == "已导入过" and "导入过" in rows[earlier.name][1]
    assert rows[later.name][0] == "已导入"
    assert rows[from_sanshi.name][0] == "已导入" and fingerprint in rows[from_sanshi.name][1]
    assert rows["damaged.pjz"][0] == "已拒绝" and "截断" in rows["damaged.pjz"][1]
    assert page.total.text().startswith("共 4 个文件：导入 2，已导入过 1，拒绝 1")
    assert county.store.get(hazards.HAZARD, new_hazard) and county.store.get(hazards.HAZARD, sanshi_hazard)
    changed_hazards = set().union(*(e.get("hazard", ()) for e in emitted))
    assert {new_hazard, sanshi_hazard} <= changed_hazards
    row = device_row(page, "三市镇电脑")
    assert page.devices.item(row, 2).text().split() == fingerprint.split()
    assert page.devices.item(row, 4).text() == "正常"


def test_a_new_device_not_accepted_stays_refused(qtbot, county, anding, usb, answer_dialog):
    add_hazard(anding, add_unit(anding))
    bundle = export_bundle(anding, usb)
    page, emitted = make_page(qtbot, county)
    answer_dialog(lambda dialog: qtbot.mouseClick(dialog.decline_button, Qt.LeftButton))
    page.import_files([bundle])
    qtbot.waitUntil(lambda: imported(page), timeout=15000)
    [(status, note)] = summary_of(page).values()
    assert status == "已拒绝" and "未登记的设备" in note and "未接受" in note
    assert page.total.text().startswith("共 1 个文件：导入 0，已导入过 0，拒绝 1")
    assert emitted == []
    assert [r.status for r in import_bundles(county, [bundle])] == ["refused"], "still not trusted"


def test_county_revokes_a_device_and_trusts_it_again(qtbot, county, anding, usb, answer_dialog):
    accept(county, export_bundle(anding, usb))
    page, emitted = make_page(qtbot, county)
    own = device_row(page, "县安委办")
    page.devices.selectRow(own)
    assert not page.revoke_button.isEnabled(), "this device cannot be revoked here"
    row = device_row(page, "站内电脑")
    page.devices.selectRow(row)
    assert page.devices.item(row, 4).text() == "正常" and page.revoke_button.isEnabled()
    confirmation = {}

    def confirm(box):
        confirmation["text"] = box.text()
        press("吊销")(box)

    answer_dialog(confirm)
    qtbot.mouseClick(page.revoke_button, Qt.LeftButton)
    assert "安定镇" in confirmation["text"] and "站内电脑" in confirmation["text"]
    assert "拒绝" in confirmation["text"]
    row = device_row(page, "站内电脑")
    assert page.devices.item(row, 4).text().startswith("已吊销")
    assert emitted and "device" in emitted[-1]
    add_hazard(anding, add_unit(anding))
    page.import_files([export_bundle(anding, usb)])
    qtbot.waitUntil(lambda: imported(page), timeout=15000)
    [(status, note)] = summary_of(page).values()
    assert status == "已拒绝" and "吊销" in note

    page.devices.selectRow(row)
    assert page.restore_button.isEnabled() and not page.revoke_button.isEnabled()
    qtbot.mouseClick(page.restore_button, Qt.LeftButton)
    assert page.devices.item(device_row(page, "站内电脑"), 4).text() == "正常"


def test_revoking_can_be_called_off(qtbot, county, anding, usb, answer_dialog):
    accept(county, export_bundle(anding, usb))
    page, _ = make_page(qtbot, county)
    page.devices.selectRow(device_row(page, "站内电脑"))
    answer_dialog(press("取消"))
    qtbot.mouseClick(page.revoke_button, Qt.LeftButton)
    assert page.devices.item(device_row(page, "站内电脑"), 4).text() == "正常"


def test_township_exports_for_the_county(qtbot, county, anding, usb, monkeypatch):
    add_hazard(anding, add_unit(anding))
    page, _ = make_page(qtbot, anding)
    assert not hasattr(page, "township_box") and page.revoke_button is None
    assert page.own_fingerprint.text().split() == device_key(anding).fingerprint.split()
    choose_folder(monkeypatch, usb)
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    qtbot.mouseClick(page.export_county_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: bool(page.exported), timeout=15000)
    [written] = page.exported
    assert written.exists() and written.parent == usb and written.suffix == ".pjz"
    assert written.name in page.export_result.text() and str(usb) in page.export_result.text()
    qtbot.mouseClick(page.open_folder_button, Qt.LeftButton)
    assert opened == [str(usb)]
    accept(county, written)  # the file is the county's to read


def test_county_exports_for_one_township(qtbot, county, anding, usb, monkeypatch):
    accept(county, export_bundle(anding, usb))
    page, _ = make_page(qtbot, county)
    assert page.township_box.count() == len(townships())
    page.township_box.setCurrentIndex(page.township_box.findData(ANDING))
    choose_folder(monkeypatch, usb / "down")
    qtbot.mouseClick(page.export_township_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: bool(page.exported), timeout=15000)
    [written] = page.exported
    assert written.exists() and f"-to-{ANDING}-" in written.name
    accept(anding, written)


def test_county_exports_for_every_township(qtbot, county, usb, monkeypatch):
    page, _ = make_page(qtbot, county)
    choose_folder(monkeypatch, usb)
    qtbot.mouseClick(page.export_all_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: bool(page.exported), timeout=30000)
    assert len(page.exported) == len(townships())
    assert all(p.exists() for p in page.exported)
    assert f"已写入 {len(townships())} 个文件" in page.export_result.text()


def test_a_conflict_is_listed_and_settled(qtbot, stations, anding, usb, monkeypatch):
    laptop = stations("laptop", device_name="外业笔记本", operator="李四")
    hazard = add_hazard(anding, add_unit(anding), "仓库超量储存")
    accept(laptop, export_bundle(anding, usb, to=ANDING))  # the first exchange: to any device of 安定镇
    accept(anding, export_bundle(laptop, usb, to=anding.station.device))
    hazards.edit_hazard(laptop, hazard, {"measures": "清理超量成品，限期整改"})
    hazards.edit_hazard(anding, hazard, {"measures": "转移至合格仓库"})  # neither saw the other's edit
    page, emitted = make_page(qtbot, anding)
    assert page.device_box.itemData(0) == laptop.station.device, "the laptop is offered once known"

    choose_folder(monkeypatch, usb / "to-laptop")
    qtbot.mouseClick(page.export_device_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: bool(page.exported), timeout=15000)
    [for_laptop] = page.exported
    accept(laptop, for_laptop)

    page.import_files([export_bundle(laptop, usb, to=anding.station.device)])
    qtbot.waitUntil(lambda: imported(page), timeout=15000)
    assert "冲突待确认" in page.total.text()
    [conflict] = list_conflicts(anding)
    assert page.conflicts.rowCount() == 1
    assert page.tabs.tabText(2) == "冲突待确认（1）"
    cells = [page.conflicts.item(0, c).text() for c in range(page.conflicts.columnCount())]
    assert cells[0] == "隐患：仓库超量储存" and cells[1] == "整改措施"
    assert {cells[2], cells[4]} == {"清理超量成品，限期整改", "转移至合格仓库"}
    assert {"外业笔记本", "站内电脑"} == {cells[3].split(" · ")[0], cells[5].split(" · ")[0]}
    assert not page.keep_a_button.isEnabled()

    page.conflicts.selectRow(0)
    emitted.clear()
    qtbot.mouseClick(page.keep_a_button, Qt.LeftButton)
    assert page.conflicts.rowCount() == 0 and page.tabs.tabText(2) == "冲突待确认"
    assert list_conflicts(anding) == []
    assert anding.store.get(hazards.HAZARD, hazard)["measures"] == conflict["a_value"]
    assert emitted == [{"hazard": frozenset({hazard})}]


def test_choosing_files_imports_them(qtbot, county, anding, usb, monkeypatch, answer_dialog):
    bundle = export_bundle(anding, usb)
    seen = {}

    def files(parent, caption, folder, filters):
        seen["filters"] = filters
        return [str(bundle)], filters

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", files)
    page, _ = make_page(qtbot, county)

    def accept_all(dialog):
        for card in dialog.cards:
            card.checked.setChecked(True)
        dialog.accept_button.click()

    answer_dialog(accept_all)
    qtbot.mouseClick(page.choose_files_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: imported(page), timeout=15000)
    assert seen["filters"] == "交换文件 (*.pjz)"
    assert [status for status, _ in summary_of(page).values()] == ["已导入"]


def test_an_empty_folder_says_so(qtbot, county, usb, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: shown.append(text))
    page, _ = make_page(qtbot, county)
    choose_folder(monkeypatch, usb)
    qtbot.mouseClick(page.choose_folder_button, Qt.LeftButton)
    assert shown and "没有交换文件" in shown[0]
    assert page.rows == []
