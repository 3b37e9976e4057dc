"""检查记录: an on-site inspection of a unit, its checklist items and its inspectors (工作方案 §二(二) 监管执法).

An enforcement check (执法检查) is every 检查方式 except 日常巡查; the targets T05, T25 and T26 count by it. An
enforcement check needs at least two named inspectors; one whose inspectors' 执法证号 are not all recorded is
saved and marked 待补充 (sheets kept by township offices seldom carry them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from .records import (
    BOOL,
    CHILDREN,
    CHOICE,
    DATE,
    ERROR,
    INCOMPLETE,
    INT,
    LONGTEXT,
    MONEY,
    REF,
    Field,
    Problem,
    RecordKind,
)

ROUTINE = "日常巡查"
PLANNED, RANDOM = "计划执法", "双随机"  # T25 and T26 count the units that had one
FAILED, PASSED, NOT_APPLICABLE = "不符合", "符合", "不涉及"


def is_enforcement(mode: str | None) -> bool:
    """执法检查: every 检查方式 except 日常巡查 (the one definition the targets use)."""
    return bool(mode) and mode != ROUTINE


INSPECTION_FIELDS = (
    Field("date", "检查日期", DATE, required=True, in_list=True,
          import_names=("检查日期", "检查时间", "日期", "检查日期（年月日）")),
    Field("unit_id", "被检查单位", REF, ref="unit", required=True, in_list=True),
    Field("mode", "检查方式", CHOICE, "inspection_mode", required=True, in_list=True,
          import_names=("检查方式", "检查类型", "检查形式", "检查性质")),
    Field("random_draw_ref", "双随机抽取编号", max_length=50, only_when=("mode", RANDOM),
          help="双随机抽查的抽取记录编号", import_names=("双随机抽取编号", "抽取编号")),
    Field("officers", "检查人员", CHILDREN, ref="inspection_officer", group="检查人员",
          help="执法检查须两名以上执法人员，填写执法证号"),
    Field("checklist", "检查表", max_length=50, group="检查内容", help="所用检查表的编号（按行业自动选择）"),
    Field("items", "检查项目", CHILDREN, ref="inspection_item", group="检查内容"),
    Field("content", "检查内容", LONGTEXT, group="检查内容", import_names=("检查内容", "检查项目", "检查情况")),
    Field("findings", "发现问题", LONGTEXT, in_list=True, group="检查结果",
          import_names=("发现问题", "存在问题", "检查发现问题", "发现的问题")),
    Field("measures", "处理措施", LONGTEXT, group="检查结果",
          import_names=("处理措施", "处理意见", "整改要求", "处理情况")),
    Field("hazards_reported", "发现隐患数", INT, group="检查结果", import_names=("发现隐患数", "隐患数", "发现隐患（项）")),
    Field("stop_order", "责令停产整顿", BOOL, group="检查结果"),
    Field("fine", "罚款（元）", MONEY, group="检查结果"),
    Field("unit_signer", "被检查单位负责人", max_length=30, group="检查结果", help="在检查记录上签字的人"),
    Field("note", "备注", LONGTEXT, group="检查结果"),
)

INSPECTION_ITEM_FIELDS = (
    Field("inspection_id", "检查记录", REF, ref="inspection", required=True),
    Field("code", "编号", max_length=20),
    Field("text", "检查项目", LONGTEXT, required=True, max_length=500),
    Field("result", "结果", CHOICE, "checklist_result", required=True),
    Field("note", "说明", max_length=500),
    Field("hazard_id", "隐患", REF, ref="hazard"),
)

OFFICER_FIELDS = (
    Field("inspection_id", "检查记录", REF, ref="inspection", required=True),
    Field("name", "姓名", required=True, max_length=30),
    Field("cert_no", "执法证号", max_length=30),
)


def officer_problems(values: Mapping) -> list[Problem]:
    """Two named inspectors for an enforcement check (an error); their 执法证号 (待补充 until recorded)."""
    if not is_enforcement(values.get("mode")) or "officers" not in values:
        return []
    named = [o for o in values["officers"] if (o.get("name") or "").strip()]
    if len(named) < 2:
        return [Problem("officers", "执法检查须有两名以上执法人员，请填写检查人员", ERROR)]
    if any(not (o.get("cert_no") or "").strip() for o in named):
        return [Problem("officers", "检查人员的执法证号未填全，保存后标为“待补充”", INCOMPLETE)]
    return []


def inspection_rules(values: Mapping, today: dt.date) -> list[Problem]:
    return officer_problems(values)


def _inspection_state(row: Mapping, children: Mapping[str, list[Mapping]]) -> dict:
    """From the live children: the inspectors' names for the list, whether it is 待补充, the failed items."""
    officers = [o for o in children.get("inspection_officer", ()) if not o.get("deleted")]
    items = [i for i in children.get("inspection_item", ()) if not i.get("deleted")]
    incomplete = is_enforcement(row.get("mode")) and (
        len(officers) < 2 or any(not o.get("cert_no") for o in officers))
    return {"officer_names": "、".join(o["name"] for o in officers if o.get("name")) or None,
            "incomplete": 1 if incomplete else 0,
            "failed_items": sum(1 for i in items if i.get("result") == FAILED)}


def split_names(text: str | None) -> list[str]:
    """Inspectors as a sheet writes them: 张三、李四，王五 / 张三 李四."""
    for mark in ("，", ",", "；", ";", "/", " ", "\u3000"):
        text = (text or "").replace(mark, "、")
    return [n for n in (text or "").split("、") if n.strip()]


INSPECTION = RecordKind(
    "inspection", "检查记录", "inspection", INSPECTION_FIELDS, inspection_rules,
    derived=("officer_names", "incomplete", "failed_items"), title_field="date",
    state=_inspection_state, state_reads=("mode",), command="inspections",
    defaults={"stop_order": 0}, searched=("officer_names",), page="检查", county_writes=True,
    derived_labels={"officer_names": "检查人员", "failed_items": "不符合项", "incomplete": "待补充"})
INSPECTION_ITEM = RecordKind("inspection_item", "检查项目", "inspection_item", INSPECTION_ITEM_FIELDS,
                             title_field="text", parent=("inspection_id", "inspection"))
INSPECTION_OFFICER = RecordKind("inspection_officer", "检查人员", "inspection_officer", OFFICER_FIELDS,
                                title_field="name", parent=("inspection_id", "inspection"))
