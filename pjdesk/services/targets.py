"""The work plan's targets for this station, from 1 January to the end of a month.

The same evaluations feed the 工作台 and ``pjdesk targets --json``: the hazards as they stood at the period's
end (pjdesk.storage.period_facts), and the high-risk units with their status then and the inspections of the
period (pjdesk.storage.inspection_facts), and the people on the roster at the period's end with their
training and certificates (pjdesk.services.people_rates), and the emergency teams built by then
(pjdesk.services.emergency), and the accidents, fires, road checks, exposures, rewards and meetings of
this year and last, the units' marks and the year's 目标进展 (pjdesk.storage.target_facts). On a township the
units and inspections counted are those of its own units; on the county, the whole county's, and each
township's apart. Every row of the plan is listed (``every_row``): those no record computes from 目标进展.

The targets' figures and weights are the county's: its own edits of the year (``set_target_edits``) on the
county, sent down with its targets; a township uses the last it received (resources/config/targets.json
until then).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import replace

from pjdesk.core.clock import format_stamp
from pjdesk.core.errors import PjdeskError
from pjdesk.core.periods import Month
from pjdesk.core.townships import COUNTY_CODE, station_name, townships
from pjdesk.indicators import (
    ENFORCEMENT,
    HAZARDS,
    PEOPLE,
    EnforcementFacts,
    Evaluation,
    PeopleFacts,
    evaluate,
)
from pjdesk.indicators.emergency_targets import EMERGENCY
from pjdesk.indicators.progress_targets import PROGRESS, ProgressFacts
from pjdesk.indicators.record_targets import RECORDS, RecordFacts, last_year
from pjdesk.indicators.targets import PER_MILLE, Target, reads, rules, targets
from pjdesk.indicators.unit_targets import UNITS
from pjdesk.storage import target_facts
from pjdesk.storage.inspection_facts import high_risk_units, inspections_between
from pjdesk.storage.period_facts import hazards_as_of

from .emergency import emergency_facts
from .people_rates import people_facts
from .session import Session

# The hazard rules only look at tagged or major hazards: read only those.
RELEVANT = "h.level = '重大' OR (h.tags IS NOT NULL AND h.tags != '')"


def target_status(session: Session, month: Month | None = None, *, every_row: bool = False) -> list[Evaluation]:
    """Each computable target (``every_row``: every row of the plan, the entered ones from 目标进展) with its
    numerator, denominator, value and whether it is met (None: no data, or a county-wide figure on a
    township), for the year to the end of ``month`` (today, for the month under way), in the order of the
    targets' data."""
    month = month or Month.of(session.today())
    station = session.require_station()
    start, end = _period(session, month)
    facts = _facts(session, start, end, None if station.is_county else station.code)
    return evaluate(facts, start, end, county_wide=station.is_county, every_row=every_row, plan=plan(session))


def township_status(session: Session, month: Month | None = None) -> dict[str, list[Evaluation]]:
    """On the county: every row of the plan for each township of the roster (code → evaluations)."""
    month = month or Month.of(session.today())
    start, end = _period(session, month)
    facts = _facts(session, start, end, None)
    chosen = plan(session)
    return {t.code: evaluate(_of_township(facts, t.code), start, end, county_wide=False, every_row=True,
                             plan=chosen) for t in townships()}


EDITS_SETTING = "targets_edits"  # the county's edits of the targets' figures and weights (JSON)


def target_edits(session: Session) -> dict[str, dict]:
    """The county's edits of the year (target id → {"target", "weight"}): its own on the county, the last it
    sent down on a township."""
    if session.require_station().is_county:
        stored = session.store.setting(EDITS_SETTING)
        return json.loads(stored) if stored else {}
    from .county_data import county_data

    return dict((county_data(session)["targets"] or {}).get("edits") or {})


def plan(session: Session) -> list[Target]:
    """The targets with the county's figures and weights."""
    return targets(target_edits(session))


