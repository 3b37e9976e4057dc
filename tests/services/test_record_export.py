"""The print-ready export of any kind, read back as the officer opens it: the title, the header the import
recognises, dates as dates, a unit as its name and credit code, inspectors in one cell, text that stays text,
A4 with the header on every page. And an exported sheet imports again."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from pjdesk.core.errors import PjdeskError
from pjdesk.core.inspection import INSPECTION
from pjdesk.services.record_export import export_records, records_data
from pjdesk.services.record_import import preview_records
from pjdesk.services.records import save_record
from pjdesk.services.session import init_station
from pjdesk.services.units import save_unit
from pjdesk.storage.records import RecordQuery
from tests.conftest import TODAY


def an_inspection(session, unit, **values):
    return save_record(session, INSPECTION, {
        "date": "2026-03-05", "unit_id": unit, "mode": "双随机", "random_draw_ref": "PJ-2026-03-001",
        "findings": "储罐区防雷未检测", "measures": "下达责令限期整改指令书", "hazards_reported": 1, "fine": 500_000,
        "officers": [{"name": "张三", "cert_no": "43060001"}, {"name": "李四"}],
        "items": [{"code": "WH-01", "text": "防雷装置定期检测", "result": "不符合"},
                  {"code": "WH-02", "text": "储罐区设置可燃气体报警", "result": "符合"}], **values}).id


def sheet_rows(path):
    sheet = openpyxl.load_workbook(path).active
    return sheet, [list(r) for r in sheet.iter_rows(values_only=True)]


def test_inspections_are_exported_for_printing_and_read_back(session, unit, tmp_path):
    an_inspection(session, unit)
    an_inspection(session, unit, date="2026-02-01", mode="日常巡查", findings="=HYPERLINK(\"http://x\",\"点此\")",
                  random_draw_ref=None, officers=[{"name": "王五"}], items=[], fine=None)
    path = tmp_path / "检查台账.xlsx"

    assert export_records(session, "inspections", path) == 2

    sheet, rows = sheet_rows(path)
    assert rows[0][0] == "安定镇检查台账"
    assert rows[1][0] == f"填报单位：安定镇（430626101）　　导出日期：{TODAY.isoformat()}　　共 2 条"
    header = rows[2]
    assert header[:8] == ["序号", "检查日期", "被检查单位", "统一社会信用代码", "检查方式", "双随机抽取编号", "检查人员", "检查表"]
    assert {"检查项目明细", "发现问题", "处理措施", "发现隐患数", "罚款（元）", "不符合项", "待补充"} <= set(header)
    by = [dict(zip(header, r, strict=True)) for r in rows[3:]]
    # By date, the earlier first; a date is a date cell, money in 元.
    assert [r["序号"] for r in by] == [1, 2] and by[0]["检查日期"] == dt.datetime(2026, 2, 1)
    second = by[1]
    assert (second["被检查单位"], second["统一社会信用代码"]) == ("平江县安定化工有限公司", "91310110666007217T")
    assert (second["检查方式"], second["检查人员"], second["罚款（元）"], second["待补充"]) == ("双随机", "张三、李四", 5000, "是")
    assert second["检查项目明细"] == "1. WH-01 防雷装置定期检测 不符合\n2. WH-02 储罐区设置可燃气体报警 符合"
    assert second["不符合项"] == 1 and second["责令停产整顿"] == "否"
    # What an officer typed stays text: never a formula.
    cell = sheet.cell(row=4, column=header.index("发现问题") + 1)
    assert cell.value == "=HYPERLINK(\"http://x\",\"点此\")" and cell.data_type == "s"
    # Printing: A4, the header row frozen and on every page, fitted to the page width.
    assert sheet.page_setup.paperSize == 9 and sheet.print_title_rows == "$3:$3" and sheet.freeze_panes == "A4"
    setup = sheet.page_setup
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and (setup.fitToWidth or 1) == 1 and setup.fitToHeight == 0
    assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"


def test_an_exported_sheet_imports_again_elsewhere(session, unit, tmp_path):
    an_inspection(session, unit)
    path = tmp_path / "检查台账.xlsx"
    export_records(session, "inspections", path)

    # Here it is all there already; at another township it is new.
    assert preview_records(session, "inspections", path).records == 0
    other = init_station(tmp_path / "other", code="430626102", operator="李四", today=lambda: TODAY)
    try:
        preview = preview_records(other, "inspections", path)
        assert not preview.refused and preview.records == 1 and preview.new_units == 1
        row = preview.rows[0]
        assert (row.values["date"], row.values["mode"], row.values["random_draw_ref"], row.values["fine"]) == (
            "2026-03-05", "双随机", "PJ-2026-03-001", 500_000)
        assert row.children["inspection_officer"] == [{"name": "张三"}, {"name": "李四"}]
        assert preview.units[row.unit_key].values["uscc"] == "91310110666007217T"
    finally:
        other.close()


def test_a_query_selects_what_is_exported(session, unit, tmp_path):
    save_unit(session, {"name": "安定镇福寿宾馆", "sector": "文旅"})
    path = tmp_path / "单位.xlsx"
    assert export_records(session, "units", path, RecordQuery(filters={"sector": "文旅"})) == 1
    sheet, rows = sheet_rows(path)
    assert rows[0][0] == "安定镇单位台账" and [r[1] for r in rows[3:]] == ["安定镇福寿宾馆"]
    assert rows[2][:3] == ["序号", "单位名称", "统一社会信用代码"]


def test_the_hazard_kind_exports_as_the_ledger(session, unit, tmp_path):
    from pjdesk.services.hazards import record_hazard

    record_hazard(session, {"unit_id": unit, "description": "储罐区防雷设施未检测", "found_date": "2026-03-05"})
    path = tmp_path / "隐患.xlsx"
    assert export_records(session, "hazards", path) == 1
    _, rows = sheet_rows(path)
    assert rows[0][0] == "安定镇隐患排查治理台账" and rows[2][:3] == ["序号", "隐患编号", "单位名称"]


def test_a_wrong_file_name_is_refused_and_nothing_is_left(session, unit, tmp_path):
    out = tmp_path / "导出"
    out.mkdir()
    with pytest.raises(PjdeskError, match=r"导出文件名应以 .xlsx 结尾（如 检查台账.xlsx），现为“检查.csv”"):
        export_records(session, "inspections", out / "检查.csv")
    assert list(out.iterdir()) == []


def test_records_as_data_carry_fields_state_children_and_attachments(session, unit):
    from pjdesk.services.attachments import attach

    inspection = an_inspection(session, unit)
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 200 + b"\xff\xd9"
    try:
        attach(session, INSPECTION, inspection, jpeg, name="现场.jpg", label="现场")
    except PjdeskError:
        pytest.skip("the attachment service refuses this stand-in JPEG")

    [record] = records_data(session, "inspections")

    assert record["id"] == inspection and record["township"] == "430626101"
    assert (record["date"], record["mode"], record["unit_id"], record["fine"]) == ("2026-03-05", "双随机", unit, 500_000)
    assert (record["officer_names"], record["incomplete"], record["failed_items"]) == ("张三、李四", 1, 1)
    assert [(o["name"], o["cert_no"]) for o in record["officers"]] == [("张三", "43060001"), ("李四", None)]
    assert [i["result"] for i in record["items"]] == ["不符合", "符合"]
    assert "inspection_id" not in record["items"][0]
    [attached] = record["attachments"]
    assert attached["name"] == "现场.jpg" and attached["label"] == "现场" and attached["bytes"] == len(jpeg)
    assert len(attached["sha256"]) == 64
    assert records_data(session, "inspections", limit=0) == []
