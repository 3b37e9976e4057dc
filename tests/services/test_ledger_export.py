"""Exporting the hazard ledger to a print-ready XLSX: what the officer sees when the file is opened (read back
with openpyxl), what prints, that the filter and sort are respected, and that a cancelled or failed export
leaves no file behind."""

import datetime as dt
import os

import openpyxl
import pytest

from pjdesk.core.errors import PjdeskError
from pjdesk.core.hazard import HazardFilter
from pjdesk.services import hazards as svc
from pjdesk.services.ledger_export import export_ledger
from pjdesk.services.session import init_station

TODAY = dt.date(2026, 11, 29)
HEADERS = ["序号", "隐患编号", "单位名称", "统一社会信用代码", "隐患描述", "隐患部位", "隐患等级", "行业领域", "隐患来源",
           "发现日期", "发现人", "整改期限", "整改责任人", "整改措施", "整改资金（元）", "整改完成日期", "复查日期", "销号日期",
           "状态", "是否逾期", "备注"]
HEADER_ROW = 3  # under the title and the line that says what was exported


@pytest.fixture
def ledger(session, unit):
    """Three hazards at three points of their life: closed after an extension, open and overdue, just found."""
    closed = svc.record_hazard(session, {
        "unit_id": unit, "description": "储罐区可燃气体报警器失效", "location": "储罐区", "source": "乡镇检查",
        "found_date": "2026-09-01", "found_by": "张三", "deadline": "2026-09-15", "resp_person": "王五",
        "measures": "更换报警探头并检定", "funds": 123456, "note": "已拍照存档"}).id
    svc.notify_rectification(session, closed, "2026-09-01")
    svc.extend_hazard(session, closed, "2026-09-10", "2026-10-10", "探头需厂家定制")
    svc.complete_rectification(session, closed, "2026-10-08")
    svc.review_hazard(session, closed, "2026-10-12", True, "张三、李四")
    svc.close_hazard(session, closed, "2026-10-13")
    overdue = svc.record_hazard(session, {
        "unit_id": unit, "description": "消防通道堵塞", "found_date": "2026-10-20", "deadline": "2026-11-05"}).id
    svc.notify_rectification(session, overdue, "2026-10-20")
    fresh = svc.record_hazard(session, {
        "unit_id": unit, "description": "=灭火器压力不足", "found_date": "2026-11-28", "deadline": "2026-12-05"}).id
    return {"closed": closed, "overdue": overdue, "fresh": fresh}


def read(path):
    sheet = openpyxl.load_workbook(path).active
    rows = [list(r) for r in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]
    return sheet, [dict(zip(HEADERS, r, strict=True)) for r in rows]


def test_the_sheet_has_a_title_a_line_on_what_was_exported_and_the_header(session, ledger, tmp_path):
    path = tmp_path / "台账.xlsx"
    assert export_ledger(session, path) == 3
    sheet, _ = read(path)
    assert sheet.title == "隐患台账"
    assert sheet["A1"].value == "安定镇隐患排查治理台账"
    assert {"A1:U1", "A2:U2"} <= {str(r) for r in sheet.merged_cells.ranges}
    subtitle = sheet["A2"].value
    assert "安定镇（430626101）" in subtitle and "筛选：全部" in subtitle and "导出日期：2026-11-29" in subtitle
    assert "共 3 条" in subtitle
    assert [c.value for c in sheet[HEADER_ROW]] == HEADERS


def test_a_known_hazard_reads_back_with_real_dates_and_money_in_yuan(session, ledger, tmp_path):
    path = tmp_path / "台账.xlsx"
    export_ledger(session, path)
    sheet, rows = read(path)
    closed = next(r for r in rows if r["隐患描述"] == "储罐区可燃气体报警器失效")
    assert closed["单位名称"] == "平江县安定化工有限公司" and closed["统一社会信用代码"] == "91310110666007217T"
    assert closed["隐患编号"] == "430626101-2026-A0001"
    assert (closed["隐患部位"], closed["隐患等级"], closed["行业领域"], closed["隐患来源"]) == ("储罐区", "一般", "危化", "乡镇检查")
    assert closed["发现日期"] == dt.datetime(2026, 9, 1)
    assert closed["整改期限"] == dt.datetime(2026, 10, 10)  # the deadline in force after the 延期
    assert (closed["整改完成日期"], closed["复查日期"], closed["销号日期"]) == (
        dt.datetime(2026, 10, 8), dt.datetime(2026, 10, 12), dt.datetime(2026, 10, 13))
    assert closed["整改资金（元）"] == pytest.approx(1234.56)
    assert (closed["整改责任人"], closed["整改措施"], closed["备注"]) == ("王五", "更换报警探头并检定", "已拍照存档")
    assert (closed["状态"], closed["是否逾期"]) == ("销号", "否")
    row = HEADER_ROW + 1 + rows.index(closed)
    assert sheet.cell(row, HEADERS.index("发现日期") + 1).number_format == "yyyy-mm-dd"
    assert sheet.cell(row, HEADERS.index("整改资金（元）") + 1).number_format == "#,##0.00"
    assert sheet.cell(row, HEADERS.index("隐患描述") + 1).alignment.wrap_text