def set_target_edits(session: Session, edits: Mapping[str, Mapping]) -> None:
    """County only: the targets' figures (``target``, on the plan's scale: 100 for 100%, 0.9 for 0.9‰) and
    weights, by target id; sent down with the county's targets. A figure or weight that is not a number, a
    negative weight or an unknown target is refused, naming it."""
    if not session.require_station().is_county:
        raise PjdeskError("目标值和权重由县级设置，随交换文件下发；乡镇不能修改")
    known = {t.id: t for t in targets()}
    kept: dict[str, dict] = {}
    for target_id, edit in edits.items():
        if target_id not in known:
            raise PjdeskError(f"没有指标“{target_id}”；指标编号可运行 pjdesk targets 查看")
        entry = {}
        for key, label in (("target", "目标值"), ("weight", "权重")):
            if key not in edit:
                continue
            value = edit[key]
            if value is None and key == "target":
                entry[key] = None
                continue
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise PjdeskError(f"{target_id} 的{label}“{value}”不是数字，请填写数字") from None
            if value < 0 or value != value or value in (float("inf"),):
                raise PjdeskError(f"{target_id} 的{label}不能为负数")
            entry[key] = value
        if entry:
            kept[target_id] = entry
    session.store.set_settings({EDITS_SETTING: json.dumps(kept, ensure_ascii=False)})


def targets_json(session: Session, month: Month | None = None) -> list[dict]:
    """Every target the program computes for ``month`` (as target_status), as JSON-able entries of one form:
    ``{"id", "name", "value", "numerator", "denominator", "target", "comparator", "met", "note"}``.

    ``value`` is a fraction for a rate (0.8 for 80%) and the number for a count, None without data;
    ``numerator`` and ``denominator`` are the two counts of a rate, a count's number and None; ``target`` is
    the plan's figure on the scale of ``value`` (1.0 for 100%), None where the plan sets none for this
    station (a county-wide count on a township); ``met`` is True, False, or None without data or target;
    ``note`` says in words how it was counted, the period and the goal.

    On the county every entry also has ``by_township``: a list of entries of the same form, one per
    township of the roster in its order, each with ``township`` (its code) and ``township_name``.
    """
    month = month or Month.of(session.today())
    station = session.require_station()
    start, end = _period(session, month)
    facts = _facts(session, start, end, None if station.is_county else station.code)
    chosen = plan(session)
    entries = [_entry(e, start, end) for e in evaluate(facts, start, end, county_wide=station.is_county,
                                                       every_row=True, plan=chosen)]
    if not station.is_county:
        return entries
    for entry in entries:
        entry["by_township"] = []
    for township in townships():
        own = evaluate(_of_township(facts, township.code), start, end, county_wide=False, every_row=True,
                       plan=chosen)
        for entry, evaluation in zip(entries, own, strict=True):
            entry["by_township"].append({"township": township.code, "township_name": station_name(township.code),
                                         **_entry(evaluation, start, end)})
    return entries


def _period(session: Session, month: Month) -> tuple[str, str]:
    """1 January to the month's end, or to today for the month under way."""
    return month.year_start.isoformat(), min(month.end, session.today()).isoformat()


def _facts(session: Session, start: str, end: str, township: str | None) -> dict[str, object]:
    store = session.store
    return {
        HAZARDS: hazards_as_of(store, year_start=start, end=end, township=township, only=RELEVANT),
        ENFORCEMENT: EnforcementFacts(
            high_risk_units=high_risk_units(store, before=_stamp_after(end), township=township),
            inspections=inspections_between(store, start=start, end=end, unit_township=township)),
        PEOPLE: people_facts(session, day=end, year_start=start, township=township),
        EMERGENCY: emergency_facts(session, end=end, township=township),
        UNITS: target_facts.unit_flags(store, township=township),
        RECORDS: record_facts(session, start, end, township),
        PROGRESS: ProgressFacts(
            target_facts.progress_of_year(store, int(end[:4]), townships=None if township is None else (
                township, COUNTY_CODE)), county=COUNTY_CODE, township=township),
    }


def record_facts(session: Session, start: str, end: str, township: str | None) -> RecordFacts:
    """The accidents, fires, road checks, rewards, exposures and meetings from last year's 1 January to
    ``end``, when this station's records begin, and the forest areas."""
    store = session.store
    since = f"{int(start[:4]) - 1:04d}-01-01"
    read = {kind: target_facts.dated_between(store, kind, start=since, end=end, township=township)
            for kind in target_facts.DATED}
    areas = forest_areas(session)
    counted = [areas[c] for c in areas if township is None or c == township]
    return RecordFacts(
        accidents=read["accident"], fires=read["fire"], road_checks=read["road_check"], rewards=read["reward"],
        exposures=read["exposure"], meetings=read["meeting"],
        kept_since=target_facts.kept_since(store, township=township),
        forest_ha=sum(counted) if counted else None, forest_by_township=areas)


