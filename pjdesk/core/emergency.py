"""应急预案、演练和应急队伍 (工作方案 §二(三)4 加紧预案修编, §二(三)3 建强救援力量; DOMAIN.md §b EmergencyPlan, Drill).

- 预案: the township's own (总体, 专项, 部门) or a unit's (企业综合 … 应急处置卡, 备案 with the township). Its
  下次评估日期 is 发布日期 + 3 years unless another is written.
- 演练: a drill of a unit or of the township itself, its evaluation (AQ/T 9009; 国办发〔2013〕101号 第二十三条)
  and the problems it found, each with its 整改措施, 责任人, 期限 and 完成情况 (child rows).
- 应急队伍: a team and its equipment (child rows); the team is 装备配齐 when it lists equipment and every item
  has at least its 应配数量.

The rules of what is due are written once here: a high-risk or crowded-place unit drills at least every six
months (``drill_due``), a plan is assessed by its 下次评估日期 (``plan_assessment_due``), a drill's problem is
late after its 期限 until 完成 (``problem_late``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping

from .dates import add_years, from_iso, iso
from .records import (
    CHILDREN,
    CHOICE,
    DATE,
    ERROR,
    INT,
    LONGTEXT,
    REF,
    Field,
    Problem,
    RecordKind,
)
from .reminders import ReminderSource, reminder_source
from .resources import load_config

TOWNSHIP_LEVELS = ("总体", "专项", "部门")  # the township's own plans (1+N+X); the other 级别 are a unit's
UNIT_LEVELS = ("企业综合", "企业专项", "现场处置方案", "应急处置卡")
ASSESSMENT_YEARS = 3  # 下次评估日期 by default: 发布日期 + 3 years
ASSESSMENT_NOTICE_DAYS = 90  # a plan is listed 待办 from 90 days before its 下次评估日期
DRILL_MONTHS = 6  # a high-risk or crowded-place unit drills at least every six months
CROWDED = "人员密集场所"
TRADING = "正常"
DONE = "完成"  # a drill problem's 完成情况 once it is rectified
TOWNSHIP_TEAM, FOREST_TEAM, VILLAGE_TEAM, UNIT_TEAM = "乡镇应急队伍", "半专业森林消防队", "村级应急分队", "企业应急救援队"
GOALS_MET = "达成"


# --- 预案 ---------------------------------------------------------------------------------------------------------
PLAN_FIELDS = (
    Field("name", "预案名称", required=True, in_list=True, max_length=100,
          import_names=("预案名称", "名称", "应急预案名称")),
    Field("level", "级别", CHOICE, "plan_level", required=True, in_list=True,
          import_names=("级别", "预案级别", "预案类别", "类别")),
    Field("unit_id", "所属单位", REF, ref="unit", in_list=True,
          help="单位的预案（企业综合、企业专项、现场处置方案、应急处置卡）选择单位；乡镇本级的预案留空"),
    Field("version", "版本", in_list=True, max_length=30, import_names=("版本", "版本号")),
    Field("issued", "发布日期", DATE, required=True, in_list=True, import_names=("发布日期", "发布时间", "印发日期")),
    Field("filed", "备案日期", DATE, in_list=True, import_names=("备案日期", "备案时间")),
    Field("filed_with", "备案单位", max_length=100, help="向哪个部门备案（单位预案向乡镇或行业主管部门备案）",
          import_names=("备案单位", "备案部门")),
    Field("next_assessment", "下次评估日期", DATE, in_list=True, years_ahead=5,
          help="默认为发布日期后三年；到期前 90 天列入待办", import_names=("下次评估日期", "评估日期")),
    Field("note", "备注", LONGTEXT),
)


def plan_rules(values: Mapping, today: dt.date) -> list[Problem]:
    problems = []
    level, issued = values.get("level"), values.get("issued")
    if level in UNIT_LEVELS and not values.get("unit_id"):
        problems.append(Problem("unit_id", f"{level}预案请选择所属单位", ERROR))
    if level in TOWNSHIP_LEVELS and values.get("unit_id"):
        problems.append(Problem("unit_id", f"{level}预案是乡镇本级的预案，所属单位应留空", ERROR))
    if issued and values.get("filed") and values["filed"] < issued:
        problems.append(Problem("filed", "备案日期不能早于发布日期", ERROR))
    if issued and values.get("next_assessment") and values["next_assessment"] <= issued:
        problems.append(Problem("next_assessment", "下次评估日期应晚于发布日期", ERROR))
    return problems


def default_assessment(issued: str | None) -> str | None:
    """下次评估日期 when none is written: 发布日期 + 3 years."""
    day = _date(issued)
    return iso(add_years(day, ASSESSMENT_YEARS)) if day else None


def _plan_prepared(values: dict) -> dict:
    if not values.get("next_assessment") and values.get("issued"):
        values["next_assessment"] = default_assessment(values["issued"])
    return values


PLAN = RecordKind(
    "plan", "应急预案", "plan", PLAN_FIELDS, plan_rules, command="plans", page="预案", page_group="应急管理",
    prepare=_plan_prepared, defaults={"level": "专项"})


# --- 演练 ---------------------------------------------------------------------------------------------------------
_EVALUATION = "演练评估"
DRILL_FIELDS = (
    Field("date", "演练日期", DATE, required=True, in_list=True, import_names=("演练日期", "演练时间", "日期")),
    Field("unit_id", "演练单位", REF, ref="unit", in_list=True, help="单位组织的演练选择单位；乡镇本级的演练留空"),
    Field("plan_id", "所依据预案", REF, ref="plan", help="演练所检验的应急预案（可不选）"),
    Field("form", "演练形式", CHOICE, "drill_form", required=True, in_list=True, import_names=("演练形式", "形式")),
    Field("content", "演练内容", CHOICE, "drill_content", required=True, in_list=True,
          import_names=("演练内容", "内容")),
    Field("purpose", "演练目的", CHOICE, "drill_purpose", required=True, in_list=True,
          import_names=("演练目的", "目的")),
    Field("scenario", "演练情景", LONGTEXT, in_list=True, max_length=1000, help="模拟的事故或险情，如“仓库电气线路起火”",
          import_names=("演练情景", "情景", "演练科目", "演练名称")),
    Field("organizer", "组织单位", max_length=100, import_names=("组织单位", "组织部门")),
    Field("participants", "参演人数", INT, in_list=True, import_names=("参演人数", "参与人数", "参加人数")),
    Field("duration_min", "时长（分钟）", INT, import_names=("时长（分钟）", "时长", "演练时长")),
    Field("evaluators", "评估人员", max_length=100, import_names=("评估人员", "评估人")),
    Field("exec_status", "执行情况", LONGTEXT, group=_EVALUATION, help="演练按方案执行的情况"),
    Field("plan_reasonableness", "预案的合理性与可操作性", LONGTEXT, group=_EVALUATION),
    Field("command_coordination", "指挥协调和应急联动", LONGTEXT, group=_EVALUATION),
    Field("responder_performance", "应急人员的处置情况", LONGTEXT, group=_EVALUATION),
    Field("equipment_suitability", "设备装备的适用性", LONGTEXT, group=_EVALUATION),
    Field("goals_met", "目标达成", CHOICE, "drill_goal", in_list=True, group=_EVALUATION,
          import_names=("目标达成", "评估结论", "演练效果")),
    Field("problems", "发现问题", CHILDREN, ref="drill_problem", group="发现问题",
          help="演练发现的问题，逐条写明整改措施、责任人和期限"),
    Field("summary", "演练总结", LONGTEXT, group="总结与报送", help="演练的总体情况、经验和不足（打印演练总结时使用）"),
    Field("improvements", "改进建议", LONGTEXT, group="总结与报送", help="对预案、队伍和装备的改进建议"),
    Field("reported", "报送日期", DATE, group="总结与报送", help="评估报告和总结报送主管部门的日期",
          import_names=("报送日期",)),
)

PROBLEM_FIELDS = (
    Field("drill_id", "演练", REF, ref="drill", required=True),
    Field("problem", "问题", LONGTEXT, required=True, max_length=500),
    Field("measures", "整改措施", max_length=500),
    Field("responsible", "责任人", max_length=30),
    Field("deadline", "期限", DATE, years_ahead=5),
    Field("status", "完成情况", CHOICE, "drill_problem_status", required=True),
)


def drill_rules(values: Mapping, today: dt.date) -> list[Problem]:
    problems = []
    date = values.get("date")
    if date and values.get("reported") and values["reported"] < date:
        problems.append(Problem("reported", "报送日期不能早于演练日期", ERROR))
    for number, row in enumerate(values.get("problems") or (), 1):
        if date and row.get("deadline") and str(row["deadline"]) < date:
            problems.append(Problem("problems", f"发现问题第 {number} 行：期限不能早于演练日期", ERROR))
    return problems


def _drill_state(row: Mapping, children: Mapping[str, list[Mapping]]) -> dict:
    """问题数 and 已整改 (完成) from the live problems."""
    problems = [p for p in children.get("drill_problem", ()) if not p.get("deleted")]
    return {"problem_count": len(problems), "problems_done": sum(1 for p in problems if p.get("status") == DONE)}


DRILL = RecordKind(
    "drill", "演练", "drill", DRILL_FIELDS, drill_rules, derived=("problem_count", "problems_done"),
    title_field="date", state=_drill_state, command="drills", page="演练", page_group="应急管理",
    defaults={"form": "实战", "content": "单项", "purpose": "检验性"},
    derived_labels={"problem_count": "问题数", "problems_done": "已整改"})
DRILL_PROBLEM = RecordKind("drill_problem", "演练发现问题", "drill_problem", PROBLEM_FIELDS, title_field="problem",
                           parent=("drill_id", "drill"), defaults={"status": "未完成"})


# --- 应急队伍 -------------------------------------------------------------------------------------------------------
TEAM_FIELDS = (
    Field("name", "队伍名称", required=True, in_list=True, max_length=100, import_names=("队伍名称", "名称")),
    Field("type", "队伍类型", CHOICE, "team_type", required=True, in_list=True, import_names=("队伍类型", "类型")),
    Field("village", "所在村（社区）", in_list=True, max_length=50, only_when=("type", VILLAGE_TEAM),
          import_names=("所在村（社区）", "所在村", "村（社区）")),
    Field("founded", "建队日期", DATE, required=True, in_list=True, import_names=("建队日期", "成立日期", "组建日期")),
    Field("leader", "队长", in_list=True, max_length=30, import_names=("队长", "负责人")),
    Field("phone", "联系电话", in_list=True, max_length=30, import_names=("联系电话", "电话")),
    Field("members", "人数", INT, in_list=True, import_names=("人数", "队员人数", "队伍人数")),
    Field("equipment", "装备", CHILDREN, ref="team_equipment", group="装备",
          help="每项装备的名称、现有数量和应配数量；每项都不少于应配数量即为装备配齐"),
    Field("note", "备注", LONGTEXT),
)

EQUIPMENT_FIELDS = (
    Field("team_id", "应急队伍", REF, ref="team", required=True),
    Field("name", "名称", required=True, max_length=50),
    Field("quantity", "数量", INT, required=True),
    Field("required_qty", "应配数量", INT, required=True),
)


def team_rules(values: Mapping, today: dt.date) -> list[Problem]:
    if values.get("type") == VILLAGE_TEAM and not values.get("village"):
        return [Problem("village", "村级应急分队请填写所在村（社区）", ERROR)]
    return []


def equipment_complete(items: Iterable[Mapping]) -> bool:
    """装备配齐: the team lists its equipment and every item has at least its 应配数量 (a team with no list is
    not counted as equipped: nothing shows that it is)."""
    items = list(items)
    return bool(items) and all((i.get("quantity") or 0) >= (i.get("required_qty") or 0) for i in items)


def _team_state(row: Mapping, children: Mapping[str, list[Mapping]]) -> dict:
    items = [i for i in children.get("team_equipment", ()) if not i.get("deleted")]
    return {"equipment_complete": 1 if equipment_complete(items) else 0}


TEAM = RecordKind(
    "team", "应急队伍", "team", TEAM_FIELDS, team_rules, derived=("equipment_complete",), state=_team_state,
    command="teams", page="应急队伍", page_group="应急管理", defaults={"type": TOWNSHIP_TEAM},
    derived_labels={"equipment_complete": "装备配齐"})
TEAM_EQUIPMENT = RecordKind("team_equipment", "队伍装备", "team_equipment", EQUIPMENT_FIELDS,
                            parent=("team_id", "team"))


# --- what is due ----------------------------------------------------------------------------------------------
def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; the month's last day where it has no such day (08-31 + 6 → 02-28)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def must_drill(unit: Mapping) -> bool:
    """The units that must drill every six months: 高危企业 or 人员密集场所, while 正常 (a unit stopped, closed
    or banned has nobody at work to drill)."""
    return (bool(unit.get("is_high_risk")) or unit.get("sector") == CROWDED) and unit.get("status") == TRADING


def drill_due(unit: Mapping, last_drill: str | None, today: dt.date) -> dt.date | None:
    """The day the unit is due a drill, when it is due by ``today``; None when it is not (it drilled within
    the six months up to today, or it need not drill).

    Due = the last drill + 6 months, or today if it never drilled. A drill exactly six months ago is due
    today: the six months after it have run out."""
    if not must_drill(unit):
        return None
    last = _date(last_drill)
    if last is None or last > today:  # a drill "after today" cannot be counted on today
        return today
    due = add_months(last, DRILL_MONTHS)
    return due if due <= today else None


def drills_due(units: Iterable[Mapping], today: dt.date) -> list[dict]:
    """The units due a drill by ``today``, each unit (with its ``last_drill``, or None) and its ``due`` date,
    the longest overdue first."""
    out = []
    for unit in units:
        due = drill_due(unit, unit.get("last_drill"), today)
        if due is not None:
            out.append({**unit, "due": due.isoformat()})
    return sorted(out, key=lambda u: (u["due"], u.get("name") or ""))


def plan_assessment_due(plan: Mapping, today: dt.date) -> bool:
    """A plan whose 下次评估日期 is past or within 90 days."""
    due = _date(plan.get("next_assessment"))
    return due is not None and due <= today + dt.timedelta(days=ASSESSMENT_NOTICE_DAYS)


def problem_late(problem: Mapping, today: dt.date) -> bool:
    """A drill's problem past its 期限 and not 完成 (due today is not late until tomorrow)."""
    deadline = _date(problem.get("deadline"))
    return deadline is not None and deadline < today and problem.get("status") != DONE


