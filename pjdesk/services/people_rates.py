"""The training and certificate rates (T17, T18a, T18b, T51, T52) as of a day, the people behind each number,
and the county's setting of the yearly training minimum.

The rates are the targets' (pjdesk.indicators.people_targets over pjdesk.storage.people_facts); the 工作台,
``pjdesk targets``, 表6 and the lists of people all read them from here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from pjdesk.core.errors import PjdeskError
from pjdesk.core.periods import Month
from pjdesk.core.records import vocabulary
from pjdesk.core.townships import station_name, townships
from pjdesk.core.training_hours import TrainingMinimum, county_settings, training_minimum
from pjdesk.forms.people_returns import COUNTY_TABLE6, TABLE6
from pjdesk.forms.spec import FormSpec
from pjdesk.indicators import PeopleFacts
from pjdesk.indicators.people_targets import FLEXIBLE, RATES, SECONDED, PeopleRate, employment_measure
from pjdesk.storage.people_facts import people_counts, people_counts_each, people_rows

from .session import Session

UNCLASSIFIED = "未分类"  # 表6's row of people whose unit has no sector (or no unit)

MINIMUM_SETTING = "training_minimum"  # {"others.yearly": 10}: the county's figures (CountySetting.key → hours)
LIST_LIMIT = 5000  # the most persons a list of one number shows (it says how many more there are)


def minimum_overrides(session: Session) -> dict[str, float]:
    """The county's figures of the training minimum, by key ({} for the table's defaults): on the county its
    own setting; on a township those the county sent with its targets (pjdesk.services.county_data)."""
    if session.require_station().is_county:
        kept = session.store.setting(MINIMUM_SETTING)
        try:
            data = json.loads(kept) if kept else {}
        except ValueError:
            return {}
    else:
        from .county_data import county_data

        data = (county_data(session)["targets"] or {}).get("training_minimum") or {}
    return dict(data) if isinstance(data, dict) else {}


def current_minimum(session: Session) -> TrainingMinimum:
    """The yearly training minimum this station counts with: the table of resources, with the county's figures."""
    return training_minimum(minimum_overrides(session))


def set_minimum(session: Session, values: Mapping[str, float | None]) -> TrainingMinimum:
    """Keep the county's figures of the training minimum (a value None: back to the default); the townships
    receive them with the county's targets. Only the county sets them, and only the figures marked as county
    settings, each a number of hours from 1 to 200."""
    if not session.require_station().is_county:
        raise PjdeskError("培训学时下限由县级设置，随县级下发的目标任务一起送达乡镇")
    known = {s.key: s for s in county_settings()}
    chosen = minimum_overrides(session)
    for key, value in values.items():
        if key not in known:
            raise PjdeskError(f"“{key}”不是可由县级设置的培训学时")
        if value is None:
            chosen.pop(key, None)
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not 1 <= value <= 200:
            raise PjdeskError(f"{known[key].label}应为 1 到 200 之间的学时数")
        chosen[key] = value
    session.store.set_settings({MINIMUM_SETTING: json.dumps(chosen, sort_keys=True) if chosen else None})
    return current_minimum(session)


def people_facts(session: Session, *, day: str, year_start: str, township: str | None) -> PeopleFacts:
    """The persons 在册 on ``day`` (of ``township``, or all the station holds), grouped as the rates read them."""
    return PeopleFacts(people_counts(session.store, day=day, year_start=year_start,
                                     minimum=current_minimum(session), township=township))


def table6_facts_each(session: Session, months: list[Month], township: str | None = None) -> list[PeopleFacts] | None:
    """表6's people facts for several months of one township (a year of returns) in one read, each as table6
    reads them for its month; None where 表6 counts the whole county (table6 reads each month itself)."""
    station = session.require_station()
    scope = township if station.is_county else station.code
    if not scope:
        return None
    days = [(min(month.end, session.today()).isoformat(), month.year_start.isoformat()) for month in months]
    return [PeopleFacts(groups) for groups in
            people_counts_each(session.store, days, minimum=current_minimum(session), township=scope)]


@dataclass(frozen=True)
class RatePeople:
    """The persons of a rate's base on its day: ``counted`` (in the numerator) or not, each with what it lacks
    (``lacks``); ``total`` how many there are, of which at most LIST_LIMIT are listed."""

    target_id: str
    day: str
    counted: bool
    people: list[dict]
    total: int


