"""Declarations and the values both renderers print: ratios, 合计, rounding, and mistakes refused early."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from pjdesk.forms import (
    FORMS,
    INT,
    LEDGER,
    MONEY,
    PERCENT,
    TABLE2,
    TABLE3,
    YUAN,
    Column,
    FilledForm,
    FormSpec,
    Ratio,
)
from pjdesk.forms.table import build_table, format_value

from .conftest import HEADER, SECTOR_ROWS


def texts(cells) -> list[str]:
    return [cell.text for cell in cells]


def test_registry_holds_the_forms_by_code():
    assert set(FORMS) == {"表1", "表2", "表3", "表4", "表5", "表6", "表7", "表8", "表9", "台账"}
    assert FORMS["表2"] is TABLE2 and FORMS["表3"] is TABLE3 and FORMS["台账"] is LEDGER
    assert all(spec.orientation == "landscape" for spec in FORMS.values())


def test_total_row_sums_counts_and_divides_ratios(table2):
    table = build_table(table2)
    assert texts(table.body[0]) == ["危化", "5", "4", "40", "37", "92.5%", "3", "1", "2", "1", "100.0%", "0", "1", "1.25"]
    assert texts(table.total) == ["合计", "8", "5", "48", "39", "81.3%", "9", "1", "4", "1", "33.3%", "2", "2", "1.37"]
    assert table.total[5].value == pytest.approx(0.8125)


def test_a_total_the_service_gives_wins_and_ratios_follow_it(table2):
    counted = replace(table2, total={"general_found_ytd": 50})  # e.g. a figure that does not add up
    total = build_table(counted).total
    assert texts(total)[3] == "50" and texts(total)[5] == "78.0%"


@pytest.mark.parametrize(("value", "shown"), [
    (0.925, "92.5%"), (0.0625, "6.3%"), (0.8125, "81.3%"), (1, "100.0%"), (0, "0.0%"), (None, "—"), ("—", "—"),
])
def test_percent_rounds_half_up_like_a_spreadsheet(value, shown):
    assert format_value(Column("r", "率", PERCENT), value).text == shown


@pytest.mark.parametrize(("fen", "unit", "shown", "stored"), [
    (123_450, "元", "1,234.50", 1234.5), (12_345_050, "元", "123,450.50", 123450.5),
    (1_250_000, "万元", "1.25", 1.25), (5_000, "万元", "0.01", 0.005), (0, "万元", "0.00", 0.0),
])
def test_money_is_integer_fen_printed_in_the_column_unit(fen, unit, shown, stored):
    cell = format_value(Column("m", "资金", MONEY, unit=unit), fen)
    assert (cell.text, cell.value) == (shown, pytest.approx(stored))


def test_dates_print_iso_and_free_text_as_written():
    column = Column("d", "日期", "date")
    assert format_value(column, "2026-04-05").value == dt.date(2026, 4, 5)
    assert format_value(column, dt.date(2026, 4, 5)).text == "2026-04-05"
    assert format_value(column, "长期").text == "长期"


def test_list_form_numbers_its_rows_and_labels_total_in_the_serial_column(ledger):
    table = build_table(ledger)
    assert [c.label for c in table.columns[:3]] == ["序号", "编号", "单位名称"]
    assert [row[0].text for row in table.body[:3]] == ["1", "2", "3"]
    assert table.total[0].text == "合计" and table.total[11].text == "180,300.00"  # Σ n × 100 分 for n ≤ 600


def test_group_headers_merge_adjacent_columns_and_lone_headers_span_both_rows():
    table = build_table(FilledForm(TABLE2, period_label="2026年11月", rows=[], **HEADER))
    spans = {(c.text, c.row): (c.col, c.rowspan, c.colspan) for c in table.header}
    assert table.header_rows == 2
    assert spans[("行业领域", 0)] == (0, 2, 1)
    assert spans[("一般隐患", 0)] == (1, 1, 6) and spans[("重大隐患", 0)] == (7, 1, 6)
    assert spans[("治理资金（万元）", 0)] == (13, 2, 1)
    assert texts(table.total)[1:6] == ["0", "0", "0", "0", "—"]


def test_a_figure_no_row_has_is_refused_by_name_and_extra_keys_are_ignored():
    misspelt = [{("general_fixd" if k == "general_fixed" else k): v for k, v in row.items()} for row in SECTOR_ROWS]
    with pytest.raises(ValueError, match=r"表2 的行缺少栏目：本月整改（general_fixed）"):
        FilledForm(TABLE2, period_label="2026年11月", rows=misspelt, **HEADER)
    without_part = [{k: v for k, v in row.items() if k != "major_due"} for row in SECTOR_ROWS]
    with pytest.raises(ValueError, match=r"按期销号率的分母（major_due）"):
        FilledForm(TABLE2, period_label="2026年11月", rows=without_part, **HEADER)
    whole_records = [dict(row, id="0190-…", township="430626101") for row in SECTOR_ROWS]
    table = build_table(FilledForm(TABLE2, period_label="2026年11月", rows=whole_records, **HEADER))
    assert texts(table.body[0])[:6] == ["危化", "5", "4", "40", "37", "92.5%"]


def test_declaration_mistakes_are_refused():
    with pytest.raises(ValueError, match="金额栏须注明单位"):
        Column("funds", "资金", MONEY)
    with pytest.raises(ValueError, match="只有百分比栏"):
        Column("n", "数", INT, ratio=Ratio("a", "b"))
    with pytest.raises(ValueError, match="栏目代码重复"):
        FormSpec("表9", "测试", "month", "portrait", (Column("a", "甲"), Column("a", "乙")))
    with pytest.raises(ValueError, match="纸张方向"):
        FormSpec("表9", "测试", "month", "sideways", (Column("a", "甲"),))
    assert Column("f", "资金（元）", MONEY, unit=YUAN).summed


def test_a_column_left_out_of_the_total_prints_only_what_the_service_gives():
    spec = FormSpec("表9", "测试表", "month", "portrait", (
        Column("units", "排查单位数", INT, in_total=False),  # a unit met in two sectors counts once
        Column("found", "查出", INT),
        Column("fixed", "整改", INT),
        Column("rate", "整改率", PERCENT, ratio=Ratio("fixed", "found")),
    ), row_label="行业领域")
    rows = [dict(label="危化", units=3, found=4, fixed=4), dict(label="燃气", units=2, found=0, fixed=0)]
    assert texts(build_table(FilledForm(spec, period_label="2026年11月", rows=rows, **HEADER)).total) == [
        "合计", "", "4", "4", "100.0%"]
    given = FilledForm(spec, period_label="2026年11月", rows=rows, total={"units": 4}, **HEADER)
    assert texts(build_table(given).total)[1] == "4"
