"""Importing an existing township ledger from Excel: what the officer sees in the preview, what ends up in the
ledger, and that bad input is refused with a message and leaves nothing behind.

Every workbook is built here, at test time, the way real township templates look: a merged title row, a
two-row header, a 序号 column, dates as Excel date cells and as text, and a footer under the table.
"""

import datetime as dt
import io
import re
import subprocess
import sys
import time

import openpyxl
import pytest
import xlsxwriter
import xlwt
from msoffcrypto.format.ooxml import OOXMLFile

from pjdesk.core.errors import PjdeskError
from pjdesk.core.hazard import HazardFilter
from pjdesk.services import hazards as svc
from pjdesk.services.excel_file import PASSWORD_MESSAGE
from pjdesk.services.ledger_import import (
    TARGETS,
    apply_import,
    column_letter,
    header_key,
    import_ledger,
    preview_import,
    target_for_header,
)
from pjdesk.services.units import save_unit
from tests.services import spreadsheet_files as files

TODAY = dt.date(2026, 11, 29)  # as the conftest's session has it
APRIL_30_SERIAL = (dt.date(2026, 4, 30) - dt.date(1899, 12, 30)).days  # a date cell left in General format
GOOD_CODE, PILOT_CODE = "91310110666007217T", "91350211M00013FA1N"  # valid; fails its check digit (computed 3)

# The template: 序号, unit, hazard columns, then 整改情况 over four children, then 备注.
PARENTS = ["序号", "单位名称", "统一社会信用代码", "行业", "隐患描述", "隐患部位", "隐患等级", "发现日期", "整改期限",
           "整改责任人", "整改措施", "整改资金（元）", "整改情况", None, None, None, "备注"]
CHILDREN = ["完成日期", "复查人", "复查日期", "销号日期"]
KEYS = ["序号", "单位", "代码", "行业", "描述", "部位", "等级", "发现", "期限", "责任人", "措施", "资金", "完成", "复查人",
        "复查", "销号", "备注"]
TITLE = "安定镇隐患排查治理台账"
FOOTER = ["填表人：张三", None, None, None, "审核人：李四", None, None, "填报日期：2026年11月29日"]


def record(n, **values):
    """One ledger row, by short column names (单位, 描述, 发现 …)."""
    row = {"序号": n, **values}
    unknown = set(row) - set(KEYS)
    assert not unknown, unknown
    return [row.get(k) for k in KEYS]