# --- the 待办 sources: the SQL twins of the three rules above ---------------------------------------------------
def add_months_sql(day: str, months: int) -> str:
    """SQL of ``add_months``: SQLite's '+N months' runs 08-31 on into March, so the day is clipped to the
    target month's last day."""
    return (f"MIN(date({day}, 'start of month', '+{months} months', '+' || (CAST(strftime('%d', {day}) AS INTEGER) - 1)"
            f" || ' days'), date({day}, 'start of month', '+{months + 1} months', '-1 day'))")


_LAST_DRILL = "(SELECT MAX(d.date) FROM drill d WHERE d.unit_id = u.id AND d.deleted = 0 AND d.date <= :today)"
DRILL_DUE = reminder_source(ReminderSource(
    name="drill_due",
    label="单位应急演练",
    kind="unit",
    topic="drills",
    days=0,
    # must_drill and drill_due: the unit's latest drill up to today + 6 months, or today if it never drilled.
    sql=f"""
    SELECT record, township, unit_id, NULL AS person_id,
           CASE WHEN last IS NULL THEN '高危企业、人员密集场所每 {DRILL_MONTHS} 个月至少演练一次，尚无演练记录'
                ELSE '最近一次演练在 ' || last || '，已满 {DRILL_MONTHS} 个月' END AS reason,
           COALESCE({add_months_sql("last", DRILL_MONTHS)}, :today) AS due
    FROM (SELECT u.id AS record, u.township, u.id AS unit_id, {_LAST_DRILL} AS last FROM unit u
          WHERE u.deleted = 0 AND u.status = '{TRADING}' AND (u.is_high_risk = 1 OR u.sector = '{CROWDED}'))
    WHERE last IS NULL OR {add_months_sql("last", DRILL_MONTHS)} <= :today
    """))

