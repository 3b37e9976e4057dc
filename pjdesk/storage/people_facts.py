"""The people of a day D, with what they have of training and certificates, for the targets T17, T18a, T18b,
T51 and T52, 表6 and the lists behind them.

One SQL view of each person 在册 on D (the one definition of pjdesk.core.person, as SQL) with: the sector
and 高危 mark of the unit, whether the person had a training 考核合格 dated from 1 January to D, the hours of
those trainings against the yearly minimum (pjdesk.core.training_hours, as a CASE), the certificate types
valid on D, and those of them that stop being valid within 60 days of D (表6). ``people_counts`` groups it
(the counts every rate and 表6 are sums of); ``people_rows`` lists the persons of a part of it. Records count by their own dates, whenever entered; deleted ones do not count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pjdesk.core.person import PASSED, lapse_date_sql, on_roster_sql, valid_on_sql
from pjdesk.core.qualifications import DUE_WITHIN_DAYS
from pjdesk.core.training_hours import FIRST, YEARLY, TrainingMinimum

from .database import Store

CERT_SEPARATOR = "|"
# The columns a person's facts are grouped by (people_counts) and listed with (people_rows).
GROUPED = ("township", "role_class", "employment", "sector", "high_risk", "trained", "hours_met", "certs",
           "certs_due")


def _quoted(values: Sequence[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def required_hours_sql(minimum: TrainingMinimum) -> str:
    """The yearly minimum of each person as an SQL expression over ``role_class``, ``sector`` and
    ``hired_in_year``: the twin of TrainingMinimum.required."""
    managers, sectors = _quoted(minimum.managers), _quoted(minimum.high_risk_sectors)
    cases = []
    for group, condition in (
            ("managers_high_risk", f"role_class IN ({managers}) AND sector IN ({sectors})"),
            ("managers", f"role_class IN ({managers})"),
            ("others_high_risk", f"sector IN ({sectors})")):
        hours = minimum.hours[group]
        cases.append(f"WHEN {condition} THEN CASE WHEN hired_in_year THEN {float(hours[FIRST])!r}"
                     f" ELSE {float(hours[YEARLY])!r} END")
    others = minimum.hours["others"]
    return (f"CASE {' '.join(cases)} ELSE CASE WHEN hired_in_year THEN {float(others[FIRST])!r}"
            f" ELSE {float(others[YEARLY])!r} END END")


def _people_sql(minimum: TrainingMinimum, township: str | None, where: str = "") -> str:
    """Every person 在册 on :day (of ``township``, or all) with the facts the rates read, as a sub-query."""
    own = "AND p.township = :township" if township else ""
    return f"""
    WITH roster AS (
        SELECT p.id, p.township, p.name, p.unit_id, u.name AS unit_name, p.role_class, p.employment, p.hired,
               u.sector AS sector, COALESCE(u.is_high_risk, 0) AS high_risk,
               (p.hired IS NOT NULL AND p.hired >= :year_start) AS hired_in_year
        FROM person p LEFT JOIN unit u ON u.id = p.unit_id AND u.deleted = 0
        WHERE p.deleted = 0 {own} AND {on_roster_sql("p", ":day")}
    ),
    trained AS (
        SELECT a.person_id, SUM(COALESCE(t.hours, 0)) AS hours
        FROM training_attendee a JOIN training t ON t.id = a.training_id AND t.deleted = 0
        WHERE a.deleted = 0 AND a.result = '{PASSED}' AND t.date BETWEEN :year_start AND :day
          AND a.person_id IN (SELECT id FROM roster)
        GROUP BY a.person_id
    ),
    certified AS (
        SELECT c.person_id, GROUP_CONCAT(DISTINCT c.cert_type) AS certs,
               GROUP_CONCAT(DISTINCT CASE WHEN {lapse_date_sql("c")} <= :soon THEN c.cert_type END) AS certs_due
        FROM certificate c
        WHERE c.deleted = 0 AND {valid_on_sql("c", ":day")} AND c.person_id IN (SELECT id FROM roster)
        GROUP BY c.person_id
    ),
    people AS (
        SELECT r.*, t.hours IS NOT NULL AS trained, COALESCE(t.hours, 0) AS hours, ({required_hours_sql(minimum)})
               AS required, COALESCE(c.certs, '') AS certs,
               COALESCE(c.certs_due, '') AS certs_due
        FROM roster r LEFT JOIN trained t ON t.person_id = r.id LEFT JOIN certified c ON c.person_id = r.id
    )
    SELECT *, hours >= required AS hours_met FROM people {where}
    """


def _params(day: str, year_start: str, township: str | None) -> dict:
    soon = dt.date.fromisoformat(day) + dt.timedelta(days=DUE_WITHIN_DAYS)
    params = {"day": day, "year_start": year_start, "soon": soon.isoformat()}
    if township:
        params["township"] = township
    return params


def people_counts(store: Store, *, day: str, year_start: str, minimum: TrainingMinimum,
                  township: str | None = None) -> list[dict]:
    """The persons 在册 on ``day`` counted by the columns of GROUPED (``certs``: the types of the certificates
    valid on ``day``, sorted and ``|``-joined), each group with ``people``, its number of persons."""
    columns = ", ".join(GROUPED)
    sql = (f"SELECT {columns}, COUNT(*) AS people FROM ({_people_sql(minimum, township)})"
           f" GROUP BY {columns}")
    rows = store._rows(sql, _params(day, year_start, township))
    merged: dict[tuple, dict] = {}
    for row in rows:
        # GROUP_CONCAT(DISTINCT …) has no order: the same set may come in two spellings.
        for column in ("certs", "certs_due"):
            row[column] = CERT_SEPARATOR.join(sorted(filter(None, (row[column] or "").split(","))))
        key = tuple(row[c] for c in GROUPED)
        if key in merged:
            merged[key]["people"] += row["people"]
        else:
            merged[key] = row
    return list(merged.values())


def people_rows(store: Store, *, day: str, year_start: str, minimum: TrainingMinimum, township: str | None = None,
                roles: Sequence[str] | None = None, sector: str | None = None, high_risk_unit: bool = False,
                limit: int | None = None) -> list[dict]:
    """The persons 在册 on ``day`` of a part of the roster (by 岗位类别, the unit's sector, 高危企业), in the
    order of their unit and name: ``id``, ``township``, ``name``, ``unit_id``, ``unit_name``, the columns
    of GROUPED (``certs`` as a list), ``hired``, ``hours`` and ``required``."""
    clauses, params = [], _params(day, year_start, township)
    if roles is not None:
        clauses.append(f"role_class IN ({_quoted(roles)})")
    if sector is not None:
        clauses.append("sector = :sector")
        params["sector"] = sector
    if high_risk_unit:
        clauses.append("high_risk = 1")
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = _people_sql(minimum, township, where) + " ORDER BY unit_name, name, id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    rows = store._rows(sql, params)
    for row in rows:
        for column in ("certs", "certs_due"):
            row[column] = sorted(filter(None, row[column].split(",")))
    return rows