def write_ledger(path, rows, *, footer=True, sheet="隐患台账", extra_sheets=()):
    """A workbook as township officers keep them: title merged over the table, a two-row header whose
    整改情况 spans its four children, the other headings merged down both rows, a footer."""
    wb = openpyxl.Workbook()
    for name, content in extra_sheets:
        extra = wb.create_sheet(name)
        for line in content:
            extra.append(line)
    ws = wb.active
    ws.title = sheet
    ws.append([TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(PARENTS))
    ws.append(PARENTS)
    ws.append([None] * 12 + CHILDREN + [None])
    for col in [*range(1, 13), 17]:
        ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
    ws.merge_cells(start_row=2, start_column=13, end_row=2, end_column=16)
    for row in rows:
        ws.append(row)
    if footer:
        ws.append([])
        ws.append(FOOTER)
    wb.save(path)
    return path


def plain_workbook(path, lines):
    wb = openpyxl.Workbook()
    for line in lines:
        wb.active.append(line)
    wb.save(path)
    return path


def counts(session):
    db = session.store.db
    return {table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("unit", "hazard", "hazard_event", "change_log")}


def ledger_rows(session):
    """The ledger as the officer's list shows it, by description."""
    return {h["description"]: h for h in svc.list_hazards(session, HazardFilter(), limit=1000)}


def reasons(issues):
    return {row: reason for row, reason in issues}


def warnings_of(preview, row):
    return [w.reason for w in preview.warnings if w.row == row]


# --- a real ledger, end to end ------------------------------------------------------------------------

GOOD_ROWS = [
    record(1, 单位="平江县安定化工有限公司", 代码=GOOD_CODE, 行业="危险化学品", 描述="储罐区防雷设施未检测", 部位="储罐区",
           等级="一般隐患", 发现=dt.date(2026, 3, 5), 期限="2026/3/20", 责任人="王五", 措施="委托检测", 资金="1.5万",
           完成="2026.3.18", 复查人="李四", 复查="2026年3月19日", 销号=20260320),
    record(2, 单位="安定镇便民超市", 行业="人员密集场所", 描述="安全出口堵塞", 等级="一般", 发现="2026-03-05", 期限="立即整改",
           完成=dt.datetime(2026, 3, 5, 16, 30), 资金="2,000"),
    record(3, 单位="安定镇便民超市", 描述="灭火器过期", 等级="一般", 发现="2026/3/5", 完成="2026-03-10", 复查人="李四",
           复查="2026-03-12", 资金="800元"),
    record(4, 单位="湘北烟花爆竹厂", 行业="烟花爆竹", 描述="药物总库超量储存", 部位="药物总库", 等级="重大事故隐患",
           发现="2026.3.5", 期限=APRIL_30_SERIAL, 责任人="赵六", 备注="县应急局交办"),
    record(5, 单位="湘北烟花爆竹厂", 描述="防静电设施失效", 等级="重大隐患", 发现="2026年3月5日", 销号="2026-06-01"),
    record(6, 单位="安定镇福寿宾馆", 行业="其他", 描述="疏散指示标志损坏", 等级="重大", 发现="20260305"),
]


def test_a_real_ledger_is_imported_with_its_lifecycle(session):
    path = write_ledger(session.data_dir / "安定镇台账.xlsx", GOOD_ROWS)
    before = counts(session)

    preview = preview_import(session, path)

    assert preview.sheet == "隐患台账" and preview.header_rows == (2, 3)
    assert not preview.refused and not preview.missing
    assert (preview.hazards, preview.new_units, preview.matched_units) == (6, 4, 0)
    assert [s.row for s in preview.skipped] == [11]  # the footer; the blank row above it is not mentioned
    assert counts(session) == before  # a preview writes nothing

    result = apply_import(session, preview)

    after = counts(session)
    assert after["hazard"] - before["hazard"] == 6 and after["unit"] - before["unit"] == 4
    assert after["hazard_event"] - before["hazard_event"] == len(result.event_ids) == preview.events
    rows = ledger_rows(session)
    assert {d: h["status"] for d, h in rows.items()} == {
        "储罐区防雷设施未检测": "销号", "安全出口堵塞": "已整改待复查", "灭火器过期": "复查合格",
        "药物总库超量储存": "发现", "防静电设施失效": "销号", "疏散指示标志损坏": "发现",
    }
    # Every written form of 5 March 2026 is the same day.
    assert {h["found_date"] for h in rows.values()} == {"2026-03-05"}
    first = rows["储罐区防雷设施未检测"]
    assert (first["level"], first["sector"], first["deadline"], first["funds"]) == ("一般", "危化", "2026-03-20", 1_500_000)
    assert (first["rectified_date"], first["review_date"], first["closed_date"]) == ("2026-03-18", "2026-03-19", "2026-03-20")
    assert rows["安全出口堵塞"]["deadline"] == "2026-03-05"  # 立即整改: the day it was found
    assert rows["安全出口堵塞"]["funds"] == 200_000 and rows["灭火器过期"]["funds"] == 80_000
    assert rows["药物总库超量储存"]["deadline"] == "2026-04-30"


def test_the_lifecycle_events_carry_the_ledger_dates_and_the_reviewer(session):
    path = write_ledger(session.data_dir / "台账.xlsx", GOOD_ROWS[:1])
    result = import_ledger(session, path)

    detail = svc.hazard_detail(session, result.hazard_ids[0])
    assert [(e["kind"], e["date"], e["result"], e["actor"]) for e in detail["events"]] == [
        ("整改完成", "2026-03-18", None, None), ("复查", "2026-03-19", "合格", "李四"), ("销号", "2026-03-20", None, None)]
    assert detail["state"].status == "销号" and not detail["overdue"]
    assert detail["unit"]["name"] == "平江县安定化工有限公司" and detail["unit"]["uscc"] == GOOD_CODE


def test_levels_are_normalised_and_major_rows_without_their_items_are_marked_to_complete(session):
    preview = preview_import(session, write_ledger(session.data_dir / "台账.xlsx", GOOD_ROWS))
    # Rows 7, 8, 9 are 重大 in three spellings; none has its 判定依据 or all five 落实 items.
    assert "重大隐患待补充：判定依据、措施、资金、预案，已导入并标为待补充" in warnings_of(preview, 7)
    assert "重大隐患待补充：判定依据、责任、措施、资金、时限、预案，已导入并标为待补充" in warnings_of(preview, 9)

    apply_import(session, preview)

    rows = ledger_rows(session)
    assert {d: (h["level"], h["incomplete"]) for d, h in rows.items()} == {
        "储罐区防雷设施未检测": ("一般", 0), "安全出口堵塞": ("一般", 0), "灭火器过期": ("一般", 0),
        "药物总库超量储存": ("重大", 1), "防静电设施失效": ("重大", 1), "疏散指示标志损坏": ("重大", 1),
    }
    assert svc.count_hazards(session, HazardFilter(incomplete=True)) == 3


def test_a_close_date_without_review_fills_the_missing_steps_and_says_so(session):
    preview = preview_import(session, write_ledger(session.data_dir / "台账.xlsx", GOOD_ROWS))
    assert "有销号日期但未填整改完成日期、复查日期，已按销号日期补记整改完成、复查（合格）" in warnings_of(preview, 8)

    result = apply_import(session, preview)

    hazard_id = next(h for h, r in zip(result.hazard_ids, preview.rows, strict=True) if r.row == 8)
    events = svc.hazard_detail(session, hazard_id)["events"]
    assert [(e["kind"], e["date"], e["result"], e["note"]) for e in events] == [
        ("整改完成", "2026-06-01", None, "导入自原台账，未载明整改完成日期"),
        ("复查", "2026-06-01", "合格", "导入自原台账，未载明复查日期"),
        ("销号", "2026-06-01", None, "导入自原台账"),
    ]


def test_a_backup_is_made_before_writing(session):
    result = import_ledger(session, write_ledger(session.data_dir / "台账.xlsx", GOOD_ROWS))
    assert result.backup.exists() and result.backup.parent == session.data_dir / "backups"
    assert "before-import" in result.backup.name


def test_progress_is_reported_to_the_end(session):
    seen = []
    result = import_ledger(session, write_ledger(session.data_dir / "台账.xlsx", GOOD_ROWS),
                           progress=lambda done, total: seen.append((done, total)))
    total = len(result.unit_ids) + 2 * len(result.hazard_ids) + len(result.event_ids)
    assert seen[0] == (0, total) and seen[-1] == (total, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and len(seen) >= 4


# --- units: matched by credit code, else by exact name, else created ----------------------------------


def test_units_are_matched_by_code_then_by_name_else_created_once(session, unit):
    shop = save_unit(session, {"name": "安定镇便民超市", "sector": "人员密集场所"}).id
    rows = [
        # The registered code under another spelling of the name: the code decides.
        record(1, 单位="安定化工公司", 代码=GOOD_CODE, 描述="泄漏报警仪失灵", 发现="2026-05-01"),
        record(2, 单位=" 安定镇便民超市 ", 描述="电线私拉乱接", 发现="2026-05-02"),
        record(3, 单位="安定镇新开宾馆", 描述="消防通道堆放杂物", 发现="2026-05-03"),
        record(4, 单位="安定镇新开宾馆", 描述="应急照明损坏", 发现="2026-05-04"),
    ]
    before = counts(session)

    preview = preview_import(session, write_ledger(session.data_dir / "台账.xlsx", rows))

    assert (preview.matched_units, preview.new_units) == (2, 1)
    assert warnings_of(preview, 4) == [
        "单位名称“安定化工公司”与信用代码 91310110666007217T 对应的“平江县安定化工有限公司”不同，已按信用代码归入“平江县安定化工有限公司”"]
    apply_import(session, preview)
    assert counts(session)["unit"] == before["unit"] + 1
    by_description = {d: h["unit_id"] for d, h in ledger_rows(session).items()}
    assert by_description["泄漏报警仪失灵"] == unit and by_description["电线私拉乱接"] == shop
    assert by_description["消防通道堆放杂物"] == by_description["应急照明损坏"] not in (unit, shop)


def test_a_failing_check_digit_is_warned_and_the_unit_keeps_the_code_with_the_reason(session):
    rows = [record(1, 单位="厦门试点企业", 代码=PILOT_CODE, 描述="配电箱未接地", 发现="2026-05-01")]
    preview = preview_import(session, write_ledger(session.data_dir / "台账.xlsx", rows))

    assert not preview.refused
    assert warnings_of(preview, 4) == [
        f"统一社会信用代码 {PILOT_CODE} 校验位不符（应为 3），已按原台账录入并记录原因，请核对营业执照"]
    result = apply_import(session, preview)
    unit = session.store.get(svc.UNIT, result.unit_ids[0])
    assert unit["uscc"] == PILOT_CODE
    assert unit["uscc_note"] == "导入时校验位不符（应为 3），按原台账录入"


def test_a_malformed_code_is_dropped_and_kept_in_the_unit_note(session):
    rows = [record(1, 单位="某某五金店", 代码="9143062612345", 描述="货架倾斜", 发现="2026-05-01")]
    preview = preview_import(session, write_ledger(session.data_dir / "台账.xlsx", rows))

    [warning] = warnings_of(preview, 4)
    assert "统一社会信用代码应为 18 位，现为 13 位" in warning and "代码未导入" in warning
    result = apply_import(session, preview)
    unit = session.store.get(svc.UNIT, result.unit_ids[0])
    assert unit["uscc"] is None and "9143062612345" in unit["note"]


# --- rows that are wrong are refused; the rest is not written either ---------------------------------


def test_wrong_rows_are_listed_with_their_sheet_row_and_nothing_is_written(session, unit):
    rows = [
        record(1, 单位="甲公司", 描述="灭火器压力不足", 发现="2026-03-05"),
        record(2, 单位="乙公司", 描述="安全出口堵塞", 发现="2026-13-01"),
        record(3, 单位="丙公司", 发现="2026-03-05", 部位="仓库"),
        record(4, 单位="丁公司", 描述="电线老化", 发现="2026-03-05", 完成="2026-03-01"),
        record(5, 单位="戊公司", 描述="防护栏缺失", 发现="2026-03-05", 复查="2026-03-20", 销号="2026-03-10"),
        record(6, 单位="己公司", 描述="配电房漏水", 发现="2027-01-05"),
        record(7, 单位="庚公司", 描述="叉车无证驾驶", 发现="2026-03-05", 期限="2026-03-01"),
        record(8, 单位="辛公司", 描述="楼梯扶手松动", 发现="上个月"),
        record(9, 单位="壬公司", 描述="未设警示标志", 发现="2026-03-05", 等级="较大"),
        record(10, 描述="无人认领的隐患", 发现="2026-03-05"),
        record(11, 单位="癸公司", 描述="围挡倒塌", 发现="2026-11-01", 完成="2026-12-01"),
    ]
    path = write_ledger(session.data_dir / "台账.xlsx", rows)
    before = counts(session)

    preview = preview_import(session, path)

    assert reasons(preview.refused) == {
        5: "发现日期“2026-13-01”不是有效日期（2026 年 13 月没有 1 日）",
        6: "未填隐患描述",
        7: "整改完成日期（2026-03-01）早于发现日期（2026-03-05）",
        8: "销号日期（2026-03-10）早于复查日期（2026-03-20）",
        9: "发现日期不能晚于今天",
        10: "整改期限不能早于发现日期",
        11: "发现日期“上个月”不是日期，请写成 2026-03-05 或 2026年3月5日",
        12: "隐患等级“较大”无法识别，应为“一般”或“重大”",
        13: "未填单位名称",
        14: "整改完成日期不能晚于今天",
    }
    assert [r.row for r in preview.rows] == [4]
    assert not preview.can_apply
    assert preview.refused[0].text == "第 5 行：发现日期“2026-13-01”不是有效日期（2026 年 13 月没有 1 日）"
    with pytest.raises(PjdeskError) as e:
        apply_import(session, preview)
    assert "有 10 行不能导入，未写入任何数据" in str(e.value) and "第 6 行：未填隐患描述" in str(e.value)
    with pytest.raises(PjdeskError, match="第 13 行：未填单位名称"):
        import_ledger(session, path)
    assert counts(session) == before
    assert not (session.data_dir / "backups").exists() or not list((session.data_dir / "backups").glob("*import*"))


def test_a_dry_run_returns_the_problems_without_raising_or_writing(session):
    rows = [record(1, 单位="甲公司", 描述="灭火器压力不足", 发现="2026-03-05"),
            record(2, 单位="乙公司", 描述="安全出口堵塞", 发现="2026-02-30")]
    before = counts(session)
    result = import_ledger(session, write_ledger(session.data_dir / "台账.xlsx", rows), dry_run=True)
    assert not result.written and result.hazard_ids == ()
    assert [i.text for i in result.preview.refused] == ["第 5 行：发现日期“2026-02-30”不是有效日期（2026 年 2 月没有 30 日）"]
    assert counts(session) == before


# --- warnings: taken, but the officer is told --------------------------------------------------------


def test_values_that_cannot_be_read_are_left_out_with_a_warning_and_kept_in_the_note(session):
    rows = [record(1, 单位="甲公司", 行业="农业", 描述="农药仓库无通风", 发现="2026-03-05", 资金="自筹", 备注="原编号 12")]
    preview = preview_import(session, write_ledger(session.data_dir / "台账.xlsx", rows))
    warnings = [w.reason for w in preview.warnings]
    assert "行业领域“农业”不在可选项中，已留空（原文已记入备注）" in warnings
    assert "整改资金（元）“自筹”不是金额，未导入该项（原文已记入备注）" in warnings

    apply_import(session, preview)

    hazard = session.store.get(svc.HAZARD, ledger_rows(session)["农药仓库无通风"]["id"])
    assert hazard["funds"] is None and hazard["sector"] == "其他"  # the new unit's sector, 其他 by default
    assert hazard["note"] == "原编号 12；行业领域：农业；整改资金（元）：自筹"


@pytest.mark.parametrize(("said", "status"), [
    ("已整改", "已整改待复查"), ("整改完成", "已整改待复查"), ("整改中", "整改中"), ("正在整改", "整改中"),
    ("已复查", "复查合格"), ("已销号", "销号"), ("已闭环", "销号"), ("已整改，未销号", "已整改待复查"),
    ("未整改", "发现"), ("未销号", "发现"),
])
def test_a_progress_word_without_a_date_sets_the_state_it_says_and_asks_for_the_dates(session, said, status):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["单位名称", "隐患描述", "发现日期", "整改情况"])
    ws.append(["甲公司", "灭火器压力不足", "2026-03-05", said])
    path = session.data_dir / "台账.xlsx"
    wb.save(path)

    preview = preview_import(session, path)
    expected = [] if status == "发现" else [
        f"第 2 行：整改情况为“{said}”但未填日期，已按发现日期（2026-03-05）记为“{status}”，请核对并补录实际日期"]
    assert [w.text for w in preview.warnings] == expected
    apply_import(session, preview)
    assert ledger_rows(session)["灭火器压力不足"]["status"] == status


def test_importing_the_same_ledger_twice_does_not_double_it(session):
    path = write_ledger(session.data_dir / "台账.xlsx", GOOD_ROWS)
    import_ledger(session, path)
    before = counts(session)

    preview = preview_import(session, path)

    assert preview.hazards == 0 and len([s for s in preview.skipped if "不重复导入" in s.reason]) == 6
    assert "与已登记的隐患 430626101-2026-" in preview.skipped[0].reason
    with pytest.raises(PjdeskError, match="没有新的隐患记录可导入"):
        apply_import(session, preview)
    assert counts(session) == before


# --- the shapes real sheets come in ------------------------------------------------------------------


def test_an_xls_saved_by_wps_or_old_excel_is_read(session):
    book = xlwt.Workbook()
    ws = book.add_sheet("台账")
    ws.write_merge(0, 0, 0, 5, "三市镇隐患排查治理台账")
    for c, name in enumerate(["序号", "企业名称", "存在问题", "隐患级别", "排查日期", "限改日期"]):
        ws.write(1, c, name)
    date = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    ws.write(2, 0, 1)
    ws.write(2, 1, "三市镇砖厂")
    ws.write(2, 2, "皮带机无防护罩")
    ws.write(2, 3, "一般隐患")
    ws.write(2, 4, dt.date(2026, 4, 2), date)
    ws.write(2, 5, "2026.4.10")
    ws.write(4, 0, "制表人：王五")
    path = session.data_dir / "三市镇.xls"
    book.save(str(path))

    result = import_ledger(session, path)

    assert result.preview.header_rows == (2,)
    row = ledger_rows(session)["皮带机无防护罩"]
    assert (row["unit_name"], row["level"], row["found_date"], row["deadline"]) == ("三市镇砖厂", "一般", "2026-04-02", "2026-04-10")


def test_unit_names_merged_down_several_rows_and_group_titles(session):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "单位名称", "隐患内容", "检查日期", "整改时限"])
    ws.append(["一、危化企业"])
    ws.merge_cells("A2:E2")
    ws.append([1, "安定油库", "消防沙不足", dt.date(2026, 2, 1), dt.date(2026, 2, 5)])
    ws.append([2, None, "静电接地断开", dt.date(2026, 2, 1), dt.date(2026, 2, 5)])
    ws.merge_cells("B3:B4")
    path = session.data_dir / "合并.xlsx"
    wb.save(path)

    preview = preview_import(session, path)

    assert [s.text for s in preview.skipped] == ["第 2 行：分组标题“一、危化企业”，不是隐患记录，已跳过"]
    assert not preview.refused and preview.new_units == 1
    apply_import(session, preview)
    assert {h["unit_name"] for h in ledger_rows(session).values()} == {"安定油库"}


