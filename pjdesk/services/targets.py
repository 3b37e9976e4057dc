"""The work plan's targets for this station, from 1 January to the end of a month.

The same evaluations feed the 工作台 and ``pjdesk targets --json``: the hazards as they stood at the period's
end (pjdesk.storage.period_facts), and the high-risk units with their status then and the inspections of the
period (pjdesk.storage.inspection_facts), and the people on the roster at the period's end with their
training and certificates (pjdesk.services.people_rates), and the emergency teams built by then
(pjdesk.services.emergency). On a township the units and inspections counted
are those of its own units; on the county, the whole county's, and each township's apart.
"""

from __future__ import annotations

import datetime as dt

from pjdesk.core.clock import format_stamp
from pjdesk.core.periods import Month
from pjdesk.core.townships import station_name, townships
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
from pjdesk.storage.inspection_facts import high_risk_units, inspections_between
from pjdesk.storage.period_facts import hazards_as_of

from .emergency import emergency_facts
from .people_rates import people_facts
from .session import Session

# The hazard rules only look at tagged or major hazards: read only those.
RELEVANT = "h.level = '重大' OR (h.tags IS NOT NULL AND h.tags != '')"


def target_status(session: Session, month: Month | None = None) -> list[Evaluation]:
    """Each computable target with its numerator, denominator, value and whether it is met (None: no data,
    or a county-wide figure on a township), for the year to the end of ``month`` (today, for the month
    under way), in the order of the targets' data."""
    month = month or Month.of(session.today())
    station = session.require_station()
    start, end = _period(session, month)
    facts = _facts(session, start, end, None if station.is_county else station.code)
    return evaluate(facts, start, end, county_wide=station.is_county)


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
    entries = [_entry(e, start, end) for e in evaluate(facts, start, end, county_wide=station.is_county)]
    if not station.is_county:
        return entries
    for entry in entries:
        entry["by_township"] = []
    for township in townships():
        own = evaluate(_of_township(facts, township.code), start, end, county_wide=False)
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
    }


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
    }


def _entry(evaluation: Evaluation, start: str, end: str) -> dict:
    t, m = evaluation.target, evaluation.measure
    target = None
    if t.target is not None and evaluation.judged:
        target = t.target / 100 if t.unit == "%" else t.target
    return {"id": t.id, "name": t.name, "value": m.value, "numerator": m.numerator, "denominator": m.denominator,
            "target": target, "comparator": t.comparator, "met": evaluation.met,
            "note": f"{evaluation.reckoning}（统计期 {start} 至 {end}）"}
