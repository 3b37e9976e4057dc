"""表5, 表8 and 表9 filled from the records (pjdesk.forms.plan_returns): a township's month of accidents, forest
fires or road checks with the year's figures in the notes, or on the county without ``township`` the 汇总 with a
row per township of the roster. Each figure is defined once in pjdesk.core.plan_records (亡人, 同比, 受害率,
the levels) and pjdesk.core.emergency (the teams); these gather and count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pjdesk.core import plan_records as rules
from pjdesk.core.emergency import FOREST_TEAM
from pjdesk.core.errors import PjdeskError
from pjdesk.core.periods import Month
from pjdesk.core.records import split_tags
from pjdesk.core.townships import station_name, townships
from pjdesk.forms.plan_returns import COUNTY_TABLE5, COUNTY_TABLE8, COUNTY_TABLE9, TABLE5, TABLE8, TABLE9
from pjdesk.forms.spec import FormSpec
from pjdesk.storage import emergency_facts, plan_facts
from pjdesk.storage.period_facts import hazards_as_of

from .forest_areas import forest_areas
from .session import Session

Built = tuple[FormSpec, list[dict], dict | None, tuple[str, ...]]
LARGER_OR_WORSE = (rules.LARGER, rules.GRAVE, rules.GRAVEST)
BLOCKED_TAGS = ("人员密集场所封堵安全出口/疏散通道", "高层建筑封堵安全出口/疏散通道")
HOUSE_TAG, HOUSE_SECTOR = "自建房", "自建房经营"


def _scope(session: Session, township: str | None) -> str | None:
    station = session.require_station()
    return township if station.is_county else station.code


def _label(code: str) -> str:
    try:
        return station_name(code)
    except PjdeskError:
        return code


def _last_year(month: Month) -> Month:
    return Month(month.year - 1, month.month)


def _read(session: Session, table: str, month: Month, scope: str | None) -> tuple[list[dict], list[dict], list[dict]]:
    """The records of this month, of the year up to its end, and of last year's same period."""
    store, last = session.store, _last_year(month)
    ytd = plan_facts.between(store, table, start=month.year_start.isoformat(), end=month.end.isoformat(),
                             township=scope)
    day = "occurred" if table == "accident" else "date"
    this_month = [r for r in ytd if r[day] >= month.start.isoformat()]
    before = plan_facts.between(store, table, start=last.year_start.isoformat(), end=last.end.isoformat(),
                                township=scope)
    return this_month, ytd, before


def _per_township(rows: Iterable[dict]) -> Callable[[str], list[dict]]:
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["township"], []).append(row)
    return lambda code: groups.get(code, [])


def _roster() -> list[str]:
    return [t.code for t in townships()]


# --- 表5 ----------------------------------------------------------------------------------------------------------
def _nature(accident: dict) -> str:
    return "生产安全事故" if accident["is_production"] else "自然灾害亡人" if accident["is_disaster"] else "其他"


def _accident_figures(month_rows: list[dict], ytd: list[dict], before: list[dict]) -> dict:
    production = [a for a in ytd if a["is_production"]]
    this_month = [a for a in month_rows if a["is_production"]]
    last = [a for a in before if a["is_production"]]
    ytd_count, last_count = len(production), len(last)
    ytd_dead, last_dead = sum(map(rules.dead, production)), sum(map(rules.dead, last))
    return {
        "month_count": len(this_month), "month_dead": sum(map(rules.dead, this_month)),
        "ytd_count": ytd_count, "ytd_dead": ytd_dead, "last_count": last_count, "last_dead": last_dead,
        "change_count": rules.year_on_year(ytd_count, last_count),
        "change_dead": rules.year_on_year(ytd_dead, last_dead),
        "larger": sum(1 for a in production if a["level"] in LARGER_OR_WORSE),
        "ytd_loss": sum(a["loss"] or 0 for a in production),
        "disaster_month": sum(rules.dead(a) for a in month_rows if a["is_disaster"]),
        "disaster_ytd": sum(rules.dead(a) for a in ytd if a["is_disaster"]),
        "disaster_last": sum(rules.dead(a) for a in before if a["is_disaster"]),
    }