def test_overdue_status_serial_numbers_and_text_that_looks_like_a_formula(session, ledger, tmp_path):
    path = tmp_path / "台账.xlsx"
    export_ledger(session, path)
    sheet, rows = read(path)
    assert [r["序号"] for r in rows] == [1, 2, 3]
    by_text = {r["隐患描述"]: r for r in rows}
    assert (by_text["消防通道堵塞"]["状态"], by_text["消防通道堵塞"]["是否逾期"]) == ("整改中", "是")
    assert by_text["=灭火器压力不足"]["状态"] == "发现"  # stays text, not a formula
    assert by_text["=灭火器压力不足"]["整改完成日期"] is None


def test_print_setup_a4_landscape_fit_to_width_header_repeated_and_frozen(session, ledger, tmp_path):
    path = tmp_path / "台账.xlsx"
    export_ledger(session, path)
    sheet, _ = read(path)
    setup = sheet.page_setup
    assert setup.orientation == "landscape"
    assert int(setup.paperSize) == 9  # A4 in the OOXML paper size list
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (setup.fitToWidth or 1) == 1 and setup.fitToHeight == 0  # one page wide, as many down as needed
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.freeze_panes == "A4"
    assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"


def test_the_filter_and_the_sort_are_those_of_the_ledger_page(session, ledger, tmp_path):
    path = tmp_path / "逾期.xlsx"
    assert export_ledger(session, path, HazardFilter(overdue=True)) == 1
    sheet, rows = read(path)
    assert [r["隐患描述"] for r in rows] == ["消防通道堵塞"]
    assert "筛选：逾期" in sheet["A2"].value
    export_ledger(session, path, sort=("found_date", False))
    _, rows = read(path)
    assert [r["发现日期"].date().isoformat() for r in rows] == ["2026-09-01", "2026-10-20", "2026-11-28"]
    export_ledger(session, path)  # the ledger's own order: newest first
    _, rows = read(path)
    assert rows[0]["发现日期"] == dt.datetime(2026, 11, 28)


def test_only_the_stations_own_hazards_are_exported(session, ledger, tmp_path):
    other = init_station(tmp_path / "other", code="430626102", operator="赵六", today=lambda: TODAY)
    path = tmp_path / "三市镇.xlsx"
    assert export_ledger(other, path) == 0
    sheet, rows = read(path)
    assert rows == [] and sheet["A1"].value == "三市镇隐患排查治理台账"
    assert [c.value for c in sheet[HEADER_ROW]] == HEADERS
    other.close()


