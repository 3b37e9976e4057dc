"""预案、演练 and 应急队伍 beyond the generic record service: what is due, the teams' facts for the targets, the
county's table of teams by township, and the drill's printed 演练评估报告 and 演练总结.

What a caller may rely on:
- ``drills_due``, ``plans_due`` and ``late_problems`` apply the one rule each of pjdesk.core.emergency to this
  station's records (on the county, every township's) as of today; the 待办 list, 表7 and the command line
  use these.
- ``emergency_facts`` gives the targets T48, T41, T40 their teams built by a day.
- ``print_drill_document`` draws a drill's report from the record as it is now, to PDF and XLSX: it is a
  record of the drill, not an enforcement document, so it takes no 文号 and is drawn again at each print.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from pjdesk import forms  # renderers resolved when a drill document is printed
from pjdesk.core import emergency as rules
from pjdesk.core.emergency import DRILL, PLAN, TEAM
from pjdesk.core.errors import PjdeskError
from pjdesk.core.periods import Month
from pjdesk.core.townships import station_name, townships
from pjdesk.core.unit import UNIT
from pjdesk.forms.drill_documents import DRILL_DOCUMENTS, drill_document
from pjdesk.forms.emergency_returns import COUNTY_TABLE7, TABLE7
from pjdesk.forms.spec import FormSpec
from pjdesk.indicators.emergency_targets import EmergencyFacts, counted_townships
from pjdesk.storage import emergency_facts as facts
from pjdesk.storage.database import plain_errors

from .records import get_record
from .session import Session


def _scope(session: Session, township: str | None = None) -> str | None:
    station = session.require_station()
    return township if station.is_county else station.code


# --- what is due ----------------------------------------------------------------------------------------------
def drills_due(session: Session, day: dt.date | None = None, *, township: str | None = None) -> list[dict]:
    """The units due a drill by ``day`` (today): high-risk or crowded-place units, 正常, with no drill in the
    six months up to it. Each unit has ``id``, ``township``, ``name``, ``sector``, ``last_drill`` (or None)
    and ``due`` (the last drill + 6 months, or the day itself if it never drilled), the longest overdue first."""
    day = day or session.today()
    units = facts.drill_candidates(session.store, end=day.isoformat(), township=_scope(session, township))
    return rules.drills_due(units, day)


def plans_due(session: Session, day: dt.date | None = None) -> list[dict]:
    """The plans whose 下次评估日期 is past or within 90 days of ``day`` (today), the earliest first."""
    day = day or session.today()
    horizon = (day + dt.timedelta(days=rules.ASSESSMENT_NOTICE_DAYS)).isoformat()
    found = facts.plans_assessed_by(session.store, day=horizon, township=_scope(session))
    return [p for p in found if rules.plan_assessment_due(p, day)]


def late_problems(session: Session, day: dt.date | None = None) -> list[dict]:
    """Drill problems past their 期限 and not 完成 on ``day`` (today), the longest late first."""
    day = day or session.today()
    found = facts.open_problems(session.store, before=day.isoformat(), township=_scope(session))
    return [p for p in found if rules.problem_late(p, day)]


# --- the targets ------------------------------------------------------------------------------------------------
def emergency_facts(session: Session, *, end: str, township: str | None) -> EmergencyFacts:
    """The teams built by ``end`` (a township's, or with ``township`` None every township's) and the
    townships they are counted over (the county's 25, or the one township: none for the high-tech park)."""
    counted = counted_townships()
    return EmergencyFacts(teams=facts.teams(session.store, founded_by=end, township=township),
                          townships=counted if township is None else tuple(c for c in counted if c == township))


def teams_by_township(session: Session) -> list[dict]:
    """The county's table of teams: a row per township of the roster, in its order, with ``township``,
    ``township_name``, a count per team type (``counts``: type → n), the 半专业森林消防队 装备配齐
    (``forest_equipped``) and ``teams`` (each team: name, type, village, founded, leader, phone, members,
    equipment_complete)."""
    held = facts.teams(session.store, township=_scope(session))
    types = TEAM.field("type").choices()
    rows = []
    codes = [t.code for t in townships()]
    if not session.require_station().is_county:
        codes = [session.require_station().code]
    for code in codes:
        own = [t for t in held if t["township"] == code]
        rows.append({"township": code, "township_name": station_name(code),
                     "counts": {kind: sum(1 for t in own if t["type"] == kind) for kind in types},
                     "forest_equipped": sum(1 for t in own if t["type"] == rules.FOREST_TEAM and t["equipment_complete"]),
                     "teams": own})
    return rows


# --- printed from a drill -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PrintedDrillDocument:
    """As pjdesk.services.documents.IssuedDocument reads to a preview: drawn from the record, not issued."""

    doc_type: str
    pdf: Path
    xlsx: Path
    stem: str
    doc_no: str = ""
    new: bool = True
    note: str = ""


def drill_documents() -> tuple[str, ...]:
    """The documents a drill prints: 演练评估报告, 演练总结."""
    return tuple(DRILL_DOCUMENTS)


def print_drill_document(session: Session, doc_type: str, drill_id: str, out_dir: str | Path | None = None
                         ) -> PrintedDrillDocument:
    """The drill's 演练评估报告 or 演练总结 drawn from the record as it is now, PDF and XLSX, into ``out_dir``
    (by default a scratch folder of the data directory)."""
    if doc_type not in DRILL_DOCUMENTS:
        raise PjdeskError(f"没有“{doc_type}”这种演练文书；可选：{'、'.join(DRILL_DOCUMENTS)}")
    drill = get_record(session, DRILL, drill_id)
    if drill is None or drill["deleted"]:
        raise PjdeskError("找不到这次演练，可能已被删除")
    unit = session.store.get(UNIT, drill["unit_id"]) if drill.get("unit_id") else None
    plan = session.store.get(PLAN, drill["plan_id"]) if drill.get("plan_id") else None
    township = station_name(drill["township"])
    filled = drill_document(doc_type, drill, unit=unit, plan=plan, township=township)
    out = Path(out_dir) if out_dir else session.data_dir / "tmp" / "drills"
    stem = re.sub(r'[\\/:*?"<>|\s]', "_", f"{doc_type}-{drill['date']}-{(unit or {}).get('name') or township}")[:120]
    with plain_errors(f"打印{doc_type}"):
        out.mkdir(parents=True, exist_ok=True)
        pdf = forms.render_document_pdf(filled, out / f"{stem}.pdf")
        xlsx = forms.render_document_xlsx(filled, out / f"{stem}.xlsx")
    return PrintedDrillDocument(doc_type, pdf, xlsx, stem)



# --- 表7 --------------------------------------------------------------------------------------------------------
def table7(session: Session, month: Month, township: str | None = None) -> tuple[FormSpec, list[dict], dict | None,
                                                                                  tuple[str, ...]]:
    """表7's spec, rows, 合计 (None: summed) and notes for ``month``: a township's month of drills (its plans by
    级别 and its units due a drill in the notes), or on the county without ``township`` the 汇总 with a row
    per township of the roster."""
    end = month.end.isoformat()
    scope = _scope(session, township)
    drills = facts.drills_between(session.store, start=month.start.isoformat(), end=end, township=scope)
    plans = facts.plans(session.store, township=scope, issued_by=end)
    due = rules.drills_due(facts.drill_candidates(session.store, end=end, township=scope), month.end)
    if scope is None:
        rows = [{"label": _township_label(code), **_table7_figures(
            [d for d in drills if d["township"] == code], [p for p in plans if p["township"] == code],
            [u for u in due if u["township"] == code], end)} for code in [t.code for t in townships()]]
        return COUNTY_TABLE7, rows, None, ()
    rows = [{"date": d["date"], "unit": d["unit_name"] or station_name(d["township"]), "form": d["form"],
             "content": d["content"], "purpose": d["purpose"], "scenario": d["scenario"] or "",
             "participants": d["participants"], "goals_met": d["goals_met"] or "",
             "problem_count": d["problem_count"], "problems_done": d["problems_done"]} for d in drills]
    figures = _table7_figures(drills, plans, due, end)
    notes = (f"预案（截至月末）：乡镇本级总体预案 {figures['plan_overall']} 件、专项预案 {figures['plan_special']} 件、"
             f"部门预案 {figures['plan_department']} 件；单位备案预案 {figures['plan_filed']} 件。",
             f"应演练未演练单位（截至月末）：{figures['due_units']} 家"
             + (f"（{'、'.join(u['name'] for u in due[:10])}{' 等' if len(due) > 10 else ''}）。" if due else "。"))
    return TABLE7, rows, None, notes


def _table7_figures(drills: list[dict], plans: list[dict], due: list[dict], end: str) -> dict:
    own = [p for p in plans if not p["unit_id"]]
    return {
        "plan_overall": sum(1 for p in own if p["level"] == "总体"),
        "plan_special": sum(1 for p in own if p["level"] == "专项"),
        "plan_department": sum(1 for p in own if p["level"] == "部门"),
        "plan_filed": sum(1 for p in plans if p["unit_id"] and p["filed"] and p["filed"] <= end),
        "drills": len(drills),
        "drills_live": sum(1 for d in drills if d["form"] == "实战"),
        "drills_desk": sum(1 for d in drills if d["form"] == "桌面"),
        "participants": sum(d["participants"] or 0 for d in drills),
        "goals_met": sum(1 for d in drills if d["goals_met"] == rules.GOALS_MET),
        "problem_count": sum(d["problem_count"] for d in drills),
        "problems_done": sum(d["problems_done"] for d in drills),
        "due_units": len(due),
    }


def _township_label(code: str) -> str:
    try:
        return station_name(code)
    except PjdeskError:
        return code
