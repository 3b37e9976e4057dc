"""The county desk's pages, on a county station that imported two townships' real bundles: 报送情况 (the grid
and its deadlines), 汇总 (表2 with a row per township) and 排名 (places, weights, printing)."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QPushButton

from pjdesk.services import hazards, sync
from pjdesk.services.session import init_station
from pjdesk.services.units import save_unit
from pjdesk.ui.ranking_page import RankingPage
from pjdesk.ui.reporting_page import COLOURS, ReportingPage
from pjdesk.ui.summary_page import SummaryPage

TODAY = dt.date(2026, 11, 29)
COUNTY, ANDING, SANSHI, JIAYI = "430626", "430626101", "430626102", "430626103"  # 安定镇, 三市镇, 加义镇
RANKING_TITLE = "乡镇（街道）安全生产工作月度排名表"


@pytest.fixture(autouse=True)
def clock(set_now):
    """The wall clock the exchange stamps bundles (made) and imports (arrived) with; set before any station."""
    set_now("2026-11-01 08:00:00")
    return set_now


def township(folder, code, found_fixed_tags):
    """A township station whose general hazards were found, rectified (when a date is given) and tagged so."""
    session = init_station(folder / code, code=code, operator="站长", today=lambda: TODAY)
    unit = save_unit(session, {"name": f"平江县{code[-3:]}号砖厂", "sector": "工贸其他"}).id
    for found, fixed, tags in found_fixed_tags:
        hazard = hazards.record_hazard(session, {"unit_id": unit, "description": "配电箱未接地", "found_date": found,
                                                 "tags": tags}).id
        if fixed:
            hazards.notify_rectification(session, hazard, found)
            hazards.complete_rectification(session, hazard, fixed)
    return session


@pytest.fixture
def county(tmp_path, clock):
    """安定镇 reports October on the 4th of November (on time), 三市镇 on the 6th (late); 加义镇 sends nothing."""
    county = init_station(tmp_path / "county", code=COUNTY, operator="县局", county=True, today=lambda: TODAY)
    towns = {
        ANDING: township(tmp_path, ANDING, [("2026-03-02", "2026-03-10", None), ("2026-10-05", None, None),
                                            ("2026-10-12", "2026-10-20", "自建房")]),
        SANSHI: township(tmp_path, SANSHI, [("2026-10-08", "2026-10-15", None)]),
    }
    for code, made, arrived in ((ANDING, "2026-11-03 08:00:00", "2026-11-04 09:30:00"),
                                (SANSHI, "2026-11-06 08:00:00", "2026-11-06 10:00:00")):
        clock(made)
        bundle = sync.export_bundle(towns[code], tmp_path / "usb")
        clock(arrived)
        [result] = sync.import_bundles(county, [bundle], trust_new=True)
        assert result.status == "accepted", result.message
    yield county
    for town in towns.values():
        town.close()
    county.close()


def test_the_grid_shows_each_townships_report_and_who_sent_nothing(qtbot, county):
    page = ReportingPage(county)
    qtbot.addWidget(page)
    assert page.year_box.currentData() == 2026
    assert page.cell(ANDING, "2026-10").text() == "按时 11月4日"
    assert page.cell(SANSHI, "2026-10").text() == "逾期 11月6日"
    assert page.cell(JIAYI, "2026-10").text() == "未报送"
    assert page.cell(ANDING, "2026-11").text() == "", "November has not ended"
    assert page.cell(ANDING, "2026-09").text() == "", "its deadline passed before the county read any file"
    missing = page.cell(JIAYI, "2026-10")
    assert missing.background().color().name() == COLOURS["未报送"][0]
    late = page.cell(SANSHI, "2026-10").toolTip()
    assert "截止日：2026年11月5日" in late and "收到：2026年11月6日" in late and ".pjz" in late
    row = page.codes.index(JIAYI)
    assert page.table.verticalHeaderItem(row).text() == "加义镇"
    summary = page.summary.text()
    assert summary.startswith("2026年10月：已报 2，逾期 1，不完整 0，未报送 24（")
    assert "加义镇" in summary and "安定镇" not in summary


def test_deadlines_set_in_the_page_recalculate_the_grid(qtbot, county, answer_dialog):
    page = ReportingPage(county)
    qtbot.addWidget(page)
    assert page.deadline_day.value() == 5
    page.deadline_day.setValue(7)
    assert page.cell(SANSHI, "2026-10").text() == "按时 11月6日"

    page.deadline_month.setCurrentIndex(page.deadline_month.findData("2026-10"))
    assert page.deadline_date.date().toPython() == dt.date(2026, 11, 7)
    page.deadline_date.setDate(dt.date(2026, 11, 5))
    qtbot.mouseClick(page.findChild(QPushButton, "set_month_deadline"), Qt.LeftButton)
    assert page.cell(SANSHI, "2026-10").text() == "逾期 11月6日", "October's own deadline wins over the 7th"
    assert "2026年10月 → 2026年11月5日" in page.overrides.text()
    assert page.table.horizontalHeaderItem(9).text() == "10月*"

    qtbot.mouseClick(page.findChild(QPushButton, "clear_month_deadline"), Qt.LeftButton)
    assert page.cell(SANSHI, "2026-10").text() == "按时 11月6日"
    assert page.overrides.text() == ""

    seen = []
    answer_dialog(lambda box: (seen.append(box.text()), box.accept()))
    page.deadline_date.setDate(dt.date(2026, 10, 31))
    qtbot.mouseClick(page.findChild(QPushButton, "set_month_deadline"), Qt.LeftButton)
    assert seen and "之后" in seen[0], "a deadline inside the month is refused with a message"


def test_the_summary_has_a_row_per_township_and_the_total(qtbot, county, tmp_path):
    page = SummaryPage(county)
    qtbot.addWidget(page)
    assert page.month_box.currentText() == "2026年10月"
    qtbot.waitUntil(lambda: page.view.filled is not None, timeout=15000)
    view = page.view
    assert view.title.text() == "隐患排查治理统计表（汇总）"
    assert "报告期：2026年10月" in view.details.text()
    assert {"一般隐患", "重大隐患", "本月新增", "乡镇（街道）"} <= set(view.header_texts())
    assert (view.table.item(0, 1).text(), view.table.item(1, 1).text()) == ("一般隐患", "本月新增")
    assert view.table.columnSpan(0, 1) == 6 and view.table.rowSpan(0, 0) == 2, "the paper's merged headers"
    rows = {r[0]: r for r in view.shown_rows()}
    # 加义镇 (and every township not in the fixture) sent nothing for October: 未报送, with no figures.
    assert [name for name in rows if not name.endswith("（未报送）")] == ["安定镇", "三市镇", "合计"]
    assert rows["加义镇（未报送）"][1:5] == ["", "", "", ""]
    assert list(rows).index("加义镇（未报送）") == list(rows).index("三市镇") + 1, "in the roster's order"
    assert (rows["安定镇"][1], rows["三市镇"][1], rows["合计"][1]) == ("2", "1", "3")
    assert rows["安定镇"][5] == "66.7%" and rows["合计"][5] == "75.0%", "整改率, 合计 from the sums"
    total = view.table.item(view.table.rowCount() - 1, 0)
    assert total.font().bold()

    saved = view.save_as("xlsx", tmp_path / "汇总.xlsx")
    sheet = load_workbook(saved).active
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert "安定镇" in cells and "三市镇" in cells

    page.month_box.setCurrentIndex(page.month_box.findData("2026-09"))
    qtbot.waitUntil(lambda: view.filled is not None and view.filled.period_label == "2026年9月", timeout=15000)
    assert [r[0] for r in view.shown_rows()] == ["安定镇", "合计"], "三市镇 found nothing until October"


def wait_for_ranking(qtbot, page):
    qtbot.waitUntil(lambda: not page.busy and page.view.filled is not None, timeout=15000)
    return {r[0]: (r[1], r[2]) for r in page.view.shown_rows()}


def test_the_ranking_places_the_townships_and_reranks_on_new_weights(qtbot, county, answer_dialog):
    page = RankingPage(county)
    qtbot.addWidget(page)
    places = wait_for_ranking(qtbot, page)
    # 三市镇: 1 of 1 fixed (100%); 安定镇: 2 of 3 (66.7%, weight 30) and its 自建房 item fixed (100%, weight 5).
    assert places["三市镇"] == ("1", "100.0")
    assert places["安定镇"] == ("2", "71.4")
    assert places["加义镇"] == ("3", "未报送"), "no October file: last, not scored on what it sent before"
    assert page.view.title.text() == RANKING_TITLE
    assert not any(page.view.row_is_marked(i) for i in range(len(page.ranking.standings)))
    assert "2 个乡镇（街道）按得分排名" in page.outcome.text() and "不足 6 个" in page.outcome.text()
    assert "未报送本月交换文件的" in page.outcome.text()

    page.weights["general_fix_rate"].setValue(0)  # shows 不计入
    assert page.weights["general_fix_rate"].text() == "不计入"
    qtbot.mouseClick(page.save_button, Qt.LeftButton)
    places = wait_for_ranking(qtbot, page)
    assert places["安定镇"] == ("1", "100.0") and places["三市镇"] == ("", "无数据")
    assert places["加义镇"] == ("2", "未报送")
    assert "一般隐患整改率" not in page.view.header_texts(), "an indicator left out has no column"

    seen = []
    answer_dialog(lambda box: (seen.append(box.text()), box.accept()))
    for box in page.weights.values():
        box.setValue(0)
    qtbot.mouseClick(page.save_button, Qt.LeftButton)
    assert seen == ["至少要有一项指标的权重大于 0"]

    qtbot.mouseClick(page.default_button, Qt.LeftButton)
    assert page.weights["general_fix_rate"].value() == 30
    assert wait_for_ranking(qtbot, page)["三市镇"] == ("1", "100.0")


def test_the_bottom_three_are_highlighted_for_interview(qtbot, county, clock, tmp_path):
    # Six ranked townships, enough for a bottom three: 三市镇 100, 南江镇 75, 安定镇 71.4, then these three.
    for code, found_fixed in (("430626104", [("2026-10-01", "2026-10-02"), ("2026-10-03", None)]),  # 长寿镇 50
                              ("430626105", [("2026-10-01", "2026-10-02"), ("2026-10-03", None),
                                             ("2026-10-04", None)]),  # 龙门镇 33.3
                              ("430626106", [("2026-10-01", None)]),  # 虹桥镇 0
                              ("430626107", [("2026-10-01", "2026-10-02"), ("2026-10-03", "2026-10-04"),
                                             ("2026-10-05", "2026-10-06"), ("2026-10-07", None)])):  # 南江镇 75
        town = township(tmp_path, code, [(found, fixed, None) for found, fixed in found_fixed])
        clock("2026-11-07 08:00:00")  # after the fixture's last file: clocks only move forward
        [result] = sync.import_bundles(county, [sync.export_bundle(town, tmp_path / "usb")], trust_new=True)
        assert result.status == "accepted", result.message
        town.close()
    page = RankingPage(county)
    qtbot.addWidget(page)
    wait_for_ranking(qtbot, page)
    # The other 19 townships sent nothing for October: by default they share the last place, and 约谈.
    rows = page.view.shown_rows()
    marked = {row[0] for i, row in enumerate(rows) if page.view.row_is_marked(i)}
    assert "加义镇" in marked and not {"长寿镇", "龙门镇", "虹桥镇"} & marked
    assert {row[2] for row in rows if row[0] in marked} == {"未报送"}

    # The county lists them outside the ranking instead: the bottom three ranked are marked.
    page.unreported.setCurrentIndex(page.unreported.findData("outside"))
    qtbot.mouseClick(page.save_button, Qt.LeftButton)
    wait_for_ranking(qtbot, page)
    rows = page.view.shown_rows()
    marked = [row[0] for i, row in enumerate(rows) if page.view.row_is_marked(i)]
    assert marked == ["长寿镇", "龙门镇", "虹桥镇"]
    assert next(row for row in rows if row[0] == "加义镇")[1:3] == ["", "未报送"]
    assert [row[-1] for row in rows[:7]] == ["", "", "", "约谈", "约谈", "约谈", ""]
    assert "约谈：长寿镇、龙门镇、虹桥镇" in page.outcome.text()

    page.interview.setValue(1)
    qtbot.mouseClick(page.save_button, Qt.LeftButton)
    wait_for_ranking(qtbot, page)
    marked = [row[0] for i, row in enumerate(page.view.shown_rows()) if page.view.row_is_marked(i)]
    assert marked == ["虹桥镇"]


def test_printing_the_ranking(qtbot, county, tmp_path):
    page = RankingPage(county)
    qtbot.addWidget(page)
    wait_for_ranking(qtbot, page)
    printer = QPrinter(QPrinter.HighResolution)
    printer.setOutputFormat(QPrinter.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    page.view.print_to(printer)
    qtbot.waitUntil(lambda: page.view.printing is None, timeout=20000)
    assert page.view.last_print.printed == 1  # 26 townships, notes and signatures on one portrait page
    assert page.view.last_print.copied, "every page to a file: the PDF itself, its text searchable"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(tmp_path / "printed.pdf").pages).split())
    assert RANKING_TITLE in text and "2026年10月" in text
    assert "三市镇" in text and "安定镇" in text and "加义镇" in text

    # A chosen range of pages is printed as the pages' pictures, in the PDF's own size and orientation.
    printer = QPrinter(QPrinter.HighResolution)
    printer.setOutputFormat(QPrinter.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "page1.pdf"))
    printer.setPrintRange(QPrinter.PageRange)
    printer.setFromTo(1, 1)
    page.view.print_to(printer)
    qtbot.waitUntil(lambda: page.view.printing is None, timeout=20000)
    assert (page.view.last_print.printed, page.view.last_print.copied) == (1, False)
    [printed] = PdfReader(tmp_path / "page1.pdf").pages
    width, height = (float(v) for v in printed.mediabox[2:])
    assert abs(width - 595) < 3 and abs(height - 842) < 3, "A4 portrait, as the ranking is drawn"


def test_the_summarys_total_row_is_whole_on_a_small_screen(qtbot, county):
    """The 合计 row was half cut off: on a 1366×768 screen the table scrolls, and its last row shows whole."""
    page = SummaryPage(county)
    qtbot.addWidget(page)
    page.resize(1366 - 150 - 8, 768 - 40 - 90)  # the room beside the navigation, under a title bar and a taskbar
    page.show()
    qtbot.waitUntil(lambda: not page.busy and page.view.filled is not None, timeout=15000)
    table = page.view.table
    assert table.rowCount() > 20, "a row per township: taller than the room"
    assert table.geometry().bottom() <= page.view.height(), "the table ends inside the page"
    table.scrollToBottom()
    qtbot.wait(20)
    last = table.visualRect(table.model().index(table.rowCount() - 1, 0))
    assert table.item(table.rowCount() - 1, 0).text() == "合计"
    assert last.top() >= 0 and last.bottom() <= table.viewport().height(), (last, table.viewport().height())