def table5(session: Session, month: Month, township: str | None = None) -> Built:
    scope = _scope(session, township)
    this_month, ytd, before = _read(session, "accident", month, scope)
    if scope is None:
        of_month, of_year, of_last = _per_township(this_month), _per_township(ytd), _per_township(before)
        rows = [{"label": _label(code), **_accident_figures(of_month(code), of_year(code), of_last(code))}
                for code in _roster()]
        county = _accident_figures(this_month, ytd, before)
        total = {k: county[k] for k in ("change_count", "change_dead")}
        return COUNTY_TABLE5, rows, total, ()
    rows = [{"occurred": a["occurred"], "unit": a["unit_name"] or a["party_name"] or "",
             "industry": a["industry"] or "", "category": a["category"], "level": a["level"], "kind": _nature(a),
             "deaths": a["deaths"] or 0, "missing": a["missing"] or 0, "serious": a["serious"] or 0,
             "minor": a["minor"] or 0, "loss": a["loss"] or 0, "summary": a["summary"]} for a in this_month]
    f = _accident_figures(this_month, ytd, before)
    notes = (
        f"生产安全事故：本月 {f['month_count']} 起、亡人 {f['month_dead']} 人；本年累计 {f['ytd_count']} 起、"
        f"亡人 {f['ytd_dead']} 人（其中较大以上 {f['larger']} 起），直接经济损失 {f['ytd_loss'] / 1_000_000:.2f} 万元；"
        f"去年同期 {f['last_count']} 起、亡人 {f['last_dead']} 人。",
        f"同比：起数{rules.year_on_year_text(f['ytd_count'], f['last_count'])}，"
        f"亡人{rules.year_on_year_text(f['ytd_dead'], f['last_dead'])}。",
        f"自然灾害亡人：本月 {f['disaster_month']} 人，本年累计 {f['disaster_ytd']} 人，去年同期 {f['disaster_last']} 人。",
    )
    return TABLE5, rows, None, notes


# --- 表8 ----------------------------------------------------------------------------------------------------------
def _fire_figures(code: str | None, month_rows: list[dict], ytd: list[dict], before: list[dict],
                  teams: list[dict], areas: dict[str, float]) -> dict:
    forest = sum(f["forest_ha100"] or 0 for f in ytd)
    area = round(areas[code] * 100) if code in areas else None
    forest_teams = [t for t in teams if t["type"] == FOREST_TEAM]
    return {
        "month_count": len(month_rows), "ytd_count": len(ytd), "last_count": len(before),
        "change": rules.year_on_year(len(ytd), len(before)),
        "larger": sum(1 for f in ytd if f["level"] in LARGER_OR_WORSE),
        "ytd_burned": sum(f["burned_ha100"] or 0 for f in ytd), "ytd_forest": forest,
        "area": area, "rated_forest": forest if area else 0,
        "teams": len(forest_teams), "teams_equipped": sum(1 for t in forest_teams if t["equipment_complete"]),
    }


