"""A drill's 演练评估报告 and 演练总结, declared as data on the documents engine, and filled from plain records.

The report follows the evaluation items of AQ/T 9009 and 国办发〔2013〕101号 第二十三条 (执行情况, 预案的合理性
与可操作性, 指挥协调和应急联动, 应急人员的处置情况, 设备装备的适用性, 目标达成, 发现问题和整改); the summary
the usual parts of a 演练总结 (概况, 总体情况, 评估结论, 问题与整改, 改进建议, 报送). Neither is an enforcement
document: no 文号, no seal; it is signed by the evaluators or by the organiser.

The fill function takes the records as dicts, as storage returns them; it reads no database:
  drill    the drill's columns, and ``problems``: its problem rows (problem, measures, responsible, deadline,
           status)
  unit     name (None: the township's own drill)
  plan     name (None: no plan named)
"""

from __future__ import annotations

from collections.abc import Mapping

from . import doc_numbers
from .document import (
    ChildRows,
    DocField,
    DocumentSpec,
    Fields,
    FilledDocument,
    Section,
    Signature,
    Signatures,
)
from .spec import DATE, TEXT, Column

REPORT, SUMMARY = "演练评估报告", "演练总结"

_BASICS = Fields((
    DocField("unit_name", "演练单位", wide=True),
    DocField("date", "演练日期", DATE),
    DocField("duration", "演练时长"),
    DocField("plan_name", "所依据预案", wide=True),
    DocField("form", "演练形式"),
    DocField("content", "演练内容"),
    DocField("purpose", "演练目的"),
    DocField("participants", "参演人数"),
    DocField("organizer", "组织单位", wide=True),
    DocField("evaluators", "评估人员", wide=True),
))
_PROBLEMS = ChildRows("problems", "发现的问题及整改", (
    Column("problem", "问题", TEXT, width=12),
    Column("measures", "整改措施", TEXT, width=11),
    Column("responsible", "责任人", TEXT, width=4.5),
    Column("deadline", "期限", DATE, width=6),
    Column("status", "完成情况", TEXT, width=4.5),
), empty="演练未发现问题")

DRILL_REPORT = DocumentSpec(
    code=REPORT,
    title="应急演练评估报告",
    numbered=True,
    blocks=(
        _BASICS,
        Section("scenario", "演练情景", indent=True),
        Section("exec_status", "执行情况", indent=True, empty="未填写。"),
        Section("plan_reasonableness", "预案的合理性与可操作性", indent=True, empty="未填写。"),
        Section("command_coordination", "指挥协调和应急联动", indent=True, empty="未填写。"),
        Section("responder_performance", "应急人员的处置情况", indent=True, empty="未填写。"),
        Section("equipment_suitability", "设备装备的适用性", indent=True, empty="未填写。"),
        Section("conclusion", "评估结论", indent=True),
        _PROBLEMS,
        Signatures((Signature("评估人员（签名）", "reported"), Signature("演练组织单位负责人（签名）"))),
    ),
)

DRILL_SUMMARY = DocumentSpec(
    code=SUMMARY,
    title="应急演练总结",
    numbered=True,
    blocks=(
        _BASICS,
        Section("overview", "演练概况", indent=True),
        Section("summary", "演练总体情况", indent=True, empty="未填写。"),
        Section("conclusion", "评估结论", indent=True),
        _PROBLEMS,
        Section("improvements", "改进建议", indent=True),
        Section("reporting", "报送情况", indent=True),
        Signatures((Signature("演练组织单位负责人（签名）", "reported"),)),
    ),
)

DRILL_DOCUMENTS: dict[str, DocumentSpec] = {REPORT: DRILL_REPORT, SUMMARY: DRILL_SUMMARY}


def drill_document(doc_type: str, drill: Mapping, *, unit: Mapping | None, plan: Mapping | None,
                   township: str) -> FilledDocument:
    """The drill's 演练评估报告 or 演练总结 (``doc_type``), in the name of the unit that drilled or, for the
    township's own drill, of the township's government (``township`` is its name)."""
    unit_name = _text((unit or {}).get("name")) or township
    problems = [{key: row.get(key) for key in ("problem", "measures", "responsible", "deadline", "status")}
                for row in drill.get("problems") or ()]
    done = sum(1 for p in problems if p["status"] == "完成")
    goals = _text(drill.get("goals_met"))
    minutes = drill.get("duration_min")
    values = {
        "unit_name": unit_name,
        "date": drill.get("date"),
        "duration": f"{minutes} 分钟" if minutes else "",
        "plan_name": _text((plan or {}).get("name")) or "未指定",
        "form": _text(drill.get("form")),
        "content": _text(drill.get("content")),
        "purpose": _text(drill.get("purpose")),
        "participants": f"{drill['participants']} 人" if drill.get("participants") else "",
        "organizer": _text(drill.get("organizer")) or unit_name,
        "evaluators": _text(drill.get("evaluators")),
        "scenario": _text(drill.get("scenario")),
        "exec_status": _text(drill.get("exec_status")),
        "plan_reasonableness": _text(drill.get("plan_reasonableness")),
        "command_coordination": _text(drill.get("command_coordination")),
        "responder_performance": _text(drill.get("responder_performance")),
        "equipment_suitability": _text(drill.get("equipment_suitability")),
        "conclusion": (f"演练目标{goals}。" if goals else "未评定目标达成情况。")
        + (f"演练发现问题 {len(problems)} 个，已整改完成 {done} 个。" if problems else "演练未发现问题。"),
        "overview": "，".join(part for part in (
            f"{_long(drill.get('date'))}，{unit_name}组织开展{_text(drill.get('form'))}{_text(drill.get('content'))}演练",
            f"演练情景为“{_text(drill.get('scenario'))}”" if drill.get("scenario") else "",
            f"参演 {drill['participants']} 人" if drill.get("participants") else "",
            f"历时 {minutes} 分钟" if minutes else "") if part) + "。",
        "summary": _text(drill.get("summary")),
        "improvements": _text(drill.get("improvements")),
        "reporting": (f"本次演练的评估报告和总结已于{_long(drill['reported'])}报送。" if drill.get("reported")
                      else "尚未报送。"),
        "reported": drill.get("reported"),
    }
    issuer = _text((unit or {}).get("name")) or (
        doc_numbers.default_issuer(drill["township"]) if drill.get("township") else township)
    return FilledDocument(DRILL_DOCUMENTS[doc_type], issuer, "", values, {"problems": problems})


def _long(value) -> str:
    from .table import long_date

    return long_date(value) if value else ""


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()