def test_column_numbers_under_the_header_and_placeholder_cells(session):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "单位\n名称", "存在问题", "隐患\n等级", "发现时间：", "整改完成日期", "整改资金(元)"])
    ws.append([1, 2, 3, 4, 5, 6, 7])  # printed templates number their columns
    ws.append([1, "甲公司", "灭火器压力不足", "一般", "2026-03-05", "/", "无"])
    ws.append([2, None, None, None, None, None, None])  # a pre-numbered empty line
    path = session.data_dir / "编号.xlsx"
    wb.save(path)

    preview = preview_import(session, path)

    assert [s.text for s in preview.skipped] == ["第 2 行：表头下的列序号行，已跳过"]
    assert not preview.refused and not preview.warnings
    assert [(r.row, r.events, r.hazard.get("funds")) for r in preview.rows] == [(3, [], None)]


def test_the_ledger_sheet_is_found_among_others(session):
    path = write_ledger(session.data_dir / "台账.xlsx", GOOD_ROWS[:2], sheet="2026年",
                        extra_sheets=[("填表说明", [["填表说明"], ["1. 发现日期按 2026-03-05 填写"]])])
    preview = preview_import(session, path)
    assert preview.sheet == "2026年" and set(preview.sheet_names) == {"2026年", "填表说明"}
    with pytest.raises(PjdeskError, match="没有找到台账表头"):
        preview_import(session, path, sheet="填表说明")
    with pytest.raises(PjdeskError, match="没有名为“2025年”的工作表"):
        preview_import(session, path, sheet="2025年")