PLAN_ASSESSMENT_DUE = reminder_source(ReminderSource(
    name="plan_assessment_due",
    label="预案到期评估",
    kind="plan",
    days=ASSESSMENT_NOTICE_DAYS,
    # plan_assessment_due: 下次评估日期 past or within 90 days.
    sql="""
    SELECT p.id AS record, p.township, p.unit_id, NULL AS person_id,
           '《' || p.name || '》' || CASE WHEN p.next_assessment < :today
                                          THEN '评估日期 ' || p.next_assessment || ' 已过，尚未重新评估'
                                          ELSE '应于 ' || p.next_assessment || ' 前评估' END AS reason,
           p.next_assessment AS due
    FROM plan p WHERE p.deleted = 0 AND p.next_assessment <= :soon
    """))

PROBLEM_LATE = reminder_source(ReminderSource(
    name="drill_problem_late",
    label="演练问题逾期未整改",
    kind="drill",
    days=0,
    # problem_late: past its 期限 (before today) and not 完成; the reminder opens the drill.
    sql=f"""
    SELECT d.id AS record, p.township, d.unit_id, NULL AS person_id,
           d.date || ' 演练发现的问题“' || p.problem || '”逾期未整改（期限 ' || p.deadline || '）' AS reason,
           p.deadline AS due
    FROM drill_problem p JOIN drill d ON d.id = p.drill_id AND d.deleted = 0
    WHERE p.deleted = 0 AND p.status != '{DONE}' AND p.deadline < :today
    """))


# --- teams for the targets ----------------------------------------------------------------------------------------
def high_fire_risk_townships() -> tuple[str, ...]:
    """The townships the plan names 森林火灾高火险 (all 25 by its wording [U]): data the county may edit."""
    return tuple(load_config("emergency")["high_fire_risk_townships"])


def _date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return from_iso(value) if value else None
    except ValueError:
        return None
