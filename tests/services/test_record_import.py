"""Importing records of any kind from Excel, proven on the inspection sheet (检查台账) as township offices keep it:
one row per inspection, 检查人员 as names in one cell, seldom any 执法证号. What the officer sees in the preview,
what ends up in the database, and that a sheet with bad rows writes nothing. Also: units offered as a match, a
sheet of units, and a hazard of the ledger import linked to the inspection of its unit and day."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from pjdesk.core.errors import PjdeskError
from pjdesk.core.inspection import INSPECTION
from pjdesk.services.ledger_import import import_ledger
from pjdesk.services.ledger_import import preview_import as preview_ledger
from pjdesk.services.record_import import (
    INSPECTION_SPEC,
    apply_records,
    import_records,
    preview_records,
    spec_for,
    target_for_header,
)
from pjdesk.services.records import save_record

GOOD_CODE = "91310110666007217T"
HEADER = ["序号", "检查日期", "被检查单位", "统一社会信用代码", "检查人员", "检查方式", "检查内容", "发现问题", "处理措施",
          "发现隐患数"]


def inspection_sheet(path, rows, *, header=HEADER, title="安定镇安全生产检查台账（2026年）"):
    """A sheet as a township office keeps it: a title merged over the table, one row per inspection, a footer."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "检查台账"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    for n, row in enumerate(rows, 1):
        ws.append([n, *row] if header[0] == "序号" else row)
    ws.append([])
    ws.append(["填表人：张三", None, None, "审核人：李四"])
    wb.save(path)
    return path


def counts(session):
    db = session.store.db
    return {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("unit", "inspection", "inspection_officer", "hazard", "change_log")}


def inspections(session):
    """The inspections as stored, by findings, with their unit's name and their inspectors."""
    db = session.store.db
    out = {}
    for row in session.store._rows("SELECT i.*, u.name AS unit_name FROM inspection i JOIN unit u ON u.id = i.unit_id"
                                   " WHERE i.deleted = 0"):
        row["officers"] = [r[0] for r in db.execute(
            "SELECT name FROM inspection_officer WHERE inspection_id = ? AND deleted = 0 ORDER BY rowid", [row["id"]])]
        out[row["findings"]] = row
    return out


GOOD = [
    [dt.date(2026, 3, 5), "安定镇便民超市", None, "张三、李四", "日常检查", "消防安全", "灭火器过期", "责令立即更换", 1],
    ["2026/3/6", "平江县安定化工有限公司", GOOD_CODE, "张三，王五", "双随机一公开", "危化品储存", "储罐区防雷未检测",
     "下达责令限期整改指令书", "1处"],
    ["2026年3月9日", "安定镇便民超市", None, "李四 赵六", "专项检查", "燃气安全", "燃气管道老化", "限期整改", 2],
    ["20260310", "安定镇福寿宾馆", None, "张三、李四", "计划执法", "消防安全", "疏散通道堵塞", "当场整改", None],
]


def test_an_inspection_sheet_is_imported_with_units_matched_and_inspectors_split(session, unit):
    before = counts(session)
    path = inspection_sheet(session.data_dir / "检查台账.xlsx", GOOD)

    preview = preview_records(session, "inspections", path)

    assert preview.sheet == "检查台账" and preview.header_rows == (2,) and not preview.refused
    assert [s.text for s in preview.skipped] == ["第 8 行：页脚或说明行（填表人、审核人等），不是检查记录，已跳过"]
    # The credit code finds the registered unit; the others are created, each once.
    assert (preview.records, preview.matched_units, preview.new_units) == (4, 1, 2)
    # Enforcement checks without 执法证号 are taken and marked 待补充; the 日常巡查 is complete.
    assert preview.incomplete == 3
    assert [w.text for w in preview.warnings] == [f"第 {r} 行：检查人员的执法证号未填全，已导入并标为“待补充”" for r in (4, 5, 6)]
    assert preview.summary() == ("“检查台账.xlsx”工作表“检查台账”：可导入检查记录 4 条（其中 3 条待补充），检查人员 8 人次，"
                                 "新建单位 2 家，匹配已有单位 1 家；跳过 1 行；3 条提示。")
    assert counts(session) == before  # a preview writes nothing

    result = apply_records(session, preview)

    after = counts(session)
    assert (after["inspection"] - before["inspection"], after["unit"] - before["unit"]) == (4, 2)
    assert after["inspection_officer"] - before["inspection_officer"] == 8
    assert result.backup.exists() and "before-import" in result.backup.name
    assert result.changed["inspection"] == frozenset(result.record_ids)
    rows = inspections(session)
    assert {f: (r["date"], r["mode"], r["unit_name"], r["officers"], r["incomplete"], r["hazards_reported"])
            for f, r in rows.items()} == {
        "灭火器过期": ("2026-03-05", "日常巡查", "安定镇便民超市", ["张三", "李四"], 0, 1),
        "储罐区防雷未检测": ("2026-03-06", "双随机", "平江县安定化工有限公司", ["张三", "王五"], 1, 1),
        "燃气管道老化": ("2026-03-09", "专项检查", "安定镇便民超市", ["李四", "赵六"], 1, 2),
        "疏散通道堵塞": ("2026-03-10", "计划执法", "安定镇福寿宾馆", ["张三", "李四"], 1, None),
    }
    assert rows["储罐区防雷未检测"]["unit_id"] == unit
    assert rows["灭火器过期"]["unit_id"] == rows["燃气管道老化"]["unit_id"]
    assert rows["储罐区防雷未检测"]["officer_names"] == "张三、王五"  # the list's 检查人员 column