def test_header_text_is_compared_loosely():
    assert header_key(" 隐患\n描述 ") == "隐患描述"
    assert target_for_header("整改资金（元）") == target_for_header("整改资金(元)") == "hazard.funds"
    assert target_for_header("*发现日期：") == "hazard.found_date"
    assert target_for_header("整改资金（万元）") == "hazard.funds"
    assert target_for_header("隐患问题") == "hazard.description"
    assert target_for_header("检查单位") == "unit.name"
    assert target_for_header("姓名") is None
    assert column_letter(0) == "A" and column_letter(25) == "Z" and column_letter(26) == "AA"


def test_every_declared_header_name_leads_to_its_own_field():
    """No header name is declared for two fields (the first would silently win)."""
    wrong = [(t.key, name, target_for_header(name)) for t in TARGETS for name in t.names
             if target_for_header(name) != t.key]
    assert wrong == []


def test_funds_in_wan_yuan_follow_the_header(session):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["单位名称", "隐患描述", "发现日期", "整改资金（万元）"])
    ws.append(["甲公司", "更换防爆电机", "2026-03-05", 1.2])
    ws.append(["甲公司", "增设气体报警仪", "2026-03-05", "3000元"])
    path = session.data_dir / "万元.xlsx"
    wb.save(path)
    import_ledger(session, path)
    rows = ledger_rows(session)
    assert rows["更换防爆电机"]["funds"] == 1_200_000 and rows["增设气体报警仪"]["funds"] == 300_000