def forest_areas(session: Session) -> dict[str, float]:
    """Each township's 森林总面积 (ha) that the county has set (the same figure 表8 divides by)."""
    from .forest_areas import forest_areas as areas

    return areas(session)


def _stamp_after(day: str) -> str:
    """The change-log stamp of the first moment after ``day`` (local midnight): what was recorded before it
    was recorded by that day's end."""
    midnight = dt.datetime.combine(dt.date.fromisoformat(day) + dt.timedelta(days=1), dt.time())
    return format_stamp(int(midnight.timestamp() * 1000), 0, "")


def _of_township(facts: dict[str, object], code: str) -> dict[str, object]:
    """One township's share of the county's facts: its hazards, its units and the inspections of its units."""
    enforcement = facts[ENFORCEMENT]
    return {
        HAZARDS: [h for h in facts[HAZARDS] if h["township"] == code],
        ENFORCEMENT: EnforcementFacts(
            high_risk_units=[u for u in enforcement.high_risk_units if u["township"] == code],
            inspections=[i for i in enforcement.inspections if i["unit_township"] == code]),
        PEOPLE: PeopleFacts([g for g in facts[PEOPLE].groups if g["township"] == code]),
        EMERGENCY: facts[EMERGENCY].of_township(code),
        UNITS: [u for u in facts[UNITS] if u["township"] == code],
        RECORDS: facts[RECORDS].of_township(code),
        PROGRESS: facts[PROGRESS].of_township(code),
    }


def _entry(evaluation: Evaluation, start: str, end: str) -> dict:
    t, m = evaluation.target, evaluation.measure
    target = None
    if t.target is not None and evaluation.judged:
        target = t.target / 100 if t.unit == "%" else t.target / 1000 if t.unit == PER_MILLE else t.target
    return {"id": t.id, "name": t.name, "value": m.value, "numerator": m.numerator, "denominator": m.denominator,
            "target": target, "comparator": t.comparator, "met": evaluation.met,
            "note": f"{_said(evaluation)}（统计期 {start} 至 {end}）"}


def _said(evaluation: Evaluation) -> str:
    """The note: 已录入 or 暂无数据 first where that applies, then how it was counted."""
    said = evaluation.reckoning
    status = evaluation.status
    if status in ("已录入", "暂无数据") and not said.startswith(status):
        said = f"{status}：{said}"
    return said


# --- the records behind a number ---------------------------------------------------------------------------
# The rows of the plan's records each target of RECORDS lists, and whether a row is counted (the rule's
# own facts, read again: one definition).
_BEHIND_KINDS = {"G1": "accident", "G2": "accident", "T07": "accident", "T08": "accident", "T23": "road_check",
                 "T24": "road_check", "T42": "fire", "T43": "fire", "T06": "exposure", "T46": "reward",
                 "M1": "meeting"}
_KIND_FACTS = {"accident": "accidents", "fire": "fires", "road_check": "road_checks", "reward": "rewards",
               "exposure": "exposures", "meeting": "meetings"}


