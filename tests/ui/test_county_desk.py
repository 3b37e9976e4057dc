"""The county desk end to end, through the real window: two townships' files imported on the 数据交换 page
(their devices accepted after the fingerprints are shown), then the 报送情况 grid, the 汇总 and the 排名."""

from __future__ import annotations

from PySide6.QtCore import Qt

from pjdesk.services import sync
from pjdesk.ui.main_window import COUNTY_PAGES, TOWNSHIP_PAGES, MainWindow
from tests.services.test_ranking import township_with
from tests.sync.conftest import make_station


def test_a_county_imports_two_townships_and_reads_the_grid_summary_and_ranking(qtbot, tmp_path, answer_dialog):
    county = make_station(tmp_path / "county", "430626", county=True, device_name="县安委办")
    anding = township_with(tmp_path, "430626101", [("2026-10-02", "2026-10-09"), ("2026-10-05", None)])
    sanshi = township_with(tmp_path, "430626102", [("2026-10-03", "2026-10-08")])
    files = [sync.export_bundle(town, tmp_path / "usb") for town in (anding, sanshi)]

    window = MainWindow(county)
    qtbot.addWidget(window)
    window.show()
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == list(COUNTY_PAGES)
    window.show_page("数据交换")
    exchange = window.page("数据交换")

    answer_dialog(trust_both_of({"安定镇", "三市镇"}, qtbot))
    exchange.import_files(files)
    qtbot.waitUntil(lambda: not exchange.busy and exchange.total.text().startswith("共 2 个文件：导入 2"),
                    timeout=20000)

    window.show_page("报送情况")
    grid = window.page("报送情况")
    # Made and read on 29 November: October's reports, after the 5 November deadline.
    assert grid.cell("430626101", "2026-10").text() == "逾期 11月29日"
    assert grid.cell("430626102", "2026-10").text() == "逾期 11月29日"
    assert grid.cell("430626103", "2026-10").text() == "未报送"

    window.show_page("汇总")
    summary = window.page("汇总")
    qtbot.waitUntil(lambda: not summary.busy and summary.view.filled is not None, timeout=20000)
    rows = {r[0]: r for r in summary.view.shown_rows()}
    assert {name for name in rows if not name.endswith("（未报送）")} == {"安定镇", "三市镇", "合计"}
    assert "加义镇（未报送）" in rows
    assert (rows["安定镇"][1], rows["三市镇"][1], rows["合计"][1]) == ("2", "1", "3"), "本月新增"

    window.show_page("排名")
    ranking = window.page("排名")
    qtbot.waitUntil(lambda: not ranking.busy and ranking.view.filled is not None, timeout=20000)
    placed = [r for r in ranking.view.shown_rows() if r[1]]
    assert [(r[0], r[1], r[2]) for r in placed[:2]] == [("三市镇", "1", "100.0"), ("安定镇", "2", "50.0")]
    assert ("加义镇", "3", "未报送") in [(r[0], r[1], r[2]) for r in placed]

    # A later import refreshes the county pages already open.
    jiayi = township_with(tmp_path, "430626103", [("2026-10-06", "2026-10-07")])
    answer_dialog(trust_both_of({"加义镇"}, qtbot))
    exchange.import_files([sync.export_bundle(jiayi, tmp_path / "usb")])
    qtbot.waitUntil(lambda: not exchange.busy and exchange.total.text().startswith("共 1 个文件：导入 1"),
                    timeout=20000)
    assert grid.cell("430626103", "2026-10").text() == "逾期 11月29日"
    qtbot.waitUntil(lambda: not summary.busy and "加义镇" in {r[0] for r in summary.view.shown_rows()},
                    timeout=20000)
    qtbot.waitUntil(lambda: not ranking.busy and len([r for r in ranking.view.shown_rows()
                                                      if r[2] not in ("", "无数据", "未报送")]) == 3,
                    timeout=20000)
    window.show_page("工作台")
    assert "已报 3 / " in window.dashboard.notice.text()


def trust_both_of(names, qtbot):
    def trust(dialog):
        assert {card.device["station_name"] for card in dialog.cards} == names
        for card in dialog.cards:
            card.checked.setChecked(True)
        qtbot.mouseClick(dialog.accept_button, Qt.LeftButton)
    return trust


def test_a_township_window_has_no_county_pages(qtbot, session):
    window = MainWindow(session)
    qtbot.addWidget(window)
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == list(TOWNSHIP_PAGES)
    assert window.built("排名") is None