def test_bad_rows_are_listed_by_sheet_row_with_every_problem_and_nothing_is_written(session):
    rows = [
        GOOD[0],
        ["2026-13-01", "甲公司", None, "张三、李四", "日常巡查", None, "无", None, "两处"],
        [None, "乙公司", None, "张三、李四", "日常巡查", None, None, None, None],
        ["2026-03-05", None, None, "张三、李四", "日常巡查", None, None, None, None],
        ["2026-03-05", "丙公司", None, "张三、李四", "执法检查", None, None, None, None],
        ["2026-03-05", "丁公司", None, "张三", "双随机", None, None, None, None],
        ["2027-01-05", "戊公司", None, "张三、李四", "日常巡查", None, None, None, None],
        ["2026-03-05", "己公司", None, "张三、李四", None, None, None, None, None],
        ["2026-03-05", "庚公司", "9143062612345", "张三、" + "很长的名字" * 8, "专项检查", None, None, None, None],
    ]
    path = inspection_sheet(session.data_dir / "检查台账.xlsx", rows)
    before = counts(session)

    preview = preview_records(session, INSPECTION, path)

    assert {i.row: i.reason for i in preview.refused} == {
        4: "检查日期“2026-13-01”不是有效日期（2026 年 13 月没有 1 日）；发现隐患数“两处”应为整数",
        5: "未填检查日期",
        6: "未填单位名称",
        7: "检查方式“执法检查”无法识别，应为以下之一：“日常巡查”、“专项检查”、“计划执法”、“双随机”、“举报核查”、“联合检查”、"
           "“整改复查”、“暗查暗访”",
        8: "执法检查须有两名以上执法人员，请填写检查人员",
        9: "检查日期不能晚于今天",
        10: "未填检查方式",
        11: "检查人员第 2 行：姓名过长（40 字，最多 30 字）",
    }
    assert [r.row for r in preview.rows] == [3]
    assert not preview.can_apply and "有 8 行不能导入" in preview.summary()
    with pytest.raises(PjdeskError) as e:
        apply_records(session, preview)
    assert "有 8 行不能导入，未写入任何数据" in str(e.value) and "第 5 行：未填检查日期" in str(e.value)
    with pytest.raises(PjdeskError, match="第 10 行：未填检查方式"):
        import_records(session, "inspections", path)
    assert counts(session) == before
    assert not (session.data_dir / "backups").exists() or not list((session.data_dir / "backups").glob("*import*"))


def test_a_dry_run_lists_the_problems_and_writes_nothing(session):
    path = inspection_sheet(session.data_dir / "检查台账.xlsx", [GOOD[0], ["2026-02-30", *GOOD[0][1:]]])
    before = counts(session)
    result = import_records(session, "inspections", path, dry_run=True)
    assert not result.written and result.record_ids == ()
    assert [i.text for i in result.preview.refused] == ["第 4 行：检查日期“2026-02-30”不是有效日期（2026 年 2 月没有 30 日）"]
    assert counts(session) == before