def rate_people(session: Session, target_id: str, month: Month | None = None, *, counted: bool = False,
                township: str | None = None) -> RatePeople:
    """Who is behind a number of a rate for the year to the end of ``month`` (today for the month under way):
    the persons of its base in its numerator (``counted``) or missing from it, with what each lacks, in the
    order of their unit and name. On a township its own people; on the county all, or ``township``'s."""
    rate = _rate(target_id)
    station = session.require_station()
    month = month or Month.of(session.today())
    day = min(month.end, session.today()).isoformat()
    scope = township if station.is_county else station.code
    rows = people_rows(session.store, day=day, year_start=month.year_start.isoformat(),
                       minimum=current_minimum(session), township=scope, **rate.base_filter())
    chosen = [dict(r, lacks=rate.lacks(r)) for r in rows if rate.in_numerator(r) == counted]
    return RatePeople(target_id, day, counted, chosen[:LIST_LIMIT], len(chosen))


def _rate(target_id: str) -> PeopleRate:
    try:
        return RATES[target_id]
    except KeyError:
        raise PjdeskError(f"{target_id} 不是人员培训与持证的指标") from None


def is_people_rate(target_id: str) -> bool:
    return target_id in RATES


# --- 表6 教育培训与持证统计表 ---------------------------------------------------------------------------------------
def table6_counts(groups: list[dict]) -> dict:
    """表6's figures for one row (a sector, a township, or all) of the grouped people: each a sum of the rates'
    own counts (T52 and its 劳务派遣 and 灵活用工 parts, T17, T51, T18a, T18b), and the special operators
    among T51's counted whose certificate falls due within 60 days."""
    counts = {}
    for prefix, measure in (
            ("employees", RATES["T52"].measure(groups)),
            ("seconded", employment_measure(RATES["T52"], groups, SECONDED)),
            ("flexible", employment_measure(RATES["T52"], groups, FLEXIBLE)),
            ("three", RATES["T17"].measure(groups)),
            ("special", RATES["T51"].measure(groups)),
            ("managers", RATES["T18a"].measure(groups)),
            ("operators", RATES["T18b"].measure(groups))):
        counts[prefix] = measure.denominator
        counts[f"{prefix}_{'trained' if prefix in ('employees', 'seconded', 'flexible', 'three') else 'certified'}"] = (
            measure.numerator)
    t51 = RATES["T51"]
    counts["special_due"] = sum(g["people"] for g in groups if t51.in_base(g) and t51.in_numerator(
        {**g, "certs": g["certs_due"]}))
    return counts


def table6(session: Session, month: Month, township: str | None = None, facts: PeopleFacts | None = None) -> tuple[
        FormSpec, list[dict], dict, tuple]:
    """表6 of ``month`` as of its last day (today for the month under way): the spec, its rows (a township's by
    行业领域, every sector of the vocabulary with zeros; the county's 汇总 by township of the roster), 合计,
    and no notes besides the spec's. ``facts``: the month's, when the caller has read several months at once
    (table6_facts_each)."""
    station = session.require_station()
    day = min(month.end, session.today()).isoformat()
    scope = township if station.is_county else station.code
    if facts is None:
        facts = people_facts(session, day=day, year_start=month.year_start.isoformat(), township=scope)
    groups = facts.groups
    if station.is_county and township is None:
        spec, key, order = COUNTY_TABLE6, "township", [t.code for t in townships()]
    else:
        spec, key, order = TABLE6, "sector", list(vocabulary("sector"))
    by_row: dict[str, list[dict]] = {}
    for g in groups:
        by_row.setdefault(g[key] or UNCLASSIFIED, []).append(g)
    keys = [*order, *sorted(k for k in by_row if k not in order and k != UNCLASSIFIED),
            *([UNCLASSIFIED] if UNCLASSIFIED in by_row else [])]
    rows = [{"label": _row_label(k, key), **table6_counts(by_row.get(k, []))} for k in keys]
    return spec, rows, {"label": "合计", **table6_counts(groups)}, ()


def _row_label(value: str, key: str) -> str:
    if key != "township" or value == UNCLASSIFIED:
        return value
    try:
        return station_name(value)
    except PjdeskError:
        return value
