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
from pjdesk.core.training_hours import TrainingMinimum, county_settings, training_minimum
from pjdesk.indicators import PeopleFacts
from pjdesk.indicators.people_targets import RATES, PeopleRate
from pjdesk.storage.people_facts import people_counts, people_rows

from .session import Session

MINIMUM_SETTING = "training_minimum"  # {"others.yearly": 8}: the county's figures (CountySetting.key → hours)
LIST_LIMIT = 5000  # the most persons a list of one number shows (it says how many more there are)


def minimum_overrides(session: Session) -> dict[str, float]:
    """The figures of the training minimum this station set (a county setting), by key; {} for the defaults."""
    kept = session.store.setting(MINIMUM_SETTING)
    try:
        data = json.loads(kept) if kept else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def current_minimum(session: Session) -> TrainingMinimum:
    """The yearly training minimum this station counts with: the table of resources, with its own settings."""
    return training_minimum(minimum_overrides(session))


def set_minimum(session: Session, values: Mapping[str, float | None]) -> TrainingMinimum:
    """Keep the county's figures of the training minimum (a value None: back to the default). Only the figures
    marked as county settings may be set, each a number of hours from 1 to 200."""
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