# --- mapping columns by hand -------------------------------------------------------------------------


def test_an_unrecognised_column_can_be_mapped_by_hand(session):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "单位名称", "具体问题", "发现日期", "整改期限", "隐患编号"])
    ws.append([1, "甲公司", "脚手架连墙件缺失", "2026-03-05", "2026-03-12", "AD-2026-007"])
    path = session.data_dir / "手工.xlsx"
    wb.save(path)

    preview = preview_import(session, path)

    assert preview.missing == ("隐患描述",)
    assert [(c.letter, c.header) for c in preview.unmapped] == [("C", "具体问题"), ("F", "隐患编号")]
    assert preview.unmapped[0].sample == ("脚手架连墙件缺失",)
    with pytest.raises(PjdeskError, match="表中没有找到“隐患描述”列"):
        apply_import(session, preview)

    preview = preview_import(session, path, mapping={2: "hazard.description", 5: "hazard.note"})

    assert preview.mapping[2] == "hazard.description" and not preview.missing
    apply_import(session, preview)
    assert ledger_rows(session)["脚手架连墙件缺失"]["deadline"] == "2026-03-12"
    hazard = session.store.get(svc.HAZARD, ledger_rows(session)["脚手架连墙件缺失"]["id"])
    assert hazard["note"] == "隐患编号：AD-2026-007"


def test_mapping_one_field_to_two_columns_is_refused(session):
    path = write_ledger(session.data_dir / "台账.xlsx", GOOD_ROWS[:1])
    with pytest.raises(PjdeskError, match="“隐患描述”对应了两列（E 列和 F 列），请只保留一列"):
        preview_import(session, path, mapping={4: "hazard.description", 5: "hazard.description"})
    # Choosing a field for another column takes it from the column it was detected in.
    preview = preview_import(session, path, mapping={5: "hazard.description", 4: None})
    assert preview.mapping[5] == "hazard.description" and preview.mapping[4] is None


# --- whole files refused -----------------------------------------------------------------------------


def test_a_password_protected_workbook_is_refused(session):
    plain = write_ledger(session.data_dir / "plain.xlsx", GOOD_ROWS)
    locked = session.data_dir / "加密台账.xlsx"
    with open(plain, "rb") as fh, open(locked, "wb") as out:
        OOXMLFile(fh).encrypt("mima123", out)
    before = counts(session)
    with pytest.raises(PjdeskError) as e:
        preview_import(session, locked)
    assert str(e.value) == PASSWORD_MESSAGE == "文件已设置密码保护，请在 Excel/WPS 中取消密码后另存再导入"
    assert counts(session) == before


def test_a_workbook_encrypted_with_excels_default_password_opens_without_asking(session):
    plain = write_ledger(session.data_dir / "plain.xlsx", GOOD_ROWS[:1])
    buffer = io.BytesIO()
    with open(plain, "rb") as fh:
        OOXMLFile(fh).encrypt("VelvetSweatshop", buffer)
    protected = session.data_dir / "保护结构.xlsx"
    protected.write_bytes(buffer.getvalue())
    assert preview_import(session, protected).hazards == 1


@pytest.mark.parametrize("name", ["台账.xlsx", "台账.xls", "notes.txt"])
def test_a_file_that_is_not_a_spreadsheet_is_refused(session, name):
    path = session.data_dir / name
    path.write_text("单位名称,隐患描述,发现日期\n甲公司,灭火器过期,2026-03-05\n", encoding="utf-8")
    with pytest.raises(PjdeskError) as e:
        preview_import(session, path)
    assert str(e.value) == f"“{name}”不是 Excel 文件（.xlsx 或 .xls），请选择台账表格"


def test_a_web_page_saved_as_xls_says_how_to_fix_it(session):
    path = session.data_dir / "系统导出.xls"
    path.write_text("<html><table><tr><td>单位名称</td></tr></table></html>", encoding="utf-8")
    with pytest.raises(PjdeskError, match="实际是网页格式.*另存为 .xlsx"):
        preview_import(session, path)