def test_importing_the_same_sheet_twice_does_not_double_it(session):
    path = inspection_sheet(session.data_dir / "检查台账.xlsx", GOOD)
    import_records(session, "inspections", path)
    before = counts(session)

    preview = preview_records(session, "inspections", path)

    assert preview.records == 0 and not preview.warnings
    assert preview.skipped[0].text.startswith("第 3 行：与已登记的检查记录 2026-03-05 相同（同一被检查单位、检查日期和检查方式）")
    with pytest.raises(PjdeskError, match="没有新的检查记录可导入"):
        apply_records(session, preview)
    assert counts(session) == before


def test_a_sheet_without_inspectors_or_its_mode_column_says_what_is_missing(session):
    header = ["检查日期", "单位名称", "检查内容", "发现问题"]
    path = inspection_sheet(session.data_dir / "检查.xlsx", [["2026-03-05", "甲公司", "消防", "无"]], header=header)
    preview = preview_records(session, "inspections", path)
    assert preview.missing == ("检查方式",) and not preview.can_apply
    assert "表中没有找到“检查方式”列" in preview.summary()

    preview = preview_records(session, "inspections", path, mapping={2: "inspection.mode"})
    assert [i.text for i in preview.refused] == [
        "第 3 行：检查方式“消防”无法识别，应为以下之一：“日常巡查”、“专项检查”、“计划执法”、“双随机”、“举报核查”、“联合检查”、"
        "“整改复查”、“暗查暗访”"]


def test_a_sheet_of_something_else_names_the_inspection_headers_expected(session):
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "性别", "岗位"])
    wb.active.append(["张三", "男", "电工"])
    wb.save(session.data_dir / "花名册.xlsx")
    with pytest.raises(PjdeskError) as e:
        preview_records(session, "inspections", session.data_dir / "花名册.xlsx")
    assert "没有找到检查台账表头" in str(e.value)
    assert all(name in str(e.value) for name in ("单位名称", "检查日期", "检查方式"))


def test_every_declared_inspection_header_name_leads_to_its_own_field():
    wrong = [(t.key, name, target_for_header(INSPECTION_SPEC, name)) for t in INSPECTION_SPEC.targets
             for name in t.names if target_for_header(INSPECTION_SPEC, name) != t.key]
    assert wrong == []
    assert target_for_header(INSPECTION_SPEC, "被检查单位") == "unit.name"
    assert target_for_header(INSPECTION_SPEC, "检查人员") == "inspection.officers"
    assert target_for_header(INSPECTION_SPEC, "发现隐患（项）") == "inspection.hazards_reported"


# --- units offered as a match -----------------------------------------------------------------------------------


def test_a_unit_named_like_a_registered_one_is_offered_and_can_be_taken(session, unit):
    path = inspection_sheet(session.data_dir / "检查台账.xlsx", [
        ["2026-03-05", "安定化工公司", None, "张三、李四", "日常巡查", None, "消防通道畅通", None, None]])

    preview = preview_records(session, "inspections", path)

    [planned] = preview.units.values()
    assert planned.is_new and planned.similar == ((unit, "平江县安定化工有限公司"),)
    assert [w.reason for w in preview.warnings] == [
        "单位“安定化工公司”未登记，与已登记的“平江县安定化工有限公司”名称相近，将新建该单位；如为同一单位，"
        "请在导入对话框中选择该单位，或在原表中改用登记的名称、填写信用代码后重新导入"]

    preview = preview_records(session, "inspections", path, units={"安定化工公司": unit})

    assert (preview.new_units, preview.matched_units) == (0, 1) and not preview.warnings
    before = counts(session)
    apply_records(session, preview)
    assert counts(session)["unit"] == before["unit"]
    assert inspections(session)["消防通道畅通"]["unit_id"] == unit


# --- the hazard ledger links a hazard to the inspection that found it -------------------------------------------


