"""表1 安全生产工作月报（综合）: a township's month and year to date, or the county's 汇总 of the month by
township, from every kind (pjdesk.forms.table1_returns). The hazards are counted as they stood at the month's
end (表2's facts); accidents' 同比 compare with the same span of last year from that span's records, and say
无记录 when this station kept none by then (as the targets G2 do: pjdesk.indicators.record_targets).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pjdesk.core.hazard import GENERAL, MAJOR
from pjdesk.core.periods import Month
from pjdesk.core.townships import station_name, townships
from pjdesk.forms.spec import FormSpec
from pjdesk.forms.table1_returns import COUNTY_TABLE1, TABLE1
from pjdesk.indicators.record_targets import dead, last_year, production
from pjdesk.storage import target_facts
from pjdesk.storage.inspection_facts import documents_between, inspections_between
from pjdesk.storage.period_facts import hazards_as_of

from .session import Session
from .targets import _stamp_after

REFERRAL = "案件移送书"


def table1(session: Session, month: Month, township: str | None = None, hazards: list[dict] | None = None) -> tuple[
        FormSpec, list[dict], dict | None, tuple[str, ...]]:
    """表1's spec, rows, 合计 (None: summed) and notes: a township's 本月 and 本年累计, or on the county
    without ``township`` a row per township of the roster for the month. ``hazards``: the month's hazards as
    they stood at its end, when the caller has read them for the month's other forms (returns.month_facts)."""
    station = session.require_station()
    scope = (township or None) if station.is_county else station.code
    m_start, end, y_start = month.start.isoformat(), month.end.isoformat(), month.year_start.isoformat()
    store = session.store
    if hazards is None:
        hazards = hazards_as_of(store, year_start=y_start, end=end, township=scope)
    inspections = inspections_between(store, start=y_start, end=end, township=scope)
    documents = {span: documents_between(store, start=span, end=end, township=scope) for span in (m_start, y_start)}
    since = f"{month.year - 1:04d}-01-01"
    accidents = target_facts.dated_between(store, "accident", start=since, end=end, township=scope)
    rewards = target_facts.dated_between(store, "reward", start=y_start, end=end, township=scope)
    kept_since = target_facts.kept_since(store, township=scope)
    trainings = {span: target_facts.counts_between(store, "training", "date", start=span, end=end, township=scope)
                 for span in (m_start, y_start)}
    drills = {span: target_facts.counts_between(store, "drill", "date", start=span, end=end, township=scope)
              for span in (m_start, y_start)}
    banned = {span: _by_township(target_facts.units_banned(store, after=_stamp_after(_day_before(span)),
                                                            by=_stamp_after(end), township=scope))
              for span in (m_start, y_start)}

    def figures(code: str | None, start: str) -> dict:
        def own(rows: Iterable[Mapping]) -> list[Mapping]:
            return [r for r in rows if code is None or r["township"] == code]
        return _figures(own(hazards), own(inspections), own(documents[start]), own(accidents), own(rewards),
                        start, end, kept_since, counts={
                            "trainings": _sum(trainings[start], code), "drills": _sum(drills[start], code),
                            "banned": _sum(banned[start], code)})

    if scope is None:
        rows = [{"label": station_name(t.code), **figures(t.code, m_start)} for t in townships()]
        total = {"label": "合计", "versus": figures(None, m_start)["versus"]}
        year = figures(None, y_start)
        notes = (f"全县本年累计：检查 {year['inspections']} 家次，发现隐患 {year['found']} 项、已整改 {year['fixed']} 项，"
                 f"执法文书 {year['documents']} 份，生产安全事故 {year['accidents']} 起、死亡（含失踪） {year['deaths']} 人，"
                 f"同比：{year['versus']}。",)
        return COUNTY_TABLE1, rows, total, notes
    rows = [{"label": "本月", **figures(scope, m_start)}, {"label": "本年累计", **figures(scope, y_start)}]
    return TABLE1, rows, None, ()


def _day_before(day: str) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()


def _sum(counts: Mapping[str, int], code: str | None) -> int:
    return sum(counts.values()) if code is None else counts.get(code, 0)


def _by_township(units: Iterable[Mapping]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for u in units:
        counts[u["township"]] = counts.get(u["township"], 0) + 1
    return counts


def _figures(hazards, inspections, documents, accidents, rewards, start: str, end: str, kept_since: str | None,
             counts: Mapping[str, int]) -> dict:
    found = [h for h in hazards if start <= h["found_date"] <= end]
    checks = [i for i in inspections if start <= i["date"] <= end]
    papers = list(documents)
    this = production(a for a in accidents if start <= a["date"] <= end)
    known = kept_since is not None and kept_since <= last_year(start, end)[1]
    before = production(a for a in accidents if last_year(start, end)[0] <= a["date"] <= last_year(start, end)[1])
    f = {
        "inspections": len(checks),
        "inspections_high_risk": sum(1 for i in checks if i["unit_high_risk"]),
        "found_general": sum(1 for h in found if h["level"] == GENERAL),
        "found_major": sum(1 for h in found if h["level"] == MAJOR),
        "fixed_general": sum(1 for h in found if h["level"] == GENERAL and h["rectified_date"]),
        "fixed_major": sum(1 for h in found if h["level"] == MAJOR and h["rectified_date"]),
        "documents": len(papers),
        "referrals": sum(1 for d in papers if d["doc_type"] == REFERRAL),
        "stopped": sum(1 for i in checks if i["stop_order"]),
        "rewards_received": sum(1 for r in rewards if start <= r["date"] <= end),
        "rewards_paid": sum(1 for r in rewards if r["paid_on"] and start <= r["paid_on"] <= end),
        "accidents": len(this),
        "deaths": dead(this),
        "versus": _versus(this, before) if known else "上年同期无记录",
        **counts,
    }
    f["found"] = f["found_general"] + f["found_major"]
    f["fixed"] = f["fixed_general"] + f["fixed_major"]
    return f


def _versus(this: list, before: list) -> str:
    """同比 in a few characters: the change in accidents and dead, and last year's figures."""
    if not this and not before:
        return "均为0"
    return f"{len(this) - len(before):+d}起{dead(this) - dead(before):+d}人（上年{len(before)}起{dead(before)}人）"