def test_a_damaged_workbook_is_refused(session):
    path = session.data_dir / "损坏.xlsx"
    data = write_ledger(session.data_dir / "good.xlsx", GOOD_ROWS).read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(PjdeskError, match="无法读取，文件可能已损坏"):
        preview_import(session, path)


def test_an_empty_workbook_is_refused(session):
    path = plain_workbook(session.data_dir / "空.xlsx", [])
    with pytest.raises(PjdeskError) as e:
        preview_import(session, path)
    assert str(e.value) == "“空.xlsx”是空表格，没有可导入的内容。请选择填写了隐患记录的台账。"


def test_a_header_without_records_is_refused(session):
    path = write_ledger(session.data_dir / "空台账.xlsx", [], footer=True)
    with pytest.raises(PjdeskError, match="在表头下没有隐患记录"):
        preview_import(session, path)


def test_a_sheet_without_a_recognisable_header_names_the_headers_expected(session):
    path = plain_workbook(session.data_dir / "花名册.xlsx", [["姓名", "性别", "岗位"], ["张三", "男", "电工"]])
    with pytest.raises(PjdeskError) as e:
        preview_import(session, path)
    message = str(e.value)
    assert "没有找到台账表头" in message
    assert all(name in message for name in ("隐患描述", "单位名称", "发现日期", "企业名称", "排查日期"))


def test_a_missing_file_is_refused(session):
    with pytest.raises(PjdeskError, match="找不到文件"):
        preview_import(session, session.data_dir / "不存在.xlsx")


# --- all or nothing ----------------------------------------------------------------------------------


def test_a_cancelled_import_writes_nothing_and_leaves_no_trace_in_the_change_log(session):
    many = [record(n, 单位=f"单位{n % 7}", 描述=f"隐患{n}", 发现="2026-03-05", 完成="2026-03-06") for n in range(1, 1300)]
    path = write_ledger(session.data_dir / "台账.xlsx", many)
    before = counts(session)
    preview = preview_import(session, path)
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 2  # after the units and the first batch of hazards

    with pytest.raises(PjdeskError) as e:
        apply_import(session, preview, cancelled=cancelled)
    assert str(e.value) == "已取消导入，未写入任何数据"
    assert counts(session) == before

    # The next write logs only itself: nothing of the cancelled import is flushed with it.
    svc.record_hazard(session, {"unit_id": save_unit(session, {"name": "后来的单位"}).id, "description": "后来的隐患"})
    assert counts(session)["change_log"] == before["change_log"] + 2
    # And the same preview can still be written.
    result = apply_import(session, preview)
    assert len(result.hazard_ids) == 1299 and counts(session)["hazard"] == before["hazard"] + 1300


def test_a_preview_is_written_once(session):
    preview = preview_import(session, write_ledger(session.data_dir / "台账.xlsx", GOOD_ROWS))
    apply_import(session, preview)
    with pytest.raises(PjdeskError, match="该预览已导入"):
        apply_import(session, preview)


def test_a_unit_deleted_after_the_preview_makes_it_stale(session, unit):
    from pjdesk.services.units import delete_unit

    rows = [record(1, 单位="平江县安定化工有限公司", 代码=GOOD_CODE, 描述="泄漏报警仪失灵", 发现="2026-05-01")]
    preview = preview_import(session, write_ledger(session.data_dir / "台账.xlsx", rows))
    delete_unit(session, unit, "已注销")
    before = counts(session)
    with pytest.raises(PjdeskError, match="请重新预览后再导入"):
        apply_import(session, preview)
    assert counts(session) == before


# --- files bigger than any ledger, formulas without results, impossible dates -------------------------


