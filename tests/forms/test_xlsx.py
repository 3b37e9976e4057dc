"""The XLSX as a spreadsheet program reads it: cells, merges, number formats and print setup."""

from __future__ import annotations

from dataclasses import replace

import openpyxl
import pytest

from pjdesk.forms import TABLE2, render_xlsx

from .conftest import LONG_DESCRIPTION

# 表2's layout: title, two header-block lines, two header rows, then the sector rows.
HEADER_ROWS = (4, 5)
FIRST_ROW = 6
COLUMN = {key: index for index, key in enumerate(
    ["label", "general_new", "general_fixed", "general_found_ytd", "general_fixed_ytd", "general_fix_rate",
     "general_open", "major_new", "major_found_ytd", "major_closed", "major_on_time_rate", "major_overdue",
     "major_supervised", "funds"], start=1)}


@pytest.fixture
def sheet(table2, tmp_path):
    return openpyxl.load_workbook(render_xlsx(table2, tmp_path / "表2.xlsx")).active


def cell(sheet, row: int, key: str):
    return sheet.cell(row, COLUMN[key])


def test_title_and_header_block(sheet):
    assert sheet.title == "表2"
    assert sheet["A1"].value == "隐患排查治理统计表"
    assert sheet["A1"].font.b and sheet["A1"].font.sz >= 14
    assert "A1:N1" in sheet.merged_cells
    block = [c.value for row in sheet.iter_rows(min_row=2, max_row=3) for c in row if c.value]
    assert block == ["填报单位：安定镇（430626101）", "报告期：2026年11月", "表号：表2",
                     "填报人：张三", "审核人（分管领导）：李四", "填报日期：2026年11月30日"]


def test_two_header_rows_with_merged_groups(sheet):
    top, bottom = HEADER_ROWS
    assert sheet.cell(top, 1).value == "行业领域" and f"A{top}:A{bottom}" in sheet.merged_cells
    assert sheet.cell(top, 2).value == "一般隐患" and f"B{top}:G{top}" in sheet.merged_cells
    assert sheet.cell(top, 8).value == "重大隐患" and f"H{top}:M{top}" in sheet.merged_cells
    assert sheet.cell(top, 14).value == "治理资金（万元）" and f"N{top}:N{bottom}" in sheet.merged_cells
    assert [sheet.cell(bottom, c).value for c in range(2, 14)] == [
        "本月新增", "本月整改", "年度累计查出", "年度累计整改", "整改率", "累计未整改",
        "本月新增", "年度累计查出", "已销号", "按期销号率", "逾期未销号", "挂牌督办"]


def test_rows_hold_numbers_under_formats_that_show_what_the_pdf_prints(sheet):
    row = FIRST_ROW  # 危化
    assert cell(sheet, row, "label").value == "危化"
    assert cell(sheet, row, "general_found_ytd").value == 40
    assert cell(sheet, row, "general_found_ytd").number_format == "0"
    assert cell(sheet, row, "general_fix_rate").value == pytest.approx(0.925)
    assert cell(sheet, row, "general_fix_rate").number_format == "0.0%"
    assert cell(sheet, row, "funds").value == pytest.approx(1.25)  # 万元, from 1,250,000 分
    assert cell(sheet, row, "funds").number_format == "#,##0.00"
    assert cell(sheet, row + 1, "general_fix_rate").value == "—"  # 燃气: nothing found
    assert cell(sheet, row + 1, "major_on_time_rate").value == "—"


def test_total_row_is_bold_and_recomputes_ratios_from_its_sums(sheet):
    total = FIRST_ROW + 3
    assert cell(sheet, total, "label").value == "合计"
    assert cell(sheet, total, "label").font.b
    assert cell(sheet, total, "general_found_ytd").value == 48
    assert cell(sheet, total, "general_fix_rate").value == pytest.approx(39 / 48)  # not 92.5% + 25.0%
    assert cell(sheet, total, "major_on_time_rate").value == pytest.approx(1 / 3)
    assert cell(sheet, total, "funds").value == pytest.approx(1.373456)


def test_notes_and_signatures_follow_the_table(sheet):
    texts = [sheet.cell(r, 1).value for r in range(FIRST_ROW + 4, sheet.max_row + 1)]
    assert "说明：" in texts
    assert any(t and t.startswith("3. 整改率＝年度累计整改÷年度累计查出") for t in texts)
    signatures = [c.value for c in sheet[sheet.max_row] if c.value]
    assert signatures == ["填报人（签字）：", "审核人（分管领导签字）：", "单位（盖章）："]


def test_print_setup_and_frozen_panes(sheet):
    setup = sheet.page_setup
    assert int(setup.paperSize) == 9  # A4
    assert setup.orientation == "landscape"
    assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows.replace("$", "") == "4:5"
    assert sheet.freeze_panes == "B6"  # below the headers, right of the 行业领域
    assert "第 &P 页 共 &N 页" in sheet.oddFooter.right.text


def test_portrait_spec_prints_portrait(table2, tmp_path):
    upright = replace(table2, spec=replace(TABLE2, orientation="portrait"))
    sheet = openpyxl.load_workbook(render_xlsx(upright, tmp_path / "竖.xlsx")).active
    assert sheet.page_setup.orientation == "portrait"


def test_table3_wraps_long_text_in_tall_rows_and_keeps_dates_as_dates(table3, tmp_path):
    sheet = openpyxl.load_workbook(render_xlsx(table3, tmp_path / "表3.xlsx")).active
    top, bottom = HEADER_ROWS
    assert sheet.cell(top, 12).value == "复查/销号日期" and f"L{top}:M{top}" in sheet.merged_cells
    assert (sheet.cell(bottom, 12).value, sheet.cell(bottom, 13).value) == ("复查", "销号")
    first = FIRST_ROW
    description = sheet.cell(first, 3)
    assert description.value == LONG_DESCRIPTION
    assert description.alignment.wrap_text
    assert sheet.row_dimensions[first].height > 3 * 13
    assert sheet.cell(first, 8).value == pytest.approx(123_450.50) and sheet.cell(first, 8).number_format == "#,##0.00"
    closed = sheet.cell(first + 1, 13)
    assert closed.is_date and closed.value.date().isoformat() == "2026-11-25"
    assert closed.number_format == "yyyy-mm-dd"
    assert sheet.cell(first + 2, 8).value is None  # no 资金 given
    assert sheet.cell(first + 3, 1).value == "合计" and sheet.cell(first + 3, 8).value == pytest.approx(246_901.00)
    assert sheet.freeze_panes == "A6"  # a list keeps its header in view; it has no row labels


def test_ledger_numbers_its_rows_and_repeats_its_single_header_row(ledger, tmp_path):
    sheet = openpyxl.load_workbook(render_xlsx(ledger, tmp_path / "台账.xlsx")).active
    assert sheet.print_title_rows.replace("$", "") == "4:4"
    assert [sheet.cell(4, c).value for c in (1, 2, 4, 17)] == ["序号", "编号", "隐患描述", "状态"]
    assert sheet.cell(5, 1).value == 1 and sheet.cell(604, 1).value == 600
    assert sheet.cell(604, 2).value == "430626101-2026-0600"
    assert sheet.cell(605, 1).value == "合计"