def ledger_sheet(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["单位名称", "统一社会信用代码", "隐患描述", "发现日期", "隐患等级"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_a_hazard_row_is_linked_to_the_inspection_of_its_unit_and_day(session, unit):
    inspection = save_record(session, INSPECTION, {
        "date": "2026-03-05", "unit_id": unit, "mode": "专项检查", "findings": "储罐区防雷未检测",
        "officers": [{"name": "张三", "cert_no": "43060001"}, {"name": "李四", "cert_no": "43060002"}]}).id
    path = ledger_sheet(session.data_dir / "台账.xlsx", [
        ["平江县安定化工有限公司", GOOD_CODE, "储罐区防雷设施未检测", "2026-03-05", "一般"],
        ["平江县安定化工有限公司", GOOD_CODE, "配电箱未接地", "2026-03-06", "一般"],  # no inspection that day
        ["安定镇新开宾馆", None, "安全出口上锁", "2026-03-05", "一般"],  # a new unit has no inspections
    ])

    preview = preview_ledger(session, path)

    assert preview.linked == 1 and "关联检查记录 1 条" in preview.summary()
    result = import_ledger(session, path)
    linked = {r["description"]: r["inspection_id"] for r in session.store._rows(
        "SELECT description, inspection_id FROM hazard WHERE id IN (?, ?, ?)", result.hazard_ids)}
    assert linked == {"储罐区防雷设施未检测": inspection, "配电箱未接地": None, "安全出口上锁": None}
    assert "关联检查记录 1 条" in result.summary()


def test_two_inspections_of_the_unit_that_day_are_not_guessed_between(session, unit):
    for mode in ("日常巡查", "专项检查"):
        save_record(session, INSPECTION, {"date": "2026-03-05", "unit_id": unit, "mode": mode,
                                          "officers": [{"name": "张三"}, {"name": "李四"}]})
    path = ledger_sheet(session.data_dir / "台账.xlsx", [
        ["平江县安定化工有限公司", GOOD_CODE, "储罐区防雷设施未检测", "2026-03-05", "一般"]])

    preview = preview_ledger(session, path)

    assert preview.linked == 0 and preview.rows[0].values.get("inspection_id") is None
    assert [w.text for w in preview.warnings] == [
        "第 2 行：单位、发现日期相同的检查记录有 2 条，未自动关联，请在隐患中选择所属的检查记录"]


# --- other kinds ------------------------------------------------------------------------------------------------


def test_a_sheet_of_units_imports_once(session, unit):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["企业名称", "统一社会信用代码", "行业类别", "高危企业", "所在村", "法定代表人", "联系电话"])
    ws.append(["平江县安定化工有限公司", GOOD_CODE, "危险化学品", "是", "安定村", "王五", 13800000000])
    ws.append(["安定镇福寿宾馆", None, "旅游住宿", "否", "福寿村", "赵六", "0730-6000000"])
    ws.append(["安定镇砖厂", None, "建材", "√", "三市村", "钱七", None])
    path = session.data_dir / "单位.xlsx"
    wb.save(path)

    preview = preview_records(session, "units", path)

    assert [s.text for s in preview.skipped] == [
        "第 2 行：与已登记的单位 平江县安定化工有限公司 相同（同一统一社会信用代码），已跳过，不重复导入"]
    assert [w.text for w in preview.warnings] == ["第 4 行：行业领域“建材”不在可选项中，已留空（原文已记入备注）"]
    result = apply_records(session, preview)
    rows = {r["name"]: r for r in session.store._rows("SELECT * FROM unit WHERE id IN (?, ?)", result.record_ids)}
    assert {n: (r["sector"], r["is_high_risk"], r["village"], r["phone"]) for n, r in rows.items()} == {
        "安定镇福寿宾馆": ("文旅", 0, "福寿村", "0730-6000000"),
        "安定镇砖厂": ("工贸其他", 1, "三市村", None),  # the declared default sector; 建材 kept in 备注
    }
    assert rows["安定镇砖厂"]["note"] == "行业领域：建材"


@pytest.mark.parametrize(("kind", "words"), [
    ("attachment", "附件是照片和扫描件，不能从表格导入"),
    ("inspection_officer", "检查人员是检查记录的一部分，不能单独导入"),
    ("hazard_event", "隐患处理记录是隐患的一部分，不能单独导入"),
])
def test_kinds_that_are_parts_or_files_are_not_imported_from_a_sheet(session, kind, words):
    path = inspection_sheet(session.data_dir / "检查台账.xlsx", GOOD[:1])
    with pytest.raises(PjdeskError, match=words):
        preview_records(session, kind, path)


def test_an_unknown_kind_names_the_kinds_there_are(session):
    with pytest.raises(PjdeskError, match="没有“lorries”这类记录；可选：units（单位）、hazards（隐患）、inspections（检查记录）"):
        spec_for("lorries")