def run_import(session, path):
    """``pjdesk ledger import FILE`` in a process of its own: were calamine to abort, that process would die
    (and this test fail) instead of the test run."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pjdesk", "--data-dir", str(session.data_dir), "ledger", "import",
                           str(path)], capture_output=True, text=True, timeout=180)
    return done, time.monotonic() - started


def stored(session):
    """Every row of every table, to show that a refused file wrote nothing."""
    db = session.store.db
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {t: sorted(map(repr, db.execute(f"SELECT * FROM {t}"))) for t in tables}


def assert_refused_by_the_command(session, path, *words):
    before = stored(session)
    done, seconds = run_import(session, path)
    assert done.returncode == 1, f"exit {done.returncode} (an abort is -6): {done.stderr[-3000:]}"
    message = done.stderr.strip()
    assert "Traceback" not in message and "panicked" not in message and len(message.splitlines()) == 1, message
    for word in words:
        assert word in message, message
    assert seconds < 10
    assert stored(session) == before
    return message


def xls_ledger(path):
    book = xlwt.Workbook()
    sheet = book.add_sheet("台账")
    for c, text in enumerate(["单位名称", "隐患描述", "发现日期", "备注"]):
        sheet.write(0, c, text)
    sheet.write(1, 0, "三市镇砖厂")
    sheet.write(1, 1, "皮带机无防护罩")
    sheet.write(1, 2, "2026-04-02")
    sheet.write(1, 3, "复查")
    book.save(str(path))
    return path


def strings_claiming(folder, count):
    """A ledger as xlsxwriter writes it (its text in a shared-string table) whose table claims ``count``."""
    path = folder / "串源.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("台账")
    sheet.write_row(0, 0, ["单位名称", "隐患描述", "发现日期"])
    sheet.write_row(1, 0, ["甲公司", "灭火器压力不足", "2026-03-05"])
    book.close()
    return files.edited(path, folder / "串.xlsx", "xl/sharedStrings.xml",
                        lambda xml: re.sub(rb'uniqueCount="\d+"', f'uniqueCount="{count}"'.encode(), xml))


ABSURD = {
    # The issue's 6 KB file: a normal ledger with one cell at Excel's last cell.
    "cell at XFD1048576": lambda d: files.with_cell(write_ledger(d / "台账.xlsx", GOOD_ROWS), d / "远.xlsx",
                                                     "XFD1048576"),
    "shared strings claiming 4 billion": lambda d: strings_claiming(d, 4_000_000_000),
    ".xls cell at column 65536": lambda d: files.xls_cell_moved(xls_ledger(d / "台账.xls"), d / "远.xls", 7, 1, 65535),
    ".xls DIMENSIONS of 4 billion rows": lambda d: files.xls_dimensions(xls_ledger(d / "台账.xls"), d / "维.xls",
                                                                       0xFFFFFFFF, 4),
}


@pytest.mark.parametrize("case", ABSURD)
def test_a_file_that_would_make_the_reader_ask_for_hundreds_of_gigabytes_is_refused_not_fatal(session, case):
    path = ABSURD[case](session.data_dir)
    assert path.stat().st_size < 20_000
    assert_refused_by_the_command(session, path, path.name, "请")


def test_the_cell_far_off_the_table_is_named_with_how_to_find_it(session):
    path = files.with_cell(write_ledger(session.data_dir / "台账.xlsx", GOOD_ROWS), session.data_dir / "远.xlsx",
                           "XFD1048576")
    with pytest.raises(PjdeskError) as e:
        preview_import(session, path)
    assert str(e.value) == (
        "“远.xlsx”的工作表“隐患台账”的内容一直到 XFD1048576 单元格（1048576 行 × 16384 列），远超隐患台账的大小，"
        "读取它会耗尽内存，未导入。通常是远处的单元格误填了内容：请在 Excel/WPS 中打开，按 Ctrl+End 找到最后一个单元格，"
        "删除台账以外多余的行和列后保存，再导入。")


def test_a_cell_placed_without_references_counts_where_the_reader_puts_it(session):
    """Some programs write cells without their A1 references: the reader places them one after another, so
    the place is counted the same way, and a normal ledger written so imports as any other."""
    plain = plain_workbook(session.data_dir / "台账.xlsx", [
        ["单位名称", "隐患描述", "发现日期", "整改期限"],
        ["甲公司", "灭火器压力不足", "2026-03-05", "2026-03-20"],
        ["乙公司", "安全出口堵塞", "2026-03-06", "立即整改"],
    ])
    bare = files.edited(plain, session.data_dir / "无引用.xlsx", files.SHEET,
                        lambda xml: re.sub(rb' r="[A-Z]+\d+"', b"", xml))
    assert b'<c r="' not in files.members(bare)[files.SHEET]
    assert [(r.row, r.hazard["description"], r.hazard["deadline"]) for r in preview_import(session, bare).rows] == [
        (2, "灭火器压力不足", "2026-03-20"), (3, "安全出口堵塞", "2026-03-06")]
    far = files.edited(bare, session.data_dir / "远.xlsx", files.SHEET, lambda xml: xml.replace(
        b"</sheetData>", b'<row r="1048576">' + b'<c t="inlineStr"><is><t>x</t></is></c>' * 20 + b"</row></sheetData>"))
    with pytest.raises(PjdeskError, match="T1048576 单元格"):
        preview_import(session, far)


def test_a_zip_bomb_is_refused_by_its_size_before_anything_is_unpacked(session):
    path = files.zip_bomb(write_ledger(session.data_dir / "台账.xlsx", GOOD_ROWS), session.data_dir / "炸弹.xlsx")
    assert path.stat().st_size < 5_000_000  # 1.2 GB of sheet inside
    started = time.monotonic()
    with pytest.raises(PjdeskError) as e:
        preview_import(session, path)
    assert time.monotonic() - started < 2
    assert str(e.value) == (
        "“炸弹.xlsx”解压后超过 256 MB（其中“xl/worksheets/sheet1.xml”约 1.2 GB），远大于任何隐患台账，"
        "可能是损坏或被恶意构造的文件，未导入。请确认文件来源；如确为台账，请在 Excel/WPS 中打开后另存为 .xlsx 再导入。")
    assert_refused_by_the_command(session, path, "解压后超过 256 MB")


def test_a_member_that_lies_about_its_size_is_read_only_as_far_as_it_says(session):
    path = files.zip_bomb(write_ledger(session.data_dir / "台账.xlsx", GOOD_ROWS), session.data_dir / "炸弹.xlsx",
                          declared=50_000)
    started = time.monotonic()
    with pytest.raises(PjdeskError, match="无法读取，文件可能已损坏"):
        preview_import(session, path)
    assert time.monotonic() - started < 2


def formula_ledger(path, rows):
    """A ledger whose cells may hold formulas, saved by a program that does not calculate them (openpyxl):
    the file holds the formulas and no results, as a report generator writes them."""
    return write_ledger(path, rows)


def test_formula_cells_without_a_saved_result_refuse_their_rows(session):
    rows = [
        record("=ROW()-3", 单位="甲公司", 描述="灭火器压力不足", 发现="2026-03-05"),  # 序号 is not imported
        record("=ROW()-3", 单位="乙公司", 描述='=CONCATENATE("安全出口","堵塞")', 发现="2026-03-05"),
        record("=ROW()-3", 单位="丙公司", 描述="配电箱未接地", 发现="=DATE(2026,3,5)", 部位="=B6"),
    ]
    path = formula_ledger(session.data_dir / "公式.xlsx", rows)

    preview = preview_import(session, path)

    assert reasons(preview.refused) == {
        5: "E 列（隐患描述）是公式，文件中没有保存它的计算结果。请先在 Excel 或 WPS 中打开该文件并保存，再重新导入",
        6: "F、H 列（隐患部位、发现日期）是公式，文件中没有保存它的计算结果。请先在 Excel 或 WPS 中打开该文件并保存，再重新导入",
    }
    assert [r.row for r in preview.rows] == [4]


def test_placeholder_results_of_a_never_calculated_file_are_not_taken_for_data(session):
    """xlsxwriter saves 0 as every formula's result and asks Excel to calculate on opening: that "0" is not
    the description the officer sees in Excel."""
    path = session.data_dir / "导出.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("台账")
    sheet.write_row(0, 0, ["单位名称", "隐患描述", "发现日期"])
    sheet.write_row(1, 0, ["甲公司", "灭火器压力不足", "2026-03-05"])
    sheet.write_string(2, 0, "乙公司")
    sheet.write_formula(2, 1, '="安全出口"&"堵塞"')
    sheet.write_string(2, 2, "2026-03-05")
    book.close()

    preview = preview_import(session, path)

    assert [r.row for r in preview.rows] == [2]
    assert [i.text for i in preview.refused] == [
        "第 3 行：B 列（隐患描述）是公式，文件中没有保存它的计算结果。请先在 Excel 或 WPS 中打开该文件并保存，再重新导入"]


def test_a_formula_whose_result_excel_saved_imports_that_result(session):
    path = session.data_dir / "已计算.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("台账")
    sheet.write_row(0, 0, ["单位名称", "隐患描述", "发现日期"])
    sheet.write_string(1, 0, "乙公司")
    sheet.write_formula(1, 1, '="安全出口"&"堵塞"', None, "安全出口堵塞")
    sheet.write_string(1, 2, "2026-03-05")
    book.close()
    # As Excel saves it: the results kept, no request to calculate everything again on opening.
    saved = files.edited(path, session.data_dir / "已保存.xlsx", "xl/workbook.xml",
                         lambda xml: re.sub(rb'\s*fullCalcOnLoad="1"', b"", xml))

    for written in (saved, path):  # a generator that wrote the result itself, and asks for a recalculation
        preview = preview_import(session, written)
        assert not preview.refused and [r.hazard["description"] for r in preview.rows] == ["安全出口堵塞"]


def test_formulas_are_found_where_cells_carry_no_references(session):
    plain = plain_workbook(session.data_dir / "台账.xlsx", [
        ["单位名称", "隐患描述", "发现日期"],
        ["甲公司", "灭火器压力不足", "2026-03-05"],
        ["乙公司", '=CONCATENATE("安全出口","堵塞")', "2026-03-05"],
    ])
    bare = files.edited(plain, session.data_dir / "无引用.xlsx", files.SHEET,
                        lambda xml: re.sub(rb' r="[A-Z]+\d+"', b"", xml))
    assert [i.text for i in preview_import(session, bare).refused] == [
        "第 3 行：B 列（隐患描述）是公式，文件中没有保存它的计算结果。请先在 Excel 或 WPS 中打开该文件并保存，再重新导入"]


def test_dates_before_2000_after_today_or_at_hours_that_do_not_exist_are_refused(session):
    rows = [
        record(1, 单位="甲公司", 描述="灭火器压力不足", 发现="0001-01-01"),
        record(2, 单位="乙公司", 描述="安全出口堵塞", 发现=dt.datetime(1900, 1, 1)),  # a date cell of day 1
        record(3, 单位="丙公司", 描述="配电箱未接地", 发现="2024-03-05 25:00"),
        record(4, 单位="丁公司", 描述="电线老化", 发现="2024-03-05", 期限="2031-11-30"),  # today + 5 years + 1 day
        record(5, 单位="戊公司", 描述="护栏缺失", 发现="1999-12-31", 完成="2000-01-02"),
        record(6, 单位="己公司", 描述="楼梯扶手松动", 发现="2000-01-01", 期限="2031-11-29", 完成="2026-11-29"),
        record(7, 单位="庚公司", 描述="消防栓无水", 发现="2024-03-05 23:59", 期限="立即整改"),
    ]
    path = write_ledger(session.data_dir / "日期.xlsx", rows)

    preview = preview_import(session, path)

    assert reasons(preview.refused) == {
        4: "发现日期“0001-01-01”早于 2000 年，不是有效日期，请核对",
        5: "发现日期“1900-01-01”早于 2000 年，不是有效日期，请核对",
        6: "发现日期“2024-03-05 25:00”中的时间 25:00 不存在，请写成 2026-03-05 或 2026-03-05 14:30",
        7: "整改期限“2031-11-30”晚于今天起 5 年（2031-11-29），请核对",
        8: "发现日期“1999-12-31”早于 2000 年，不是有效日期，请核对",
    }
    assert [(r.row, r.hazard["found_date"], r.hazard.get("deadline")) for r in preview.rows] == [
        (9, "2000-01-01", "2031-11-29"), (10, "2024-03-05", "2024-03-05")]


def test_every_problem_of_a_row_is_listed_at_once_and_a_prefixed_name_is_offered(session):
    """Issue 9 item 11: a row with three problems names all three; 安定镇鑫达花炮厂 beside the registered
    平江县安定镇鑫达花炮厂 is offered as the same unit in the preview, not made again silently."""
    save_unit(session, {"name": "平江县安定镇鑫达花炮厂", "sector": "烟花爆竹"})
    path = plain_workbook(session.data_dir / "台账.xlsx", [
        ["单位名称", "隐患描述", "发现日期", "整改期限", "隐患等级"],
        ["安定镇鑫达花炮厂", "药物超量", "2026-03-05", "2026-03-20", "一般"],
        ["乙公司", "", "2026-13-01", "2026-02-01", "较大"],
    ])
    preview = preview_import(session, path)
    [(row, reason)] = [(i.row, i.reason) for i in preview.refused]
    assert row == 3 and reason.split("；") == [
        "未填隐患描述", "发现日期“2026-13-01”不是有效日期（2026 年 13 月没有 1 日）", "隐患等级“较大”无法识别，应为“一般”或“重大”"]
    [offer] = warnings_of(preview, 2)
    assert "与已登记的“平江县安定镇鑫达花炮厂”名称相近" in offer and "请在导入对话框中选择该单位" in offer