def records_behind(session: Session, target_id: str, month: Month | None = None,
                   township: str | None = None) -> dict:
    """The records behind a target's number for the year to the end of ``month`` (on the county: of
    ``township``, or of every township): ``{"people": True}`` for a people rate (pjdesk.services.people_rates
    lists those), else ``{"kind": name of the kind listed, "rows": [...]}``, each row with ``id``, ``title``,
    ``date``, ``counted`` (True: in the numerator; False: in the base only) and ``note``.

    Each row of a rate is judged by the target's own rule over that one record, so the list and the number
    cannot disagree."""
    month = month or Month.of(session.today())
    station = session.require_station()
    start, end = _period(session, month)
    own = township if station.is_county else station.code
    facts = _facts(session, start, end, own)
    if own and station.is_county:
        facts = _of_township(facts, own)
    read = reads(target_id)
    if read == PEOPLE:
        return {"people": True}
    rule = rules().get(target_id)
    if read == HAZARDS:
        rows = []
        for h in facts[HAZARDS]:
            m = rule([h], start, end)
            if m.denominator:
                rows.append({"id": h["id"], "title": f"{h['hazard_no'] or ''} {h['unit_name'] or ''}".strip(),
                             "date": h["found_date"], "counted": bool(m.numerator),
                             "note": f"{h['description'] or ''}（{h['status']}，期限 {h['due_date'] or '无'}）"})
        return {"kind": "hazard", "rows": rows}
    if read == UNITS:
        rows = []
        for u in facts[UNITS]:
            m = rule([u], start, end)
            if m.denominator:
                rows.append({"id": u["id"], "title": u["name"], "date": "", "counted": bool(m.numerator),
                             "note": f"{u['sector']}，{u['status']}"})
        return {"kind": "unit", "rows": rows}
    if read == ENFORCEMENT:
        enforcement = facts[ENFORCEMENT]
        if target_id == "T05":
            rows = []
            for u in enforcement.high_risk_units:
                m = rule(EnforcementFacts([u], enforcement.inspections), start, end)
                if m.denominator:
                    rows.append({"id": u["id"], "title": u["name"], "date": "", "counted": bool(m.numerator),
                                 "note": f"{u['status']}"})
            return {"kind": "unit", "rows": rows}
        rows = [{"id": i["id"], "title": i["mode"], "date": i["date"], "counted": True, "note": ""}
                for i in enforcement.inspections if start <= i["date"] <= end]
        return {"kind": "inspection", "rows": [r for r in rows if _mode_counts(target_id, r["title"])]}
    if read == EMERGENCY:
        return {"kind": "team", "rows": [
            {"id": t.get("id", ""), "title": t.get("name") or t["type"], "date": t.get("founded") or "",
             "counted": bool(t.get("equipment_complete")) if target_id == "T40a" else True,
             "note": f"{t['type']}，{station_name(t['township'])}"} for t in facts[EMERGENCY].teams]}
    if read == RECORDS:
        kind = _BEHIND_KINDS[target_id]
        listed = getattr(facts[RECORDS], _KIND_FACTS[kind])
        spans = [(start, end)]
        if target_id in ("G2", "T07", "T08", "T43"):  # and the same span of last year
            spans.append(last_year(start, end))
        rows = []
        for r in listed:
            day = r.get("paid_on") if kind == "reward" and r.get("paid_on") else r["date"]
            if not any(first <= day <= last for first, last in spans):
                continue
            alone = rule(replace(facts[RECORDS], **{_KIND_FACTS[kind]: [r]}), start, end)
            counted = bool(alone.numerator) or (alone.versus and bool(alone.denominator)) or target_id == "T43"
            rows.append({"id": r["id"], "title": _record_title(kind, r), "date": day, "counted": counted,
                         "note": "" if day >= start else "上年同期"})
        return {"kind": kind, "rows": rows}
    return {"kind": "progress", "rows": [
        {"id": e["id"], "title": e["target_id"], "date": e["period"], "counted": True,
         "note": f"完成值 {e['value'] or '—'}，分子 {e['numerator'] or '—'}，分母 {e['denominator'] or '—'}"
                 f"{'，' + e['reporter'] if e['reporter'] else ''}（{station_name(e['township'])}）"}
        for e in facts[PROGRESS].entries if e["target_id"].split(" ", 1)[0] == target_id]}


def _mode_counts(target_id: str, mode: str) -> bool:
    from pjdesk.core.inspection import PLANNED, RANDOM

    return mode == {"T25": PLANNED, "T26": RANDOM}.get(target_id, mode)


def _record_title(kind: str, r: Mapping) -> str:
    if kind == "accident":
        return f"{r['level'] or ''}事故 {r['industry'] or ''}，死亡 {r['deaths']}、失踪 {r['missing']}"
    if kind == "fire":
        return f"森林火灾，受害森林 {r['forest_ha100'] / 100:g} 公顷"
    if kind == "road_check":
        return f"骑乘 {r['riders']} 人戴头盔 {r['helmeted']}；车辆 {r['vehicles']} 辆改装 {r['modified']}"
    if kind == "reward":
        return f"有奖举报（{r['verified']}）"
    if kind == "exposure":
        return f"曝光 {r['batch'] or ''}".strip()
    return r.get("meeting_type") or ""