def table8(session: Session, month: Month, township: str | None = None) -> Built:
    scope = _scope(session, township)
    this_month, ytd, before = _read(session, "fire", month, scope)
    teams = emergency_facts.teams(session.store, founded_by=month.end.isoformat(), township=scope)
    areas = forest_areas(session)  # 森林总面积 as the county sets them
    if scope is None:
        of_month, of_year, of_last, of_teams = (_per_township(this_month), _per_township(ytd),
                                                _per_township(before), _per_township(teams))
        rows = [{"label": _label(code), **_fire_figures(code, of_month(code), of_year(code), of_last(code),
                                                         of_teams(code), areas)} for code in _roster()]
        # 森林总面积 of the county: of the townships it is set for (blank when none is).
        total = {"change": rules.year_on_year(len(ytd), len(before)),
                 "area": sum(r["area"] for r in rows if r["area"]) or None}
        return COUNTY_TABLE8, rows, total, ()
    rows = [{"date": f["date"], "village": f["village"], "burned": f["burned_ha100"] or 0,
             "forest": f["forest_ha100"] or 0, "cause": f["cause"] or "", "level": f["level"],
             "deaths": f["deaths"] or 0, "serious": f["serious"] or 0} for f in this_month]
    f = _fire_figures(scope, this_month, ytd, before, teams, areas)
    damage = rules.fire_damage_rate(f["ytd_forest"], f["area"])
    rate_text = (f"受害率 {damage * 1000:.2f}‰（森林总面积 {f['area'] / 100:.2f} 公顷）" if damage is not None
                 else "受害率无法计算（县里尚未设定本乡镇森林总面积）")
    notes = (
        f"森林火灾：本月 {f['month_count']} 起；本年累计 {f['ytd_count']} 起（其中较大以上 {f['larger']} 起），"
        f"去年同期 {f['last_count']} 起，同比{rules.year_on_year_text(f['ytd_count'], f['last_count'])}。",
        f"本年过火面积 {f['ytd_burned'] / 100:.2f} 公顷，受害森林面积 {f['ytd_forest'] / 100:.2f} 公顷，{rate_text}。",
        f"半专业森林消防队（截至月末）：已建 {f['teams']} 支，其中装备配齐 {f['teams_equipped']} 支。",
    )
    return TABLE8, rows, None, notes


# --- 表9 ----------------------------------------------------------------------------------------------------------
def _hazard_figures(hazards: list[dict], year_start: str) -> dict:
    found = [h for h in hazards if h["found_date"] >= year_start]
    blocked = [h for h in found if set(split_tags(h["tags"])) & set(BLOCKED_TAGS)]
    houses = [h for h in found if HOUSE_TAG in split_tags(h["tags"]) or h["sector"] == HOUSE_SECTOR]
    return {"blocked_found": len(blocked), "blocked_fixed": sum(1 for h in blocked if h["rectified_date"]),
            "houses_found": len(houses), "houses_fixed": sum(1 for h in houses if h["rectified_date"])}


def _check_figures(checks: list[dict]) -> dict:
    return {key: sum(c[key] or 0 for c in checks) for key in ("riders", "helmeted", "vehicles", "modified")}


def table9(session: Session, month: Month, township: str | None = None, hazards: list[dict] | None = None) -> Built:
    scope = _scope(session, township)
    this_month, ytd, _ = _read(session, "road_check", month, scope)
    year_start = month.year_start.isoformat()
    if hazards is None:
        hazards = hazards_as_of(session.store, year_start=year_start, end=month.end.isoformat(), township=scope)
    if scope is None:
        of_month, of_hazards = _per_township(this_month), _per_township(hazards)
        rows = [{"label": _label(code), **_check_figures(of_month(code)),
                 **_hazard_figures(of_hazards(code), year_start)} for code in _roster()]
        return COUNTY_TABLE9, rows, None, ()
    rows = [{"date": c["date"], "place": c["place"], **_check_figures([c])} for c in this_month]
    year, h = _check_figures(ytd), _hazard_figures(hazards, year_start)

    def pct(part: int, whole: int) -> str:
        value = rules.rate(part, whole)
        return "—" if value is None else f"{value * 100:.1f}%"

    notes = (
        f"本年累计：观测骑乘人员 {year['riders']} 人次，戴头盔 {year['helmeted']} 人次，戴帽率 "
        f"{pct(year['helmeted'], year['riders'])}；检查车辆 {year['vehicles']} 辆，非法改装 {year['modified']} 辆，"
        f"改装率 {pct(year['modified'], year['vehicles'])}。",
        f"人员密集场所及高层建筑封堵通道隐患（本年）：发现 {h['blocked_found']} 项，已整改 {h['blocked_fixed']} 项，"
        f"整改率 {pct(h['blocked_fixed'], h['blocked_found'])}。",
        f"自建房隐患（本年）：发现 {h['houses_found']} 项，已整改 {h['houses_fixed']} 项，"
        f"整改率 {pct(h['houses_fixed'], h['houses_found'])}。",
    )
    return TABLE9, rows, None, notes