def test_progress_reports_rows_written(session, ledger, tmp_path):
    seen = []
    export_ledger(session, tmp_path / "台账.xlsx", progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (3, 3)


def test_a_cancelled_export_leaves_no_file_and_keeps_an_older_one(session, ledger, tmp_path):
    path = tmp_path / "台账.xlsx"
    with pytest.raises(PjdeskError, match="已取消导出"):
        export_ledger(session, path, cancelled=lambda: True)
    assert os.listdir(tmp_path) == ["station"]  # neither the file nor a temporary one
    path.write_bytes(b"older export")
    with pytest.raises(PjdeskError, match="已取消导出"):
        export_ledger(session, path, cancelled=lambda: True)
    assert path.read_bytes() == b"older export"
    assert sorted(os.listdir(tmp_path)) == ["station", "台账.xlsx"]


def test_a_missing_folder_or_a_wrong_file_name_is_refused_in_plain_words(session, ledger, tmp_path):
    with pytest.raises(PjdeskError, match="文件夹.*不存在"):
        export_ledger(session, tmp_path / "没有这个文件夹" / "台账.xlsx")
    with pytest.raises(PjdeskError, match=r"\.xlsx 结尾"):
        export_ledger(session, tmp_path / "台账.csv")
    assert os.listdir(tmp_path) == ["station"]


def test_a_folder_without_write_permission_is_refused(session, ledger, tmp_path, monkeypatch):
    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("pjdesk.services.ledger_export.tempfile.mkstemp", refused)
    with pytest.raises(PjdeskError, match="没有权限写入文件夹.*请选择其他位置"):
        export_ledger(session, tmp_path / "台账.xlsx")


def test_a_read_only_folder_is_refused(session, ledger, tmp_path):
    locked = tmp_path / "只读"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as root: a read-only folder is still writable")
        with pytest.raises(PjdeskError, match="没有权限写入文件夹"):
            export_ledger(session, locked / "台账.xlsx")
        assert os.listdir(locked) == []
    finally:
        locked.chmod(0o755)


def test_a_target_open_in_excel_is_named_and_left_as_it_was(session, ledger, tmp_path, monkeypatch):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(b"open in Excel")

    def locked(source, target):  # what Windows says when Excel holds the file
        raise PermissionError(13, "Permission denied", str(target))

    monkeypatch.setattr("pjdesk.services.ledger_export.os.replace", locked)
    with pytest.raises(PjdeskError, match="正被其他程序（如 Excel、WPS）打开"):
        export_ledger(session, path)
    assert path.read_bytes() == b"open in Excel"
    assert sorted(os.listdir(tmp_path)) == ["station", "台账.xlsx"]


def test_an_exported_ledger_imports_again_into_another_station(session, ledger, tmp_path):
    from pjdesk.services.ledger_import import apply_import, preview_import

    path = tmp_path / "台账.xlsx"
    export_ledger(session, path)
    other = init_station(tmp_path / "other", code="430626101", operator="李四", today=lambda: TODAY)
    preview = preview_import(other, path)
    assert not preview.refused and not preview.missing
    apply_import(other, preview)
    fields = ("description", "location", "level", "sector", "source", "found_date", "found_by", "resp_person",
              "measures", "funds", "note", "rectified_date", "review_date", "closed_date")

    def ledger_of(s):
        return {r["description"]: r for r in s.store._rows(
            "SELECT h.*, u.name AS unit_name, u.uscc AS unit_uscc FROM hazard h JOIN unit u ON u.id = h.unit_id")}

    before, after = ledger_of(session), ledger_of(other)
    assert set(before) == set(after)
    for text, hazard in before.items():
        again = after[text]
        assert {k: again[k] for k in fields} == {k: hazard[k] for k in fields}, text
        assert again["deadline"] == hazard["due_date"]  # the deadline in force becomes the deadline
        assert (again["unit_name"], again["unit_uscc"]) == (hazard["unit_name"], hazard["unit_uscc"])
    assert after["储罐区可燃气体报警器失效"]["status"] == "销号"
    other.close()


def test_a_cancel_after_the_first_rows_are_written_leaves_no_file(session, ledger, tmp_path, monkeypatch):
    monkeypatch.setattr("pjdesk.services.ledger_export.PAGE_ROWS", 1)
    asked, seen = [], []

    def cancelled():
        asked.append(1)
        return len(asked) > 1  # the officer cancels once the first row is in the file

    path = tmp_path / "台账.xlsx"
    with pytest.raises(PjdeskError, match="已取消导出"):
        export_ledger(session, path, progress=lambda done, total: seen.append((done, total)), cancelled=cancelled)
    assert seen == [(1, 3)]
    assert os.listdir(tmp_path) == ["station"]


def test_progress_follows_each_batch_to_the_end(session, ledger, tmp_path, monkeypatch):
    monkeypatch.setattr("pjdesk.services.ledger_export.PAGE_ROWS", 2)
    seen = []
    assert export_ledger(session, tmp_path / "台账.xlsx", progress=lambda done, total: seen.append((done, total))) == 3
    assert seen == [(2, 3), (3, 3)]
    _, rows = read(tmp_path / "台账.xlsx")
    assert [r["序号"] for r in rows] == [1, 2, 3]


def test_more_hazards_than_a_sheet_holds_are_refused_in_plain_words(session, ledger, tmp_path, monkeypatch):
    monkeypatch.setattr("pjdesk.services.ledger_export.MAX_ROWS", 5)  # the title, the subtitle, the header and 2
    with pytest.raises(PjdeskError, match="超过 Excel 一张表最多能容纳的 5 行.*请先筛选"):
        export_ledger(session, tmp_path / "台账.xlsx")
    assert os.listdir(tmp_path) == ["station"]
    assert export_ledger(session, tmp_path / "逾期.xlsx", HazardFilter(overdue=True)) == 1


def test_control_characters_in_a_unit_name_do_not_corrupt_the_file(session, tmp_path):
    from pjdesk.services.units import save_unit

    unit = save_unit(session, {"name": "平江县安定\x01化工有限公司", "sector": "危化"}).id  # kept as typed
    svc.record_hazard(session, {"unit_id": unit, "description": "配电箱\x0b未接地 & <漏电>", "found_date": "2026-11-20"})
    path = tmp_path / "台账.xlsx"
    assert export_ledger(session, path) == 1
    _, [row] = read(path)
    assert (row["单位名称"], row["隐患描述"]) == ("平江县安定化工有限公司", "配电箱未接地 & <漏电>")
